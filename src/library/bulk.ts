// The first scan's bulk mode for the secondary indexes. A scan into a library with no tracks yet
// drops the indexes that no query of that scan needs, writes its rows, and creates them again in
// one sorted pass each (CREATE INDEX sorts; inserting row by row walks every B-tree per row and
// dirties its pages again in each transaction). The albums' facts (refreshAlbums, which needs
// tracks_album) are computed once at the end too.
//
// Crash safety follows the search index's scheme (fts.ts): meta 'indexes_deferred' is committed in
// the same transaction that drops the indexes, and cleared in the one that creates them and
// refreshes the albums; openLibrary finds it after a kill -9 and finishes the job (restoreIndexes)
// before anything reads. Until then queries are correct, only slower, and albums of the rows
// written so far may show zero tracks.

import type { Database } from 'better-sqlite3';
import { refreshAlbums } from './grouping.ts';
import { cached } from './statements.ts';

/**
 * The indexes a first scan defers, as migration 1 creates them (the restore test compares the
 * schema with a fresh library's). Kept: the unique ones (tracks_uri, files.path, albums.key), which
 * the scan's writes rely on, tracks_file, and tracks_cue (a FLAC file with an embedded cue sheet
 * looks its sheet's tracks up by cue_file_id; a plain track's NULL costs it an append).
 */
const DEFERRED_INDEXES: readonly string[] = [
  'CREATE INDEX IF NOT EXISTS files_root ON files(root_id, folder)',
  'CREATE INDEX IF NOT EXISTS files_ino ON files(dev, ino)',
  'CREATE INDEX IF NOT EXISTS tracks_album ON tracks(album_id, disc_no, track_no)',
  'CREATE INDEX IF NOT EXISTS tracks_artist ON tracks(artist COLLATE NOCASE)',
  'CREATE INDEX IF NOT EXISTS tracks_album_artist ON tracks(album_artist COLLATE NOCASE)',
  'CREATE INDEX IF NOT EXISTS tracks_genre ON tracks(genre COLLATE NOCASE)',
  'CREATE INDEX IF NOT EXISTS tracks_year ON tracks(year)',
  'CREATE INDEX IF NOT EXISTS tracks_mtime ON tracks(mtime)',
  'CREATE INDEX IF NOT EXISTS tracks_unanalysed ON tracks(album_id) WHERE analysed_at IS NULL',
];

function indexName(create: string): string {
  return /EXISTS (\w+) ON/.exec(create)![1]!;
}

/** True while the secondary indexes are dropped (a first scan runs, or one was killed). */
export function indexesDeferred(db: Database): boolean {
  return cached(db, "SELECT 1 FROM meta WHERE key = 'indexes_deferred'").get() !== undefined;
}

/** Whether a scan writing `adding` tracks into a library of `existing` tracks should defer the indexes: a first scan of many files. */
export function worthDeferringIndexes(adding: number, existing: number): boolean {
  return existing === 0 && adding >= 256;
}

/** Drops the deferred indexes and sets the flag, in one transaction. */
export function deferIndexes(db: Database): void {
  db.transaction(() => {
    cached(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('indexes_deferred', '1')").run();
    for (const create of DEFERRED_INDEXES) db.exec(`DROP INDEX IF EXISTS ${indexName(create)}`);
  })();
}

/**
 * Creates the deferred indexes again and refreshes every album's facts (all of them: after a kill
 * the scan's album ids are lost, and a first scan's albums are all new anyway), clearing the flag,
 * in one transaction.
 */
export function restoreIndexes(db: Database): void {
  db.transaction(() => {
    for (const create of DEFERRED_INDEXES) db.exec(create);
    refreshAlbums(db, (db.prepare('SELECT id FROM albums').pluck().all() as number[]));
    cached(db, "DELETE FROM meta WHERE key = 'indexes_deferred'").run();
  })();
}
