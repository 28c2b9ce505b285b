// The engine with DSD and float sources: native DSD, DoP and DSD->PCM; float as float or to integer.
// DSF and WAV files are made here; captures come from the ALSA file plugin (captest) and fakedac.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureDir, needAlsa, needFakeDac, readCapture } from '../helpers/alsa.ts';
import { concat, dsfFile } from '../helpers/containers.ts';
import { dsdNoise, floatNoise } from '../helpers/signals.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { DOP_MARKERS, DSD_SILENCE_BYTE, packDop, packNativeDsd } from '../../src/audio/dop.ts';
import { floatFormat } from '../../src/audio/format.ts';
import { unpackInt } from '../../src/audio/pack.ts';
import { wavDataBytes, wavHeader, wavTrailer } from '../../src/audio/wav.ts';
import { unpackDop, unpackNativeDsd } from '../../src/engine/dsd.ts';
import { ofType, playAll, type PlaySettings } from '../helpers/core.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';
import type { Core } from '../../src/core/index.ts';

const dir = tempDir('auris-engine-dsd-');
const DSD64 = 2822400;

/** playAll that fails on an engine error event. */
async function play(settings: PlaySettings, paths: string[], during?: (core: Core) => Promise<void>): Promise<CoreEvent[]> {
  const events = await playAll(settings, paths, during);
  const err = events.find((e) => e.type === 'error');
  assert.equal(err, undefined, JSON.stringify(err));
  return events;
}

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/**
 * Two DSD64 stereo tracks of odd lengths (bytes per channel), so a DoP frame and native words
 * straddle the join; longer than one engine block (17,640 bytes per channel), so blocks join too.
 */
function dsdAlbum(name: string): { files: string[]; tracks: Uint8Array[] } {
  const tracks = [dsdNoise(35281, 2, 21), dsdNoise(18003, 2, 22)];
  const files = tracks.map((msb, i) => {
    const file = path.join(dir, `${name}-${i}.dsf`);
    writeFileSync(file, dsfFile({ rate: DSD64, channels: 2, msb }));
    return file;
  });
  return { files, tracks };
}

/** Every track's proof: the DSD bytes read back from the device bytes hash like the decoded ones. */
function assertDsdProof(events: CoreEvent[], tracks: Uint8Array[]): void {
  const ends = ofType(events, 'track-end');
  assert.equal(ends.length, tracks.length);
  ends.forEach((e, i) => {
    assert.equal(e.proof.verified, true, e.proof.reason);
    assert.equal(e.proof.reference, 'decoded');
    assert.equal(e.proof.md5, md5(tracks[i]!), 'the delivered hash is the hash of the source DSD bytes');
    assert.equal(e.signalPath.verdict, 'bit-perfect', e.signalPath.reasons.join('; '));
  });
}

test('DSF as DoP to captest: the capture is the DoP of the whole album, markers alternating across blocks and the gapless join', async (t) => {
  if (!needAlsa(t)) return;
  const { files, tracks } = dsdAlbum('dop');
  const events = await play({ output: 'alsa:captest', bufferMs: 100, dsd: 'dop' }, files);
  const opens = ofType(events, 'output-open');
  assert.equal(opens.length, 1, 'one stream across the join');
  assert.deepEqual([opens[0]!.output.format.rate, opens[0]!.output.format.validBits, opens[0]!.output.container], [176400, 24, 'S24_3LE']);
  const whole = concat(...tracks);
  const capture = readCapture(176400, 2, 'S24_3LE');
  assert.ok(capture.equals(packDop(whole, 2, 'S24_3LE')), 'capture equals src/audio/dop.ts packing of the joined DSD');
  // Independently: every frame's marker alternates from 0x05, and the payload is the DSD, then 0x69 padding.
  const words = unpackInt(capture, 24, 'S24_3LE');
  for (let f = 0; f < words.length / 2; f++) {
    for (let c = 0; c < 2; c++) assert.equal((words[2 * f + c]! >> 16) & 0xff, DOP_MARKERS[f & 1], `marker of frame ${f}`);
  }
  const { dsd } = unpackDop(words, 2, 0);
  assert.ok(Buffer.from(dsd.subarray(0, whole.length)).equals(whole), 'DoP payload is the DSD, in order');
  assert.ok(dsd.subarray(whole.length).every((b) => b === DSD_SILENCE_BYTE), 'end padded with DSD silence');
  assertDsdProof(events, tracks);
  const stages = ofType(events, 'track-end')[0]!.signalPath.stages;
  assert.ok(stages.some((s) => s.name === 'DoP' && !s.changesSamples), stages.map((s) => s.name).join(' > '));
});

test('DSF to a DSD-capable PCM (captest takes DSD_U32_BE) plays as native DSD, gapless and exact', async (t) => {
  if (!needAlsa(t)) return;
  const { files, tracks } = dsdAlbum('native');
  const events = await play({ output: 'alsa:captest', bufferMs: 100 }, files);
  const opens = ofType(events, 'output-open');
  assert.equal(opens.length, 1);
  assert.equal(opens[0]!.output.container, 'DSD_U32_BE');
  const whole = concat(...tracks);
  const wordBytes = 4 * 2;
  const padded = new Uint8Array(Math.ceil(whole.length / wordBytes) * wordBytes).fill(DSD_SILENCE_BYTE);
  padded.set(whole);
  const capture = readCapture(DSD64 / 32, 2, 'DSD_U32_BE');
  assert.ok(capture.equals(packNativeDsd(padded, 2, 'DSD_U32_BE')), 'capture equals native DSD_U32_BE packing of the joined DSD');
  assert.ok(Buffer.from(unpackNativeDsd(capture, 2, 'DSD_U32_BE').subarray(0, whole.length)).equals(whole));
  assertDsdProof(events, tracks);
  const stages = ofType(events, 'track-end')[1]!.signalPath.stages;
  assert.ok(stages.some((s) => s.name === 'native DSD DSD_U32_BE'), stages.map((s) => s.name).join(' > '));
});

test('auto picks DoP on a DAC with 24-in-32 PCM at 176.4 kHz and no native DSD', async (t) => {
  if (!needFakeDac(t)) return;
  const { files, tracks } = dsdAlbum('dac32');
  const events = await play({ output: 'alsa:dac32', bufferMs: 100 }, files.slice(0, 1));
  assert.equal(ofType(events, 'output-open')[0]!.output.container, 'S32_LE');
  const capture = readFileSync(path.join(captureDir, 'dac32.raw'));
  assert.ok(capture.equals(packDop(tracks[0]!, 2, 'S32_LE')), 'DoP in S32_LE (24 bits left-justified, low byte zero)');
  assertDsdProof(events, tracks.slice(0, 1));
});

test('DSF to a PCM-only DAC without 176.4 kHz: DSD->PCM, reported degraded with the reason', async (t) => {
  if (!needFakeDac(t)) return;
  const { files } = dsdAlbum('dac24');
  const events = await play({ output: 'alsa:dac24', bufferMs: 100 }, files.slice(1));
  const open = ofType(events, 'output-open')[0]!;
  assert.equal(open.output.format.sample, 's24');
  assert.equal(open.output.format.rate, 44100);
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'degraded');
  assert.ok(end.signalPath.reasons.some((r) => /DSD to PCM.*neither native DSD nor DoP/.test(r)), end.signalPath.reasons.join('; '));
  assert.equal(end.proof.verified, false);
  // About 18003 bytes at 352800 bytes/s is 51 ms: the DAC got about that much PCM at 44.1 kHz.
  const frames = readFileSync(path.join(captureDir, 'dac24.raw')).length / 6;
  assert.ok(Math.abs(frames - Math.round((18003 / 352800) * 44100)) < 64, `${frames} frames`);
});

test('DSD with software volume: auto converts to PCM and says why; an explicit DoP is refused', async (t) => {
  if (!needAlsa(t)) return;
  const { files } = dsdAlbum('vol');
  const events = await play({ output: 'alsa:captest', bufferMs: 100, volumeDb: -6 }, files.slice(1));
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'enhanced', end.signalPath.reasons.join('; '));
  assert.ok(end.signalPath.reasons.some((r) => /converted to PCM because software volume -6 dB/.test(r)), end.signalPath.reasons.join('; '));
  assert.notEqual(ofType(events, 'output-open')[0]!.output.format.sample, 'dsd');

  const refused = await play({ output: 'alsa:captest', bufferMs: 100, volumeDb: -6, dsd: 'dop' }, files.slice(1));
  const err = ofType(refused, 'track-error')[0]!;
  assert.equal(err.error.code, 'E_FORMAT_REFUSED');
  assert.match(err.error.message, /DoP cannot carry software volume -6 dB/);
});

/** A 32-bit float WAV of noise whose values are exact float32; returns the path and the data bytes. */
function floatWav(name: string, rate: number): { file: string; data: Uint8Array; samples: Float64Array } {
  const format = floatFormat(rate, 2, 32);
  const samples = floatNoise(Math.round(rate * 0.2), 2, { seed: 31, amplitude: 0.8, float32: true });
  const data = wavDataBytes({ kind: 'float', format, frames: samples.length / 2, samples });
  const file = path.join(dir, `${name}.wav`);
  writeFileSync(file, concat(wavHeader(format, data.length), data, wavTrailer(data.length)));
  return { file, data, samples };
}

test('a float WAV goes to captest as FLOAT_LE, byte-exact and proven', async (t) => {
  if (!needAlsa(t)) return;
  const { file, data } = floatWav('float-cap', 48000);
  const events = await play({ output: 'alsa:captest', bufferMs: 100 }, [file]);
  assert.equal(ofType(events, 'output-open')[0]!.output.container, 'FLOAT_LE');
  assert.ok(readCapture(48000, 2, 'FLOAT_LE').equals(data));
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'bit-perfect', end.signalPath.reasons.join('; '));
  assert.equal(end.proof.verified, true, end.proof.reason);
  assert.equal(end.proof.md5, md5(data));
});

test('a float WAV to a DAC without float: 32-bit integer with dither, reported degraded, within 2 LSB', async (t) => {
  if (!needFakeDac(t)) return;
  const { file, samples } = floatWav('float-dac', 48000);
  const events = await play({ output: 'alsa:dac32', bufferMs: 100 }, [file]);
  const open = ofType(events, 'output-open')[0]!;
  assert.deepEqual([open.output.container, open.output.format.validBits], ['S32_LE', 32]);
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.signalPath.verdict, 'degraded');
  // One reason, the quantisation, said to be required; no spurious "format changed" for the exact f32 -> f64 step.
  assert.equal(end.signalPath.reasons.length, 1, end.signalPath.reasons.join('; '));
  assert.match(end.signalPath.reasons[0]!, /^not bit-perfect \(required\): the source is 32-bit floating point, which must be quantised to 32-bit \(with dither\) for a device that takes integers only \(done by TPDF/);
  assert.equal(end.proof.verified, false);
  const got = unpackInt(readFileSync(path.join(captureDir, 'dac32.raw')), 32, 'S32_LE');
  assert.equal(got.length, samples.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - samples[i]! * 2 ** 31));
  assert.ok(worst <= 2, `worst error ${worst} LSB`);
});

test('an MP3 plays with the verdict lossy-source', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const { file: wav } = floatWav('mp3-src', 44100);
  const mp3 = path.join(dir, 'lossy.mp3');
  run('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'libmp3lame', '-b:a', '192k', mp3]);
  const events = await play({ output: 'null:unpaced' }, [mp3]);
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.completed, true);
  assert.equal(end.signalPath.verdict, 'lossy-source', end.signalPath.reasons.join('; '));
  assert.ok(end.signalPath.reasons.some((r) => /lossy source/.test(r)));
  assert.equal(ofType(events, 'output-open')[0]!.output.format.sample, 'f32');
  // On an integer DAC the MP3 is quantised, as it must be, and stays lossy-source (not degraded).
  const onDac = await play({ output: 'alsa:dac32', bufferMs: 100 }, [mp3]);
  const dacEnd = ofType(onDac, 'track-end')[0]!;
  assert.equal(dacEnd.signalPath.verdict, 'lossy-source', dacEnd.signalPath.reasons.join('; '));
  assert.ok(dacEnd.signalPath.reasons.some((r) => /\(required\)/.test(r)), dacEnd.signalPath.reasons.join('; '));
  assert.ok(!dacEnd.signalPath.reasons.some((r) => /with no stage reporting it/.test(r)), dacEnd.signalPath.reasons.join('; '));
});

test('seek in a DSF lands on the DSD byte: DoP from frame N equals the DoP of the source from N', async (t) => {
  if (!needAlsa(t)) return;
  const { files, tracks } = dsdAlbum('seek');
  const frame = 20001;
  const events = await play({ output: 'alsa:captest', bufferMs: 100, dsd: 'dop' }, files.slice(0, 1), (core) => core.player.seek({ frame }));
  const capture = readCapture(176400, 2, 'S24_3LE');
  assert.ok(capture.equals(packDop(tracks[0]!.subarray(frame * 2), 2, 'S24_3LE')), 'capture starts at DSD byte N with marker 0x05');
  const end = ofType(events, 'track-end').at(-1)!;
  assert.equal(end.proof.verified, false);
  assert.match(end.proof.reason, /seek/);
});
