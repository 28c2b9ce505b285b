// `auris mpd`: the core, its library and the MPD frontend in a process of their own, until SIGTERM.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp.ts';
import { LineClient } from './harness.ts';

const bin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'auris.js');

test('auris mpd listens, answers a client, and stops cleanly on SIGTERM', async () => {
  const data = tempDir('auris-mpd-cli-');
  const child = spawn(process.execPath, [bin, 'mpd', '--data', data, '--port', '0', '--output', 'null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /MPD protocol on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`auris mpd exited ${code}: ${err}`)));
  });
  const c = await LineClient.open(port);
  assert.equal(c.greeting, 'OK MPD 0.23.5');
  assert.equal((await c.cmd('status')).end, 'OK');
  assert.deepEqual(await c.ok('lsinfo'), [], 'an empty library');
  c.close();
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (n) => resolve(n));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0, err);
});

test('auris mpd refuses an address beyond loopback without a password', async () => {
  const data = tempDir('auris-mpd-cli-');
  const child = spawn(process.execPath, [bin, 'mpd', '--data', data, '--host', '0.0.0.0', '--port', '0', '--output', 'null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (n) => resolve(n)));
  assert.notEqual(code, 0);
  assert.match(err, /beyond loopback: set a password/);
});
