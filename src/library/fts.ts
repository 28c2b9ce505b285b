// The search index's bulk mode. Row by row, FTS5 costs ~35 µs a track (most of a first scan's
// writes); its 'rebuild' makes the same index from the content view in ~5 µs a track. A scan that
// adds many tracks defers the index (the triggers of migration 2 pause while meta holds
// 'fts_deferred'), writes its rows, and rebuilds once at the end. The flag is committed before the
// first row and cleared in the rebuild's transaction, so a kill -9 in between leaves it set, and
// the next openLibrary rebuilds before anything reads: the index never disagrees with the tracks
// once the library is open, except for the rows a running bulk scan has not indexed yet (and in a
// read-only open, which cannot rebuild, until a writer opens the library).

import type { Database } from 'better-sqlite3';
import { cached } from './statements.ts';

/** True while the index is deferred (a bulk scan runs, or one was killed). */
export function searchIndexDeferred(db: Database): boolean {
  return cached(db, "SELECT 1 FROM meta WHERE key = 'fts_deferred'").get() !== undefined;
}

/** Pauses the index's triggers (committed on its own, before the rows it lets through). */
export function deferSearchIndex(db: Database): void {
  cached(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_deferred', '1')").run();
}

/** Rebuilds the whole index from the tracks and resumes the triggers, in one transaction. */
export function rebuildSearchIndex(db: Database): void {
  db.transaction(() => {
    cached(db, "INSERT INTO tracks_fts(tracks_fts) VALUES ('rebuild')").run();
    cached(db, "DELETE FROM meta WHERE key = 'fts_deferred'").run();
  })();
}

/**
 * Whether a scan that writes `adding` tracks into a library of `existing` should defer the index:
 * when rebuilding all of them costs less than indexing the new ones row by row (with a margin),
 * and the scan is more than a watcher's handful.
 */
export function worthDeferring(adding: number, existing: number): boolean {
  return adding >= 256 && adding * 4 >= existing;
}
