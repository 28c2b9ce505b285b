// `auris serve` and `auris` alone, as a user runs them: the address printed, the API answering,
// a second start on the same port finding the first, Ctrl+C stopping cleanly. No sound device and
// no browser here: both are normal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/tmp.ts';
import { writeWav } from '../server/helpers/server.ts';

const bin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'auris.js');

/** Starts `auris args...` and resolves with the process and the first URL it prints. */
function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcessWithoutNullStreams; out: () => string; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: '', ...env } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += String(d); });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      const m = /(?:running|already running) at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`auris exited ${code} before printing an address: ${out}${err}`)));
  });
  return { child, out: () => out, url, exit };
}

test('auris serve: prints its address, answers, a second start finds it, Ctrl+C stops it', { timeout: 60_000 }, async () => {
  const data = tempDir('auris-serve-');
  const music = tempDir('auris-serve-music-');
  writeWav(path.join(music, 'tone.wav'), 1);
  const first = start(['serve', '--port', '0', '--mpd-port', '0', '--data', data, '--library', music, '--no-open']);
  try {
    const url = await first.url;
    // --library adds the folder and scans it
    let songs = 0;
    for (let i = 0; i < 100 && songs !== 1; i++) {
      songs = ((await (await fetch(`${url}api/library/stats`)).json()) as { songs: number }).songs;
      if (songs !== 1) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(songs, 1);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const state = await fetch(`${url}api/state`);
    assert.equal(state.status, 200);
    assert.equal(((await state.json()) as { status: string }).status, 'stopped');
    // no sound device is a normal state: the outputs answer, the file and null outputs are there
    const outputs = await (await fetch(`${url}api/outputs`)).json() as { name: string }[];
    assert.ok(outputs.some((o) => o.name === 'null'), JSON.stringify(outputs.map((o) => o.name)));
    assert.match(first.out(), /Media keys are off: no D-Bus session bus/);
    assert.match(first.out(), /^MPD clients: 127\.0\.0\.1:\d+$/m);

    const port = new URL(url).port;
    const second = start(['serve', '--port', port, '--mpd-port', '0', '--data', tempDir('auris-serve-'), '--no-open']);
    assert.equal(await second.url, url);
    assert.equal(await second.exit, 0);
    assert.match(second.out(), /^Auris is already running at /);
  } finally {
    first.child.kill('SIGINT');
  }
  assert.equal(await first.exit, 0);
});

test('auris serve: a port held by another program is named, with how to choose another', { timeout: 60_000 }, async () => {
  const { createServer } = await import('node:http');
  const other = createServer((_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const port = (other.address() as { port: number }).port;
  try {
    const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--mpd-port', '0', '--data', tempDir('auris-serve-'), '--no-open'], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: '' } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += String(d); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.equal(err, `auris: port ${port} on 127.0.0.1 is used by another program; choose another port with --port (for example --port ${port + 1}), or --port 0 for any free one [E_STATE]\n`);
  } finally {
    other.close();
  }
});

test('auris with no arguments starts the server with the saved settings', { timeout: 60_000 }, async () => {
  const config = tempDir('auris-config-');
  mkdirSync(path.join(config, 'auris'));
  writeFileSync(path.join(config, 'auris', 'settings.json'), JSON.stringify({ server: { port: 0 }, mpd: { port: 0 }, output: { name: 'null' } }));
  const run = start([], { XDG_CONFIG_HOME: config, XDG_DATA_HOME: tempDir('auris-data-') });
  try {
    const url = await run.url;
    assert.equal((await fetch(`${url}api/state`)).status, 200);
    assert.equal(((await (await fetch(`${url}api/settings`)).json()) as { output: { name: string } }).output.name, 'null');
  } finally {
    run.child.kill('SIGINT');
  }
  assert.equal(await run.exit, 0);
});
