// Albums the way users expect them (spec webapp.md, "Album grouping"):
//   1. tracks with a MusicBrainz album id are grouped by it;
//   2. else tracks with an album artist by (album artist, album, year), so the discs of an album
//      in CD1/CD2 folders, or in one folder, are one album, and a compilation tagged with an album
//      artist ("Various Artists") is one album;
//   3. else (no album artist) by (album folder, album): a compilation without album artist is one
//      album per folder rather than one per track artist; its artist is the one track artist, or
//      "Various Artists" when they differ. "Album folder" is the folder with a trailing disc
//      folder ("CD1", "Disc 2", "Disk 03 - Bonus") removed.
// Two albums with the same title by different artists differ in album artist (rule 2) or folder
// (rule 3), so they stay two. Tracks without an album tag belong to no album.

import type { Database } from 'better-sqlite3';
import { cached } from './statements.ts';

export const VARIOUS_ARTISTS = 'Various Artists';

const DISC_FOLDER = /^(cd|disc|disk|dvd|part|side)[\s._-]*\d+\b/i;

/** The folder an album lives in: `folder` (relative, '/'-separated) without a trailing disc folder. */
export function albumFolderOf(folder: string): string {
  const slash = folder.lastIndexOf('/');
  const last = folder.slice(slash + 1);
  return DISC_FOLDER.test(last) ? (slash < 0 ? '' : folder.slice(0, slash)) : folder;
}

/** Case, accents and spacing as people ignore them when they say two albums are the same. */
export function normalisedName(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface GroupingFacts {
  readonly rootId: number;
  /** Folder of the track's file (or cue sheet), relative to its root. */
  readonly folder: string;
  readonly album: string | null;
  readonly albumArtist: string | null;
  readonly year: number | null;
  readonly mbAlbumId: string | null;
}

/** The album key of a track, or null when it has no album tag. */
export function albumKeyOf(f: GroupingFacts): string | null {
  if (!f.album || f.album.trim() === '') return null;
  if (f.mbAlbumId) return `mb:${f.mbAlbumId.toLowerCase()}`;
  const album = normalisedName(f.album);
  if (f.albumArtist && f.albumArtist.trim() !== '') return `aa:${normalisedName(f.albumArtist)}\u0000${album}\u0000${f.year ?? ''}`;
  return `f:${f.rootId}:${albumFolderOf(f.folder)}\u0000${album}`;
}

/** The year of a date tag ("2021-03-04", "2021"), or null. */
export function yearOf(date: string | null): number | null {
  const m = date ? /\b(\d{4})\b/.exec(date) : null;
  return m ? Number(m[1]) : null;
}

/** Preference among folder images: cover, folder, front (.jpg, .jpeg, .png); null = not album art. */
export function folderImageRank(fileName: string): number | null {
  const m = /^(cover|folder|front)\.(jpe?g|png)$/i.exec(fileName);
  if (!m) return null;
  return ['cover', 'folder', 'front'].indexOf(m[1]!.toLowerCase());
}

/**
 * The album id for a key, creating the album when it is new with its first track's title, artist
 * and year (refreshAlbums then fills the rest, and rarely has to move it in the grid's indexes).
 * Album ids are as stable as their keys. `known` (key to id) saves the lookup when the caller knows
 * no album is deleted meanwhile (a first scan, whose albums are refreshed once at the end).
 */
export function albumIdFor(
  db: Database, key: string, first: { rootId: number; folder: string; title: string; artist: string; year: number | null }, now: number,
  known: Map<string, number> | null = null,
): number {
  const cachedId = known?.get(key);
  if (cachedId !== undefined) return cachedId;
  const row = cached(db, 'SELECT id FROM albums WHERE key = ?').get(key) as { id: number } | undefined;
  const id = row ? row.id : Number(cached(db, 'INSERT INTO albums (key, root_id, folder, title, artist, year, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(key, first.rootId, albumFolderOf(first.folder), first.title, first.artist, first.year, now).lastInsertRowid);
  known?.set(key, id);
  return id;
}

interface AlbumFacts {
  id: number; n: number; title: string | null; albumArtist: string | null; artists: number; artist: string | null; year: number | null; date: string | null;
  genre: string | null; compilation: number; mb: string | null; discs: number; duration: number; added: number; analysed: number; dr: number | null;
}

interface AlbumRow {
  id: number; rootId: number; folder: string; title: string; artist: string; year: number | null; added: number; dr: number | null;
}

/**
 * Recomputes the facts of the given albums from their tracks (title, artist, year, counts,
 * duration, art, DR) and deletes those left without tracks. Runs inside the caller's transaction.
 * One query per kind of fact for all the albums at once; the columns the album grid's indexes hold
 * (title, artist, year, date added, DR) are written only when they changed.
 */
export function refreshAlbums(db: Database, ids: Iterable<number>): void {
  const list = [...new Set(ids)];
  if (list.length === 0) return;
  const json = JSON.stringify(list);
  const facts = new Map((cached(db, `
    SELECT album_id AS id, COUNT(*) AS n, MIN(album) AS title, MAX(album_artist) AS albumArtist,
           COUNT(DISTINCT artist) AS artists, MIN(artist) AS artist, MIN(year) AS year, MIN(date) AS date,
           MIN(genre) AS genre, MAX(compilation) AS compilation, MIN(mb_album_id) AS mb,
           COUNT(DISTINCT COALESCE(disc_no, 1)) AS discs, COALESCE(SUM(duration), 0) AS duration,
           MIN(added_at) AS added, COUNT(dr) AS analysed, AVG(dr) AS dr
    FROM tracks WHERE album_id IN (SELECT value FROM json_each(?)) GROUP BY album_id`).all(json) as AlbumFacts[]).map((f) => [f.id, f]));
  const embedded = new Map<number, number>();
  for (const r of cached(db, `SELECT album_id AS id, art_id AS artId FROM tracks WHERE album_id IN (SELECT value FROM json_each(?)) AND art_id IS NOT NULL
    ORDER BY album_id, disc_no, track_no, uri`).all(json) as { id: number; artId: number }[]) if (!embedded.has(r.id)) embedded.set(r.id, r.artId);
  const rows = cached(db, `SELECT id, root_id AS rootId, folder, title, artist, year, added_at AS added, dr FROM albums
    WHERE id IN (SELECT value FROM json_each(?))`).all(json) as AlbumRow[];
  // Folder images in the album folder or below: one range on (root_id, folder), which the index
  // serves ("F" up to "F0", '0' following '/'); names like "F (2)" that sort inside it are dropped
  // below. (An OR of "= F" and the range made SQLite scan every file of the root.)
  const folderImages = cached(db, "SELECT art_id AS artId, rel, folder FROM files WHERE root_id = ? AND folder >= ? AND folder < ? AND kind = 'image' AND art_id IS NOT NULL");
  const update = cached(db, 'UPDATE albums SET date = ?, genre = ?, compilation = ?, mb_album_id = ?, track_count = ?, disc_count = ?, duration = ?, art_id = ? WHERE id = ?');
  const updateIndexed = cached(db, 'UPDATE albums SET title = ?, artist = ?, year = ?, added_at = ?, dr = ? WHERE id = ?');
  const remove = cached(db, 'DELETE FROM albums WHERE id = ?');
  for (const row of rows) {
    const f = facts.get(row.id);
    if (!f) {
      remove.run(row.id);
      continue;
    }
    const artist = f.albumArtist ?? (f.compilation || f.artists > 1 ? VARIOUS_ARTISTS : (f.artist ?? ''));
    // A folder image in the album folder or one of its disc folders; the album folder's own first.
    const images = (folderImages.all(row.rootId, row.folder, `${row.folder}0`) as { artId: number; rel: string; folder: string }[])
      .filter((i) => i.folder === row.folder || i.folder.startsWith(`${row.folder}/`) || row.folder === '');
    const ranked = images
      .map((i) => ({ ...i, depth: i.rel.split('/').length, rank: folderImageRank(i.rel.slice(i.rel.lastIndexOf('/') + 1)) ?? 9 }))
      .sort((a, b) => a.depth - b.depth || a.rank - b.rank || (a.rel < b.rel ? -1 : 1));
    const artId = ranked[0]?.artId ?? embedded.get(row.id) ?? null;
    // Album DR as foobar2000 gives it: the rounded mean of the track values, once all are measured.
    const dr = f.analysed === f.n && f.dr !== null ? Math.round(f.dr) : null;
    const title = f.title ?? '';
    update.run(f.date, f.genre, f.compilation, f.mb, f.n, f.discs, f.duration, artId, row.id);
    if (row.title !== title || row.artist !== artist || row.year !== f.year || row.added !== f.added || row.dr !== dr) {
      updateIndexed.run(title, artist, f.year, f.added, dr, row.id);
    }
  }
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
