// Faults at the device (issue 18), counted by what the fake DAC actually played, not only by what
// it received (test/alsa/fakedac.c keeps both): an xrun while audio is queued loses nothing (what
// the device held unplayed is sent again from the frame it stopped at), an unplug freezes the
// position at exactly the frame the device played so a replug resumes there, and a device that
// does not come back is not reported back by a cached probe.
import { fakeDacLog, fakeDacPlayed, lcgInts, needFakeDac, resetFakeDac } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcmFormat } from '../../src/audio/format.ts';
import { packInt } from '../../src/audio/pack.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { AlsaOutputPlugin } from '../../src/outputs/plugins/alsa/index.ts';
import type { OpenOutput } from '../../src/outputs/interface.ts';
import { writeAll } from '../../src/outputs/pump.ts';

const HANG_GUARD = { timeout: 30_000 };
const FORMAT = pcmFormat(44100, 2, 16);
const FRAME_BYTES = 4;

/** `seconds` of 16-bit stereo noise, as S16_LE bytes. */
const noiseBytes = (seconds: number, seed: number) => packInt(lcgInts(Math.round(44100 * seconds) * 2, 16, seed), 16, 'S16_LE');

/** Writes `bytes` until they are all queued or the device is lost; returns the frames accepted. */
async function writeUntilLost(out: OpenOutput, bytes: Uint8Array): Promise<number> {
  let frames = 0;
  while (frames * FRAME_BYTES < bytes.length) {
    let n: number;
    try {
      n = out.write(bytes.subarray(frames * FRAME_BYTES));
    } catch (e) {
      if (isAurisError(e, 'E_DEVICE_LOST')) return frames;
      throw e;
    }
    frames += n;
    if (n === 0) await new Promise((r) => setTimeout(r, 5));
  }
  return frames;
}

/** Opens `dac` and plays noise into it until it is unplugged, then closes it. */
async function playUntilUnplugged(dac: AlsaOutputPlugin): Promise<void> {
  const out = await dac.open(FORMAT, 'exclusive', { bufferMs: 100 });
  try {
    const gone = new Promise<void>((resolve) => out.on('device-lost', () => resolve()));
    await writeUntilLost(out, noiseBytes(1, 23));
    await gone;
  } finally {
    await out.close();
  }
}

for (const bufferMs of [500, 2000]) {
  test(`an xrun with ${bufferMs} ms of audio queued in the device loses nothing: the played capture is the source`, HANG_GUARD, async (t) => {
    if (!needFakeDac(t)) return;
    resetFakeDac('dacxrun');
    const out = await new AlsaOutputPlugin('dacxrun').open(FORMAT, 'exclusive', { bufferMs });
    const underruns: number[] = [];
    const lost: number[] = [];
    const bytes = noiseBytes(bufferMs / 1000 + 0.5, 21);
    try {
      out.on('underrun', (n) => underruns.push(n as number));
      out.on('frames-lost', (n) => lost.push(n as number));
      await writeAll(out, bytes);
      await out.drain();
      assert.equal(out.playedFrames(), bytes.length / FRAME_BYTES, 'played = written after the drain');
    } finally {
      await out.close();
    }
    const log = fakeDacLog('dacxrun');
    const xrun = log.find((e) => e.kind === 'xrun');
    assert.ok(xrun, `the fake DAC raised its xrun: ${JSON.stringify(log)}`);
    // The xrun struck with most of a buffer queued: that audio was dropped by the device...
    assert.ok(xrun.dropped > (44100 * bufferMs) / 1000 / 2, `dropped at the xrun: ${xrun.dropped} frames`);
    assert.deepEqual(underruns, [1]);
    assert.deepEqual(lost, [], 'nothing reported lost: the device said where it stopped');
    assert.equal(out.lostFrames(), 0);
    // ...and sent again: every frame was played once, in order.
    const played = fakeDacPlayed('dacxrun');
    assert.equal(played.length / FRAME_BYTES, bytes.length / FRAME_BYTES, 'frames played');
    assert.ok(played.equals(Buffer.from(bytes)), 'the played capture is the source, byte for byte');
    assert.equal(log.at(-1)!.played, bytes.length / FRAME_BYTES);
    assert.equal(log.at(-1)!.received, bytes.length / FRAME_BYTES + xrun.dropped, 'the dropped frames were received twice');
  });
}

test('an unplug freezes the position at the exact frame the device played; a replug from there loses and repeats nothing', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  resetFakeDac('dacgone');
  // dacgone goes after 8820 frames of each open: the part after the replug stays shorter.
  const bytes = noiseBytes(16820 / 44100, 22);
  const dac = new AlsaOutputPlugin('dacgone');
  const first = await dac.open(FORMAT, 'exclusive', { bufferMs: 500 });
  let playedAtLoss: number;
  const underruns: number[] = [];
  try {
    first.on('underrun', (n) => underruns.push(n as number));
    const gone = new Promise<Error>((resolve) => first.on('device-lost', (e) => resolve(e as Error)));
    const written = await writeUntilLost(first, bytes);
    const drained = first.drain().then(() => null, (e: unknown) => e); // all is queued: play it out
    assert.ok(isAurisError(await gone, 'E_DEVICE_LOST'));
    assert.ok(isAurisError(await drained, 'E_DEVICE_LOST'), 'the drain ends with the loss');
    playedAtLoss = first.playedFrames();
    const delayAtLoss = first.delay();
    assert.equal(written - delayAtLoss, playedAtLoss, 'written - delay() says the same (what the engine resumes from)');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(first.playedFrames(), playedAtLoss, 'frozen after the loss');
  } finally {
    await first.close();
  }
  const unplug = fakeDacLog('dacgone').find((e) => e.kind === 'unplug');
  assert.ok(unplug, 'the fake DAC was unplugged');
  assert.equal(unplug.played, 8820, 'dacgone plays exactly 8820 frames before it goes');
  assert.equal(playedAtLoss, unplug.played, 'the output reports the frame the device played, exactly');
  assert.deepEqual(underruns, [], 'an unplug is not an underrun');
  assert.equal(first.playedFrames(), playedAtLoss, 'still answers after close');

  // Plugged back: the next open starts where the listener was.
  const second = await dac.open(FORMAT, 'exclusive', { bufferMs: 500 });
  try {
    await writeAll(second, bytes.subarray(playedAtLoss * FRAME_BYTES));
    await second.drain();
  } finally {
    await second.close();
  }
  const played = fakeDacPlayed('dacgone');
  assert.equal(played.length, bytes.length, `frames played over both opens: ${played.length / FRAME_BYTES} of ${bytes.length / FRAME_BYTES}`);
  assert.ok(played.equals(Buffer.from(bytes)), 'what was heard across the unplug is the source: no frame skipped or repeated');
});

test('a device that does not come back: the cached probe still answers, a fresh probe and an open say E_NOT_FOUND', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  resetFakeDac('dacgonefor');
  const dac = new AlsaOutputPlugin('dacgonefor');
  await dac.capabilities(); // cached now, as the engine's first open does
  await playUntilUnplugged(dac);
  assert.ok((await dac.capabilities()).formats !== 'any', 'the cache answers as if the device were there');
  await assert.rejects(dac.capabilities({ fresh: true }), (e: unknown) => isAurisError(e, 'E_NOT_FOUND'));
  await assert.rejects(dac.open(FORMAT, 'exclusive'), (e: unknown) => isAurisError(e, 'E_NOT_FOUND'));
  // A failed fresh probe also empties the cache: nothing claims the device is there any more.
  await assert.rejects(dac.capabilities(), (e: unknown) => isAurisError(e, 'E_NOT_FOUND'));
});

test('a device that comes back later: a fresh probe fails while it is away and succeeds once it is back', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  resetFakeDac('dacgonebrief');
  const dac = new AlsaOutputPlugin('dacgonebrief');
  await playUntilUnplugged(dac);
  await assert.rejects(dac.capabilities({ fresh: true }), (e: unknown) => isAurisError(e, 'E_NOT_FOUND'));
  const deadline = Date.now() + 10_000;
  let back = false;
  while (!back && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    back = await dac.capabilities({ fresh: true }).then(() => true, () => false);
  }
  assert.ok(back, 'the fresh probe sees the device back');
});
