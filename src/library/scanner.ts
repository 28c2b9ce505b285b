// The scanner: brings a root's rows in line with its folder.
//
//   1. List the folder in a tag reader thread (walkFilesSync: one stat per file, sorted, symlink
//      loops listed once, unreadable folders reported) and compare with the rows by (path, size, mtime): unchanged
//      files cost nothing more.
//   2. Renames: a new path with the device, inode and size of a vanished one is the same file
//      moved; its rows move with it and keep their ids (plays, stickers, playlists follow).
//   3. Read the new and changed files' facts in worker threads (tag-pool.ts), in order, and write
//      them in batched transactions (one per chunk of files): a kill -9 at any moment leaves each
//      file either written with its (size, mtime) or not at all, and the next scan reads exactly
//      the ones not written.
//   4. Cue sheets become one track per entry over the audio file they name (cue.ts); the audio
//      file itself then shows only through them.
//   5. Rows of files that vanished are deleted, except under a folder the walk could not read
//      (they stay, unavailable) and except when the root itself is missing or empty while rows
//      exist: an unmounted disk leaves its tracks, marked unavailable, not an empty library.
//
// A corrupt or unreadable file is stored with its error (fileErrors()) and skipped; its old rows,
// if any, stay.

import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { TrackFacts } from '../decoders/track-facts.ts';
import { DECODERS } from '../decoders/registry.ts';
import { AurisError, asAurisError } from '../util/errors.ts';
import type { WalkedFile, WalkProblem } from '../util/walk.ts';
import { cueRanges, decodeCueText, parseCue, type CueSheet } from './cue.ts';
import { deferIndexes, indexesDeferred, restoreIndexes, worthDeferringIndexes } from './bulk.ts';
import { deferSearchIndex, rebuildSearchIndex, searchIndexDeferred, worthDeferring } from './fts.ts';
import { albumIdFor, albumKeyOf, folderImageRank, refreshAlbums, yearOf } from './grouping.ts';
import type { Library } from './library.ts';
import { cached } from './statements.ts';
import type { CoverRef, TagReaderPool, TagResult } from './tag-pool.ts';
import type { Root } from './types.ts';

export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set(DECODERS.flatMap((d) => d.extensions));
const PLAYLIST_EXTENSIONS = new Set(['m3u', 'm3u8']);
const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png']);
const SCAN_EXTENSIONS = new Set([...AUDIO_EXTENSIONS, 'cue', ...PLAYLIST_EXTENSIONS, ...IMAGE_EXTENSIONS]);

/**
 * Files per tag-reading message and per write transaction: large enough that commits (and the
 * FTS segments each one makes) are few, small enough that a cancelled or killed scan loses little.
 */
const CHUNK = 256;

type FileKind = 'audio' | 'cue' | 'playlist' | 'image';

export interface ScanProgress {
  readonly rootId: number;
  readonly phase: 'listing' | 'reading' | 'finishing' | 'done';
  /** Files listed so far. */
  readonly listed: number;
  /** Files whose facts must be read, and how many have been. */
  readonly toRead: number;
  readonly read: number;
  readonly errors: number;
}

export interface ScanResult {
  readonly rootId: number;
  /** False when the root folder is missing or empty: nothing was deleted, its tracks are marked unavailable. */
  readonly available: boolean;
  readonly listed: number;
  readonly added: number;
  readonly changed: number;
  readonly renamed: number;
  readonly removed: number;
  readonly unchanged: number;
  /** Files that could not be read this scan (bad data, unreadable, walk problems). */
  readonly errors: number;
  readonly cancelled: boolean;
}

export interface ScanOptions {
  readonly pool: TagReaderPool;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ScanProgress) => void;
  /** Scan only this folder of the root (relative, '/'-separated): the watcher's partial scans. */
  readonly under?: string;
}

interface Listed {
  readonly path: string;
  readonly rel: string;
  readonly folder: string;
  readonly kind: FileKind;
  readonly size: number;
  readonly mtime: number;
  readonly dev: number;
  readonly ino: number;
}

interface FileRow {
  readonly id: number;
  readonly path: string;
  readonly kind: FileKind;
  readonly size: number;
  readonly mtime: number;
  readonly dev: number;
  readonly ino: number;
  readonly errorCode: string | null;
}

function kindOf(name: string): FileKind | null {
  const ext = path.extname(name).slice(1).toLowerCase();
  if (AUDIO_EXTENSIONS.has(ext)) return 'audio';
  if (ext === 'cue') return 'cue';
  if (PLAYLIST_EXTENSIONS.has(ext)) return 'playlist';
  if (IMAGE_EXTENSIONS.has(ext) && folderImageRank(name) !== null) return 'image';
  return null;
}

/** A path relative to the root with '/' separators. */
export function relOf(rootPath: string, p: string): string {
  // The walk's paths start with the root's: a slice, where path.relative would normalise both (~4 µs a file).
  if (p.length > rootPath.length && p.startsWith(rootPath) && p[rootPath.length] === path.sep && !rootPath.endsWith(path.sep)) {
    const rel = p.slice(rootPath.length + 1);
    return path.sep === '/' ? rel : rel.split(path.sep).join('/');
  }
  return path.relative(rootPath, p).split(path.sep).join('/');
}

function folderOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** Under `prefix` (a folder rel) or equal to it. */
function isUnder(rel: string, prefix: string): boolean {
  return prefix === '' || rel === prefix || rel.startsWith(`${prefix}/`);
}

export async function scanRoot(lib: Library, root: Root, options: ScanOptions): Promise<ScanResult> {
  const db = lib.db;
  const { signal } = options;
  const under = (options.under ?? '').replace(/^\/+|\/+$/g, '');
  const counts = { listed: 0, added: 0, changed: 0, renamed: 0, removed: 0, unchanged: 0, errors: 0 };
  let toRead = 0;
  let read = 0;
  const progress = (phase: ScanProgress['phase']): void => options.onProgress?.({ rootId: root.id, phase, listed: counts.listed, toRead, read, errors: counts.errors });
  const result = (available: boolean, cancelled: boolean): ScanResult => ({ rootId: root.id, available, ...counts, cancelled });

  // ---- 1. list ----
  const rootStat = statSync(root.path, { throwIfNoEntry: false });
  const hasRows = (cached(db, 'SELECT 1 FROM files WHERE root_id = ? LIMIT 1').get(root.id) ?? null) !== null;
  if (!rootStat?.isDirectory()) {
    markUnavailable(lib, root.id);
    progress('done');
    return result(false, false);
  }
  progress('listing');
  const listed: Listed[] = [];
  const problemPrefixes: string[] = [];
  const start = under === '' ? root.path : path.join(root.path, ...under.split('/'));
  // Listed in a tag reader thread (blocking stats there are ~10x cheaper than the main thread's
  // promises). A cancel does not wait for a long listing: closing the pool ends its thread.
  const items = await listUnlessCancelled(options.pool, start, signal);
  if (items === null) return result(true, true);
  for (const item of items) {
    if (item.kind === 'problem') {
      // A path the walk could not read: its rows stay (a permission problem or a vanished
      // subfolder mount must not delete them). The start folder itself missing is a removal.
      if (item.path !== start || item.error.code !== 'E_NOT_FOUND') {
        problemPrefixes.push(relOf(root.path, item.path));
        counts.errors++;
      }
      continue;
    }
    const kind = kindOf(path.basename(item.path));
    if (!kind) continue;
    listed.push(listedOf(root.path, item, kind));
    counts.listed++;
    if (counts.listed % 2000 === 0) progress('listing');
  }
  if (signal?.aborted) return result(true, true);
  if (under === '' && listed.length === 0 && hasRows) {
    // An empty mount point where a disk used to be: keep everything, unavailable.
    markUnavailable(lib, root.id);
    progress('done');
    return result(false, false);
  }
  cached(db, 'UPDATE roots SET available = 1 WHERE id = ?').run(root.id);

  // ---- 2. compare ----
  const rows = (under === ''
    ? cached(db, 'SELECT id, path, kind, size, mtime, dev, ino, error_code AS errorCode FROM files WHERE root_id = ?').all(root.id)
    : cached(db, 'SELECT id, path, kind, size, mtime, dev, ino, error_code AS errorCode FROM files WHERE root_id = ? AND (rel = ? OR (rel >= ? AND rel < ?))').all(root.id, under, `${under}/`, `${under}0`)) as FileRow[];
  const byPath = new Map(rows.map((r) => [r.path, r]));
  const seenPaths = new Set(listed.map((l) => l.path));
  const fresh: Listed[] = [];
  const changed: Listed[] = [];
  for (const l of listed) {
    const row = byPath.get(l.path);
    if (!row) fresh.push(l);
    else if (row.size !== l.size || row.mtime !== l.mtime || row.kind !== l.kind) changed.push(l);
    else counts.unchanged++;
  }
  const vanished = rows.filter((r) => !seenPaths.has(r.path));
  const protectedRows = vanished.filter((r) => problemPrefixes.some((p) => isUnder(relOf(root.path, r.path), p)));
  const gone = vanished.filter((r) => !protectedRows.includes(r));

  // Renames: same device, inode and size. Moved rows keep their ids; unchanged content is not re-read.
  const goneByInode = new Map(gone.filter((r) => r.ino !== 0).map((r) => [`${r.dev}:${r.ino}:${r.size}`, r]));
  const moved: { from: FileRow; to: Listed }[] = [];
  for (const l of fresh) {
    const from = goneByInode.get(`${l.dev}:${l.ino}:${l.size}`);
    if (from && from.kind === l.kind) {
      moved.push({ from, to: l });
      goneByInode.delete(`${l.dev}:${l.ino}:${l.size}`);
    }
  }
  const movedFrom = new Set(moved.map((m) => m.from.id));
  const movedTo = new Set(moved.map((m) => m.to.path));
  const added = fresh.filter((l) => !movedTo.has(l.path));
  const removed = gone.filter((r) => !movedFrom.has(r.id));
  const now = Date.now();
  db.transaction(() => {
    // A whole-root scan found the root: tracks marked unavailable come back (those under folders it
    // could not read are marked again just below).
    if (under === '') cached(db, 'UPDATE tracks SET available = 1 WHERE root_id = ? AND available = 0').run(root.id);
    const mark = cached(db, 'UPDATE tracks SET available = 0 WHERE file_id = ?');
    for (const r of protectedRows) mark.run(r.id);
    for (const m of moved) moveFile(lib, root, m.from, m.to);
  })();
  counts.renamed = moved.length;

  // ---- 3. what must be read ----
  const listedByPath = new Map(listed.map((l) => [l.path, l]));
  const cues = [...added, ...changed].filter((l) => l.kind === 'cue');
  const sheets = new Map<string, { sheet: CueSheet; audio: string[] } | { error: AurisError }>();
  for (const c of cues) sheets.set(c.path, loadCue(c, listedByPath));
  // Cues whose audio is missing were stored with an error: try them again every scan.
  for (const r of cached(db, "SELECT path FROM files WHERE root_id = ? AND kind = 'cue' AND error_code IS NOT NULL").all(root.id) as { path: string }[]) {
    const l = listedByPath.get(r.path);
    if (l && !sheets.has(l.path)) {
      sheets.set(l.path, loadCue(l, listedByPath));
      cues.push(l);
    }
  }
  const covered = new Set<string>();
  for (const s of sheets.values()) if ('sheet' in s) for (const a of s.audio) covered.add(a);
  const coveredByStoredCue = cached(db, `SELECT DISTINCT a.path AS audio, c.path AS cue FROM tracks t JOIN files a ON a.id = t.file_id JOIN files c ON c.id = t.cue_file_id
    WHERE t.root_id = ? AND c.kind = 'cue'`).all(root.id) as { audio: string; cue: string }[];
  for (const r of coveredByStoredCue) if (!sheets.has(r.cue) && seenPaths.has(r.cue)) covered.add(r.audio);

  const audio = [...added, ...changed].filter((l) => l.kind === 'audio');
  // Audio files with no track at all (their cue sheet was deleted) are read again to get one.
  const orphaned = cached(db, `SELECT f.path FROM files f WHERE f.root_id = ? AND f.kind = 'audio' AND f.error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.file_id = f.id)`).all(root.id) as { path: string }[];
  const queued = new Set(audio.map((a) => a.path));
  for (const o of orphaned) {
    const l = listedByPath.get(o.path);
    if (l && !covered.has(l.path) && !queued.has(l.path)) audio.push(l);
  }
  // Cue sheets whose audio changed are rebuilt (rate, length).
  for (const r of coveredByStoredCue) {
    if (queued.has(r.audio) && !sheets.has(r.cue)) {
      const l = listedByPath.get(r.cue);
      if (l) { sheets.set(l.path, loadCue(l, listedByPath)); cues.push(l); }
    }
  }
  const images = [...added, ...changed].filter((l) => l.kind === 'image');
  const others = [...added, ...changed].filter((l) => l.kind === 'playlist');
  toRead = audio.length + cues.length + images.length;
  progress('reading');

  // ---- 4. read and write, chunk by chunk ----
  // Many new tracks: the search index is rebuilt once at the end instead of row by row (fts.ts).
  const existingTracks = audio.length < 256 ? 0 : (cached(db, 'SELECT COUNT(*) AS n FROM tracks').get() as { n: number }).n;
  const deferIndex = worthDeferring(audio.length, existingTracks) && !searchIndexDeferred(db);
  // A first scan also drops the secondary indexes and refreshes its albums once (bulk.ts), until
  // its audio rows are written: the cue sheets, images and removals after them use the indexes.
  let indexesDropped = worthDeferringIndexes(audio.length, existingTracks) && !indexesDeferred(db);
  if (indexesDropped) deferIndexes(db);
  if (deferIndex) deferSearchIndex(db);
  const restore = (): void => {
    if (indexesDropped && db.open) restoreIndexes(db);
    indexesDropped = false;
  };
  try {
    return await readAndWrite();
  } finally {
    restore();
    if (deferIndex && db.open) rebuildSearchIndex(db);
  }

  async function readAndWrite(): Promise<ScanResult> {
    const addedPaths = new Set(added.map((a) => a.path));
    const artIds = new Map<string, number>();
    const coverFacts = new Map<string, TrackFacts>();
    // While the indexes are dropped no album is deleted (refreshAlbums waits for the end): ids found stay valid.
    const bulkAlbumIds = new Map<string, number>();
    options.pool.reset();
    const chunks: Listed[][] = [];
    for (let i = 0; i < audio.length; i += CHUNK) chunks.push(audio.slice(i, i + CHUNK));
    // A few chunks in flight keep every worker busy while the main thread writes.
    const inFlight = Math.max(2, options.pool.size * 2);
    const pending: Promise<TagResult[]>[] = [];
    let next = 0;
    const fill = (): void => {
      while (pending.length < inFlight && next < chunks.length) pending.push(options.pool.read(chunks[next++]!.map((l) => l.path)));
    };
    fill();
    for (let c = 0; c < chunks.length; c++) {
      const results = await pending.shift()!;
      if (signal?.aborted) {
        await Promise.allSettled(pending);
        return result(true, true);
      }
      fill();
      const chunk = chunks[c]!;
      db.transaction(() => {
        const albums = new Set<number>();
        chunk.forEach((l, i) => {
          const r = results[i]!;
          if (!r.ok) counts.errors++;
          else if (covered.has(l.path)) coverFacts.set(l.path, r.facts);
          writeAudio(lib, root, l, r, covered.has(l.path), addedPaths.has(l.path), now, albums, artIds, indexesDropped ? bulkAlbumIds : null);
          if (addedPaths.has(l.path)) counts.added++;
          else counts.changed++;
        });
        if (!indexesDropped) refreshAlbums(db, albums);
      })();
      read += chunk.length;
      progress('reading');
    }
    restore();

    // Cue sheets, after their audio (their facts come from it).
    for (const c of cues) {
      if (signal?.aborted) return result(true, true);
      const s = sheets.get(c.path)!;
      let facts: Map<string, TrackFacts> | AurisError = new Map();
      if ('sheet' in s) {
        const missing = s.audio.filter((a) => !coverFacts.has(a));
        const got = missing.length > 0 ? await options.pool.read(missing) : [];
        for (let i = 0; i < missing.length; i++) {
          const g = got[i]!;
          if (g.ok) coverFacts.set(missing[i]!, g.facts);
          else facts = new AurisError(g.code, g.message);
        }
        if (!(facts instanceof AurisError)) for (const a of s.audio) facts.set(a, coverFacts.get(a)!);
      }
      db.transaction(() => {
        const albums = new Set<number>();
        const err = 'error' in s ? s.error : facts instanceof AurisError ? facts : null;
        if (err) counts.errors++;
        writeCue(lib, root, c, 'sheet' in s && !err ? s.sheet : null, err, facts instanceof Map ? facts : new Map(), listedByPath, now, albums);
        if (addedPaths.has(c.path)) counts.added++;
        else counts.changed++;
        refreshAlbums(db, albums);
      })();
      read++;
    }

    db.transaction(() => {
      const albums = new Set<number>();
      for (const img of images) {
        writeImage(lib, root, img, now);
        if (addedPaths.has(img.path)) counts.added++;
        else counts.changed++;
        // The albums of the image's folder and of the folders above it (an image in a disc folder).
        for (const a of cached(db, "SELECT id FROM albums WHERE root_id = ? AND (folder = ? OR substr(?, 1, length(folder) + 1) = folder || '/')").all(root.id, img.folder, img.folder) as { id: number }[]) albums.add(a.id);
      }
      for (const p of others) {
        upsertFile(lib, root, p, null, now);
        if (addedPaths.has(p.path)) counts.added++;
        else counts.changed++;
      }
      refreshAlbums(db, albums);
    })();
    read += images.length;

    // ---- 5. removals ----
    progress('finishing');
    db.transaction(() => {
      const albums = new Set<number>();
      const ofFile = cached(db, 'SELECT DISTINCT album_id AS id FROM tracks WHERE (file_id = ? OR cue_file_id = ?) AND album_id IS NOT NULL');
      const del = cached(db, 'DELETE FROM files WHERE id = ?');
      for (const r of removed) {
        for (const a of ofFile.all(r.id, r.id) as { id: number }[]) albums.add(a.id);
        del.run(r.id);
      }
      counts.removed = removed.length;
      refreshAlbums(db, albums);
      if (under === '') cached(db, 'UPDATE roots SET scanned_at = ? WHERE id = ?').run(now, root.id);
      if (counts.added + counts.changed + counts.removed + counts.renamed > 0) {
        cached(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('updated_at', ?)").run(String(Date.now()));
      }
    })();
    progress('done');
    return result(true, false);
  }
}

/** The pool's listing of `folder`, or null as soon as `signal` aborts (the listing is then left to the pool's close). */
async function listUnlessCancelled(pool: TagReaderPool, folder: string, signal: AbortSignal | undefined): Promise<(WalkedFile | WalkProblem)[] | null> {
  if (signal?.aborted) return null;
  const listing = pool.list(folder, SCAN_EXTENSIONS);
  if (!signal) return listing;
  let onAbort = (): void => {};
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([listing, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    listing.catch(() => {}); // rejected when the pool closes under a cancelled scan, which has returned
  }
}

function listedOf(rootPath: string, f: WalkedFile, kind: FileKind): Listed {
  const rel = relOf(rootPath, f.path);
  return { path: f.path, rel, folder: folderOf(rel), kind, size: f.size, mtime: Math.floor(f.mtimeMs), dev: f.dev, ino: f.ino };
}

function markUnavailable(lib: Library, rootId: number): void {
  lib.db.transaction(() => {
    cached(lib.db, 'UPDATE roots SET available = 0 WHERE id = ?').run(rootId);
    cached(lib.db, 'UPDATE tracks SET available = 0 WHERE root_id = ?').run(rootId);
  })();
}

/** Files rows: insert or update by path; returns the id. `isNew`: the scan knows no row has the path (a plain insert is cheaper). */
function upsertFile(lib: Library, root: Root, l: Listed, error: AurisError | null, now: number, artId: number | null = null, isNew = false): number {
  if (isNew) {
    return Number(cached(lib.db, `INSERT INTO files (root_id, path, rel, folder, kind, size, mtime, dev, ino, error_code, error, art_id, scanned_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(root.id, l.path, l.rel, l.folder, l.kind, l.size, l.mtime, l.dev, l.ino, error?.code ?? null, error?.message ?? null, artId, now).lastInsertRowid);
  }
  const row = cached(lib.db, `INSERT INTO files (root_id, path, rel, folder, kind, size, mtime, dev, ino, error_code, error, art_id, scanned_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(path) DO UPDATE SET root_id = excluded.root_id, rel = excluded.rel, folder = excluded.folder, kind = excluded.kind, size = excluded.size,
      mtime = excluded.mtime, dev = excluded.dev, ino = excluded.ino, error_code = excluded.error_code, error = excluded.error, art_id = excluded.art_id,
      scanned_at = excluded.scanned_at
    RETURNING id`).get(root.id, l.path, l.rel, l.folder, l.kind, l.size, l.mtime, l.dev, l.ino, error?.code ?? null, error?.message ?? null, artId, now) as { id: number };
  return row.id;
}

/** Moves a file's rows to its new path; plain tracks take the new uri, cue tracks the new cue uri. */
function moveFile(lib: Library, root: Root, from: FileRow, to: Listed): void {
  const db = lib.db;
  cached(db, 'UPDATE files SET path = ?, rel = ?, folder = ?, mtime = ? WHERE id = ?').run(to.path, to.rel, to.folder, to.mtime, from.id);
  const moves: { id: number; uri: string; next: string }[] = [];
  if (from.kind === 'audio') {
    for (const t of cached(db, 'SELECT id, uri FROM tracks WHERE file_id = ? AND cue_file_id IS NULL').all(from.id) as { id: number; uri: string }[]) moves.push({ ...t, next: to.rel });
    cached(db, 'UPDATE tracks SET path = ? WHERE file_id = ?').run(to.path, from.id);
  }
  // A cue sheet's tracks, external or embedded in this audio file, are named after it.
  for (const t of cached(db, 'SELECT id, uri, cue_track AS n FROM tracks WHERE cue_file_id = ?').all(from.id) as { id: number; uri: string; n: number }[]) moves.push({ id: t.id, uri: t.uri, next: cueUri(to.rel, t.n) });
  // Stickers and stored playlists name songs by uri (MPD's way): they follow the move.
  const setUri = cached(db, 'UPDATE tracks SET uri = ? WHERE id = ?');
  const stickers = cached(db, "UPDATE OR REPLACE stickers SET uri = ? WHERE type = 'song' AND uri = ?");
  const entries = cached(db, 'UPDATE playlist_entries SET uri = ? WHERE uri = ?');
  for (const m of moves) {
    setUri.run(m.next, m.id);
    const before = lib.publicUri({ rootId: root.id, uri: m.uri });
    const after = lib.publicUri({ rootId: root.id, uri: m.next });
    stickers.run(after, before);
    entries.run(after, before);
  }
}

export function cueUri(cueRel: string, n: number): string {
  return `${cueRel}/track${String(n).padStart(4, '0')}`;
}

/** The art id of a cover (inserting its bytes when new); null when the bytes never arrived. */
function artIdOf(lib: Library, cover: CoverRef, cache: Map<string, number>): number | null {
  const known = cache.get(cover.hash);
  if (known !== undefined) return known;
  if (cover.bytes) cached(lib.db, 'INSERT OR IGNORE INTO art (hash, mime, bytes) VALUES (?, ?, ?)').run(cover.hash, cover.mime, cover.bytes);
  const row = cached(lib.db, 'SELECT id FROM art WHERE hash = ?').get(cover.hash) as { id: number } | undefined;
  if (row) cache.set(cover.hash, row.id);
  return row?.id ?? null;
}

interface TrackWrite {
  readonly fileId: number;
  readonly cueFileId: number | null;
  readonly cueTrack: number | null;
  readonly uri: string;
  readonly path: string;
  readonly startFrame: number | null;
  readonly endFrame: number | null;
  readonly facts: TrackFacts;
  readonly duration: number | null;
  readonly folder: string;
  readonly artId: number | null;
  readonly mtime: number;
  readonly size: number;
}

/** The track columns a scan writes, in one order for the INSERT and the UPDATE (positional binding: cheaper than 45 named values). */
const TRACK_WRITE_COLUMNS = [
  'file_id', 'cue_file_id', 'cue_track', 'path', 'uri', 'start_frame', 'end_frame', 'codec', 'container', 'lossless', 'rate', 'bits', 'channels',
  'total_frames', 'duration', 'bitrate', 'md5', 'title', 'artist', 'album_artist', 'album', 'track_no', 'track_total', 'disc_no', 'disc_total',
  'date', 'year', 'genre', 'composer', 'compilation', 'mb_track_id', 'mb_album_id', 'mb_artist_id', 'mb_album_artist_id',
  'rg_track_gain', 'rg_track_peak', 'rg_album_gain', 'rg_album_peak', 'album_id', 'art_id', 'mtime', 'size',
] as const;
const INSERT_TRACK = `INSERT INTO tracks (${TRACK_WRITE_COLUMNS.join(', ')}, root_id, added_at) VALUES (${TRACK_WRITE_COLUMNS.map(() => '?').join(', ')}, ?, ?)`;
// A changed file's analysis no longer describes it (the right-hand sides see the row before the update).
const UPDATE_TRACK = `UPDATE tracks SET ${TRACK_WRITE_COLUMNS.map((c) => `${c} = ?`).join(', ')}, available = 1,
  analysed_at = CASE WHEN size = ? AND mtime = ? THEN analysed_at ELSE NULL END WHERE id = ?`;

/** Inserts or updates the track `existing` (an id) with `w`; returns its id. Collects old and new album ids. */
function writeTrack(lib: Library, root: Root, existing: number | null, w: TrackWrite, now: number, albums: Set<number>, albumIds: Map<string, number> | null = null): number {
  const db = lib.db;
  const f = w.facts;
  const t = f.tags;
  const year = yearOf(t.date);
  const key = albumKeyOf({ rootId: root.id, folder: w.folder, album: t.album, albumArtist: t.albumArtist, year, mbAlbumId: t.mbAlbumId });
  const albumId = key === null ? null
    : albumIdFor(db, key, { rootId: root.id, folder: w.folder, title: t.album ?? '', artist: t.albumArtist ?? t.artist ?? '', year }, now, albumIds);
  if (albumId !== null) albums.add(albumId);
  const rg = t.replayGain;
  // In TRACK_WRITE_COLUMNS order.
  const values = [
    w.fileId, w.cueFileId, w.cueTrack, w.path, w.uri, w.startFrame, w.endFrame, f.codec, f.container, f.lossless ? 1 : 0, f.rate, f.bits, f.channels,
    f.totalFrames, w.duration, f.bitrate, f.md5, t.title, t.artist, t.albumArtist, t.album, t.trackNumber, t.trackTotal, t.discNumber, t.discTotal,
    t.date, year, t.genre, t.composer, t.compilation ? 1 : 0, t.mbTrackId, t.mbAlbumId, t.mbArtistId, t.mbAlbumArtistId,
    rg?.trackGainDb ?? null, rg?.trackPeak ?? null, rg?.albumGainDb ?? null, rg?.albumPeak ?? null, albumId, w.artId, w.mtime, w.size,
  ];
  if (existing !== null) {
    const old = cached(db, 'SELECT album_id AS a FROM tracks WHERE id = ?').get(existing) as { a: number | null } | undefined;
    if (old?.a != null) albums.add(old.a);
    cached(db, UPDATE_TRACK).run(...values, w.size, w.mtime, existing);
    return existing;
  }
  return Number(cached(db, INSERT_TRACK).run(...values, root.id, now).lastInsertRowid);
}

function writeAudio(
  lib: Library, root: Root, l: Listed, r: TagResult, covered: boolean, isNew: boolean, now: number, albums: Set<number>, artIds: Map<string, number>,
  albumIds: Map<string, number> | null,
): void {
  const db = lib.db;
  if (!r.ok) {
    // Recorded with its error; rows it had stay as they were (nothing indexed is lost to one bad read).
    upsertFile(lib, root, l, new AurisError(r.code, r.message), now, null, isNew);
    return;
  }
  const fileId = upsertFile(lib, root, l, null, now, null, isNew);
  const existing = isNew ? undefined : cached(db, 'SELECT id FROM tracks WHERE file_id = ? AND cue_file_id IS NULL').get(fileId) as { id: number } | undefined;
  if (covered) {
    if (existing) {
      for (const a of cached(db, 'SELECT album_id AS id FROM tracks WHERE id = ? AND album_id IS NOT NULL').all(existing.id) as { id: number }[]) albums.add(a.id);
      cached(db, 'DELETE FROM tracks WHERE id = ?').run(existing.id);
    }
    return;
  }
  const sheet = embeddedSheet(r.facts, l.path);
  if (sheet) {
    // A cue sheet inside the file (FLAC's CUESHEET tag): its tracks are "<file>/track0001"..., as MPD names them.
    const audio: SheetAudio = { fileId, path: l.path, facts: r.facts, mtime: l.mtime, size: l.size };
    writeSheetTracks(lib, root, fileId, l.rel, l.folder, sheet, () => audio, now, albums);
    return;
  }
  if (!isNew) {
    // The file's embedded sheet is gone (retagged): so are its tracks.
    for (const a of cached(db, 'SELECT album_id AS id FROM tracks WHERE cue_file_id = ? AND album_id IS NOT NULL').all(fileId) as { id: number }[]) albums.add(a.id);
    cached(db, 'DELETE FROM tracks WHERE cue_file_id = ?').run(fileId);
  }
  const artId = r.cover ? artIdOf(lib, r.cover, artIds) : null;
  writeTrack(lib, root, existing?.id ?? null, {
    fileId, cueFileId: null, cueTrack: null, uri: l.rel, path: l.path, startFrame: null, endFrame: null, facts: r.facts,
    duration: r.facts.duration, folder: l.folder, artId, mtime: l.mtime, size: l.size,
  }, now, albums, albumIds);
}

/** Reads and parses a cue sheet and finds the audio files it names. */
function loadCue(c: Listed, listedByPath: Map<string, Listed>): { sheet: CueSheet; audio: string[] } | { error: AurisError } {
  try {
    const sheet = parseCue(decodeCueText(readFileSync(c.path)), c.path);
    const audio = sheet.files.map((f) => {
      const a = resolveCueAudio(c.path, f.name, listedByPath);
      if (!a) throw new AurisError('E_NOT_FOUND', `${c.path}: the audio file "${f.name}" it names is not there`, { path: c.path, file: f.name });
      return a;
    });
    return { sheet, audio };
  } catch (e) {
    return { error: asAurisError(e, 'E_CORRUPT') };
  }
}

/**
 * The audio file a cue's FILE line names: the exact name, else the same name in another case,
 * else the same stem with another audio extension (a sheet written for the .wav of a rip that was
 * then compressed to .flac).
 */
function resolveCueAudio(cuePath: string, name: string, listedByPath: Map<string, Listed>): string | null {
  const dir = path.dirname(cuePath);
  const exact = path.join(dir, ...name.split(/[\\/]/));
  if (listedByPath.get(exact)?.kind === 'audio') return exact;
  const lower = exact.toLowerCase();
  const stem = lower.slice(0, lower.length - path.extname(lower).length);
  let byStem: string | null = null;
  for (const [p, l] of listedByPath) {
    if (l.kind !== 'audio' || path.dirname(p) !== path.dirname(exact)) continue;
    const pl = p.toLowerCase();
    if (pl === lower) return p;
    if (pl.slice(0, pl.length - path.extname(pl).length) === stem) byStem ??= p;
  }
  return byStem;
}

function writeCue(
  lib: Library, root: Root, c: Listed, sheet: CueSheet | null, error: AurisError | null, facts: Map<string, TrackFacts>,
  listedByPath: Map<string, Listed>, now: number, albums: Set<number>,
): void {
  const db = lib.db;
  const cueId = upsertFile(lib, root, c, error, now);
  if (!sheet) {
    // The sheet cannot be used: its tracks go, and the audio files get their own tracks at the next scan.
    for (const o of cached(db, 'SELECT album_id AS id FROM tracks WHERE cue_file_id = ? AND album_id IS NOT NULL').all(cueId) as { id: number }[]) albums.add(o.id);
    cached(db, 'DELETE FROM tracks WHERE cue_file_id = ?').run(cueId);
    return;
  }
  writeSheetTracks(lib, root, cueId, c.rel, c.folder, sheet, (name) => {
    const audioPath = resolveCueAudio(c.path, name, listedByPath)!;
    const a = listedByPath.get(audioPath)!;
    const fileRow = cached(db, 'SELECT id FROM files WHERE path = ?').get(audioPath) as { id: number } | undefined;
    return { fileId: fileRow?.id ?? upsertFile(lib, root, a, null, now), path: audioPath, facts: facts.get(audioPath)!, mtime: a.mtime, size: a.size };
  }, now, albums);
}

/** The audio file a sheet's FILE line names, as the sheet's tracks need it. */
interface SheetAudio {
  readonly fileId: number;
  readonly path: string;
  readonly facts: TrackFacts;
  readonly mtime: number;
  readonly size: number;
}

/**
 * Writes a sheet's tracks (an external .cue's, or one embedded in its audio file), keeping the ids
 * of tracks whose uri it had before and dropping the rest. The audio files it names lose their own
 * plain track: they show only through the sheet.
 */
function writeSheetTracks(
  lib: Library, root: Root, sheetFileId: number, sheetRel: string, folder: string, sheet: CueSheet,
  audioOf: (name: string) => SheetAudio, now: number, albums: Set<number>,
): void {
  const db = lib.db;
  const old = cached(db, 'SELECT id, uri, album_id AS albumId FROM tracks WHERE cue_file_id = ?').all(sheetFileId) as { id: number; uri: string; albumId: number | null }[];
  for (const o of old) if (o.albumId !== null) albums.add(o.albumId);
  const oldByUri = new Map(old.map((o) => [o.uri, o.id]));
  const kept = new Set<number>();
  const ranges = cueRanges(sheet, (name) => audioOf(name).facts.rate ?? 44100);
  const total = ranges.length;
  for (const r of ranges) {
    const a = audioOf(r.file);
    const f = a.facts;
    const plain = cached(db, 'SELECT id, album_id AS albumId FROM tracks WHERE file_id = ? AND cue_file_id IS NULL').get(a.fileId) as { id: number; albumId: number | null } | undefined;
    if (plain) {
      if (plain.albumId !== null) albums.add(plain.albumId);
      cached(db, 'DELETE FROM tracks WHERE id = ?').run(plain.id);
    }
    const end = r.endFrame ?? f.totalFrames;
    const rate = f.rate ?? 44100;
    const uri = cueUri(sheetRel, r.track.number);
    const t = f.tags;
    const trackFacts: TrackFacts = {
      ...f,
      cover: null,
      tags: {
        ...t,
        title: r.track.title ?? t.title,
        artist: r.track.performer ?? sheet.performer ?? t.artist,
        albumArtist: sheet.performer ?? t.albumArtist,
        album: sheet.title ?? t.album,
        trackNumber: r.track.number,
        trackTotal: total,
        discNumber: sheet.discNumber ?? t.discNumber,
        date: sheet.date ?? t.date,
        genre: sheet.genre ?? t.genre,
        composer: r.track.songwriter ?? sheet.songwriter ?? t.composer,
        mbTrackId: null,
      },
    };
    const id = writeTrack(lib, root, oldByUri.get(uri) ?? null, {
      fileId: a.fileId, cueFileId: sheetFileId, cueTrack: r.track.number, uri, path: a.path, startFrame: r.startFrame, endFrame: r.endFrame,
      facts: trackFacts, duration: end !== null ? (end - r.startFrame) / rate : null, folder, artId: null, mtime: a.mtime, size: a.size,
    }, now, albums);
    kept.add(id);
  }
  const drop = cached(db, 'DELETE FROM tracks WHERE id = ?');
  for (const o of old) if (!kept.has(o.id)) drop.run(o.id);
}

/** An embedded cue sheet (FLAC's CUESHEET tag) naming one file, or null when there is none or it is unusable. */
function embeddedSheet(facts: TrackFacts, file: string): CueSheet | null {
  if (!facts.cuesheet) return null;
  try {
    const sheet = parseCue(facts.cuesheet, `${file} (embedded cue sheet)`);
    return sheet.files.length === 1 ? sheet : null;
  } catch {
    return null; // an unusable embedded sheet: the file is one track, as without it
  }
}

function writeImage(lib: Library, root: Root, l: Listed, now: number): void {
  let artId: number | null = null;
  let error: AurisError | null = null;
  try {
    const bytes = readFileSync(l.path);
    const hash = createHash('sha1').update(bytes).digest('hex');
    const mime = /\.png$/i.test(l.path) ? 'image/png' : 'image/jpeg';
    cached(lib.db, 'INSERT OR IGNORE INTO art (hash, mime, bytes) VALUES (?, ?, ?)').run(hash, mime, bytes);
    artId = (cached(lib.db, 'SELECT id FROM art WHERE hash = ?').get(hash) as { id: number }).id;
  } catch (e) {
    error = asAurisError(e, 'E_IO');
  }
  upsertFile(lib, root, l, error, now, artId);
}
