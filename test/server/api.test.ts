// Every route of the JSON API through fastify.inject() (no socket): answers, bad input, unknown ids,
// and the access checks (token, Host, Origin, paths outside the library).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { PlayerStateSchema, QueueSnapshotSchema } from '../../src/protocol/player.ts';
import { AURIS_SERVER_HEADER, DoctorFindingSchema } from '../../src/protocol/http.ts';
import { SettingsSchema } from '../../src/protocol/settings.ts';
import { OutputListingSchema } from '../../src/protocol/formats.ts';
import { AURIS_VERSION } from '../../src/util/version.ts';
import { until } from '../helpers/core.ts';
import { tempDir } from '../helpers/tmp.ts';
import { openTestServer, type TestServer } from './helpers/server.ts';

const HOST = '127.0.0.1:7700';

/** A request as a same-origin page of the server would send it. */
function req(s: TestServer, method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) {
  return s.app.inject({
    method, url,
    headers: { host: HOST, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

function errorOf(res: { json(): unknown }): { code: string; message: string; details: Record<string, unknown> } {
  return (res.json() as { error: { code: string; message: string; details: Record<string, unknown> } }).error;
}

test('state, queue, player commands: each route does what the core call does', async () => {
  const s = await openTestServer();
  try {
    const state0 = await req(s, 'GET', '/api/state');
    assert.equal(state0.statusCode, 200);
    assert.equal(state0.headers[AURIS_SERVER_HEADER], AURIS_VERSION);
    assert.equal(PlayerStateSchema.parse(state0.json()).status, 'stopped');

    const add = await req(s, 'POST', '/api/queue/add', { sources: s.tracks });
    assert.equal(add.statusCode, 200);
    const { ids } = add.json() as { ids: number[] };
    assert.equal(ids.length, 3);
    const q = QueueSnapshotSchema.parse((await req(s, 'GET', '/api/queue')).json());
    assert.deepEqual(q.items.map((x) => x.path), s.tracks);
    // relative to a library root, and as a playable
    const rel = await req(s, 'POST', '/api/queue/add', { sources: ['a/2.wav', { path: 'a/3.wav', startFrame: 10 }], at: 0 });
    assert.equal(rel.statusCode, 200, rel.body);
    const q2 = s.core.queue.snapshot();
    assert.deepEqual(q2.items.slice(0, 2).map((x) => x.path), [s.tracks[1], s.tracks[2]]);

    const changes = await req(s, 'GET', `/api/queue/changes?since=${q.version}`);
    assert.equal(changes.statusCode, 200);
    // two entries put in front: they and every entry they moved down (MPD's plchanges)
    assert.deepEqual((changes.json() as { changed: { pos: number }[] }).changed.map((c) => c.pos), [0, 1, 2, 3, 4]);

    const [a, b, c] = ids as [number, number, number];
    assert.equal((await req(s, 'POST', '/api/queue/move', { id: c, to: 0 })).statusCode, 204);
    assert.equal(s.core.queue.idAt(0), c);
    assert.equal((await req(s, 'POST', '/api/queue/swap', { a, b })).statusCode, 204);
    assert.equal((await req(s, 'POST', '/api/queue/priority', { ids: [a], priority: 200 })).statusCode, 204);
    assert.equal(s.core.queue.snapshot().items.find((x) => x.id === a)!.priority, 200);
    const modes = await req(s, 'PATCH', '/api/queue/modes', { repeat: true, single: 'oneshot' });
    assert.equal(modes.statusCode, 200);
    assert.deepEqual(modes.json(), { repeat: true, random: false, single: 'oneshot', consume: false });
    assert.deepEqual((await req(s, 'GET', '/api/queue/modes')).json(), modes.json());

    assert.equal((await req(s, 'POST', '/api/player/play', { id: b })).statusCode, 204);
    let st = s.core.player.state();
    assert.equal(st.status, 'playing');
    assert.equal(st.currentId, b);
    assert.equal((await req(s, 'POST', '/api/player/pause')).statusCode, 204);
    assert.equal(s.core.player.state().status, 'paused');
    assert.equal((await req(s, 'POST', '/api/player/toggle', {})).statusCode, 204);
    assert.equal(s.core.player.state().status, 'playing');
    // playing: the core reports the new position once the device plays from it (within a second
    // here), and then it moves on, so each check allows 1.5 s past the target
    const near = (wantMs: number) => until(() => {
      const ms = s.core.player.state().positionMs;
      return ms >= wantMs - 100 && ms <= wantMs + 1500;
    }, 3000, `position near ${wantMs} ms`);
    assert.equal((await req(s, 'POST', '/api/player/seek', { ms: 20_000 })).statusCode, 204);
    await near(20_000);
    const at = s.core.player.state().positionMs;
    assert.equal((await req(s, 'POST', '/api/player/seek', { relativeMs: -10_000 })).statusCode, 204);
    await near(at - 10_000);
    const before = s.core.player.state().currentPos;
    assert.equal((await req(s, 'POST', '/api/player/next')).statusCode, 204);
    assert.equal(s.core.player.state().currentPos, before + 1);
    assert.equal((await req(s, 'POST', '/api/player/previous')).statusCode, 204);
    assert.equal(s.core.player.state().currentPos, before);
    assert.equal((await req(s, 'POST', '/api/player/stop')).statusCode, 204);
    assert.equal(s.core.player.state().status, 'stopped');

    assert.equal((await req(s, 'POST', '/api/queue/remove', { ids: [a] })).statusCode, 204);
    assert.ok(!s.core.queue.snapshot().items.some((x) => x.id === a));
    assert.equal((await req(s, 'POST', '/api/queue/shuffle', {})).statusCode, 204);
    assert.equal((await req(s, 'POST', '/api/queue/clear')).statusCode, 204);
    assert.equal(s.core.queue.snapshot().items.length, 0);
    st = PlayerStateSchema.parse((await req(s, 'GET', '/api/state')).json());
    assert.equal(st.currentId, null);
  } finally {
    await s.close();
  }
});

test('volume, outputs, settings and doctor', async () => {
  const s = await openTestServer();
  try {
    assert.deepEqual((await req(s, 'GET', '/api/volume')).json(), { db: 0 });
    const put = await req(s, 'PUT', '/api/volume', { db: -12.5 });
    assert.equal(put.statusCode, 200);
    assert.deepEqual(put.json(), { db: -12.5 });
    assert.equal(s.core.volume.get(), -12.5);

    const outputs = (await req(s, 'GET', '/api/outputs')).json() as unknown[];
    assert.ok(outputs.length > 0);
    for (const o of outputs) OutputListingSchema.parse(o);
    const name = OutputListingSchema.parse(outputs[0]).name;
    assert.equal((await req(s, 'POST', '/api/outputs/select', { name, mode: 'exclusive' })).statusCode, 204);
    assert.equal(s.core.settings.get().output.name, name);
    assert.equal(s.core.settings.get().output.mode, 'exclusive');
    const empty = await req(s, 'POST', '/api/outputs/select', { name: '' });
    assert.equal(empty.statusCode, 400);
    assert.equal(s.core.settings.get().output.name, name);

    const settings = SettingsSchema.parse((await req(s, 'GET', '/api/settings')).json());
    assert.equal(settings.volumeDb, -12.5);
    const patched = await req(s, 'PATCH', '/api/settings', { output: { bufferMs: 250 }, dsp: { crossfeed: true } });
    assert.equal(patched.statusCode, 200);
    const after = SettingsSchema.parse(patched.json());
    assert.equal(after.output.bufferMs, 250);
    assert.equal(after.output.mode, 'exclusive', 'a patch keeps the keys it does not name');
    assert.equal(after.dsp.crossfeed, true);
    const badKey = await req(s, 'PATCH', '/api/settings', { output: { bufferMs: 5 } });
    assert.equal(badKey.statusCode, 400);
    assert.equal(errorOf(badKey).code, 'E_INVALID_ARGUMENT');
    assert.match(errorOf(badKey).message, /output\.bufferMs/);
    assert.equal(s.core.settings.get().output.bufferMs, 250, 'a refused patch changes nothing');

    const doctor = await req(s, 'GET', '/api/doctor');
    assert.equal(doctor.statusCode, 200);
    const findings = DoctorFindingSchema.array().parse((doctor.json() as { findings: unknown }).findings);
    assert.ok(findings.length > 0 && findings.every((f) => f.id !== ''));
  } finally {
    await s.close();
  }
});

test('bad JSON, wrong types, unknown ids and unknown routes are typed errors that change nothing', async () => {
  const s = await openTestServer();
  try {
    await s.core.queue.add(s.tracks);
    const version = s.core.queue.snapshot().version;

    const badJson = await req(s, 'POST', '/api/queue/add', '{"sources": [');
    assert.equal(badJson.statusCode, 400);
    assert.equal(errorOf(badJson).code, 'E_INVALID_ARGUMENT');

    const wrongType = await req(s, 'POST', '/api/player/play', { id: 'first' });
    assert.equal(wrongType.statusCode, 400);
    assert.equal(errorOf(wrongType).code, 'E_INVALID_ARGUMENT');
    assert.deepEqual((errorOf(wrongType).details.issues as { path: string }[]).map((i) => i.path), ['id']);

    const extraKey = await req(s, 'POST', '/api/queue/move', { id: 1, to: 0, rm: '-rf' });
    assert.equal(extraKey.statusCode, 400);
    const negative = await req(s, 'POST', '/api/queue/move', { id: 1, to: -1 });
    assert.equal(negative.statusCode, 400);
    const twoTargets = await req(s, 'POST', '/api/player/seek', { ms: 10, frame: 3 });
    assert.equal(twoTargets.statusCode, 400);
    const loud = await req(s, 'PUT', '/api/volume', { db: 6 });
    assert.equal(loud.statusCode, 400);
    const nothing = await req(s, 'POST', '/api/queue/add', {});
    assert.equal(nothing.statusCode, 400);
    assert.match(errorOf(nothing).message, /nothing to add/);
    const since = await req(s, 'GET', '/api/queue/changes?since=abc');
    assert.equal(since.statusCode, 400);
    const notJson = await req(s, 'POST', '/api/player/play', 'id=1', { 'content-type': 'text/plain' });
    assert.equal(notJson.statusCode, 415);
    assert.equal(errorOf(notJson).code, 'E_INVALID_ARGUMENT');
    const huge = await req(s, 'POST', '/api/queue/add', { sources: ['x'.repeat(2 << 20)] });
    assert.equal(huge.statusCode, 413);

    for (const [url, body] of [
      ['/api/player/play', { id: 999 }], ['/api/queue/remove', { ids: [1, 999] }], ['/api/queue/move', { id: 999, to: 0 }],
      ['/api/queue/swap', { a: 1, b: 999 }], ['/api/player/seek', { ms: 0, id: 999 }],
    ] as const) {
      const res = await req(s, 'POST', url, body);
      assert.equal(res.statusCode, 404, `${url} ${res.body}`);
      assert.equal(errorOf(res).code, 'E_NOT_FOUND');
    }
    assert.equal(s.core.queue.snapshot().items.length, 3, 'a remove naming one unknown id removes nothing');
    assert.equal(s.core.queue.snapshot().version, version);

    const missing = await req(s, 'POST', '/api/queue/add', { sources: ['a/none.wav'] });
    assert.equal(missing.statusCode, 404);
    assert.equal(errorOf(missing).code, 'E_NOT_FOUND');

    const route = await req(s, 'GET', '/api/nothing-here');
    assert.equal(route.statusCode, 404);
    assert.equal(errorOf(route).code, 'E_NOT_FOUND');
    const method = await req(s, 'DELETE', '/api/state');
    assert.equal(method.statusCode, 404);
  } finally {
    await s.close();
  }
});

test('paths outside the library roots are refused: .., absolute, symlinks out, NUL', async () => {
  const s = await openTestServer();
  try {
    const outside = path.join(tempDir('auris-outside-'), 'secret.wav');
    writeFileSync(outside, 'not for the API');
    symlinkSync(outside, path.join(s.root, 'a', 'link.wav'));
    symlinkSync(path.dirname(outside), path.join(s.root, 'dirlink'));
    for (const source of [
      '../../../../../../etc/passwd', outside, 'a/../../secret.wav', `${s.root}/../${path.basename(s.root)}-x/1.wav`,
      'a/link.wav', 'dirlink/secret.wav', '/etc/passwd', { path: '/etc/passwd' }, { path: '../secret.wav', startFrame: 0 },
    ]) {
      const res = await req(s, 'POST', '/api/queue/add', { sources: [source] });
      assert.equal(res.statusCode, 403, `${JSON.stringify(source)}: ${res.body}`);
      assert.equal(errorOf(res).code, 'E_PERMISSION');
    }
    const nul = await req(s, 'POST', '/api/queue/add', { sources: ['a/1.wav\u0000.txt'] });
    assert.equal(nul.statusCode, 400);
    assert.equal(s.core.queue.snapshot().items.length, 0);

    await s.core.settings.update({ library: { roots: [] } });
    const noRoots = await req(s, 'POST', '/api/queue/add', { sources: [s.tracks[0]] });
    assert.equal(noRoots.statusCode, 403);
    assert.match(errorOf(noRoots).message, /no music folder/);
  } finally {
    await s.close();
  }
});

test('the token: needed off loopback, by header or query; wrong or missing is E_UNAUTHORIZED', async () => {
  const s = await openTestServer({ token: 'sekrit-token-123' });
  try {
    const remote = { remoteAddress: '192.168.1.20' };
    const get = (headers: Record<string, string>, url = '/api/state') => s.app.inject({ method: 'GET', url, headers: { host: '192.168.1.5:7700', ...headers }, ...remote });
    const none = await get({});
    assert.equal(none.statusCode, 401);
    assert.equal(errorOf(none).code, 'E_UNAUTHORIZED');
    assert.equal((await get({ authorization: 'Bearer wrong' })).statusCode, 401);
    assert.equal((await get({ authorization: 'Bearer sekrit-token-12' })).statusCode, 401);
    assert.equal((await get({ authorization: 'Basic c2Vrcml0LXRva2VuLTEyMw==' })).statusCode, 401);
    assert.equal((await get({ authorization: 'Bearer sekrit-token-123' })).statusCode, 200);
    assert.equal((await get({}, '/api/state?token=sekrit-token-123')).statusCode, 200);
    assert.equal((await get({}, '/api/state?token=nope')).statusCode, 401);
    const post = await s.app.inject({ method: 'POST', url: '/api/player/stop', headers: { host: '192.168.1.5:7700' }, ...remote });
    assert.equal(post.statusCode, 401);
    // loopback clients need no token
    assert.equal((await s.app.inject({ method: 'GET', url: '/api/state', headers: { host: '192.168.1.5:7700' }, remoteAddress: '::ffff:127.0.0.1' })).statusCode, 200);
  } finally {
    await s.close();
  }
  const open = await openTestServer();
  try {
    const res = await open.app.inject({ method: 'GET', url: '/api/state', headers: { host: HOST, authorization: 'Bearer anything' }, remoteAddress: '10.0.0.2' });
    assert.equal(res.statusCode, 401, 'without a token no remote client is served');
  } finally {
    await open.close();
  }
});

test('a foreign Host (DNS rebinding) is refused; IPs, localhost and allowed names pass', async () => {
  const s = await openTestServer({ allowedHosts: ['auris.home.arpa'] });
  try {
    for (const host of ['evil.example:7700', 'evil.example', '127.0.0.1.evil.example:7700', 'localhost.evil.example:7700', 'a b', 'user@127.0.0.1']) {
      const res = await s.app.inject({ method: 'GET', url: '/api/state', headers: { host } });
      assert.equal(res.statusCode, 403, `Host ${host}`);
      assert.equal(errorOf(res).code, 'E_FORBIDDEN');
    }
    for (const host of ['127.0.0.1:7700', 'localhost:7700', '[::1]:7700', '192.168.1.5:7700', 'auris.home.arpa:7700', 'LOCALHOST']) {
      assert.equal((await s.app.inject({ method: 'GET', url: '/api/state', headers: { host } })).statusCode, 200, `Host ${host}`);
    }
  } finally {
    await s.close();
  }
});

test('a foreign Origin cannot change state (the event socket: events.test.ts); reads and programs without Origin pass', async () => {
  const s = await openTestServer({ allowedOrigins: ['http://localhost:5173'] });
  try {
    await s.core.queue.add(s.tracks);
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:7701', 'https://127.0.0.1:7700.evil.example', 'file://']) {
      const res = await req(s, 'POST', '/api/player/play', {}, { origin });
      assert.equal(res.statusCode, 403, `Origin ${origin}`);
      assert.equal(errorOf(res).code, 'E_FORBIDDEN');
      const patch = await req(s, 'PATCH', '/api/settings', { volumeDb: -3 }, { origin });
      assert.equal(patch.statusCode, 403);
    }
    assert.equal(s.core.player.state().status, 'stopped');
    assert.equal(s.core.settings.get().volumeDb, 0);
    assert.equal((await req(s, 'POST', '/api/player/play', {}, { origin: `http://${HOST}` })).statusCode, 204);
    assert.equal((await req(s, 'POST', '/api/player/pause', {}, { origin: 'http://localhost:5173' })).statusCode, 204);
    assert.equal((await req(s, 'POST', '/api/player/stop', {})).statusCode, 204, 'no Origin: a program, not a page');
    assert.equal((await req(s, 'GET', '/api/state', undefined, { origin: 'http://evil.example' })).statusCode, 200, 'the browser keeps a cross-origin read from the page (no CORS headers)');
    assert.equal((await req(s, 'GET', '/api/state', undefined, { origin: 'http://evil.example' })).headers['access-control-allow-origin'], undefined);

  } finally {
    await s.close();
  }
});
