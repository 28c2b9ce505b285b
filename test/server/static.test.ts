// The built web app: its files from web/dist (pre-compressed when the build made .gz files), its
// client-side routes answered with index.html, nothing outside the folder, the API's 404 kept JSON.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../helpers/tmp.ts';
import { openTestServer } from './helpers/server.ts';

test('the web app is served from its folder, with index.html for client routes and nothing outside', async () => {
  const web = tempDir('auris-web-');
  const index = '<!doctype html><title>Auris</title><div id="app"></div>';
  const script = 'console.log("auris");'.repeat(50);
  mkdirSync(path.join(web, 'assets'));
  writeFileSync(path.join(web, 'index.html'), index);
  writeFileSync(path.join(web, 'assets', 'app.js'), script);
  writeFileSync(path.join(web, 'assets', 'app.js.gz'), gzipSync(script));
  writeFileSync(path.join(path.dirname(web), 'secret.txt'), 'outside');
  const s = await openTestServer({ webRoot: web });
  const get = (url: string, headers: Record<string, string> = {}) => s.app.inject({ method: 'GET', url, headers: { host: '127.0.0.1:7700', ...headers } });
  try {
    const root = await get('/');
    assert.equal(root.statusCode, 200);
    assert.equal(root.body, index);
    assert.match(String(root.headers['content-type']), /^text\/html/);
    const route = await get('/album/12');
    assert.equal(route.statusCode, 200);
    assert.equal(route.body, index, 'a client-side route is the app');
    const js = await get('/assets/app.js', { 'accept-encoding': 'gzip' });
    assert.equal(js.headers['content-encoding'], 'gzip');
    assert.deepEqual(js.rawPayload, gzipSync(script));
    assert.equal((await get('/assets/app.js')).body, script);
    for (const url of ['/../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const res = await get(url);
      assert.ok(!res.body.includes('outside'), `${url} served a file outside the app: ${res.statusCode}`);
    }
    const api = await get('/api/nothing');
    assert.equal(api.statusCode, 404);
    assert.equal((api.json() as { error: { code: string } }).error.code, 'E_NOT_FOUND');
    assert.equal((await get('/', { host: 'evil.example:7700' })).statusCode, 403, 'the Host check covers the app too');
  } finally {
    await s.close();
  }
});
