// MPRIS against a running server on a private D-Bus session bus: playerctl (what desktop media
// keys and widgets use) plays, pauses, skips, seeks, sets modes and volume, and reads the metadata.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { startMpris } from '../../src/server/mpris/index.ts';
import { listen } from '../../src/server/start.ts';
import { until } from '../helpers/core.ts';
import { needTools } from '../helpers/tools.ts';
import { openTestServer } from './helpers/server.ts';

const run = promisify(execFile);

/** A private session bus (dbus-daemon in the foreground, ended by pid). */
async function privateBus(): Promise<{ address: string; stop(): void }> {
  const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', '--nopidfile'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    daemon.stdout.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    daemon.once('error', reject);
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited ${code}`)));
  });
  return { address, stop: () => daemon.kill() };
}

test('playerctl drives the server over MPRIS: play-pause, next, metadata, position, modes, volume', { timeout: 30_000 }, async (t) => {
  if (!needTools(t, 'dbus-daemon', 'playerctl')) return;
  const bus = await privateBus();
  const s = await openTestServer();
  const server = await listen(s.core, { host: '127.0.0.1', port: 0, webRoot: null });
  const base = `http://127.0.0.1:${server.port}`;
  const mpris = await startMpris(s.core, { busAddress: bus.address, artUrl: (item) => `${base}/api/art/queue/${item.id}` });
  const playerctl = async (...args: string[]): Promise<string> =>
    (await run('playerctl', ['-p', 'auris', ...args], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address } })).stdout.trim();
  const state = async () => (await fetch(`${base}/api/state`)).json() as Promise<{ status: string; currentId: number | null; positionMs: number }>;
  try {
    assert.equal(mpris.busName, 'org.mpris.MediaPlayer2.auris');
    assert.equal(await run('playerctl', ['-l'], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address } }).then((r) => r.stdout.trim()), 'auris');
    assert.equal(await playerctl('status'), 'Stopped');

    const ids = await s.core.queue.add(s.tracks);
    await playerctl('play-pause');
    assert.equal((await state()).status, 'playing');
    assert.equal(await playerctl('status'), 'Playing');
    await playerctl('play-pause');
    assert.equal((await state()).status, 'paused');
    await playerctl('play');
    assert.equal((await state()).status, 'playing');

    const meta = await playerctl('metadata', '--format', '{{mpris:trackid}}|{{xesam:title}}|{{xesam:url}}|{{mpris:artUrl}}');
    assert.equal(meta, `'/org/auris/queue/${ids[0]}'|1.wav|file://${s.tracks[0]}|${base}/api/art/queue/${ids[0]}`);
    await playerctl('next');
    assert.equal((await state()).currentId, ids[1]);
    assert.equal(await playerctl('metadata', 'mpris:trackid'), `'/org/auris/queue/${ids[1]}'`, 'playerctl prints an object path quoted');
    assert.equal(await playerctl('metadata', 'xesam:title'), '2.wav');
    await playerctl('previous');
    assert.equal((await state()).currentId, ids[0]);

    // playing: the core reports the new position once the device plays from it (within a second
    // here), and then it moves on, so each check allows 1.5 s past the target
    const near = (wantMs: number) => until(() => {
      const ms = s.core.player.state().positionMs;
      return ms >= wantMs - 100 && ms <= wantMs + 1500;
    }, 3000, `position near ${wantMs} ms`);
    await playerctl('position', '10');
    await near(10_000);
    const before = s.core.player.state().positionMs;
    await playerctl('position', '5+');
    await near(before + 5000);
    const read = Number(await playerctl('position')) * 1000;
    assert.ok(Math.abs(read - s.core.player.state().positionMs) < 1000, `playerctl reads ${read} ms, the core says ${s.core.player.state().positionMs}`);
    // a D-Bus property set cannot wait for the core to save the settings: the change lands just after
    await playerctl('shuffle', 'On');
    await until(() => s.core.queue.modes().random, 2000, 'shuffle on');
    await playerctl('loop', 'Track');
    await until(() => s.core.queue.modes().repeat && s.core.queue.modes().single === 'on', 2000, 'loop track');
    assert.equal(await playerctl('loop'), 'Track');
    await playerctl('volume', '0.5');
    await until(() => Math.abs(s.core.volume.get() - 20 * Math.log10(0.5)) < 1e-9, 2000, 'volume -6.02 dB');

    await playerctl('play');
    assert.equal((await state()).status, 'playing');
    await playerctl('stop');
    assert.equal((await state()).status, 'stopped');

    // the desktop learns of changes by signal (PropertiesChanged), as `playerctl --follow` shows
    const follow = spawn('playerctl', ['-p', 'auris', '--follow', 'status'], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address }, stdio: ['ignore', 'pipe', 'ignore'] });
    const lines: string[] = [];
    const seen = (want: string) => new Promise<void>((resolve) => {
      const check = () => (lines.includes(want) ? resolve() : setTimeout(check, 20));
      check();
    });
    follow.stdout.on('data', (d: Buffer) => lines.push(...String(d).split('\n').filter(Boolean)));
    await seen('Stopped');
    await s.core.player.play(ids[1]);
    await seen('Playing');
    await s.core.player.pause();
    await seen('Paused');
    follow.kill();
    assert.deepEqual(lines, ['Stopped', 'Playing', 'Paused']);
    // a change made elsewhere (the web app, the CLI) is what playerctl reads next
    await fetch(`${base}/api/player/play`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: ids[2] }) });
    assert.equal(await playerctl('status'), 'Playing');
    assert.equal(await playerctl('metadata', 'xesam:title'), '3.wav');
  } finally {
    await mpris.close();
    await server.close();
    await s.close();
    bus.stop();
  }
});

test('without a session bus, MPRIS says so (E_STATE) and the server goes on', async () => {
  const s = await openTestServer();
  try {
    await assert.rejects(startMpris(s.core, { busAddress: 'unix:path=/nonexistent/auris-no-bus' }), { code: 'E_STATE' });
    await assert.rejects(startMpris(s.core, { busAddress: '' }), { code: 'E_STATE' });
  } finally {
    await s.close();
  }
});
