// The library routes over a real LibraryService (SQLite, scanner, sharp) and a generated tree:
// add a music folder, see the scan progress as events, page and search, art by id only, queue an
// album, stored playlists, and the errors (unknown ids, bad ids, no library).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import WebSocket from 'ws';
import { CoreEventSchema, type CoreEvent } from '../../src/protocol/events.ts';
import {
  AlbumAnalysisSchema, AlbumDetailSchema, AlbumSchema, FolderListingSchema, LibraryStatsSchema, MusicFolderSchema, MusicFolderSuggestionSchema,
  NamedCountSchema, pagedSchema, PlaylistSummarySchema, StoredPlaylistSchema, TrackSchema, YearCountSchema,
} from '../../src/protocol/library.ts';
import { buildServer } from '../../src/server/app.ts';
import { listen } from '../../src/server/start.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools } from '../helpers/tools.ts';
import { flacAt, imageAt } from '../library/tree.ts';
import { openTestServer } from './helpers/server.ts';

const HOST = '127.0.0.1:7700';

test('library routes: add a folder, see the scan as events, albums, search, folders, art, queue an album, playlists', { timeout: 120_000 }, async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac', 'ffmpeg')) return;
  const music = tempDir('auris-server-music-');
  const cover = imageAt(path.join(music, 'Björk', 'Homogenic', 'cover.jpg'), 600, 600);
  const homogenic = { ALBUMARTIST: 'Björk', ARTIST: 'Björk', ALBUM: 'Homogenic', DATE: '1997', GENRE: 'Electronic' };
  flacAt(music, 'Björk/Homogenic/01.flac', { tags: { ...homogenic, TITLE: 'Hunter', TRACKNUMBER: '1' } });
  flacAt(music, 'Björk/Homogenic/02.flac', { tags: { ...homogenic, TITLE: 'Jóga', TRACKNUMBER: '2' } });
  flacAt(music, 'Other/Album/01.flac', { tags: { ARTIST: 'Someone', ALBUM: 'Another Album', DATE: '2001', TITLE: 'First Song', TRACKNUMBER: '1' } });

  const s = await openTestServer({}, true);
  const library = s.core.library!;
  const running = await listen(s.core, { host: '127.0.0.1', port: 0, webRoot: null });
  const base = `127.0.0.1:${running.port}`;
  const req = (method: InjectOptions['method'], url: string, body?: unknown) => running.app.inject({
    method, url, headers: { host: HOST, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  const ws = new WebSocket(`ws://${base}/api/events`);
  const events: CoreEvent[] = [];
  ws.on('message', (d) => events.push(CoreEventSchema.parse(JSON.parse(String(d)))));
  await new Promise((resolve) => ws.once('open', resolve));
  try {
    assert.deepEqual((await req('GET', '/api/library/albums')).json(), { items: [], total: 0 });
    const scanned = new Promise<void>((resolve) => library.on((e) => { if (e.type === 'scan-done') resolve(); }));
    const added = await req('POST', '/api/library/roots', { path: music });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(MusicFolderSchema.parse(added.json()).path, music);
    await scanned;
    await new Promise((r) => setTimeout(r, 100));
    const scans = events.filter((e): e is Extract<CoreEvent, { type: 'scan' }> => e.type === 'scan');
    assert.equal(scans[0]?.phase, 'started');
    assert.equal(scans.at(-1)?.phase, 'done');
    assert.ok(events.some((e) => e.type === 'changed' && e.flags.includes('database')));

    // Every answer parses with its schema in src/protocol/library.ts (strict: no field the schema does not name).
    const stats = LibraryStatsSchema.parse((await req('GET', '/api/library/stats')).json());
    assert.deepEqual([stats.albums, stats.songs], [2, 3]);
    const suggestion = MusicFolderSuggestionSchema.parse((await req('GET', '/api/library/suggestion')).json());
    assert.ok(path.isAbsolute(suggestion.path));
    assert.equal(typeof suggestion.exists, 'boolean');
    const page = pagedSchema(AlbumSchema).parse((await req('GET', '/api/library/albums?limit=1&sort=title')).json());
    assert.equal(page.total, 2);
    assert.deepEqual(page.items.map((a) => a.title), ['Another Album']);
    const all = pagedSchema(AlbumSchema).parse((await req('GET', '/api/library/albums')).json());
    const homo = all.items.find((a) => a.title === 'Homogenic')!;
    const album = AlbumDetailSchema.parse((await req('GET', `/api/library/albums/${homo.id}`)).json());
    assert.deepEqual(album.tracks.map((x) => x.title), ['Hunter', 'Jóga']);
    const found = pagedSchema(TrackSchema).parse((await req('GET', `/api/library/search?q=${encodeURIComponent('joga')}`)).json());
    assert.deepEqual(found.items.map((x) => x.title), ['Jóga']);
    const top = FolderListingSchema.parse((await req('GET', '/api/library/folders')).json());
    assert.deepEqual(top.folders.map((f) => f.uri), ['Björk', 'Other']);
    const folder = FolderListingSchema.parse((await req('GET', `/api/library/folders?uri=${encodeURIComponent('Björk/Homogenic')}`)).json());
    assert.deepEqual(folder.tracks.map((x) => x.title), ['Hunter', 'Jóga']);
    const track = TrackSchema.parse((await req('GET', `/api/library/tracks/${album.tracks[0]!.id}`)).json());
    assert.equal(track.title, 'Hunter');
    assert.deepEqual(pagedSchema(NamedCountSchema).parse((await req('GET', '/api/library/artists')).json()).items.map((a) => a.name), ['Björk', 'Someone']);
    assert.deepEqual(pagedSchema(NamedCountSchema).parse((await req('GET', '/api/library/albumartists')).json()).items.map((a) => a.name), ['Björk', 'Someone']);
    assert.deepEqual(pagedSchema(NamedCountSchema).parse((await req('GET', '/api/library/genres')).json()).items.map((a) => a.name), ['Electronic']);
    assert.deepEqual(pagedSchema(YearCountSchema).parse((await req('GET', '/api/library/years')).json()).items.map((y) => y.year), [1997, 2001]);
    assert.deepEqual(MusicFolderSchema.array().parse((await req('GET', '/api/library/roots')).json()).map((r) => r.path), [music]);

    // art by id: the stored image, or a WebP thumbnail
    const original = await req('GET', `/api/art/album/${homo.id}`);
    assert.equal(original.statusCode, 200);
    assert.equal(original.headers['content-type'], 'image/jpeg');
    assert.deepEqual(original.rawPayload, readFileSync(cover));
    const thumb = await req('GET', `/api/art/album/${homo.id}?size=thumb`);
    assert.equal(thumb.headers['content-type'], 'image/webp');
    assert.equal(thumb.rawPayload.subarray(8, 12).toString('latin1'), 'WEBP');
    assert.deepEqual((await req('GET', `/api/art/track/${album.tracks[1]!.id}`)).rawPayload, readFileSync(cover), 'a track without its own picture shows its album cover');
    const noArt = await req('GET', `/api/art/album/${all.items.find((a) => a.title === 'Another Album')!.id}`);
    assert.equal(noArt.statusCode, 404);

    // ids only: anything else is refused before it reaches the library
    for (const url of ['/api/art/album/..%2F..%2Fetc%2Fpasswd', '/api/art/track/-1', '/api/art/track/1.5', '/api/library/albums/0', '/api/library/tracks/1e3', `/api/art/album/${homo.id}?size=huge`, '/api/library/albums?limit=100000', '/api/library/albums?sort=path']) {
      const res = await req('GET', url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'E_INVALID_ARGUMENT');
    }
    for (const url of ['/api/library/albums/999999', '/api/library/tracks/999999', '/api/art/track/999999', '/api/library/folders?uri=..%2F..%2Fetc', '/api/library/folders?uri=Nothing']) {
      const res = await req('GET', url);
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'E_NOT_FOUND');
    }

    // queue an album and a track by id: entries carry their library ids
    const queued = await req('POST', '/api/queue/add', { albumId: homo.id, trackIds: [album.tracks[0]!.id] });
    assert.equal(queued.statusCode, 200, queued.body);
    const items = s.core.queue.snapshot().items;
    assert.deepEqual(items.map((x) => x.trackId), [album.tracks[0]!.id, album.tracks[0]!.id, album.tracks[1]!.id]);
    assert.equal(items[0]!.path, track.path);
    assert.equal((await req('POST', '/api/queue/add', { albumId: 999999 })).statusCode, 404);
    // the library's folder is a root for paths too
    assert.equal((await req('POST', '/api/queue/add', { sources: [path.join(music, 'Other', 'Album', '01.flac')] })).statusCode, 200);

    // stored playlists
    assert.equal((await req('PUT', '/api/playlists/Mix', { entries: [album.tracks[1]!.id, 'Other/Album/01.flac'] })).statusCode, 204);
    const mix = StoredPlaylistSchema.parse((await req('GET', '/api/playlists/Mix')).json());
    assert.deepEqual(mix.entries.map((e) => e.uri), ['Björk/Homogenic/02.flac', 'Other/Album/01.flac']);
    assert.equal((await req('POST', '/api/playlists/Mix/rename', { to: 'Mix 2' })).statusCode, 204);
    assert.deepEqual(PlaylistSummarySchema.array().parse((await req('GET', '/api/playlists')).json()).map((p) => p.name), ['Mix 2']);
    assert.equal((await req('DELETE', '/api/playlists/Mix 2')).statusCode, 204);
    assert.equal((await req('GET', '/api/playlists/Mix 2')).statusCode, 404);

    const analysis = AlbumAnalysisSchema.parse((await req('GET', `/api/analysis/album/${homo.id}`)).json());
    assert.deepEqual(analysis.tracks.map((x) => [x.title, x.analysedAt]), [['Hunter', null], ['Jóga', null]]);

    assert.equal((await req('POST', '/api/library/scan', { rootId: 999 })).statusCode, 404);
    assert.equal((await req('POST', '/api/library/roots', { path: 'relative/music' })).statusCode, 400);
    assert.equal((await req('POST', '/api/library/roots', { path: path.join(music, 'missing') })).statusCode, 404);
    assert.equal((await req('DELETE', '/api/library/roots', { path: music })).statusCode, 204);
    assert.equal(((await req('GET', '/api/library/stats')).json() as { songs: number }).songs, 0);
  } finally {
    ws.close();
    await running.close();
    await s.close();
  }
});

test('without a library, the library routes answer E_STATE (409) and nothing else breaks', async () => {
  const s = await openTestServer();
  const app = await buildServer(s.core, { webRoot: null });
  try {
    for (const url of ['/api/library/albums', '/api/library/stats', '/api/art/album/1', '/api/playlists']) {
      const res = await app.inject({ method: 'GET', url, headers: { host: HOST } });
      assert.equal(res.statusCode, 409, url);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'E_STATE');
    }
    const add = await app.inject({ method: 'POST', url: '/api/queue/add', headers: { host: HOST, 'content-type': 'application/json' }, payload: JSON.stringify({ albumId: 1 }) });
    assert.equal(add.statusCode, 409);
    assert.equal((await app.inject({ method: 'GET', url: '/api/state', headers: { host: HOST } })).statusCode, 200);
  } finally {
    await app.close();
    await s.close();
  }
});
