// Pause and resume on a DAC paced at real time (the fakedac test plugin): while paused, the audible
// position holds and the device receives nothing; after resume, playback continues from that very
// sample, so the capture equals the source. Pauses land mid-track and during the final drain.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { captureDir, needAlsa, needFakeDac } from '../helpers/alsa.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { noise } from '../helpers/signals.ts';
import { packInt, packMd5Layout } from '../../src/audio/pack.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';
import { testCore, until } from '../helpers/core.ts';

const dir = tempDir('auris-pause-');
const RATE = 44100;

function flacFile(name: string, samples: Int32Array): string {
  const raw = path.join(dir, `${name}.raw`);
  writeFileSync(raw, packMd5Layout(samples, 24));
  const out = path.join(dir, `${name}.flac`);
  run('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', '--bps=24', `--sample-rate=${RATE}`, '-o', out, raw]);
  return out;
}

test('pause and resume land on the right sample, mid-track and during the final drain', async (t) => {
  if (!needTools(t, 'flac') || !needAlsa(t) || !needFakeDac(t)) return;
  const frames = Math.round(RATE * 2.5);
  const samples = noise(frames, 2, 24, 21);
  const file = flacFile('pause', samples);
  const capture = path.join(captureDir, 'dac24.raw');
  const captured = () => statSync(capture, { throwIfNoEntry: false })?.size ?? 0;

  const { core, events } = await testCore({ output: 'alsa:dac24', bufferMs: 200 });
  const player = core.player;
  const ended = () => events.some((e) => e.type === 'queue-end' || e.type === 'error');
  try {
    await core.queue.add([file]);
    await player.play();

    // Two pauses: one mid-track, one when less than the buffer is left (the output is draining).
    for (const at of [0.6, (frames - RATE * 0.08) / RATE]) {
      await until(() => player.state().positionMs >= at * 1000 || ended(), 10_000, `position ${at} s`);
      assert.ok(!ended(), `the queue ended before the pause at ${at.toFixed(2)} s`);
      await player.pause();
      await until(() => player.state().status === 'paused', 2000, 'the paused state');
      await delay(50); // the device thread takes the pause within a few ms
      const held = player.state().positionFrames;
      const bytes = captured();
      await delay(500);
      assert.equal(player.state().status, 'paused');
      assert.equal(player.state().positionFrames, held, `position holds while paused at ${at.toFixed(2)} s`);
      assert.equal(captured(), bytes, 'nothing reaches the device while paused');
      assert.ok(!ended(), 'a pause during the final drain holds the end of the queue back');
      assert.ok(Math.abs(held / RATE - at) < 0.15, `paused at ${(held / RATE).toFixed(3)} s, asked at ${at.toFixed(3)} s`);
      await player.resume();
      await until(() => player.state().positionFrames > held || ended(), 2000, 'playback to go on');
    }
    await until(ended, 10_000, 'the end of the queue');
  } finally {
    await core.close();
  }
  assert.deepEqual(events.filter((e) => e.type === 'error' || e.type === 'device-lost' || e.type === 'track-error'), []);
  const end = events.find((e): e is Extract<CoreEvent, { type: 'track-end' }> => e.type === 'track-end');
  assert.ok(end?.completed);
  assert.equal(end.proof.verified, true, end.proof.reason);
  assert.ok(Buffer.from(packInt(samples, 24, 'S24_3LE')).equals(readFileSync(capture)), 'the capture equals the source: nothing lost or repeated');
});

test('stop during the final drain stops at once, without an error, and the player plays again', async (t) => {
  if (!needTools(t, 'flac') || !needAlsa(t) || !needFakeDac(t)) return;
  const frames = RATE; // 1 s: all of it fits in the 800 ms buffer soon after the start
  const file = flacFile('stop-drain', noise(frames, 2, 24, 22));
  const { core, events } = await testCore({ output: 'alsa:dac24', bufferMs: 800 });
  const player = core.player;
  try {
    await core.queue.add([file]);
    await player.play();
    await until(() => player.state().positionMs >= 400, 10_000, 'position 0.4 s');
    const heard = player.state().positionFrames;
    await player.stop();
    assert.equal(player.state().status, 'stopped', 'stopped once stop() resolves');
    assert.ok(heard < frames, 'stopped before the end of the audio');
    assert.equal(events.filter((e) => e.type === 'queue-end' || e.type === 'error').length, 0, 'the stop is not an error and does not end the queue');
    const cut = events.filter((e): e is Extract<CoreEvent, { type: 'track-end' }> => e.type === 'track-end');
    assert.equal(cut.length, 1, 'the stopped track is reported once');
    assert.equal(cut[0]!.completed, false, 'a track cut off by stop is not completed');
    assert.equal(cut[0]!.proof.verified, false, 'and its proof does not verify');
    await player.play();
    await until(() => events.some((e) => e.type === 'queue-end' || e.type === 'error'), 10_000, 'the end of the queue');
  } finally {
    await core.close();
  }
  assert.equal(events.filter((e) => e.type === 'error').length, 0);
  const ends = events.filter((e): e is Extract<CoreEvent, { type: 'track-end' }> => e.type === 'track-end');
  assert.equal(ends.at(-1)?.completed, true);
  assert.equal(ends.at(-1)?.proof.verified, true);
});

test('a long pause releases the device for other programs; resume reopens it at the same sample', async (t) => {
  if (!needTools(t, 'flac') || !needAlsa(t) || !needFakeDac(t)) return;
  const frames = Math.round(RATE * 1.5);
  const samples = noise(frames, 2, 24, 23);
  const file = flacFile('release', samples);
  const capture = path.join(captureDir, 'dac24.raw');
  const { core, events } = await testCore({ output: 'alsa:dac24', bufferMs: 200, releaseAfterPauseMs: 300 });
  try {
    await core.queue.add([file]);
    await core.player.play();
    await until(() => core.player.state().positionMs >= 500, 10_000, 'position 0.5 s');
    await core.player.pause();
    await until(() => core.player.state().output === null, 3000, 'the device to be released');
    assert.equal(core.player.state().status, 'paused', 'still paused, not stopped');
    const held = core.player.state().positionFrames;
    // Another program can open the device now.
    const { outputPlugin } = await import('../../src/outputs/registry.ts');
    const other = await outputPlugin('alsa:dac24').open({ rate: RATE, channels: 2, sample: 's24', validBits: 24 }, 'exclusive', { bufferMs: 100 });
    await other.close();
    await core.player.resume();
    await until(() => events.some((e) => e.type === 'queue-end' || e.type === 'error'), 10_000, 'the end of the queue');
    assert.deepEqual(events.filter((e) => e.type === 'error' || e.type === 'track-error'), []);
    // The reopened device got the source from the held frame on (its capture starts at each open).
    assert.ok(Buffer.from(packInt(samples.subarray(held * 2), 24, 'S24_3LE')).equals(readFileSync(capture)), `the stream after resume starts at frame ${held}`);
  } finally {
    await core.close();
  }
});
