// The analysis downloads by library id: an album's foo_dr.txt equals the file `auris dr --log` writes
// for the album's folder (but for its date line; CRLF, as foobar2000 writes it), and a track's spectrogram.png equals what
// `auris analyze --png` draws for the file; unknown and malformed ids, and the access checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/tmp.ts';
import { needTools } from '../helpers/tools.ts';
import { flacAt } from '../library/tree.ts';
import { checkAccess, errorOf, openTestServer, send } from './helpers/server.ts';

const repo = path.resolve(import.meta.dirname, '..', '..');
const TOKEN = 'analysis-token-7';

function auris(...args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli/main.ts'), ...args], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The log without its second line (the date it was written). */
const undated = (log: string): string => log.split('\n').filter((_, i) => i !== 1).join('\n');

test('GET /api/analysis/album/:id/foo_dr.txt and /api/analysis/track/:id/spectrogram.png: the CLI\'s own output, by library id', { timeout: 120_000 }, async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const music = tempDir('auris-dl-music-');
  const tags = { ALBUMARTIST: 'Dyn Artist', ARTIST: 'Dyn Artist', ALBUM: 'Dynamics', DATE: '2020' };
  const files = [
    flacAt(music, 'Dyn/01.flac', { seconds: 3.2, freq: 220, tags: { ...tags, TITLE: 'Low', TRACKNUMBER: '1' } }),
    flacAt(music, 'Dyn/02.flac', { seconds: 3.4, freq: 3000, rate: 48000, tags: { ...tags, TITLE: 'High', TRACKNUMBER: '2' } }),
  ];
  const s = await openTestServer({ token: TOKEN }, true);
  try {
    const service = s.core.library!;
    await service.addRoot(music);
    await service.scan();
    const album = service.library.albums({}).items.find((a) => a.title === 'Dynamics')!;
    const tracks = service.library.album(album.id)!.tracks;

    const res = await send(s.app, 'GET', `/api/analysis/album/${album.id}/foo_dr.txt`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="foo_dr.txt"');
    const logFile = path.join(tempDir('auris-dl-log-'), 'foo_dr.txt');
    auris('dr', '--log', logFile, path.join(music, 'Dyn'));
    assert.equal(undated(res.body), undated(readFileSync(logFile, 'utf8')));
    assert.match(res.body, /^log date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\r$/m);
    assert.match(res.body, /Analyzed: Dyn Artist \/ Dynamics\r\n/);
    assert.match(res.body, /01-Low\r\n.*02-High\r\n/s);

    const pngDir = tempDir('auris-dl-png-');
    auris('analyze', '--png', pngDir, ...files);
    for (const [i, file] of files.entries()) {
      const png = await send(s.app, 'GET', `/api/analysis/track/${tracks[i]!.id}/spectrogram.png`);
      assert.equal(png.statusCode, 200);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.ok(png.rawPayload.equals(readFileSync(path.join(pngDir, `${path.basename(file, '.flac')}.png`))), `${file}: the PNG equals the CLI's`);
    }

    // Unknown ids, malformed ids, a path in place of an id.
    for (const [url, status, code] of [
      ['/api/analysis/album/999999/foo_dr.txt', 404, 'E_NOT_FOUND'],
      ['/api/analysis/track/999999/spectrogram.png', 404, 'E_NOT_FOUND'],
      ['/api/analysis/album/abc/foo_dr.txt', 400, 'E_INVALID_ARGUMENT'],
      ['/api/analysis/track/0/spectrogram.png', 400, 'E_INVALID_ARGUMENT'],
      ['/api/analysis/track/-1/spectrogram.png', 400, 'E_INVALID_ARGUMENT'],
      [`/api/analysis/track/${encodeURIComponent(files[0]!)}/spectrogram.png`, 400, 'E_INVALID_ARGUMENT'],
      ['/api/analysis/track/..%2F..%2Fetc%2Fpasswd/spectrogram.png', 400, 'E_INVALID_ARGUMENT'],
    ] as const) {
      const r = await send(s.app, 'GET', url);
      assert.equal(r.statusCode, status, `${url}: ${r.body}`);
      assert.equal(errorOf(r).code, code, url);
    }
    // The token off loopback (the page's links carry it as ?token=), the Host check.
    assert.equal((await checkAccess(s.app, TOKEN, 'GET', `/api/analysis/album/${album.id}/foo_dr.txt`)).statusCode, 200);
    const withQuery = await s.app.inject({ method: 'GET', url: `/api/analysis/track/${tracks[0]!.id}/spectrogram.png?token=${TOKEN}`, remoteAddress: '10.1.1.1', headers: { host: '127.0.0.1:7700' } });
    assert.equal(withQuery.statusCode, 200);
  } finally {
    await s.close();
  }
  const bare = await openTestServer();
  try {
    assert.equal(errorOf(await send(bare.app, 'GET', '/api/analysis/album/1/foo_dr.txt')).code, 'E_STATE');
  } finally {
    await bare.close();
  }
});
