// The terminal player driven as a person would: in tmux, keys in, screen read back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { noise } from '../helpers/signals.ts';
import { packMd5Layout } from '../../src/audio/pack.ts';

const repo = path.resolve(import.meta.dirname, '..', '..');

function screen(session: string): string {
  return spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout;
}

/** Polls the screen until `pattern` shows (or `ms` pass); returns the last screen. */
async function waitFor(session: string, pattern: RegExp, ms = 60_000): Promise<string> {
  const until = Date.now() + ms;
  let s = screen(session);
  while (!pattern.test(s) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    s = screen(session);
  }
  return s;
}

test('auris play in a terminal: track, progress, verdict; space pauses, n skips, q quits', async (t) => {
  if (!needTools(t, 'tmux', 'flac')) return;
  const dir = tempDir('auris-tui-');
  const files: string[] = [];
  for (const i of [1, 2]) {
    const raw = path.join(dir, `${i}.raw`);
    writeFileSync(raw, packMd5Layout(noise(44100 * 20, 2, 16, i), 16));
    const out = path.join(dir, `0${i} - song.flac`);
    run('flac', ['-s', '-f', '-0', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', '--bps=16', '--sample-rate=44100', '-o', out, raw]);
    files.push(out);
  }
  const session = `auris-tui-${process.pid}`;
  const marker = path.join(dir, 'exit-code');
  const cmd = `cd ${repo} && ${process.execPath} --import tsx src/cli/main.ts play '${files[0]}' '${files[1]}' --output null; echo $? > ${marker}; sleep 60`;
  run('tmux', ['new-session', '-d', '-s', session, '-x', '110', '-y', '14', cmd]);
  try {
    let s = await waitFor(session, /playing 1\/2[\s\S]*0:0[1-9] \/ 0:20/);
    assert.match(s, /01 - song\.flac/);
    assert.match(s, /FLAC, 44100 Hz, 2 ch, 16-bit\s+->\s+null \(exclusive\) as S16_LE/);
    assert.match(s, /signal path: bit-perfect/);
    run('tmux', ['send-keys', '-t', session, ' ']);
    s = await waitFor(session, /paused 1\/2/);
    assert.match(s, /paused 1\/2/);
    const heldAt = /(\d+:\d\d) \/ 0:20/.exec(s)![1];
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(/(\d+:\d\d) \/ 0:20/.exec(screen(session))![1], heldAt, 'the clock stops while paused');
    run('tmux', ['send-keys', '-t', session, ' ']);
    await waitFor(session, /playing 1\/2/);
    run('tmux', ['send-keys', '-t', session, 'n']);
    s = await waitFor(session, /playing 2\/2[\s\S]*02 - song\.flac/);
    assert.match(s, /02 - song\.flac/);
    run('tmux', ['send-keys', '-t', session, 'q']);
    const until = Date.now() + 30_000;
    let code = '';
    while (Date.now() < until) {
      const r = spawnSync('cat', [marker], { encoding: 'utf8' });
      if (r.status === 0 && r.stdout.trim()) { code = r.stdout.trim(); break; }
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.equal(code, '0', 'q quits with exit code 0');
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
  }
});

test('the terminal player keeps a known duration through the last second of a track (issue 16 item 13)', async (t) => {
  // RF64 files: the tag reader finds no duration in them, the decoder knows it (3 s), so the
  // screen has only the engine's word for it, also once the next track is being decoded.
  if (!needTools(t, 'tmux', 'ffmpeg')) return;
  const dir = tempDir('auris-tui-');
  const files = [1, 2].map((i) => path.join(dir, `0${i} - long.wav`));
  for (const f of files) run('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=3', '-ac', '2', '-c:a', 'pcm_s16le', '-rf64', 'always', f]);
  const session = `auris-tui-dur-${process.pid}`;
  const cmd = `cd ${repo} && ${process.execPath} --import tsx src/cli/main.ts play '${files[0]}' '${files[1]}' --output null; sleep 60`;
  run('tmux', ['new-session', '-d', '-s', session, '-x', '110', '-y', '14', cmd]);
  try {
    // Every clock the screen shows for the first track, read every 50 ms until the second one plays.
    const clocks: string[] = [];
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const s = screen(session);
      const clock = /(\d+:\d\d \/ (?:\d+:\d\d|--:--))/.exec(s)?.[1];
      if (/playing 1\/2/.test(s) && clock && clocks.at(-1) !== clock) clocks.push(clock);
      if (/playing 2\/2/.test(s)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const known = clocks.findIndex((c) => c.endsWith('/ 0:03'));
    assert.ok(known >= 0, `the duration showed: ${clocks.join(', ')}`);
    assert.ok(clocks.some((c) => c.startsWith('0:02')), `the last second was seen: ${clocks.join(', ')}`);
    assert.deepEqual(clocks.slice(known).filter((c) => !c.endsWith('/ 0:03')), [], `clocks after the duration was known: ${clocks.join(', ')}`);
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
  }
});
