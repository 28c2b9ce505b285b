// Volume in the engine: on a DAC with a mixer (alsa:dacvol, the fake DAC plus its fake control
// device) the level goes to the device and the path stays bit-perfect, with proof; on a DAC
// without one (alsa:dac24) it is software volume and the path says so. Doctor tells them apart.
import { captureDir, needFakeMixer, readMixerState } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { needTools } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { encodeFlac, musicSignal } from '../decoders/flac/flac-helpers.ts';
import { packInt } from '../../src/audio/pack.ts';
import { diagnose, gatherFacts } from '../../src/core/doctor.ts';
import { isEnd, nextEvent, ofType, playAll, testCore } from '../helpers/core.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';

const dir = tempDir('auris-hwvolume-');
const HANG_GUARD = { timeout: 60_000 };
const RATE = 44100;

/** A 24-bit stereo FLAC of 0.3 s and its samples. */
function track(name: string, seed: number): { file: string; samples: Int32Array } {
  const samples = musicSignal(Math.round(RATE * 0.3) + seed, 2, 24, RATE, seed);
  return { file: encodeFlac(dir, name, samples, 2, 24, RATE, []), samples };
}

async function playAt(output: string, volumeDb: number, file: string) {
  const events = await playAll({ output, volumeDb, bufferMs: 100 }, [file]);
  const ends = ofType(events, 'track-end');
  assert.equal(ends.length, 1, JSON.stringify(events.filter((e) => e.type === 'error' || e.type === 'track-error')));
  return ends[0]!;
}

test('volume -10 dB on a DAC with hardware volume: set on the device, bytes untouched, bit-perfect and verified', HANG_GUARD, async (t) => {
  if (!needTools(t, 'flac') || !needFakeMixer(t)) return;
  const { file, samples } = track('hw', 1);
  const end = await playAt('alsa:dacvol', -10, file);

  const master = readMixerState('dacvol').get('Master')!;
  assert.deepEqual(master.volume, [234, 234], 'the device is at -10 dB (step 234 of -127..0 dB in 0.5 dB)');
  const captured = readFileSync(path.join(captureDir, 'dacvol.raw'));
  assert.ok(captured.equals(packInt(samples, 24, 'S24_3LE')), 'the DAC received the source byte for byte');

  const { signalPath, proof } = end;
  assert.equal(signalPath.verdict, 'bit-perfect', signalPath.reasons.join('; '));
  assert.ok(signalPath.stages.some((s) => s.detail.includes('hardware volume -10 dB')), signalPath.stages.map((s) => s.detail).join(' | '));
  assert.ok(!signalPath.stages.some((s) => s.kind === 'volume' || s.changesSamples), 'no stage changed the samples');
  assert.equal(proof.verified, true, proof.reason);
  assert.equal(proof.reference, 'streaminfo');
  assert.equal(proof.md5, proof.expectedMd5);
});

test('volume -10 dB on a DAC without a mixer: software volume, enhanced, the bytes change', HANG_GUARD, async (t) => {
  if (!needTools(t, 'flac') || !needFakeMixer(t)) return;
  const { file, samples } = track('soft', 2);
  const end = await playAt('alsa:dac24', -10, file);

  const captured = readFileSync(path.join(captureDir, 'dac24.raw'));
  assert.equal(captured.length, samples.length * 3, 'every frame arrived');
  assert.ok(!captured.equals(packInt(samples, 24, 'S24_3LE')), 'the samples were scaled');
  const { signalPath, proof } = end;
  assert.equal(signalPath.verdict, 'enhanced', signalPath.reasons.join('; '));
  const volume = signalPath.stages.find((s) => s.kind === 'volume');
  assert.ok(volume?.changesSamples && volume.chosenByUser, JSON.stringify(signalPath.stages));
  assert.ok(!signalPath.stages.some((s) => s.detail.includes('hardware volume')));
  assert.equal(proof.verified, false);
  assert.match(proof.reason, /changed on purpose/);
});

test('doctor: "no hardware volume" for the DAC without a mixer, not for the one with', HANG_GUARD, async (t) => {
  if (!needFakeMixer(t)) return;
  const findings = diagnose(await gatherFacts());
  const titles = (id: string) => findings.filter((f) => f.id === id).map((f) => f.title);
  assert.ok(titles('device-ok').some((x) => x.startsWith('alsa:dacvol ')), 'dacvol was probed');
  assert.ok(titles('no-hardware-volume').some((x) => x.startsWith('alsa:dac24 ')), titles('no-hardware-volume').join('; '));
  assert.ok(!titles('no-hardware-volume').some((x) => x.startsWith('alsa:dacvol ')), titles('no-hardware-volume').join('; '));
});

/** Plays `file` on alsa:dacvol at -10 dB and sets each of `levels` (dB) through the core as soon as the stream is open. */
async function playChangingVolume(file: string, levels: number[]): Promise<CoreEvent[]> {
  const { core, events } = await testCore({ output: 'alsa:dacvol', volumeDb: -10, bufferMs: 100 });
  try {
    await core.queue.add([file]);
    const ended = nextEvent(core, events, isEnd);
    const opened = nextEvent(core, events, (e): e is Extract<CoreEvent, { type: 'output-open' }> => e.type === 'output-open');
    await core.player.play();
    await opened;
    for (const db of levels) await core.volume.set(db);
    await ended;
  } finally {
    await core.close();
  }
  return events;
}

test('a volume change while playing on hardware volume moves the DAC and keeps the stream; back to 0 dB is written too', HANG_GUARD, async (t) => {
  if (!needTools(t, 'flac') || !needFakeMixer(t)) return;
  const { file, samples } = track('live', 3);
  const events = await playChangingVolume(file, [-20]);
  assert.deepEqual(readMixerState('dacvol').get('Master')!.volume, [214, 214], '-20 dB on the device');
  assert.equal(ofType(events, 'output-open').length, 1, 'the stream was never reopened');
  assert.ok(readFileSync(path.join(captureDir, 'dacvol.raw')).equals(packInt(samples, 24, 'S24_3LE')), 'nothing lost or repeated');
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'bit-perfect');
  assert.ok(end.signalPath.stages.some((s) => s.detail.includes('hardware volume -20 dB')));
  assert.equal(end.proof.verified, true, end.proof.reason);

  await playChangingVolume(file, [-20, 0]);
  assert.deepEqual(readMixerState('dacvol').get('Master')!.volume, [254, 254], 'back at 0 dB once Auris had moved it');
});

test('the volume control named in the settings is the one the engine moves', HANG_GUARD, async (t) => {
  if (!needTools(t, 'flac') || !needFakeMixer(t)) return;
  const samples = musicSignal(Math.round(RATE * 0.2), 2, 16, RATE, 4);
  const file = encodeFlac(dir, 'named', samples, 2, 16, RATE, []);
  const events = await playAll({ output: 'alsa:mixmany', volumeDb: -6, volumeControl: 'Headphone', bufferMs: 100 }, [file]);
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'bit-perfect', end.signalPath.reasons.join('; '));
  const state = readMixerState('mixmany');
  assert.deepEqual(state.get('Headphone')!.volume, [242, 242], '-6 dB on Headphone');
  assert.deepEqual(state.get('PCM')!.volume, [254, 254], 'the usual choice (PCM) untouched');
});

test('the path shows the level the DAC set (rounded down to its 0.5 dB step), not the level asked for', HANG_GUARD, async (t) => {
  if (!needTools(t, 'flac') || !needFakeMixer(t)) return;
  const { file } = track('hw-step', 4);
  const end = await playAt('alsa:dacvol', -10.3, file);
  const details = end.signalPath.stages.map((s) => s.detail).join(' | ');
  assert.ok(details.includes('hardware volume -10.5 dB'), details);
  assert.ok(!details.includes('-10.3'), details);
});
