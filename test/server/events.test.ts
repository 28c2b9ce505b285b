// A real server on loopback: two WebSocket clients (two browser tabs) see the same events for a
// change made through the HTTP API and for one made on the core directly (as the CLI does), and a
// page from another origin cannot open the socket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CoreEventSchema, type CoreEvent } from '../../src/protocol/events.ts';
import { listen, whoHolds } from '../../src/server/start.ts';
import { openTestServer } from './helpers/server.ts';

/** A client that collects every event it receives. */
async function connect(url: string, origin?: string): Promise<{ ws: WebSocket; events: CoreEvent[]; waitFor(pred: (e: CoreEvent) => boolean): Promise<CoreEvent> }> {
  const ws = new WebSocket(url, origin === undefined ? {} : { origin });
  const events: CoreEvent[] = [];
  const waiters: { pred: (e: CoreEvent) => boolean; resolve: (e: CoreEvent) => void }[] = [];
  ws.on('message', (data) => {
    const e = CoreEventSchema.parse(JSON.parse(String(data)));
    events.push(e);
    for (const w of waiters.splice(0)) if (w.pred(e)) w.resolve(e); else waiters.push(w);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws, events,
    waitFor: (pred) => {
      const seen = events.find(pred);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

test('two clients see the same state for an API change and for a change made on the core directly', { timeout: 30_000 }, async () => {
  const s = await openTestServer();
  const running = await listen(s.core, { host: '127.0.0.1', port: 0, webRoot: null });
  try {
    const base = `127.0.0.1:${running.port}`;
    assert.equal(running.url, `http://${base}/`);
    const tabA = await connect(`ws://${base}/api/events`, `http://${base}`);
    const tabB = await connect(`ws://${base}/api/events`);
    // the first message is the current state
    for (const tab of [tabA, tabB]) assert.deepEqual(await tab.waitFor((e) => e.type === 'state'), { type: 'state', state: s.core.player.state() });

    const add = await fetch(`http://${base}/api/queue/add`, { method: 'POST', headers: { 'content-type': 'application/json', origin: `http://${base}` }, body: JSON.stringify({ sources: s.tracks }) });
    assert.equal(add.status, 200);
    const { ids } = await add.json() as { ids: number[] };
    const play = await fetch(`http://${base}/api/player/play`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: ids[1] }) });
    assert.equal(play.status, 204);
    const playingOf = (tab: Awaited<ReturnType<typeof connect>>) => tab.waitFor((e) => e.type === 'state' && e.state.status === 'playing' && e.state.currentId === ids[1]);
    const [a, b] = await Promise.all([playingOf(tabA), playingOf(tabB)]);
    assert.deepEqual(a, b);

    // the CLI's way: the core itself
    await s.core.player.pause();
    const pausedOf = (tab: Awaited<ReturnType<typeof connect>>) => tab.waitFor((e) => e.type === 'state' && e.state.status === 'paused');
    const [pa, pb] = await Promise.all([pausedOf(tabA), pausedOf(tabB)]);
    assert.deepEqual(pa, pb);
    await s.core.settings.update({ dsp: { crossfeed: true } });
    for (const tab of [tabA, tabB]) await tab.waitFor((e) => e.type === 'changed' && e.flags.includes('settings'));
    // both tabs saw the same sequence
    assert.deepEqual(tabA.events, tabB.events);
    tabA.ws.close();
    tabB.ws.close();
  } finally {
    await running.close();
    await s.close();
  }
});

test('the event socket refuses a page from another origin and a foreign Host', async () => {
  const s = await openTestServer();
  const running = await listen(s.core, { host: '127.0.0.1', port: 0, webRoot: null });
  try {
    const url = `ws://127.0.0.1:${running.port}/api/events`;
    for (const opts of [{ origin: 'http://evil.example' }, { origin: 'null' }, { headers: { host: 'evil.example' } }]) {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, opts);
        ws.once('unexpected-response', (req, res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        ws.once('open', () => reject(new Error(`opened with ${JSON.stringify(opts)}`)));
        ws.once('error', () => {});
      });
      assert.equal(status, 403, JSON.stringify(opts));
    }
  } finally {
    await running.close();
    await s.close();
  }
});

test('a taken port: another Auris is recognised by its answer, another program is named as such', async () => {
  const s = await openTestServer();
  const first = await listen(s.core, { host: '127.0.0.1', port: 0, webRoot: null });
  try {
    const taken = listen(s.core, { host: '127.0.0.1', port: first.port, webRoot: null });
    await assert.rejects(taken, (e: { code?: string; message: string; details?: { holder?: { kind: string; url?: string } } }) => {
      assert.equal(e.code, 'E_STATE');
      assert.equal(e.details?.holder?.kind, 'auris');
      assert.equal(e.details?.holder?.url, `http://127.0.0.1:${first.port}/`);
      assert.match(e.message, /Auris is already running/);
      return true;
    });
  } finally {
    await first.close();
  }
  const { createServer } = await import('node:http');
  const other = createServer((_req, res) => res.end('not auris'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const port = (other.address() as { port: number }).port;
  try {
    assert.deepEqual(await whoHolds('127.0.0.1', port), { kind: 'other' });
    await assert.rejects(listen(s.core, { host: '127.0.0.1', port, webRoot: null }), (e: { message: string; details?: { holder?: { kind: string } } }) => {
      assert.equal(e.details?.holder?.kind, 'other');
      assert.match(e.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is used by another program; choose another port with --port`));
      return true;
    });
  } finally {
    other.close();
    await s.close();
  }
});

test('a non-loopback address gets a token, generated once and kept in the settings', async () => {
  const s = await openTestServer();
  const running = await listen(s.core, { host: '0.0.0.0', port: 0, webRoot: null });
  try {
    const token = s.core.settings.get().server.token;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(running.urls.every((u) => u.endsWith(`/?token=${token}`)));
    assert.ok(running.urls.includes(`http://127.0.0.1:${running.port}/?token=${token}`));
  } finally {
    await running.close();
  }
  const again = await listen(s.core, { host: '0.0.0.0', port: 0, webRoot: null });
  try {
    assert.ok(again.url.endsWith(`?token=${s.core.settings.get().server.token}`));
  } finally {
    await again.close();
    await s.close();
  }
});
