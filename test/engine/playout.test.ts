// The end of what the device holds: while the output plays out the last buffer's worth (the end of
// the queue, or before a format change), the engine still says which track is heard and where, and
// announces each track's end when it is heard; a user command cuts such a play-out at once.
// Driven through a real core into the fakedac test plugin paced at real time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { captureDir, needFakeDac } from '../helpers/alsa.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { noise } from '../helpers/signals.ts';
import { packMd5Layout } from '../../src/audio/pack.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';
import { testCore, until } from '../helpers/core.ts';

const dir = tempDir('auris-playout-');

function flacFile(name: string, frames: number, rate: number, seed: number): string {
  const raw = path.join(dir, `${name}.raw`);
  writeFileSync(raw, packMd5Layout(noise(frames, 2, 24, seed), 24));
  const out = path.join(dir, `${name}.flac`);
  run('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', '--bps=24', `--sample-rate=${rate}`, '-o', out, raw]);
  return out;
}

type TrackEnd = Extract<CoreEvent, { type: 'track-end' }>;

test('during the final play-out the state follows the track heard and each end is announced when heard', async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  const rate = 44100;
  // Three 0.5 s tracks into a 1.5 s buffer: the decoder is done long before the device is, so
  // almost everything is heard during the final play-out.
  const files = [0, 1, 2].map((i) => flacFile(`short-${i}`, Math.round(rate * 0.5), rate, 40 + i));
  const { core, events } = await testCore({ output: 'alsa:dac24', bufferMs: 1500 });
  const seen: { id: number | null; positionMs: number; durationMs: number | null }[] = [];
  const endsAt = new Map<number, number>();
  core.on((e) => { if (e.type === 'track-end') endsAt.set(e.id, Date.now()); });
  let ids: number[] = [];
  try {
    ids = await core.queue.add(files);
    await core.player.play();
    await until(() => {
      const s = core.player.state();
      if (s.status === 'playing') seen.push({ id: s.currentId, positionMs: s.positionMs, durationMs: s.durationMs });
      return events.some((e) => e.type === 'queue-end' || e.type === 'error');
    }, 15_000, 'the end of the queue');
  } finally {
    await core.close();
  }
  assert.deepEqual(events.filter((e) => e.type === 'error' || e.type === 'track-error'), []);
  assert.ok(seen.some((s) => s.id === ids[2]), `the last track is shown while it plays (seen: ${[...new Set(seen.map((s) => s.id))].join(', ')})`);
  for (const s of seen) {
    assert.ok(s.durationMs === null || s.positionMs <= s.durationMs + 60, `position ${s.positionMs} ms within the ${s.durationMs} ms of track ${s.id}`);
  }
  const ends = events.filter((e): e is TrackEnd => e.type === 'track-end');
  assert.deepEqual(ends.map((e) => [e.id, e.completed, e.proof.verified]), ids.map((id) => [id, true, true]));
  // Each end comes when it is heard, 0.5 s of audio apart (not all at the end of the play-out).
  for (const [a, b] of [[0, 1], [1, 2]] as const) {
    const gap = endsAt.get(ids[b]!)! - endsAt.get(ids[a]!)!;
    assert.ok(gap >= 300, `the end of track ${b + 1} came ${gap} ms after that of track ${a + 1}, for 500 ms of audio`);
  }
});

test('next during the play-out before a format change cuts it at once; the cut track is not completed', async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  const first = Math.round(44100 * 1.2);
  const files = [flacFile('fmt-a', first, 44100, 50), flacFile('fmt-b', Math.round(96000 * 0.3), 96000, 51)];
  const log = path.join(captureDir, 'dac24.raw.log');
  const logBefore = readFileSync(log, { encoding: 'utf8', flag: 'a+' }).length;
  const { core, events } = await testCore({ output: 'alsa:dac24', bufferMs: 1500 });
  let ids: number[] = [];
  try {
    ids = await core.queue.add(files);
    await core.player.play();
    // The whole first track fits in the buffer: by 0.3 s it is written and the output plays it out.
    await until(() => core.player.state().positionMs >= 300, 10_000, 'position 0.3 s');
    await delay(50);
    await core.player.next();
    await until(() => events.some((e) => e.type === 'queue-end' || e.type === 'error'), 15_000, 'the end of the queue');
  } finally {
    await core.close();
  }
  assert.deepEqual(events.filter((e) => e.type === 'error' || e.type === 'track-error'), []);
  const ends = events.filter((e): e is TrackEnd => e.type === 'track-end');
  const cut = ends.find((e) => e.id === ids[0]);
  assert.equal(cut?.completed, false, 'the track skipped with next is not completed');
  assert.equal(cut?.proof.verified, false, 'and not verified');
  const second = ends.filter((e) => e.id === ids[1]);
  assert.equal(second.at(-1)?.completed, true, 'the next track plays to its end');
  // The first stream was closed long before its end: the device played well under its 1.2 s.
  const closes = [...readFileSync(log, 'utf8').slice(logBefore).matchAll(/close played=(\d+)/g)].map((m) => Number(m[1]));
  assert.ok(closes.length >= 2, `two streams in the device log (${closes.join(', ')})`);
  assert.ok(closes[0]! < first * 0.75, `the first stream stopped at frame ${closes[0]} of ${first}, soon after next`);
});
