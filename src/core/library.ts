// The core's library facade (core.library): owns the Library database, the scanner, the watcher,
// the roots and the "analyse library" job, and reports what changes through typed events. Front
// ends query `service.library` (synchronous) and call the methods here for anything that scans,
// watches, analyses or writes files.
//
// Scans run one at a time (a request during a scan waits for it and then runs); every scan can be
// cancelled with an AbortSignal and is cancelled by close(). Nothing here blocks the main thread
// for long: tags are read in worker threads and written in short transactions.

import { watch, type FSWatcher } from 'node:fs';
import { readFile, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AuthenticityResult } from '../analysis/plugins/authenticity/index.ts';
import type { DrResult } from '../analysis/plugins/dr/meter.ts';
import type { LoudnessResult } from '../analysis/plugins/loudness/meter.ts';
import { AurisError, asAurisError } from '../util/errors.ts';
import { openLibrary, type Library } from '../library/library.ts';
import { decodePlaylist, formatM3u, parseM3u } from '../library/m3u.ts';
import { refreshAlbums } from '../library/grouping.ts';
import { relOf, scanRoot, type ScanProgress, type ScanResult } from '../library/scanner.ts';
import { cached } from '../library/statements.ts';
import { TagReaderPool } from '../library/tag-pool.ts';
import type { Root } from '../library/types.ts';
import type { JobPriority, JobService } from './jobs.ts';

/** The library's records and scan reports, for the front ends (which import only src/core). */
export type { ScanProgress, ScanResult } from '../library/scanner.ts';
export type { Track } from '../library/types.ts';

/** What the library reports. `database-changed` follows any scan, analysis or root change that altered rows (MPD's `database` idle flag). */
export type LibraryEvent =
  | { readonly type: 'scan-progress'; readonly progress: ScanProgress }
  | { readonly type: 'scan-done'; readonly results: readonly ScanResult[] }
  | { readonly type: 'database-changed' }
  | { readonly type: 'playlist-changed'; readonly name: string }
  | { readonly type: 'sticker-changed'; readonly uri: string }
  | { readonly type: 'analysis-progress'; readonly done: number; readonly total: number };

export type LibraryListener = (event: LibraryEvent) => void;

export interface LibraryServiceOptions {
  /** The data folder holding library.db. */
  readonly dataDir: string;
  /** The job service that analyse() runs on (the core's); analyse() throws E_STATE without it. */
  readonly jobs?: JobService;
  /** Tag reader threads (default: cores, at most 4). */
  readonly tagReaders?: number;
  /** Quiet time after the last file-system event before the watcher scans (default 500 ms). */
  readonly watchDelayMs?: number;
}

/** What an import stored: the playlist's name, its entries, and the lines left out (URLs, paths outside the library). */
export interface PlaylistImport {
  readonly name: string;
  readonly entries: number;
  readonly skipped: number;
}

export interface AnalyseResult {
  readonly analysed: number;
  readonly failed: number;
  readonly cancelled: boolean;
}

export class LibraryService {
  readonly library: Library;
  private readonly listeners = new Set<LibraryListener>();
  private readonly pool: TagReaderPool;
  private scanning: Promise<unknown> = Promise.resolve();
  private readonly shutdown = new AbortController();
  private readonly watchers = new Map<number, FSWatcher>();
  private readonly pendingWatch = new Map<number, Set<string>>();
  private watchTimer: NodeJS.Timeout | null = null;
  /** watch() was called (and not unwatch()): roots added later are watched too. */
  private watching = false;
  private closed = false;

  constructor(private readonly options: LibraryServiceOptions) {
    this.library = openLibrary({ dataDir: options.dataDir });
    this.pool = new TagReaderPool(options.tagReaders);
    // Playlist and sticker changes reach listeners whoever made them (a front end calling the Library, or this service).
    this.library.onChange((c) => this.emit(c.kind === 'playlist' ? { type: 'playlist-changed', name: c.name } : { type: 'sticker-changed', uri: c.uri }));
  }

  /** Adds a listener; returns the function that removes it. Listeners run synchronously, in order. */
  on(listener: LibraryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: LibraryEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own; the library goes on.
      }
    }
  }

  // ---- roots ----

  /**
   * Adds a music folder (not scanned yet: call scan). Its name (the top folder when there are
   * several roots) is the folder's base name, made unique. E_NOT_FOUND when the folder is missing,
   * E_INVALID_ARGUMENT when it is a file or overlaps a root already added.
   */
  async addRoot(folder: string, name?: string): Promise<Root> {
    let real: string;
    try {
      real = await realpath(path.resolve(folder));
      if (!(await stat(real)).isDirectory()) throw new AurisError('E_INVALID_ARGUMENT', `${folder} is not a folder`, { path: folder });
    } catch (e) {
      throw asAurisError(e, 'E_IO');
    }
    const roots = this.library.roots();
    const same = roots.find((r) => r.path === real);
    if (same) return same;
    const overlap = roots.find((r) => real.startsWith(r.path + path.sep) || r.path.startsWith(real + path.sep));
    if (overlap) throw new AurisError('E_INVALID_ARGUMENT', `${real} overlaps the library folder ${overlap.path}`, { path: real, root: overlap.path });
    const base = name ?? (path.basename(real) || 'Music');
    let unique = base;
    for (let i = 2; roots.some((r) => r.name === unique); i++) unique = `${base} (${i})`;
    const id = Number(cached(this.library.db, 'INSERT INTO roots (path, name, added_at) VALUES (?, ?, ?)').run(real, unique, Date.now()).lastInsertRowid);
    this.emit({ type: 'database-changed' });
    if (this.watching) this.watch();
    return this.library.root(id)!;
  }

  /** Removes a root with all its rows (stored playlists keep their entries' uris). */
  removeRoot(id: number): void {
    this.watchers.get(id)?.close();
    this.watchers.delete(id);
    const db = this.library.db;
    db.transaction(() => {
      // The root's albums are recounted after its tracks go (an album can span roots); empty ones are deleted.
      const albums = (cached(db, 'SELECT DISTINCT album_id AS id FROM tracks WHERE root_id = ? AND album_id IS NOT NULL').all(id) as { id: number }[]).map((a) => a.id);
      if (cached(db, 'DELETE FROM roots WHERE id = ?').run(id).changes === 0) throw new AurisError('E_NOT_FOUND', `no library folder with id ${id}`, { id });
      refreshAlbums(db, albums);
    })();
    this.emit({ type: 'database-changed' });
  }

  // ---- scanning ----

  /**
   * Scans every root (or one), incrementally. Resolves with each root's result once done; a
   * cancelled scan (signal or close()) resolves with `cancelled: true`, everything written so far
   * kept. Scans queue: one runs at a time.
   */
  scan(options: { rootId?: number; under?: string; signal?: AbortSignal } = {}): Promise<ScanResult[]> {
    const run = this.scanning.then(() => this.runScan(options));
    this.scanning = run.catch(() => {});
    return run;
  }

  private async runScan(options: { rootId?: number; under?: string; signal?: AbortSignal }): Promise<ScanResult[]> {
    if (this.closed) throw new AurisError('E_STATE', 'the library is closed');
    const signal = options.signal ? AbortSignal.any([options.signal, this.shutdown.signal]) : this.shutdown.signal;
    const roots = this.library.roots().filter((r) => options.rootId === undefined || r.id === options.rootId);
    if (options.rootId !== undefined && roots.length === 0) throw new AurisError('E_NOT_FOUND', `no library folder with id ${options.rootId}`, { id: options.rootId });
    const results: ScanResult[] = [];
    for (const root of roots) {
      if (signal.aborted) break;
      const r = await scanRoot(this.library, root, {
        pool: this.pool, signal, under: options.under,
        onProgress: (progress) => this.emit({ type: 'scan-progress', progress }),
      });
      results.push(r);
    }
    this.emit({ type: 'scan-done', results });
    if (results.some((r) => r.added + r.changed + r.removed + r.renamed > 0 || !r.available)) this.emit({ type: 'database-changed' });
    return results;
  }

  // ---- watching ----

  /**
   * Watches every root (and roots added later) for files added, changed, removed or renamed, and
   * scans the folders they touched once the events settle (watchDelayMs). Uses the OS's recursive watch (inotify on
   * Linux, ReadDirectoryChangesW on Windows, FSEvents on macOS).
   */
  watch(): void {
    this.watching = true;
    for (const root of this.library.roots()) {
      if (this.watchers.has(root.id) || !root.available) continue;
      try {
        const w = watch(root.path, { recursive: true }, (_event, name) => this.onWatchEvent(root, name === null ? null : String(name)));
        w.on('error', () => { w.close(); this.watchers.delete(root.id); });
        this.watchers.set(root.id, w);
      } catch {
        // A root that cannot be watched is still scanned on request.
      }
    }
  }

  unwatch(): void {
    this.watching = false;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.watchTimer = null;
  }

  private onWatchEvent(root: Root, name: string | null): void {
    // The folder of the changed entry; a name we cannot place rescans the whole root.
    const rel = name === null ? '' : relOf(root.path, path.resolve(root.path, name));
    const folders = this.pendingWatch.get(root.id) ?? new Set<string>();
    folders.add(rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
    this.pendingWatch.set(root.id, folders);
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.watchTimer = setTimeout(() => this.flushWatch(), this.options.watchDelayMs ?? 500);
  }

  private flushWatch(): void {
    this.watchTimer = null;
    for (const [rootId, folders] of this.pendingWatch) {
      // One scan over the folders' common ancestor: a file moved between two folders is seen as a
      // rename (one scan sees both ends) and keeps its id.
      const under = commonFolder([...folders]);
      void this.scan({ rootId, under }).catch(() => {});
    }
    this.pendingWatch.clear();
  }

  // ---- stored playlists as files ----

  /**
   * Imports an M3U/M3U8 file as the stored playlist `name` (default: the file's name without
   * extension). Paths in library folders become their tracks; others are counted as skipped.
   */
  async importPlaylist(file: string, name = path.basename(file, path.extname(file))): Promise<PlaylistImport> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      throw asAurisError(e, 'E_IO');
    }
    return this.importPlaylistText(decodePlaylist(bytes), name, path.dirname(path.resolve(file)));
  }

  /**
   * Imports playlist text as the stored playlist `name`, its relative paths taken from
   * `playlistDir`. URLs are skipped. A local path outside every library folder is skipped, or with
   * `outside: 'refuse'` (text from a client) refuses the whole import with E_PERMISSION naming
   * those paths, and nothing is saved.
   */
  async importPlaylistText(text: string, name: string, playlistDir: string, outside: 'skip' | 'refuse' = 'skip'): Promise<PlaylistImport> {
    const entries = parseM3u(text, playlistDir);
    const roots = this.library.roots();
    const uris: string[] = [];
    const refused: string[] = [];
    let skipped = 0;
    for (const e of entries) {
      if (e.kind === 'url') { skipped++; continue; }
      const real = await realpath(e.path).catch(() => e.path);
      const root = roots.find((r) => real.startsWith(r.path + path.sep));
      if (!root) { skipped++; refused.push(e.path); continue; }
      uris.push(this.library.publicUri({ rootId: root.id, uri: relOf(root.path, real) }));
    }
    if (outside === 'refuse' && refused.length > 0) {
      throw new AurisError('E_PERMISSION', `${refused.length} path(s) of the playlist are outside the library's music folders, e.g. ${refused[0]}`, { paths: refused.slice(0, 20), count: refused.length });
    }
    this.library.savePlaylist(name, uris);
    return { name, entries: uris.length, skipped };
  }

  /** Writes the stored playlist `name` as UTF-8 extended M3U with paths relative to the file's folder. */
  async exportPlaylist(name: string, file: string): Promise<{ entries: number; skipped: number }> {
    const { text, entries, skipped } = this.playlistText(name, path.dirname(path.resolve(file)));
    try {
      await writeFile(file, text);
    } catch (e) {
      throw asAurisError(e, 'E_IO');
    }
    return { entries, skipped };
  }

  /**
   * The stored playlist `name` as UTF-8 extended M3U text, paths relative to `playlistDir`. CUE
   * tracks (ranges of a file, which M3U cannot say) and entries without a track are left out and counted.
   */
  playlistText(name: string, playlistDir: string): { text: string; entries: number; skipped: number } {
    const list = this.library.playlist(name);
    if (!list) throw new AurisError('E_NOT_FOUND', `no playlist "${name}"`, { name });
    const items = [];
    let skipped = 0;
    for (const e of list.entries) {
      const t = e.trackId !== null ? this.library.track(e.trackId) : this.library.trackByUri(e.uri);
      if (!t || t.startFrame !== null) { skipped++; continue; }
      items.push({ path: t.path, duration: t.duration, artist: t.artist, title: t.title });
    }
    return { text: formatM3u(items, playlistDir), entries: items.length, skipped };
  }

  // ---- analysis ----

  /**
   * Analyses every track not analysed yet (DR, loudness and ReplayGain 2.0, true bit depth,
   * authenticity verdict) on the job service, at `low` priority by default (a background job, one
   * file at a time, that leaves the other cores to playback), storing each result as it comes.
   * Cancelling (the signal, close()) drops the files not started. A CUE track is analysed as its
   * range of the file (sample-exact: the values of the cut file).
   */
  async analyse(options: { signal?: AbortSignal; priority?: JobPriority; limit?: number } = {}): Promise<AnalyseResult> {
    const jobs = this.options.jobs;
    if (!jobs) throw new AurisError('E_STATE', 'this library was opened without a job service');
    const signal = options.signal ? AbortSignal.any([options.signal, this.shutdown.signal]) : this.shutdown.signal;
    const todo = this.library.tracksNeedingAnalysis(options.limit);
    let analysed = 0;
    let failed = 0;
    await Promise.all(todo.map(async (t) => {
      // A CUE track is its range of the file, measured as the cut file would be.
      const range = t.startFrame !== null || t.endFrame !== null ? { startFrame: t.startFrame ?? 0, endFrame: t.endFrame } : undefined;
      try {
        const a = await jobs.analyse(t.path, [{ name: 'dr' }, { name: 'loudness' }, { name: 'authenticity' }], undefined, { priority: options.priority ?? 'low', signal, ...(range ? { range } : {}) });
        if (signal.aborted || !this.library.db.open) return;
        const dr = a.results.dr as DrResult;
        const loud = a.results.loudness as LoudnessResult;
        const auth = a.results.authenticity as AuthenticityResult;
        this.library.saveAnalysis(t.id, {
          dr: dr.dr, drRounded: dr.drRounded, peakDb: dr.peakDb, loudnessLufs: loud.integratedLufs, lraLu: loud.lraLu,
          truePeakDbtp: loud.truePeakDbtp, trueBits: auth.effectiveBits, verdict: auth.verdict, cutoffHz: auth.cutoffHz,
        });
        analysed++;
      } catch (e) {
        if (signal.aborted || !this.library.db.open) return;
        this.library.saveAnalysis(t.id, { ...EMPTY_ANALYSIS, error: asAurisError(e).message });
        failed++;
      }
      this.emit({ type: 'analysis-progress', done: analysed + failed, total: todo.length });
    }));
    if (analysed + failed > 0) this.emit({ type: 'database-changed' });
    return { analysed, failed, cancelled: signal.aborted };
  }

  /** Stops the watcher, cancels a scan or analysis under way, waits for them and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unwatch();
    this.shutdown.abort();
    await this.scanning;
    await this.pool.close();
    this.library.close();
  }
}

const EMPTY_ANALYSIS = {
  dr: null, drRounded: null, peakDb: null, loudnessLufs: null, lraLu: null, truePeakDbtp: null, trueBits: null, verdict: null, cutoffHz: null,
} as const;

/** The deepest folder containing every one of `folders` ('' = the root). */
export function commonFolder(folders: readonly string[]): string {
  if (folders.length === 0) return '';
  let parts = folders[0]!.split('/');
  for (const f of folders.slice(1)) {
    const p = f.split('/');
    let i = 0;
    while (i < parts.length && i < p.length && parts[i] === p[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join('/');
}
