// Channels on a stereo-only DAC, played for real into fake DACs (test/alsa/asoundrc): a mono source
// reaches both channels whatever else the device needs (quantising float, resampling a missing
// rate); a 6-channel source is refused naming the downmix setting, or mixed down (ITU-R BS.775)
// when it is allowed; DSD->PCM on a 16-bit DAC says where its float samples come from.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureDir, needFakeDac } from '../helpers/alsa.ts';
import { concat, dsfFile } from '../helpers/containers.ts';
import { dsdNoise, floatNoise, noise, sine } from '../helpers/signals.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ofType, playAll, type PlaySettings } from '../helpers/core.ts';
import { floatFormat, pcmFormat, type AudioFormat } from '../../src/audio/format.ts';
import type { AudioBlock } from '../../src/audio/block.ts';
import { unpackInt } from '../../src/audio/pack.ts';
import { wavDataBytes, wavHeader, wavTrailer } from '../../src/audio/wav.ts';
import { buildChain } from '../../src/dsp/chain.ts';
import { prepareFilter } from '../../src/dsp/registry.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';

const dir = tempDir('auris-channels-');

function wavFile(name: string, block: AudioBlock): string {
  const data = wavDataBytes(block);
  const file = path.join(dir, `${name}.wav`);
  writeFileSync(file, concat(wavHeader(block.format, data.length), data, wavTrailer(data.length)));
  return file;
}

async function play(settings: PlaySettings, files: string[]): Promise<CoreEvent[]> {
  const events = await playAll({ bufferMs: 100, ...settings }, files);
  assert.equal(events.find((e) => e.type === 'error'), undefined);
  return events;
}

/** The capture of a stereo fake DAC, split into its channels. */
function channels(dac: string, bits: number, container: 'S24_3LE' | 'S32_LE' | 'S16_LE'): [Int32Array, Int32Array] {
  const all = unpackInt(readFileSync(path.join(captureDir, `${dac}.raw`)), bits, container);
  const left = new Int32Array(all.length / 2);
  const right = new Int32Array(all.length / 2);
  for (let i = 0; i < left.length; i++) { left[i] = all[2 * i]!; right[i] = all[2 * i + 1]!; }
  return [left, right];
}

/** Largest |a[i] - b[i] * scale| over both arrays (same length asserted). */
function worstError(got: Int32Array, want: Float64Array, scale: number): number {
  assert.equal(got.length, want.length, 'frames captured');
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]! * scale));
  return worst;
}

const monoNote = /mono samples go unchanged to all 2 channels/;

test('a mono float WAV on a stereo-only integer DAC: quantised once, the same samples on both channels, within 2 LSB of the source', async (t) => {
  if (!needFakeDac(t)) return;
  const format = floatFormat(44100, 1, 32);
  const samples = floatNoise(8820, 1, { seed: 41, amplitude: 0.8, float32: true });
  const file = wavFile('mono-f32', { kind: 'float', format, frames: samples.length, samples });
  const events = await play({ output: 'alsa:dac32' }, [file]);
  const open = ofType(events, 'output-open')[0]!;
  assert.deepEqual([open.output.format.channels, open.output.container], [2, 'S32_LE']);
  const [left, right] = channels('dac32', 32, 'S32_LE');
  assert.deepEqual(left, right, 'both channels carry the same quantised samples');
  const worst = worstError(left, samples, 2 ** 31);
  assert.ok(worst <= 2, `worst error ${worst} LSB (TPDF dither is +-1 LSB, plus rounding)`);
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'degraded', end.signalPath.reasons.join('; '));
  assert.match(end.signalPath.reasons[0]!, /^not bit-perfect \(required\): the source is 32-bit floating point, which must be quantised to 32-bit/);
  assert.ok(end.signalPath.stages.some((s) => monoNote.test(s.detail)), 'the path says where the mono samples go');
});

test('a 22.05 kHz mono FLAC on a DAC without 22.05 kHz: resampled, then the same samples on both channels, within 2 LSB of the resampler run alone', async (t) => {
  if (!needFakeDac(t) || !needTools(t, 'flac')) return;
  const format = pcmFormat(22050, 1, 16);
  const src = sine(11025, 1, 16, { rate: 22050, freq: 1000, amplitude: 0.5 });
  const n = noise(11025, 1, 10, 7);
  for (let i = 0; i < src.length; i++) src[i]! += n[i]!;
  const wav = wavFile('mono-22k', { kind: 'int', format, frames: src.length, samples: src });
  const flac = path.join(dir, 'mono-22k.flac');
  run('flac', ['-s', '-f', '-o', flac, wav]);
  const events = await play({ output: 'alsa:dac24' }, [flac]);
  const open = ofType(events, 'output-open')[0]!;
  assert.deepEqual([open.output.format.rate, open.output.format.channels, open.output.format.validBits], [44100, 2, 24]);
  const [left, right] = channels('dac24', 24, 'S24_3LE');
  assert.deepEqual(left, right, 'both channels carry the same samples');
  // Reference: the same resampler on the mono source, in float, unquantised.
  const chain = buildChain([prepareFilter('resample', { rate: 44100 })], format, { output: { kind: 'float', bits: 64 } });
  const body = chain.process({ kind: 'int', format, frames: src.length, samples: src.slice() });
  assert.equal(body.kind, 'float');
  const head = Float64Array.from(body.kind === 'float' ? body.samples : []);
  const tail = chain.flush();
  const reference = Float64Array.from([...head, ...(tail?.kind === 'float' ? tail.samples : [])]);
  const worst = worstError(left, reference, 2 ** 23);
  assert.ok(worst <= 2, `worst error ${worst} LSB at 24 bits`);
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'degraded');
  assert.ok(end.signalPath.reasons.some((r) => /lacks 22050 Hz; resampled to 44100 Hz/.test(r)), end.signalPath.reasons.join('; '));
  assert.ok(end.signalPath.stages.some((s) => monoNote.test(s.detail)));
  assert.match(end.proof.reason, /^samples changed by Resampler.*, required by the device$/);
});

test('a mono MP3 on a stereo-only DAC plays: the same samples on both channels, lossy-source', async (t) => {
  if (!needFakeDac(t) || !needTools(t, 'ffmpeg')) return;
  const format = pcmFormat(44100, 1, 16);
  const src = sine(22050, 1, 16, { freq: 440, amplitude: 0.5 });
  const wav = wavFile('mono-mp3-src', { kind: 'int', format, frames: src.length, samples: src });
  const mp3 = path.join(dir, 'mono.mp3');
  run('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'libmp3lame', '-b:a', '128k', mp3]);
  const events = await play({ output: 'alsa:dac32' }, [mp3]);
  const [left, right] = channels('dac32', 32, 'S32_LE');
  assert.ok(left.length >= src.length, `${left.length} frames captured`);
  assert.deepEqual(left, right, 'both channels carry the same samples');
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.completed, true);
  assert.equal(end.signalPath.verdict, 'lossy-source', end.signalPath.reasons.join('; '));
  assert.ok(end.signalPath.stages.some((s) => monoNote.test(s.detail)));
});

/** Six channels of 24-bit noise at different levels per speaker (L R C LFE Ls Rs). */
function sixChannels(frames: number): { format: AudioFormat; samples: Int32Array } {
  const format = pcmFormat(44100, 6, 24);
  const samples = noise(frames, 6, 24, 61);
  const levels = [1, 0.9, 0.8, 0.7, 0.6, 0.5];
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(samples[i]! * levels[i % 6]!);
  return { format, samples };
}

test('5.1 on a stereo-only DAC: refused naming the setting by default; mixed down with ITU-R BS.775 when allowed, within 2 LSB of the computed mix', async (t) => {
  if (!needFakeDac(t)) return;
  const { format, samples } = sixChannels(8820);
  const file = wavFile('six', { kind: 'int', format, frames: samples.length / 6, samples });

  const refused = await playAll({ output: 'alsa:dac24', bufferMs: 100 }, [file]);
  const err = ofType(refused, 'track-error')[0]!;
  assert.equal(err.error.code, 'E_FORMAT_REFUSED');
  assert.match(err.error.message, /alsa:dac24 takes stereo only .*allow a stereo downmix by setting output\.downmix to 'stereo', or auris play --downmix stereo/);

  const events = await play({ output: 'alsa:dac24', downmix: 'stereo' }, [file]);
  const open = ofType(events, 'output-open')[0]!;
  assert.deepEqual([open.output.format.channels, open.output.format.validBits, open.output.container], [2, 24, 'S24_3LE']);
  // Lo = g (L + C/sqrt2 + Ls/sqrt2), Ro = g (R + C/sqrt2 + Rs/sqrt2), LFE left out, g = 1 / (1 + sqrt2).
  const h = Math.SQRT1_2;
  const g = 1 / (1 + 2 * h);
  const frames = samples.length / 6;
  const wantL = new Float64Array(frames);
  const wantR = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const [l, r, c, , ls, rs] = samples.subarray(6 * f, 6 * f + 6);
    wantL[f] = g * (l! + h * c! + h * ls!);
    wantR[f] = g * (r! + h * c! + h * rs!);
  }
  const [left, right] = channels('dac24', 24, 'S24_3LE');
  const worst = Math.max(worstError(left, wantL, 1), worstError(right, wantR, 1));
  assert.ok(worst <= 2, `worst error ${worst} LSB at 24 bits (TPDF dither +-1 LSB, plus rounding)`);
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'degraded');
  // One reason: the cause first, then the stages it took (the downmix and the quantisation after it).
  assert.equal(end.signalPath.reasons.length, 1, end.signalPath.reasons.join('; '));
  assert.match(end.signalPath.reasons[0]!, /^not bit-perfect: alsa:dac24 takes stereo only, so the 6-channel source is mixed down to stereo \(ITU-R BS\.775; output\.downmix is 'stereo'\) \(done by Downmix to stereo \(ITU-R BS\.775 from L R C LFE RL RR: .*\), TPDF dither/);
  assert.ok(end.signalPath.stages.some((s) => s.name === 'Downmix to stereo' && s.changesSamples && !s.chosenByUser));
  assert.match(end.proof.reason, /^samples changed by Downmix to stereo/);
});

test('DSD->PCM on a 16-bit DAC: the quantisation says the conversion made the float samples, required for a 16-bit device', async (t) => {
  if (!needFakeDac(t)) return;
  const file = path.join(dir, 'dsd.dsf');
  writeFileSync(file, dsfFile({ rate: 2822400, channels: 2, msb: dsdNoise(35280, 2, 5) }));
  // mixmany: stereo S16_LE at 44.1 kHz only, no DSD, no DoP.
  const events = await play({ output: 'alsa:mixmany' }, [file]);
  const end = ofType(events, 'track-end')[0]!;
  const dither = end.signalPath.stages.find((s) => s.kind === 'dither');
  assert.ok(dither, end.signalPath.stages.map((s) => s.name).join(', '));
  assert.equal(dither.required, true);
  assert.equal(dither.cause, 'the DSD->PCM conversion produces floating-point samples, which must be quantised to 16-bit (with dither) for a device that takes integers only');
  assert.ok(!end.signalPath.reasons.some((r) => /source is .*floating point/.test(r)), end.signalPath.reasons.join('; '));
  assert.ok(end.signalPath.reasons.some((r) => /^not bit-perfect \(required\): the DSD->PCM conversion produces floating-point samples/.test(r)), end.signalPath.reasons.join('; '));
});
