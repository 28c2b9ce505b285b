// The library database: one SQLite file per data folder (`<dataDir>/library.db`), opened with
// openLibrary. Every query method is synchronous (better-sqlite3 answers in microseconds to a few
// milliseconds, and a synchronous call cannot interleave with a scan's transaction); only
// thumbnails are async (sharp). The scanner (scanner.ts) writes through the same connection.
//
// Durability: WAL journal with synchronous=NORMAL, so a crash (kill -9) loses at most the last
// transactions and never leaves a torn database; every scan batch is one transaction, so the next
// scan finds each file either indexed or not. When the last session did not close the database
// (a crash, a kill), openLibrary runs `PRAGMA quick_check` and refuses a damaged file with
// E_CORRUPT rather than working on it; after a clean close it skips the check, which reads the
// whole file (about 0.3 s for 10,000 tracks, seconds for 100,000).

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { AurisError, asAurisError } from '../util/errors.ts';
import { columnOf, filterSql, keysetSql, orderSql, orderTerms, type BaseResolver } from './filter.ts';
import { indexesDeferred, restoreIndexes } from './bulk.ts';
import { rebuildSearchIndex, searchIndexDeferred } from './fts.ts';
import { escapeLike, refreshAlbums } from './grouping.ts';
import { MIGRATIONS } from './schema.ts';
import { cached } from './statements.ts';
import type {
  Album, AnalysisRecord, ArtImage, Counts, Filter, FindOptions, FolderListing, NamedCount, Page, Paged, Root,
  Stats, StoredPlaylist, TagName, ThumbnailSize, Track, TrackCursor, TrackPage,
} from './types.ts';

export interface OpenLibraryOptions {
  /** The data folder; the database is `<dataDir>/library.db` (created with the folder when missing). */
  readonly dataDir: string;
  /** Open for reading only (a second process looking at a library another one scans). */
  readonly readonly?: boolean;
}

/** Pixel sizes of the two thumbnails (square bounds): grid tiles and the now-playing view. */
export const THUMBNAIL_PIXELS: Readonly<Record<ThumbnailSize, number>> = { small: 256, large: 640 };

/** Columns of a Track, in the names of the Track interface. */
export const TRACK_COLUMNS = `t.id, t.root_id AS rootId, t.path, t.uri, t.start_frame AS startFrame, t.end_frame AS endFrame,
  t.available, t.codec, t.container, t.lossless, t.rate, t.bits, t.channels, t.duration, t.bitrate, t.md5 IS NOT NULL AS md5Present,
  t.title, t.artist, t.album_artist AS albumArtist, t.album, t.track_no AS trackNumber, t.track_total AS trackTotal,
  t.disc_no AS discNumber, t.disc_total AS discTotal, t.date, t.year, t.genre, t.composer, t.compilation,
  t.mb_track_id AS mbTrackId, t.mb_album_id AS mbAlbumId, t.mb_artist_id AS mbArtistId, t.mb_album_artist_id AS mbAlbumArtistId,
  t.rg_track_gain AS rgTrackGain, t.rg_track_peak AS rgTrackPeak, t.rg_album_gain AS rgAlbumGain, t.rg_album_peak AS rgAlbumPeak,
  t.album_id AS albumId, t.art_id AS artId, t.mtime, t.size, t.added_at AS addedAt, t.play_count AS playCount, t.last_played AS lastPlayed,
  t.analysed_at AS analysedAt, t.analysis_error AS analysisError, t.dr, t.dr_rounded AS drRounded, t.peak_db AS peakDb,
  t.loudness_lufs AS loudnessLufs, t.lra_lu AS lraLu, t.true_peak_dbtp AS truePeakDbtp, t.rg2_track_gain AS rg2TrackGain,
  t.true_bits AS trueBits, t.verdict, t.cutoff_hz AS cutoffHz`;

const ALBUM_COLUMNS = `a.id, a.title, a.artist, a.year, a.date, a.genre, a.compilation, a.mb_album_id AS mbAlbumId,
  a.track_count AS trackCount, a.disc_count AS discCount, a.duration, a.art_id AS artId, a.added_at AS addedAt, a.dr`;

type Row = Record<string, unknown>;


/**
 * A Track from a raw row of TRACK_COLUMNS (its values in that order; SQLite's 0/1 as booleans).
 * One object literal: V8 builds it in well under a microsecond, where better-sqlite3 takes ~7 µs
 * to build a row object of these 56 named columns (half of listing 10,000 tracks).
 */
function trackOfValues(v: readonly unknown[]): Track {
  let i = 0;
  const n = (): number => v[i++] as number;
  const nn = (): number | null => v[i++] as number | null;
  const s = (): string => v[i++] as string;
  const sn = (): string | null => v[i++] as string | null;
  const b = (): boolean => v[i++] === 1;
  // In TRACK_COLUMNS order (object literals evaluate left to right).
  return {
    id: n(), rootId: n(), path: s(), uri: s(), startFrame: nn(), endFrame: nn(), available: b(), codec: s(), container: s(), lossless: b(),
    rate: nn(), bits: nn(), channels: nn(), duration: nn(), bitrate: nn(), md5Present: b(), title: sn(), artist: sn(), albumArtist: sn(), album: sn(),
    trackNumber: nn(), trackTotal: nn(), discNumber: nn(), discTotal: nn(), date: sn(), year: nn(), genre: sn(), composer: sn(), compilation: b(),
    mbTrackId: sn(), mbAlbumId: sn(), mbArtistId: sn(), mbAlbumArtistId: sn(), rgTrackGain: nn(), rgTrackPeak: nn(), rgAlbumGain: nn(), rgAlbumPeak: nn(),
    albumId: nn(), artId: nn(), mtime: n(), size: n(), addedAt: n(), playCount: n(), lastPlayed: nn(), analysedAt: nn(), analysisError: sn(),
    dr: nn(), drRounded: nn(), peakDb: nn(), loudnessLufs: nn(), lraLu: nn(), truePeakDbtp: nn(), rg2TrackGain: nn(), trueBits: nn(), verdict: sn(), cutoffHz: nn(),
  };
}

function albumOf(row: Row): Album {
  row.compilation = row.compilation === 1;
  return row as unknown as Album;
}

/** Search ranks every match by BM25 up to this many matches (a few ms); above, see search(). */
const RANK_ALL_BELOW = 4000;

/** ReplayGain 2.0 reference loudness (LUFS). */
const RG2_REFERENCE_LUFS = -18;

/**
 * Opens (creating when new) the library of a data folder: WAL, foreign keys, migrations up to the
 * latest, quick integrity check. Throws E_CORRUPT when the file is damaged or not a database,
 * E_STATE when it comes from a newer Auris, E_IO/E_PERMISSION for the folder.
 */
export function openLibrary(options: OpenLibraryOptions): Library {
  const file = path.join(options.dataDir, 'library.db');
  let db: Database;
  try {
    if (!options.readonly) mkdirSync(options.dataDir, { recursive: true });
    db = new BetterSqlite3(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (e) {
    throw databaseError(e, file);
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // 64 MiB of page cache: a scan's index writes (FTS, the track indexes) stay in memory
      // between batches instead of being re-read (the default is 2 MiB).
      db.pragma('cache_size = -65536');
      db.pragma('temp_store = MEMORY');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // The first read also tells a file that is not a database (SQLITE_NOTADB) from one that is.
    const version = db.pragma('user_version', { simple: true }) as number;
    const uncleanClose = version > 0 && (db.prepare("SELECT value FROM meta WHERE key = 'open'").get() as { value: string } | undefined)?.value === '1';
    if (uncleanClose) {
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw new AurisError('E_CORRUPT', `${file}: the library database is damaged (${check})`, { path: file, check });
    }
    if (!options.readonly) {
      migrate(db, file);
      // A bulk scan was killed before it rebuilt the search index: rebuild it before anything searches.
      if (searchIndexDeferred(db)) rebuildSearchIndex(db);
      // A first scan was killed before it created its deferred indexes again (bulk.ts).
      if (indexesDeferred(db)) restoreIndexes(db);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('open', '1')").run();
    }
    registerFunctions(db);
    return new Library(db, file);
  } catch (e) {
    db.close();
    throw databaseError(e, file);
  }
}

function databaseError(e: unknown, file: string): AurisError {
  if (e instanceof AurisError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return new AurisError('E_CORRUPT', `${file}: not a library database, or a damaged one`, { path: file }, { cause: e });
  if (code === 'SQLITE_CANTOPEN') return new AurisError('E_IO', `${file}: cannot open the library database`, { path: file }, { cause: e });
  return asAurisError(e, 'E_IO');
}

function migrate(db: Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new AurisError('E_STATE', `${file}: the library database is version ${version}, newer than this Auris knows (${MIGRATIONS.length})`, { path: file, version });
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

function registerFunctions(db: Database): void {
  // Full Unicode case folding for ignoreCase filters (SQLite's lower() is ASCII-only).
  db.function('casefold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : s === null ? null : String(s).toLowerCase()));
  const regexps = new Map<string, RegExp>();
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown, flags: unknown) => {
    if (value === null || value === undefined) return 0;
    const key = `${String(flags)}/${String(pattern)}`;
    let re = regexps.get(key);
    if (!re) {
      re = new RegExp(String(pattern), String(flags));
      if (regexps.size > 100) regexps.clear();
      regexps.set(key, re);
    }
    return re.test(String(value)) ? 1 : 0;
  });
}

/** The FTS5 query for what a user typed: every word must match, the last ones as prefixes too. */
export function ftsQuery(text: string): string | null {
  const words = text.normalize('NFC').replace(/['’]/g, '').match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}

/** A change a Library method made that front ends watch for (MPD's `stored_playlist` and `sticker` idle flags). */
export type LibraryChange = { readonly kind: 'playlist'; readonly name: string } | { readonly kind: 'sticker'; readonly uri: string };

export class Library {
  /** The connection. For the scanner and the service in this folder and src/core; front ends use the methods. */
  readonly db: Database;
  readonly file: string;
  private readonly changeListeners = new Set<(change: LibraryChange) => void>();

  /** Calls `listener` after each stored playlist or sticker change made through this object; returns the remover. */
  onChange(listener: (change: LibraryChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(change: LibraryChange): void {
    for (const l of this.changeListeners) l(change);
  }

  constructor(db: Database, file: string) {
    this.db = db;
    this.file = file;
  }

  /** Closes the database, marking it cleanly closed (the next open skips the integrity check). */
  close(): void {
    if (!this.db.open) return;
    if (!this.db.readonly) cached(this.db, "DELETE FROM meta WHERE key = 'open'").run();
    this.db.close();
  }

  // ---- roots and uris ----

  roots(): Root[] {
    return (cached(this.db, 'SELECT id, path, name, available, added_at AS addedAt, scanned_at AS scannedAt FROM roots ORDER BY name').all() as Row[])
      .map((r) => ({ ...r, available: r.available === 1 }) as unknown as Root);
  }

  root(id: number): Root | null {
    return this.roots().find((r) => r.id === id) ?? null;
  }

  /**
   * The uri front ends show for a track: its `uri` when the library has one root, else
   * "<root name>/<uri>" (each root is a top folder named by its name). trackByUri and the `base`
   * filter take this form.
   */
  publicUri(track: Pick<Track, 'rootId' | 'uri'>): string {
    const roots = this.roots();
    if (roots.length <= 1) return track.uri;
    return `${roots.find((r) => r.id === track.rootId)?.name ?? '?'}/${track.uri}`;
  }

  /** A public uri (see publicUri) as a root and the path relative to it. */
  readonly resolveUri: BaseResolver = (uri) => {
    const roots = this.roots();
    const clean = uri.replace(/^\/+|\/+$/g, '');
    if (roots.length === 0) return null;
    if (roots.length === 1) return { rootId: roots[0]!.id, rel: clean };
    const slash = clean.indexOf('/');
    const name = slash < 0 ? clean : clean.slice(0, slash);
    const root = roots.find((r) => r.name === name);
    return root ? { rootId: root.id, rel: slash < 0 ? '' : clean.slice(slash + 1) } : null;
  };

  // ---- tracks ----

  track(id: number): Track | null {
    return this.selectTracks(`SELECT ${TRACK_COLUMNS} FROM tracks t WHERE t.id = ?`, id)[0] ?? null;
  }

  /**
   * The track of a public uri. Uris keep the file name's bytes as the disk has them; a client that
   * sends the other Unicode normalisation (NFC for an NFD name from macOS, or back) finds it too.
   */
  trackByUri(uri: string): Track | null {
    const r = this.resolveUri(uri);
    if (!r) return null;
    for (const rel of new Set([r.rel, r.rel.normalize('NFC'), r.rel.normalize('NFD')])) {
      const found = this.selectTracks(`SELECT ${TRACK_COLUMNS} FROM tracks t WHERE t.root_id = ? AND t.uri = ?`, r.rootId, rel)[0];
      if (found) return found;
    }
    return null;
  }

  /** Tracks matching a filter, sorted and paged (MPD find/search, the web app's lists). */
  findTracks(filter: Filter | null, options: FindOptions = {}): Track[] {
    const { where, params } = filterSql(filter, this.resolveUri);
    const sql = `SELECT ${TRACK_COLUMNS} FROM tracks t WHERE ${where} ORDER BY ${orderSql(options.sort)} LIMIT ? OFFSET ?`;
    return this.selectTracks(sql, ...params, options.limit ?? -1, options.offset ?? 0);
  }

  /**
   * A page of the tracks matching a filter, sorted, after `after` (a cursor from the previous page;
   * none = from the start, skipping `offset`). Each page costs the same wherever it is: the rows
   * before the cursor are skipped by the WHERE clause, and only the page's ids go through the sort
   * (the rows are fetched by id afterwards), where findTracks' OFFSET sorts every row before it again.
   */
  findTracksPage(filter: Filter | null, options: FindOptions & { readonly after?: TrackCursor | null }): TrackPage {
    const { where, params } = filterSql(filter, this.resolveUri);
    const terms = orderTerms(options.sort);
    const after = options.after ? keysetSql(terms, options.after.keys) : { where: '1', params: [] };
    const limit = options.limit ?? -1;
    const sql = `SELECT ${terms.map((t) => t.expr).join(', ')} FROM tracks t WHERE (${where}) AND ${after.where}
      ORDER BY ${orderSql(options.sort)} LIMIT ? OFFSET ?`;
    const rows = cached(this.db, sql).raw(true).all(...params, ...after.params, limit, options.after ? 0 : (options.offset ?? 0)) as unknown[][];
    const items = this.tracksByIds(rows.map((r) => r[r.length - 1] as number));
    return { items, next: limit >= 0 && rows.length === limit ? { keys: rows.at(-1)! } : null };
  }

  /** Songs and playtime of the tracks matching a filter (MPD count). */
  countTracks(filter: Filter | null): Counts;
  /** The same per value of `groupBy` (MPD `count ... group artist`). */
  countTracks(filter: Filter | null, groupBy: TagName): (Counts & { group: string | number | null })[];
  countTracks(filter: Filter | null, groupBy?: TagName): Counts | (Counts & { group: string | number | null })[] {
    const { where, params } = filterSql(filter, this.resolveUri);
    if (!groupBy) {
      return cached(this.db, `SELECT COUNT(*) AS songs, COALESCE(SUM(t.duration), 0) AS playtime FROM tracks t WHERE ${where}`).get(...params) as Counts;
    }
    const g = columnOf(groupBy).sql;
    return cached(this.db, `SELECT ${g} AS "group", COUNT(*) AS songs, COALESCE(SUM(t.duration), 0) AS playtime FROM tracks t WHERE ${where} GROUP BY ${g} ORDER BY ${g}`).all(...params) as (Counts & { group: string | number | null })[];
  }

  /**
   * The distinct values of a tag among the tracks matching a filter, sorted (MPD list); with
   * `groupBy`, distinct (group, value) pairs sorted by group then value (MPD `list album group albumartist`).
   */
  distinct(tag: TagName, filter: Filter | null, groupBy?: TagName): { value: string | number | null; group?: string | number | null }[] {
    const { where, params } = filterSql(filter, this.resolveUri);
    const c = columnOf(tag).sql;
    if (!groupBy) return cached(this.db, `SELECT DISTINCT ${c} AS value FROM tracks t WHERE ${where} ORDER BY ${c} COLLATE NOCASE`).all(...params) as { value: string | number | null }[];
    const g = columnOf(groupBy).sql;
    return cached(this.db, `SELECT DISTINCT ${g} AS "group", ${c} AS value FROM tracks t WHERE ${where} ORDER BY ${g} COLLATE NOCASE, ${c} COLLATE NOCASE`).all(...params) as { value: string | number | null; group: string | number | null }[];
  }

  /**
   * A folder's subfolders, tracks and playlist files, by public uri ('' = the top: the root's
   * folders, or one folder per root when there are several). A cue sheet shows as a folder
   * holding its tracks, as MPD shows it. E_NOT_FOUND when no root has the uri.
   */
  listFolder(uri: string): FolderListing {
    const clean = uri.replace(/^\/+|\/+$/g, '');
    const roots = this.roots();
    if (clean === '' && roots.length > 1) return { folders: roots.map((r) => ({ uri: r.name, name: r.name })), tracks: [], playlists: [] };
    const r = this.resolveUri(clean);
    if (!r) throw new AurisError('E_NOT_FOUND', `no folder "${uri}" in the library`, { uri });
    const prefix = roots.length > 1 ? `${roots.find((x) => x.id === r.rootId)!.name}/` : '';
    const pub = (rel: string): string => `${prefix}${rel}`;
    // A cue sheet, or an audio file with one embedded, is a folder of its tracks.
    const cue = cached(this.db, 'SELECT f.id FROM files f WHERE f.root_id = ? AND f.rel = ? AND EXISTS (SELECT 1 FROM tracks t WHERE t.cue_file_id = f.id)').get(r.rootId, r.rel) as { id: number } | undefined;
    if (cue) {
      const tracks = this.selectTracks(`SELECT ${TRACK_COLUMNS} FROM tracks t WHERE t.cue_file_id = ? ORDER BY t.cue_track`, cue.id);
      return { folders: [], tracks, playlists: [] };
    }
    const folders = new Set<string>();
    const sub = r.rel === '' ? '' : `${r.rel}/`;
    const rows = (r.rel === ''
      ? cached(this.db, 'SELECT DISTINCT folder FROM files WHERE root_id = ? AND folder <> \'\'').all(r.rootId)
      : cached(this.db, 'SELECT DISTINCT folder FROM files WHERE root_id = ? AND folder >= ? AND folder < ?').all(r.rootId, sub, `${r.rel}0`)) as { folder: string }[];
    for (const { folder } of rows) folders.add(folder.slice(sub.length).split('/')[0]!);
    const exists = rows.length > 0 || r.rel === '' || cached(this.db, 'SELECT 1 FROM files WHERE root_id = ? AND folder = ? LIMIT 1').get(r.rootId, r.rel) !== undefined;
    if (!exists) throw new AurisError('E_NOT_FOUND', `no folder "${uri}" in the library`, { uri });
    const cues = cached(this.db, 'SELECT f.rel FROM files f WHERE f.root_id = ? AND f.folder = ? AND EXISTS (SELECT 1 FROM tracks WHERE cue_file_id = f.id) ORDER BY f.rel').all(r.rootId, r.rel) as { rel: string }[];
    const tracks = this.selectTracks(`SELECT ${TRACK_COLUMNS} FROM tracks t JOIN files f ON f.id = t.file_id WHERE f.root_id = ? AND f.folder = ? AND t.cue_file_id IS NULL ORDER BY f.rel`, r.rootId, r.rel);
    const playlists = cached(this.db, "SELECT rel FROM files WHERE root_id = ? AND folder = ? AND kind = 'playlist' ORDER BY rel").all(r.rootId, r.rel) as { rel: string }[];
    const byName = new Intl.Collator(undefined, { numeric: true });
    const folderList = [...folders].sort(byName.compare).map((name) => ({ uri: pub(`${sub}${name}`), name }));
    for (const c of cues) folderList.push({ uri: pub(c.rel), name: c.rel.slice(sub.length) });
    return { folders: folderList, tracks, playlists: playlists.map((p) => ({ uri: pub(p.rel), name: p.rel.slice(sub.length) })) };
  }

  /**
   * Full-text search over title, artist, album artist, album, composer, genre and path: case- and
   * accent-insensitive, every word a prefix, ranked by BM25 with title and artist weighing most.
   */
  search(text: string, page: Page = {}): Paged<Track> {
    const q = ftsQuery(text);
    if (!q) return { items: [], total: 0 };
    try {
      const count = (match: string): number => (cached(this.db, 'SELECT COUNT(*) AS n FROM tracks_fts WHERE tracks_fts MATCH ?').get(match) as { n: number }).n;
      const total = count(q);
      const offset = page.offset ?? 0;
      const limit = page.limit ?? 50;
      if (total <= RANK_ALL_BELOW) return { items: this.tracksByIds(this.rankedIds(q, offset, limit)), total };
      // Many matches (a word or two of type-ahead): BM25 over all of them costs ~1 µs each, so the
      // tracks whose title has every word come first (ranked when few), then the rest in index order.
      const inTitle = `{title} : (${q})`;
      const titled = count(inTitle);
      const ids: number[] = [];
      if (offset < titled) ids.push(...(titled <= RANK_ALL_BELOW ? this.rankedIds(inTitle, offset, limit) : this.indexOrderIds(inTitle, offset, limit)));
      if (ids.length < limit) ids.push(...this.indexOrderIds(`(${q}) NOT ${inTitle}`, Math.max(0, offset - titled), limit - ids.length));
      return { items: this.tracksByIds(ids), total };
    } catch (e) {
      throw new AurisError('E_INVALID_ARGUMENT', `cannot search for "${text}": ${(e as Error).message}`, { text }, { cause: e });
    }
  }

  /**
   * Ranked ids from the index alone (rows are fetched afterwards: ranking inside a join with the
   * tracks table cost about as much again as the ranking itself).
   */
  private rankedIds(match: string, offset: number, limit: number): number[] {
    return (cached(this.db, `SELECT rowid AS id FROM tracks_fts WHERE tracks_fts MATCH ?
      ORDER BY bm25(tracks_fts, 10.0, 8.0, 6.0, 6.0, 3.0, 2.0, 1.0), rowid LIMIT ? OFFSET ?`).all(match, limit, offset) as { id: number }[]).map((r) => r.id);
  }

  /** Ids in the index's own (rowid) order: the index stops after `offset + limit`. */
  private indexOrderIds(match: string, offset: number, limit: number): number[] {
    return (cached(this.db, 'SELECT rowid AS id FROM tracks_fts WHERE tracks_fts MATCH ? ORDER BY rowid LIMIT ? OFFSET ?').all(match, limit, offset) as { id: number }[]).map((r) => r.id);
  }

  /** The tracks of `ids`, in that order; ids without a track are left out. */
  tracksByIds(ids: readonly number[]): Track[] {
    if (ids.length === 0) return [];
    const byId = new Map(this.selectTracks(`SELECT ${TRACK_COLUMNS} FROM tracks t WHERE t.id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids)).map((t) => [t.id, t]));
    return ids.flatMap((id) => {
      const t = byId.get(id);
      return t ? [t] : [];
    });
  }

  /** The tracks a query over TRACK_COLUMNS returns (raw rows made Tracks by trackOfValues). */
  private selectTracks(sql: string, ...params: unknown[]): Track[] {
    return (cached(this.db, sql).raw(true).all(...params) as unknown[][]).map(trackOfValues);
  }

  // ---- albums, artists, genres, years ----

  /** Albums paged, sorted by artist then title (default), title, year or date added (newest first). */
  albums(options: Page & { sort?: 'artist' | 'title' | 'year' | 'added' | 'dr'; artist?: string; genre?: string; year?: number } = {}): Paged<Album> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.artist !== undefined) { where.push('a.artist = ? COLLATE NOCASE'); params.push(options.artist); }
    if (options.year !== undefined) { where.push('a.year = ?'); params.push(options.year); }
    if (options.genre !== undefined) { where.push('EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = a.id AND t.genre = ? COLLATE NOCASE)'); params.push(options.genre); }
    const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    // Each order is an index of albums (schema.ts), id last to make it total.
    const order = {
      artist: 'a.artist COLLATE NOCASE, a.year, a.title COLLATE NOCASE, a.id',
      title: 'a.title COLLATE NOCASE, a.artist COLLATE NOCASE, a.id',
      year: 'a.year IS NULL, a.year, a.artist COLLATE NOCASE, a.title COLLATE NOCASE, a.id',
      added: 'a.added_at DESC, a.id DESC',
      dr: 'a.dr IS NULL, a.dr DESC, a.artist COLLATE NOCASE, a.id',
    }[options.sort ?? 'artist'];
    const total = (cached(this.db, `SELECT COUNT(*) AS n FROM albums a ${w}`).get(...params) as { n: number }).n;
    const items = (cached(this.db, `SELECT ${ALBUM_COLUMNS} FROM albums a ${w} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...params, options.limit ?? -1, options.offset ?? 0) as Row[]).map(albumOf);
    return { items, total };
  }

  /** One album and its tracks in disc and track order; null when there is no such album. */
  album(id: number): { album: Album; tracks: Track[] } | null {
    const row = cached(this.db, `SELECT ${ALBUM_COLUMNS} FROM albums a WHERE a.id = ?`).get(id) as Row | undefined;
    if (!row) return null;
    const tracks = this.selectTracks(`SELECT ${TRACK_COLUMNS} FROM tracks t WHERE t.album_id = ? ORDER BY t.disc_no, t.track_no, t.uri`, id);
    return { album: albumOf(row), tracks };
  }

  /** Track artists with their album and track counts, paged, by name. */
  artists(page: Page = {}): Paged<NamedCount> {
    return this.named('t.artist', page);
  }

  /** Album artists (as albums show them, "Various Artists" included), paged, by name. */
  albumArtists(page: Page = {}): Paged<NamedCount> {
    const total = (cached(this.db, 'SELECT COUNT(DISTINCT artist COLLATE NOCASE) AS n FROM albums').get() as { n: number }).n;
    const items = cached(this.db, `SELECT MIN(a.artist) AS name, COUNT(*) AS albums, SUM(a.track_count) AS tracks FROM albums a
      GROUP BY a.artist COLLATE NOCASE ORDER BY a.artist COLLATE NOCASE LIMIT ? OFFSET ?`).all(page.limit ?? -1, page.offset ?? 0) as NamedCount[];
    return { items, total };
  }

  genres(page: Page = {}): Paged<NamedCount> {
    return this.named('t.genre', page);
  }

  /** Years with their album and track counts, oldest first. */
  years(page: Page = {}): Paged<{ year: number; albums: number; tracks: number }> {
    const total = (cached(this.db, 'SELECT COUNT(DISTINCT year) AS n FROM tracks WHERE year IS NOT NULL').get() as { n: number }).n;
    const items = cached(this.db, `SELECT t.year AS year, COUNT(DISTINCT t.album_id) AS albums, COUNT(*) AS tracks FROM tracks t
      WHERE t.year IS NOT NULL GROUP BY t.year ORDER BY t.year LIMIT ? OFFSET ?`).all(page.limit ?? -1, page.offset ?? 0) as { year: number; albums: number; tracks: number }[];
    return { items, total };
  }

  private named(column: string, page: Page): Paged<NamedCount> {
    const total = (cached(this.db, `SELECT COUNT(DISTINCT ${column} COLLATE NOCASE) AS n FROM tracks t WHERE ${column} IS NOT NULL`).get() as { n: number }).n;
    const items = cached(this.db, `SELECT MIN(${column}) AS name, COUNT(DISTINCT t.album_id) AS albums, COUNT(*) AS tracks FROM tracks t
      WHERE ${column} IS NOT NULL GROUP BY ${column} COLLATE NOCASE ORDER BY ${column} COLLATE NOCASE LIMIT ? OFFSET ?`).all(page.limit ?? -1, page.offset ?? 0) as NamedCount[];
    return { items, total };
  }

  // ---- art ----

  /** The original image of an art id. */
  art(artId: number): ArtImage | null {
    const row = cached(this.db, 'SELECT mime, bytes FROM art WHERE id = ?').get(artId) as { mime: string; bytes: Buffer } | undefined;
    return row ? { mime: row.mime, bytes: new Uint8Array(row.bytes) } : null;
  }

  /** An album's cover (folder image, else the first track's embedded picture). */
  albumArt(albumId: number): ArtImage | null {
    const row = cached(this.db, 'SELECT art_id FROM albums WHERE id = ?').get(albumId) as { art_id: number | null } | undefined;
    return row?.art_id ? this.art(row.art_id) : null;
  }

  /** A track's own embedded picture, else its album's cover. */
  trackArt(trackId: number): ArtImage | null {
    const id = this.trackArtId(trackId);
    return id === null ? null : this.art(id);
  }

  trackArtId(trackId: number): number | null {
    const row = cached(this.db, 'SELECT t.art_id AS own, a.art_id AS album FROM tracks t LEFT JOIN albums a ON a.id = t.album_id WHERE t.id = ?').get(trackId) as { own: number | null; album: number | null } | undefined;
    return row?.own ?? row?.album ?? null;
  }

  /**
   * A thumbnail of an art id as WebP, made with sharp on first request and cached in the database.
   * E_NOT_FOUND when there is no such art; E_CORRUPT when the image cannot be decoded.
   */
  async thumbnail(artId: number, size: ThumbnailSize): Promise<ArtImage> {
    const px = THUMBNAIL_PIXELS[size];
    const thumb = cached(this.db, 'SELECT mime, bytes FROM thumbs WHERE art_id = ? AND size = ?').get(artId, px) as { mime: string; bytes: Buffer } | undefined;
    if (thumb) return { mime: thumb.mime, bytes: new Uint8Array(thumb.bytes) };
    const original = this.art(artId);
    if (!original) throw new AurisError('E_NOT_FOUND', `no art with id ${artId}`, { artId });
    let bytes: Buffer;
    try {
      const { default: sharp } = await import('sharp');
      bytes = await sharp(original.bytes).rotate().resize(px, px, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 82 }).toBuffer();
    } catch (e) {
      throw new AurisError('E_CORRUPT', `art ${artId} (${original.mime}) cannot be decoded: ${(e as Error).message}`, { artId }, { cause: e });
    }
    if (this.db.open && !this.db.readonly) cached(this.db, 'INSERT OR REPLACE INTO thumbs (art_id, size, mime, bytes) VALUES (?, ?, ?, ?)').run(artId, px, 'image/webp', bytes);
    return { mime: 'image/webp', bytes: new Uint8Array(bytes) };
  }

  // ---- stored playlists ----

  playlists(): { name: string; modifiedAt: number; length: number }[] {
    return cached(this.db, `SELECT p.name, p.modified_at AS modifiedAt, (SELECT COUNT(*) FROM playlist_entries e WHERE e.playlist_id = p.id) AS length
      FROM playlists p ORDER BY p.name`).all() as { name: string; modifiedAt: number; length: number }[];
  }

  /** A stored playlist by name; null when there is none. Entries whose track is gone keep their uri. */
  playlist(name: string): StoredPlaylist | null {
    const p = cached(this.db, 'SELECT id, name, modified_at AS modifiedAt FROM playlists WHERE name = ?').get(name) as { id: number; name: string; modifiedAt: number } | undefined;
    if (!p) return null;
    const entries = cached(this.db, 'SELECT uri, track_id AS trackId FROM playlist_entries WHERE playlist_id = ? ORDER BY pos').all(p.id) as { uri: string; trackId: number | null }[];
    return { name: p.name, modifiedAt: p.modifiedAt, entries };
  }

  /**
   * Creates or replaces a stored playlist. Entries are track ids or public uris; an id must exist
   * (E_NOT_FOUND), a uri may name no track yet. E_INVALID_ARGUMENT for an empty or slashed name.
   */
  savePlaylist(name: string, entries: readonly (number | string)[]): void {
    checkPlaylistName(name);
    const resolved = entries.map((e) => this.playlistEntry(e));
    this.db.transaction(() => {
      cached(this.db, 'DELETE FROM playlists WHERE name = ?').run(name);
      const id = Number(cached(this.db, 'INSERT INTO playlists (name, modified_at) VALUES (?, ?)').run(name, Date.now()).lastInsertRowid);
      const add = cached(this.db, 'INSERT INTO playlist_entries (playlist_id, pos, track_id, uri) VALUES (?, ?, ?, ?)');
      resolved.forEach((e, i) => add.run(id, i, e.trackId, e.uri));
    })();
    this.changed({ kind: 'playlist', name });
  }

  /** Appends entries (track ids or uris) to a playlist, creating it when missing. */
  appendToPlaylist(name: string, entries: readonly (number | string)[]): void {
    const existing = this.playlist(name)?.entries.map((e) => e.trackId ?? e.uri) ?? [];
    this.savePlaylist(name, [...existing, ...entries]);
  }

  deletePlaylist(name: string): void {
    if (cached(this.db, 'DELETE FROM playlists WHERE name = ?').run(name).changes === 0) throw new AurisError('E_NOT_FOUND', `no playlist "${name}"`, { name });
    this.changed({ kind: 'playlist', name });
  }

  renamePlaylist(from: string, to: string): void {
    checkPlaylistName(to);
    if (this.playlist(to)) throw new AurisError('E_STATE', `a playlist "${to}" exists already`, { name: to });
    if (cached(this.db, 'UPDATE playlists SET name = ?, modified_at = ? WHERE name = ?').run(to, Date.now(), from).changes === 0) {
      throw new AurisError('E_NOT_FOUND', `no playlist "${from}"`, { name: from });
    }
    this.changed({ kind: 'playlist', name: from });
    this.changed({ kind: 'playlist', name: to });
  }

  private playlistEntry(e: number | string): { trackId: number | null; uri: string } {
    if (typeof e === 'number') {
      const t = this.track(e);
      if (!t) throw new AurisError('E_NOT_FOUND', `no track with id ${e}`, { trackId: e });
      return { trackId: t.id, uri: this.publicUri(t) };
    }
    return { trackId: this.trackByUri(e)?.id ?? null, uri: e };
  }

  // ---- stickers (MPD: per song uri) ----

  getSticker(uri: string, name: string, type = 'song'): string | null {
    return (cached(this.db, 'SELECT value FROM stickers WHERE type = ? AND uri = ? AND name = ?').get(type, uri, name) as { value: string } | undefined)?.value ?? null;
  }

  setSticker(uri: string, name: string, value: string, type = 'song'): void {
    if (type === 'song' && !this.trackByUri(uri)) throw new AurisError('E_NOT_FOUND', `no song "${uri}"`, { uri });
    cached(this.db, 'INSERT OR REPLACE INTO stickers (type, uri, name, value) VALUES (?, ?, ?, ?)').run(type, uri, name, value);
    this.changed({ kind: 'sticker', uri });
  }

  /** Deletes one sticker, or every sticker of the uri when `name` is omitted. E_NOT_FOUND when none was there. */
  deleteSticker(uri: string, name?: string, type = 'song'): void {
    const r = name === undefined
      ? cached(this.db, 'DELETE FROM stickers WHERE type = ? AND uri = ?').run(type, uri)
      : cached(this.db, 'DELETE FROM stickers WHERE type = ? AND uri = ? AND name = ?').run(type, uri, name);
    if (r.changes === 0) throw new AurisError('E_NOT_FOUND', `no sticker ${name ?? ''} on "${uri}"`, { uri, name });
    this.changed({ kind: 'sticker', uri });
  }

  listStickers(uri: string, type = 'song'): { name: string; value: string }[] {
    return cached(this.db, 'SELECT name, value FROM stickers WHERE type = ? AND uri = ? ORDER BY name').all(type, uri) as { name: string; value: string }[];
  }

  /** The uris under `base` (a folder uri, '' = all) that have sticker `name`, with its value (MPD `sticker find`). */
  findStickers(base: string, name: string, type = 'song'): { uri: string; value: string }[] {
    const clean = base.replace(/^\/+|\/+$/g, '');
    if (clean === '') return cached(this.db, 'SELECT uri, value FROM stickers WHERE type = ? AND name = ? ORDER BY uri').all(type, name) as { uri: string; value: string }[];
    return cached(this.db, "SELECT uri, value FROM stickers WHERE type = ? AND name = ? AND (uri = ? OR uri LIKE ? ESCAPE '\\') ORDER BY uri").all(type, name, clean, `${escapeLike(clean)}/%`) as { uri: string; value: string }[];
  }

  // ---- history ----

  /** Records that a track was played now (its count and last-played time, and a history row). */
  recordPlay(trackId: number, at = Date.now()): void {
    this.db.transaction(() => {
      if (cached(this.db, 'UPDATE tracks SET play_count = play_count + 1, last_played = ? WHERE id = ?').run(at, trackId).changes === 0) {
        throw new AurisError('E_NOT_FOUND', `no track with id ${trackId}`, { trackId });
      }
      cached(this.db, 'INSERT INTO plays (track_id, played_at) VALUES (?, ?)').run(trackId, at);
    })();
  }

  /** The latest plays, newest first. */
  history(page: Page = {}): { trackId: number; playedAt: number }[] {
    return cached(this.db, 'SELECT track_id AS trackId, played_at AS playedAt FROM plays ORDER BY played_at DESC, id DESC LIMIT ? OFFSET ?').all(page.limit ?? 100, page.offset ?? 0) as { trackId: number; playedAt: number }[];
  }

  // ---- stats ----

  /**
   * Counts for a status line, from indexes and the albums table rather than a pass over every track
   * (~1 ms warm at 100,000 tracks, against tens of ms, and hundreds cold, for SUM over the tracks):
   * songs from the smallest index, artists (as artists() groups them, case-insensitively) from the
   * artist index, playtime as the albums' durations (refreshAlbums keeps them) plus the tracks
   * without an album.
   */
  stats(): Stats {
    const t = cached(this.db, `SELECT (SELECT COUNT(*) FROM tracks) AS songs,
      (SELECT COUNT(DISTINCT artist COLLATE NOCASE) FROM tracks) AS artists,
      (SELECT COALESCE(SUM(duration), 0) FROM albums) + (SELECT COALESCE(SUM(duration), 0) FROM tracks WHERE album_id IS NULL) AS playtime`).get() as { songs: number; artists: number; playtime: number };
    const albums = (cached(this.db, 'SELECT COUNT(*) AS n FROM albums').get() as { n: number }).n;
    const updated = cached(this.db, "SELECT value FROM meta WHERE key = 'updated_at'").get() as { value: string } | undefined;
    return { artists: t.artists, albums, songs: t.songs, playtime: t.playtime, dbUpdate: updated ? Number(updated.value) : null };
  }

  /** Files the last scans could not read, with their error. */
  fileErrors(): { path: string; code: string; message: string }[] {
    return cached(this.db, 'SELECT path, error_code AS code, error AS message FROM files WHERE error_code IS NOT NULL ORDER BY path').all() as { path: string; code: string; message: string }[];
  }

  // ---- analysis ----

  /** Tracks never analysed (nor failed), available, in album order; at most `limit`. */
  tracksNeedingAnalysis(limit = -1): Track[] {
    return this.selectTracks(`SELECT ${TRACK_COLUMNS} FROM tracks t WHERE t.analysed_at IS NULL AND t.available = 1 ORDER BY t.album_id, t.disc_no, t.track_no, t.uri LIMIT ?`, limit);
  }

  /** Stores one track's analysis (or its failure) and refreshes its album's DR. */
  saveAnalysis(trackId: number, result: AnalysisRecord): void {
    this.db.transaction(() => {
      const now = Date.now();
      const r = result.error !== undefined
        ? cached(this.db, 'UPDATE tracks SET analysed_at = ?, analysis_error = ? WHERE id = ?').run(now, result.error, trackId)
        : cached(this.db, `UPDATE tracks SET analysed_at = ?, analysis_error = NULL, dr = ?, dr_rounded = ?, peak_db = ?, loudness_lufs = ?, lra_lu = ?,
            true_peak_dbtp = ?, rg2_track_gain = ?, true_bits = ?, verdict = ?, cutoff_hz = ? WHERE id = ?`).run(
            now, result.dr, result.drRounded, finite(result.peakDb), finite(result.loudnessLufs), finite(result.lraLu), finite(result.truePeakDbtp),
            result.loudnessLufs !== null && Number.isFinite(result.loudnessLufs) ? RG2_REFERENCE_LUFS - result.loudnessLufs : null,
            result.trueBits, result.verdict, result.cutoffHz, trackId);
      if (r.changes === 0) throw new AurisError('E_NOT_FOUND', `no track with id ${trackId}`, { trackId });
      const album = cached(this.db, 'SELECT album_id FROM tracks WHERE id = ?').get(trackId) as { album_id: number | null };
      if (album.album_id !== null) refreshAlbums(this.db, [album.album_id]);
    })();
  }
}

/** SQLite stores -Infinity (silence's peak) as a float, but JSON cannot carry it: null instead. */
function finite(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

function checkPlaylistName(name: string): void {
  if (name.trim() === '' || /[/\\\n\r]/.test(name)) throw new AurisError('E_INVALID_ARGUMENT', `"${name}" cannot name a playlist (empty, or has a slash or a line break)`, { name });
}
