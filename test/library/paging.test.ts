// Keyset paging (findTracksPage) and the cheap stats, on rows written directly (no tools needed):
// pages put together equal one unpaged query in the same order, for sorts with NULLs, ties, mixed
// case and descending keys; stats() equals the counts taken over every track.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { albumIdFor, albumKeyOf, refreshAlbums } from '../../src/library/grouping.ts';
import { openLibrary, TRACK_COLUMNS } from '../../src/library/library.ts';
import type { SortKey, TrackCursor } from '../../src/library/types.ts';
import { tempDir } from '../helpers/tmp.ts';

test('keyset pages equal the unpaged order for every sort, NULLs and ties included; stats() agrees with a full count', () => {
  const lib = openLibrary({ dataDir: tempDir('auris-paging-') });
  try {
    const db = lib.db;
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const artists = ['ABBA', 'abba', 'Björk', 'björk', null, 'Zappa', 'AC/DC'];
    db.transaction(() => {
      const root = Number(db.prepare("INSERT INTO roots (path, name, added_at) VALUES ('/m', 'm', 0)").run().lastInsertRowid);
      const file = db.prepare("INSERT INTO files (root_id, path, rel, folder, kind, size, mtime, scanned_at) VALUES (?, ?, ?, ?, 'audio', 1, 0, 0)");
      const track = db.prepare(`INSERT INTO tracks (file_id, root_id, path, uri, codec, container, lossless, title, artist, album, album_artist, year, track_no, duration, album_id, mtime, size, added_at)
        VALUES (?, ?, ?, ?, 'FLAC', 'FLAC', 1, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, 0)`);
      const albums = new Set<number>();
      for (let i = 0; i < 737; i++) {
        const folder = `F${i % 13}`;
        const rel = `${folder}/${i % 5 === 0 ? 'a' : 'A'}${Math.floor(rand() * 50)}-${i}.flac`;
        const artist = artists[Math.floor(rand() * artists.length)]!;
        const album = i % 11 === 0 ? null : `Album ${i % 17}`;
        const year = rand() < 0.2 ? null : 1990 + Math.floor(rand() * 5);
        const key = albumKeyOf({ rootId: root, folder, album, albumArtist: artist, year, mbAlbumId: null });
        const albumId = key === null ? null : albumIdFor(db, key, { rootId: root, folder, title: album ?? '', artist: artist ?? '', year }, 0);
        if (albumId !== null) albums.add(albumId);
        const fileId = Number(file.run(root, `/m/${rel}`, rel, folder).lastInsertRowid);
        track.run(fileId, root, `/m/${rel}`, rel, `T${Math.floor(rand() * 30)}`, artist, album, artist, year, rand() < 0.3 ? null : Math.floor(rand() * 12), Math.round(rand() * 4000) / 10, albumId);
      }
      refreshAlbums(db, albums);
    })();
    const sorts: (SortKey | SortKey[] | undefined)[] = [undefined, 'uri', ['artist', 'uri'], ['-artist', 'title'], ['year', '-track'], ['-year'], ['album', '-uri']];
    for (const sort of sorts) {
      const all = lib.findTracks(null, sort === undefined ? {} : { sort }).map((t) => t.id);
      assert.equal(all.length, 737);
      for (const limit of [1, 50, 200, 737, 1000]) {
        const paged: number[] = [];
        let after: TrackCursor | null = null;
        for (let pages = 0; ; pages++) {
          assert.ok(pages <= 737, `paging ends: sort ${JSON.stringify(sort)}, pages of ${limit}, at ${paged.length}, after ${JSON.stringify(after)}`);
          const page = lib.findTracksPage(null, { ...(sort === undefined ? {} : { sort }), limit, after });
          paged.push(...page.items.map((t) => t.id));
          if (!page.next) break;
          after = page.next;
        }
        assert.deepEqual(paged, all, `sort ${JSON.stringify(sort)}, pages of ${limit}`);
      }
    }
    // With a filter, an offset for the first page, and a cursor from another sort refused.
    const filter = { tag: 'artist' as const, op: 'eq' as const, value: 'abba', ignoreCase: true };
    const abba = lib.findTracks(filter, { sort: 'uri' }).map((t) => t.id);
    const first = lib.findTracksPage(filter, { sort: 'uri', offset: 5, limit: 10 });
    const second = lib.findTracksPage(filter, { sort: 'uri', limit: 10, after: first.next });
    assert.deepEqual([...first.items, ...second.items].map((t) => t.id), abba.slice(5, 25));
    assert.throws(() => lib.findTracksPage(null, { sort: ['artist', 'uri'], limit: 10, after: first.next }), { code: 'E_INVALID_ARGUMENT' });

    // Tracks are built from raw rows by position: every field equals the named column better-sqlite3 gives.
    const named = db.prepare(`SELECT ${TRACK_COLUMNS} FROM tracks t ORDER BY t.id`).all() as Record<string, unknown>[];
    assert.equal(Object.keys(named[0]!).length, Object.keys(lib.track(1)!).length);
    for (const row of named) {
      for (const k of ['available', 'lossless', 'md5Present', 'compilation']) row[k] = row[k] === 1;
      assert.deepEqual(lib.track(row.id as number), row);
    }

    const full = db.prepare('SELECT COUNT(*) AS songs, COUNT(DISTINCT lower(artist)) AS artists, SUM(duration) AS playtime FROM tracks').get() as { songs: number; artists: number; playtime: number };
    const stats = lib.stats();
    assert.equal(stats.songs, full.songs);
    assert.equal(stats.artists, full.artists, 'artists counted case-insensitively, as artists() lists them');
    assert.ok(Math.abs(stats.playtime - full.playtime) < 1e-6, `${stats.playtime} vs ${full.playtime}`);
    assert.equal(stats.albums, (db.prepare('SELECT COUNT(DISTINCT album_id) AS n FROM tracks').get() as { n: number }).n);
  } finally {
    lib.close();
  }
});
