// Debian's real MPD (0.23) on the same generated library, for differential tests and the bench:
// its config in a temporary folder, no ALSA (a null output with a software mixer), loopback only.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { tempDir } from '../helpers/tmp.ts';

/** A free TCP port on loopback (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('data', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export interface RealMpd {
  readonly port: number;
  readonly dir: string;
  close(): Promise<void>;
}

/** Starts `mpd --no-daemon` on `musicDir` and waits until its database is built. */
export async function startRealMpd(musicDir: string): Promise<RealMpd> {
  const dir = tempDir('auris-real-mpd-');
  const port = await freePort();
  mkdirSync(path.join(dir, 'playlists'));
  const conf = path.join(dir, 'mpd.conf');
  writeFileSync(conf, [
    `music_directory "${musicDir}"`,
    `playlist_directory "${path.join(dir, 'playlists')}"`,
    `db_file "${path.join(dir, 'database')}"`,
    `sticker_file "${path.join(dir, 'sticker.sql')}"`,
    'bind_to_address "127.0.0.1"',
    `port "${port}"`,
    'zeroconf_enabled "no"',
    'audio_output {',
    '  type "null"',
    '  name "null"',
    '  mixer_type "software"',
    '}',
    '',
  ].join('\n'));
  const child: ChildProcess = spawn('mpd', ['--no-daemon', '--stderr', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  const deadline = Date.now() + 15000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mpd did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // The first start builds the database in the background; wait for it.
  await new Promise<void>((resolve) => execFile('mpc', ['-p', String(port), '-q', 'update', '--wait'], { timeout: 60000 }, () => resolve()));
  return {
    port,
    dir,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
