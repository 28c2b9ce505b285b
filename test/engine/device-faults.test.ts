// The player over a fake DAC that drops out (issue 18), judged by what the DAC actually played
// (test/alsa/fakedac.c appends every frame it played to <capture>.played, over every open): an
// xrun with half a second queued, and an unplug followed by a replug, must both leave the played
// audio equal to the file, with no frame skipped or repeated.
import { fakeDacLog, fakeDacPlayed, lcgInts, needFakeDac, resetFakeDac } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { packInt, packMd5Layout } from '../../src/audio/pack.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ofType, playAll, testCore, until } from '../helpers/core.ts';

const dir = tempDir('auris-faults-');

/** A 16-bit stereo 44.1 kHz FLAC of noise; returns its path and its samples as S16_LE bytes. */
function flacOf(name: string, frames: number, seed: number): { file: string; bytes: Buffer } {
  const samples = lcgInts(frames * 2, 16, seed);
  const raw = path.join(dir, `${name}.raw`);
  writeFileSync(raw, packMd5Layout(samples, 16));
  const file = path.join(dir, `${name}.flac`);
  run('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', '--bps=16', '--sample-rate=44100', '-o', file, raw]);
  return { file, bytes: Buffer.from(packInt(samples, 16, 'S16_LE')) };
}

/** The first frame where `played` and `want` differ, or -1. */
function firstDifference(played: Buffer, want: Buffer): number {
  const n = Math.min(played.length, want.length);
  for (let i = 0; i < n; i++) if (played[i] !== want[i]) return Math.floor(i / 4);
  return played.length === want.length ? -1 : n / 4;
}

test('player: an xrun with 500 ms queued in the device loses nothing the listener would hear', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  resetFakeDac('dacxrun');
  const { file, bytes } = flacOf('xrun', 44100, 31);
  const events = await playAll({ output: 'alsa:dacxrun', bufferMs: 500 }, [file]);
  const xrun = fakeDacLog('dacxrun').find((e) => e.kind === 'xrun');
  assert.ok(xrun && xrun.dropped > 10_000, `the DAC dropped a buffer's worth at its xrun: ${JSON.stringify(xrun)}`);
  assert.equal(ofType(events, 'queue-end')[0]!.underruns, 1);
  assert.equal(firstDifference(fakeDacPlayed('dacxrun'), bytes), -1, 'the played audio is the file');
  assert.equal(ofType(events, 'track-end')[0]!.proof.verified, true, 'and the proof may say so');
});

test('player: unplugged after 8820 frames and plugged back, the DAC plays the file once, exactly', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  // 500 ms: the device thread reads the fake DAC's pointer far more often than once a buffer. An
  // ioplug pointer wraps at the buffer, so a thread starved for a whole buffer (a 40 ms one on a
  // loaded machine) cannot be exact, and the output then falls back to the clock.
  for (const bufferMs of [500]) {
    resetFakeDac('dacgone');
    // Shorter than twice 8820 frames: dacgone goes after 8820 frames of each open.
    const { file, bytes } = flacOf(`gone-${bufferMs}`, 16000, 32);
    const events = await playAll({ output: 'alsa:dacgone', bufferMs }, [file]);
    const story = () => `events ${events.filter((e) => e.type !== 'state').map((e) => e.type).join(' ')}; DAC log ${fakeDacLog('dacgone').map((e) => `${e.kind} ${e.played}/${e.dropped}/${e.received}`).join(', ')}`;
    assert.ok(ofType(events, 'device-lost').length === 1 && ofType(events, 'device-back').length === 1, `${bufferMs} ms: lost and back once: ${story()}`);
    const waiting = ofType(events, 'state').find((e) => e.state.status === 'waiting-for-device');
    assert.equal(waiting?.state.positionFrames, 8820, `${bufferMs} ms: the player waits at the frame the DAC played: ${story()}`);
    // Every underrun counted must be an xrun of the DAC, and the unplug is none.
    const xruns = fakeDacLog('dacgone').filter((e) => e.kind === 'xrun').length;
    assert.ok(ofType(events, 'queue-end')[0]!.underruns <= xruns, `${bufferMs} ms: an unplug is not an underrun: ${story()}`);
    assert.equal(firstDifference(fakeDacPlayed('dacgone'), bytes), -1, `${bufferMs} ms: the played audio, over both opens, is the file`);
  }
});

test('player: a DAC that stays away is waited for (waiting-for-device, no error, the queue kept) until the user stops', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  resetFakeDac('dacgonefor');
  const { file } = flacOf('gonefor', 30000, 33);
  const { core, events } = await testCore({ output: 'alsa:dacgonefor', bufferMs: 200 });
  try {
    await core.queue.add([file, file]);
    await core.player.play();
    await until(() => core.player.state().status === 'waiting-for-device', 10_000, 'the wait for the device');
    // Three seconds away: still waiting, nothing failed, the queue is intact.
    await new Promise((r) => setTimeout(r, 3000));
    const s = core.player.state();
    assert.equal(s.status, 'waiting-for-device');
    assert.match(s.message, /device lost/);
    assert.deepEqual(events.filter((e) => e.type === 'error' || e.type === 'track-error' || e.type === 'queue-end'), []);
    assert.equal(core.queue.snapshot().items.length, 2);
    await core.player.stop();
    assert.equal(core.player.state().status, 'stopped', 'the user stops the wait');
  } finally {
    await core.close();
  }
});

test('player: while waiting for the device the state keeps where playback stopped and the track length', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  resetFakeDac('dacgonefor');
  const frames = 30000;
  const { file } = flacOf('gonefor-position', frames, 34);
  const { core } = await testCore({ output: 'alsa:dacgonefor', bufferMs: 200 });
  try {
    await core.queue.add([file]);
    await core.player.play();
    await until(() => core.player.state().status === 'waiting-for-device', 10_000, 'the wait for the device');
    const s = core.player.state();
    // dacgonefor goes away once it has played 4410 frames: that is where the listener is.
    assert.equal(s.positionFrames, 4410, 'the position is the frame the device stopped at');
    assert.ok(Math.abs(s.positionMs - 100) < 1, `positionMs ${s.positionMs}, 100 expected`);
    assert.ok(s.durationMs !== null && Math.abs(s.durationMs - (frames / 44100) * 1000) < 1, `durationMs ${s.durationMs}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(core.player.state().positionMs, s.positionMs, 'the position holds while waiting');
    await core.player.stop();
  } finally {
    await core.close();
  }
});
