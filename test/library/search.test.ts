// Search over a library large enough that a short prefix matches thousands of tracks: the title
// matches come first, the total is exact, and pages put together are every match exactly once.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deferSearchIndex, searchIndexDeferred } from '../../src/library/fts.ts';
import { openLibrary } from '../../src/library/library.ts';
import { tempDir } from '../helpers/tmp.ts';

test('a prefix with thousands of matches: title matches first, exact total, pages without gaps or repeats', () => {
  const lib = openLibrary({ dataDir: tempDir('auris-search-') });
  try {
    const db = lib.db;
    db.transaction(() => {
      const root = Number(db.prepare("INSERT INTO roots (path, name, added_at) VALUES ('/m', 'm', 0)").run().lastInsertRowid);
      const file = db.prepare("INSERT INTO files (root_id, path, rel, folder, kind, size, mtime, scanned_at) VALUES (?, ?, ?, '', 'audio', 1, 0, 0)");
      const track = db.prepare(`INSERT INTO tracks (file_id, root_id, path, uri, codec, container, lossless, title, artist, album, mtime, size, added_at)
        VALUES (?, ?, ?, ?, 'FLAC', 'FLAC', 1, ?, ?, ?, 0, 1, 0)`);
      for (let i = 0; i < 9000; i++) {
        const rel = `${i}.flac`;
        const fileId = Number(file.run(root, `/m/${rel}`, rel).lastInsertRowid);
        // Every track matches "ma": a third in the title, the rest through artist or album.
        const [title, artist, album] = i % 3 === 0 ? [`Mambo ${i}`, 'Someone', 'Else'] : i % 3 === 1 ? [`Song ${i}`, 'Marta', 'Else'] : [`Tune ${i}`, 'Other', 'Mango'];
        track.run(fileId, root, `/m/${rel}`, rel, title, artist, album);
      }
    })();
    const first = lib.search('ma', { limit: 100 });
    assert.equal(first.total, 9000);
    assert.ok(first.items.every((t) => t.title!.startsWith('Mambo')), 'title matches first');
    const seen: number[] = [];
    for (let offset = 0; offset < 9000; offset += 700) seen.push(...lib.search('ma', { offset, limit: 700 }).items.map((t) => t.id));
    assert.equal(seen.length, 9000);
    assert.equal(new Set(seen).size, 9000, 'no track twice');
    const firstNonTitle = seen.findIndex((id) => !lib.track(id)!.title!.startsWith('Mambo'));
    assert.equal(firstNonTitle, 3000, 'every title match before any other');
    // A narrower query is ranked by BM25 over all its matches: "mambo 42" has the title "Mambo 42" first.
    assert.equal(lib.search('mambo 42').items[0]!.title, 'Mambo 42');
  } finally {
    lib.close();
  }
});

test('a deferred search index (a bulk scan killed before its rebuild) is rebuilt at the next open, with apostrophes removed as the triggers remove them', () => {
  const dataDir = tempDir('auris-search-deferred-');
  const lib = openLibrary({ dataDir });
  const db = lib.db;
  const root = Number(db.prepare("INSERT INTO roots (path, name, added_at) VALUES ('/m', 'm', 0)").run().lastInsertRowid);
  const file = db.prepare("INSERT INTO files (root_id, path, rel, folder, kind, size, mtime, scanned_at) VALUES (?, ?, ?, '', 'audio', 1, 0, 0)");
  const track = db.prepare(`INSERT INTO tracks (file_id, root_id, path, uri, codec, container, lossless, title, artist, album, mtime, size, added_at)
    VALUES (?, ?, ?, ?, 'FLAC', 'FLAC', 1, ?, 'Artist', 'Album', 0, 1, 0)`);
  const add = (rel: string, title: string): number => track.run(Number(file.run(root, `/m/${rel}`, rel).lastInsertRowid), root, `/m/${rel}`, rel, title).lastInsertRowid as number;
  const live = add('a.flac', 'Can’t Stop');
  deferSearchIndex(db);
  const deferred = add('b.flac', "Don't Go");
  db.prepare('UPDATE tracks SET title = ? WHERE id = ?').run('Won’t Stop', live);
  // While deferred the triggers wrote nothing: the index still has the old title and not the new track.
  assert.deepEqual(lib.search('cant').items.map((t) => t.id), [live]);
  assert.deepEqual(lib.search('dont').items, []);
  // No close(): the process "dies" with the flag set.
  db.close();
  const again = openLibrary({ dataDir });
  try {
    assert.equal(searchIndexDeferred(again.db), false);
    assert.deepEqual(again.search('dont').items.map((t) => t.id), [deferred]);
    assert.deepEqual(again.search('wont').items.map((t) => t.id), [live]);
    assert.deepEqual(again.search('cant').items, []);
    again.db.prepare("INSERT INTO tracks_fts(tracks_fts) VALUES ('integrity-check')").run();
    // Live again: a new row is indexed as it is written.
    const later = again.db.prepare("SELECT id FROM tracks WHERE uri = 'b.flac'").get() as { id: number };
    again.db.prepare('UPDATE tracks SET title = ? WHERE id = ?').run('Ain’t Over', later.id);
    assert.deepEqual(again.search('aint').items.map((t) => t.id), [deferred]);
    again.db.prepare("INSERT INTO tracks_fts(tracks_fts) VALUES ('integrity-check')").run();
  } finally {
    again.close();
  }
});
