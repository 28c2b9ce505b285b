// Playlists as M3U8 over HTTP: GET /api/playlists/:name/m3u8 is the library's own export (paths
// relative to the first music folder), POST /api/playlists/import stores the text back, and a
// playlist naming anything outside the music folders is refused whole.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PlaylistImportSchema } from '../../src/protocol/http.ts';
import { PlaylistImportResultSchema } from '../../src/protocol/library.ts';
import { tempDir } from '../helpers/tmp.ts';
import { checkAccess, errorOf, openTestServer, send, writeWav } from './helpers/server.ts';

const TOKEN = 'playlist-token-42';

test('M3U8 over HTTP: the export equals the library\'s own, and importing it gives the same entries', async () => {
  const s = await openTestServer({ token: TOKEN }, true);
  try {
    const service = s.core.library!;
    await service.addRoot(s.root);
    await service.scan();
    const ids = s.tracks.map((t) => service.library.trackByUri('a/' + path.basename(t))!.id);
    const order = [ids[2]!, ids[0]!, ids[1]!];
    assert.equal((await send(s.app, 'PUT', '/api/playlists/Évening mix', { entries: order })).statusCode, 204);

    const res = await send(s.app, 'GET', `/api/playlists/${encodeURIComponent('Évening mix')}/m3u8`);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^audio\/x-mpegurl; charset=utf-8/);
    assert.equal(res.headers['content-disposition'], `attachment; filename*=UTF-8''${encodeURIComponent('Évening mix')}.m3u8`);
    // The library's own export of a file saved in the music folder.
    const own = path.join(s.root, 'own.m3u8');
    await service.exportPlaylist('Évening mix', own);
    assert.equal(res.body, readFileSync(own, 'utf8'));
    assert.deepEqual(res.body.split('\n').filter((l) => l && !l.startsWith('#')), ['a/3.wav', 'a/1.wav', 'a/2.wav']);

    const imported = await send(s.app, 'POST', '/api/playlists/import', { name: 'Back again', text: res.body });
    assert.equal(imported.statusCode, 201, imported.body);
    assert.deepEqual(PlaylistImportResultSchema.parse(imported.json()), { name: 'Back again', entries: 3, skipped: 0 });
    assert.deepEqual(service.library.playlist('Back again')!.entries.map((e) => e.trackId), order);
    // Exported again: the same text.
    assert.equal((await send(s.app, 'GET', '/api/playlists/Back%20again/m3u8')).body, res.body);
    // Absolute paths inside the folders, Windows separators and a URL (skipped, counted).
    const mixed = `#EXTM3U\r\n${s.tracks[1]}\r\na\\1.wav\r\nhttp://radio.example/stream\r\n`;
    const m = await send(s.app, 'POST', '/api/playlists/import', { name: 'Mixed', text: mixed });
    assert.deepEqual(m.json(), { name: 'Mixed', entries: 2, skipped: 1 });
    assert.deepEqual(service.library.playlist('Mixed')!.entries.map((e) => e.trackId), [ids[1], ids[0]]);

    // The access checks of both routes.
    assert.equal((await checkAccess(s.app, TOKEN, 'GET', '/api/playlists/Mixed/m3u8')).statusCode, 200);
    assert.equal((await checkAccess(s.app, TOKEN, 'POST', '/api/playlists/import', { name: 'Remote', text: mixed })).statusCode, 201);
  } finally {
    await s.close();
  }
});

test('M3U8 import over HTTP: a path outside the music folders refuses the whole playlist; bad input is E_INVALID_ARGUMENT; unknown playlists E_NOT_FOUND', async () => {
  const s = await openTestServer({}, true);
  try {
    const service = s.core.library!;
    await service.addRoot(s.root);
    await service.scan();
    const outside = tempDir('auris-pl-outside-');
    writeWav(path.join(outside, 'secret.wav'), 1);
    symlinkSync(outside, path.join(s.root, 'link'));
    writeFileSync(path.join(outside, 'passwd'), 'x');
    for (const line of [path.join(outside, 'secret.wav'), '../../../../../../etc/passwd', 'a/../../x.wav', 'link/secret.wav', `file://${path.join(outside, 'secret.wav')}`, '/etc/passwd']) {
      const res = await send(s.app, 'POST', '/api/playlists/import', { name: 'Sneaky', text: `#EXTM3U\n${s.tracks[0]}\n${line}\n` });
      assert.equal(res.statusCode, 403, `${line}: ${res.body}`);
      assert.equal(errorOf(res).code, 'E_PERMISSION');
      assert.equal((errorOf(res).details.paths as string[]).length, 1);
      assert.equal(service.library.playlist('Sneaky'), null, 'nothing was saved');
    }
    for (const bad of [{ text: '#EXTM3U\n' }, { name: 'x' }, { name: 7, text: '' }, { name: 'x', text: '', extra: 1 }, { name: '', text: '' }]) {
      const res = await send(s.app, 'POST', '/api/playlists/import', bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(errorOf(res).code, 'E_INVALID_ARGUMENT');
    }
    assert.equal(PlaylistImportSchema.safeParse({ name: 'x', text: '' }).success, true);
    const badJson = await send(s.app, 'POST', '/api/playlists/import', '{"name": "x", "text": ');
    assert.equal(badJson.statusCode, 400);
    const slashed = await send(s.app, 'POST', '/api/playlists/import', { name: 'a/b', text: '' });
    assert.equal(errorOf(slashed).code, 'E_INVALID_ARGUMENT');
    const unknown = await send(s.app, 'GET', '/api/playlists/none/m3u8');
    assert.equal(unknown.statusCode, 404);
    assert.equal(errorOf(unknown).code, 'E_NOT_FOUND');
  } finally {
    await s.close();
  }
  const bare = await openTestServer();
  try {
    assert.equal(errorOf(await send(bare.app, 'GET', '/api/playlists/x/m3u8')).code, 'E_STATE');
    assert.equal(errorOf(await send(bare.app, 'POST', '/api/playlists/import', { name: 'x', text: '' })).code, 'E_STATE');
  } finally {
    await bare.close();
  }
});
