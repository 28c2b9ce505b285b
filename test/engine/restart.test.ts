// Restarts on the device without a sound card (the fakedac test plugin, paced at real time): a
// volume change that needs a new stream format, and a seek. The device's own log and the bytes it
// played prove that nothing is heard twice and nothing is skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureDir, needFakeDac } from '../helpers/alsa.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { noise } from '../helpers/signals.ts';
import { packInt, packMd5Layout } from '../../src/audio/pack.ts';
import { testCore, until } from '../helpers/core.ts';

const dir = tempDir('auris-restart-');
const RATE = 44100;

function flacFile(name: string, samples: Int32Array, bits: number): string {
  const raw = path.join(dir, `${name}.raw`);
  writeFileSync(raw, packMd5Layout(samples, bits));
  const out = path.join(dir, `${name}.flac`);
  run('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', `--bps=${bits}`, `--sample-rate=${RATE}`, '-o', out, raw]);
  return out;
}

/** The fakedac's log lines for `device` written since `from` characters. */
function deviceLog(device: string, from: number): string {
  return readFileSync(path.join(captureDir, `${device}.raw.log`), { encoding: 'utf8', flag: 'a+' }).slice(from);
}

test('a volume change into software volume reopens the device and goes on at the first frame not played', async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  const frames = Math.round(RATE * 3); // long enough that the track is still decoding at the change
  const samples = noise(frames, 2, 16, 61);
  const file = flacFile('volume16', samples, 16);
  const logFrom = deviceLog('dac32', 0).length;
  const playedFrom = readFileSync(path.join(captureDir, 'dac32.raw.played'), { flag: 'a+' }).length;
  // dac32 takes S16_LE and S32_LE: 16-bit plays as S16_LE; software volume needs S32_LE.
  const { core, events } = await testCore({ output: 'alsa:dac32', bufferMs: 400 });
  try {
    await core.queue.add([file]);
    await core.player.play();
    await until(() => core.player.state().positionMs >= 600, 10_000, 'position 0.6 s');
    await core.volume.set(-6);
    await until(() => events.some((e) => e.type === 'queue-end' || e.type === 'error'), 15_000, 'the end of the queue');
  } finally {
    await core.close();
  }
  assert.deepEqual(events.filter((e) => e.type === 'error' || e.type === 'track-error'), []);
  const opens = events.filter((e) => e.type === 'output-open').map((e) => e.type === 'output-open' && e.output.container);
  assert.deepEqual(opens, ['S16_LE', 'S32_LE'], 'reopened in the deeper format for software volume');
  const log = deviceLog('dac32', logFrom);
  // Streams that received audio (a capability probe opens and closes the device without any).
  const closes = [...log.matchAll(/close played=(\d+) received=(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const).filter(([, received]) => received > 0);
  assert.equal(closes.length, 2, `two streams:\n${log}`);
  const [[heardFirst], [heardSecond, receivedSecond]] = closes as [readonly [number, number], readonly [number, number]];
  assert.equal(heardSecond, receivedSecond, 'the second stream played out to its end');
  // The second stream starts where the first stopped being heard: together exactly the track.
  assert.equal(heardFirst + heardSecond, frames, `heard ${heardFirst} + ${heardSecond} frames of ${frames}: ${heardFirst + heardSecond - frames} repeated`);
  const played = readFileSync(path.join(captureDir, 'dac32.raw.played')).subarray(playedFrom);
  assert.ok(Buffer.from(packInt(samples.subarray(0, heardFirst * 2), 16, 'S16_LE')).equals(played.subarray(0, heardFirst * 4)), 'the first stream played the source from its start');
});

test('a seek keeps the device open: it drops what the device holds and the stream goes on from the new frame', async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  const frames = Math.round(RATE * 2);
  const samples = noise(frames, 2, 24, 62);
  const file = flacFile('seek24', samples, 24);
  const target = Math.round(RATE * 1.3) + 7;
  const logFrom = deviceLog('dac24', 0).length;
  const playedFrom = readFileSync(path.join(captureDir, 'dac24.raw.played'), { flag: 'a+' }).length;
  const { core, events } = await testCore({ output: 'alsa:dac24', bufferMs: 400 });
  try {
    await core.queue.add([file]);
    await core.player.play();
    await until(() => core.player.state().positionMs >= 400, 10_000, 'position 0.4 s');
    await core.player.seek({ frame: target });
    assert.ok(Math.abs(core.player.state().positionFrames - target) < RATE * 0.05, `the position is the seek target right after the seek (${core.player.state().positionFrames})`);
    await until(() => events.some((e) => e.type === 'queue-end' || e.type === 'error'), 15_000, 'the end of the queue');
  } finally {
    await core.close();
  }
  assert.deepEqual(events.filter((e) => e.type === 'error' || e.type === 'track-error'), []);
  assert.equal(events.filter((e) => e.type === 'output-open').length, 1, 'the output was opened once');
  const log = deviceLog('dac24', logFrom);
  const streams = [...log.matchAll(/close played=(\d+) received=(\d+)/g)].filter((m) => Number(m[2]) > 0);
  assert.equal(streams.length, 1, `one stream on the device:\n${log}`);
  // What the device played: the source up to where the seek dropped the rest, then from the target on.
  const played = readFileSync(path.join(captureDir, 'dac24.raw.played')).subarray(playedFrom);
  const before = played.length / 6 - (frames - target);
  assert.ok(before > RATE * 0.3 && before < RATE, `${before} frames heard before the seek`);
  const expected = Buffer.concat([packInt(samples.subarray(0, before * 2), 24, 'S24_3LE'), packInt(samples.subarray(target * 2), 24, 'S24_3LE')]);
  assert.ok(expected.equals(played), 'the device played the source to the seek, then from the target to the end, nothing else');
  const end = events.find((e) => e.type === 'track-end');
  assert.ok(end?.type === 'track-end' && end.completed && !end.proof.verified && /seek/.test(end.proof.reason), 'completed, not verified after a seek');
});
