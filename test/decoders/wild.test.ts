// Real files from a public sample collection (issue 17): the "Lena" fixture of the npm package
// audio-lena 3.0.1 (MIT, github.com/audiojs/audio-lena; the recording is freesound.org sound
// 246148), the same 12 s of speech written by other tools (Audacity, Logic, ffmpeg builds) as
// WAV, AIFF, FLAC, MP3, Vorbis, Opus, AAC and more. It is a devDependency, so no audio is kept in
// this repository. Every file Auris decodes is compared with ffmpeg's decode of it: sample for
// sample when lossless, length and level when lossy; every other one must be refused by name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { compareSignals, decodeFile } from '../helpers/decode-file.ts';
import { isAurisError } from '../../src/util/errors.ts';

// The package exports no file paths: its folder is where its main module resolves.
const LENA = path.dirname(createRequire(import.meta.url).resolve('audio-lena'));

const LOSSLESS = ['lena.wav', 'lena.aiff', 'lena.flac', 'lena-24.aiff', 'lena-32.aiff', 'audacity/lena-24.aiff', 'audacity/lena-32.wav', 'audacity/lena-64.aiff', 'logic/lena-24.aif', 'logic/lena-24.wav', 'logic/lena-32.aif'];
/** Lossy files, with the largest difference allowed against ffmpeg's decoder of the same codec. */
const LOSSY: [string, number][] = [['lena.mp3', 1e-4], ['lena.ogg', 1e-4], ['lena.opus', 1e-3], ['lena.aac', 1e-4], ['lena.m4a', 1e-4]];
const REFUSED = ['lena.caf', 'lena-f32.caf', 'lena-alaw.caf', 'lena.webm', 'lena-vorbis.webm', 'lena-alaw.aiff', 'lena-ulaw.aiff', 'audacity/lena-gsm.aiff', 'audacity/lena-ima-adpcm.aiff', 'audacity/lena-24-dwvw.aiff'];

/** ffmpeg's decode as interleaved float64, integers scaled by 2^(bits-1) as Auris scales them. */
function ffmpegF64(file: string): Float64Array {
  const raw = run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f64le', '-c:a', 'pcm_f64le', '-']);
  return new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

test('audio-lena: lossless files decode sample for sample as ffmpeg decodes them', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  for (const name of LOSSLESS) {
    const file = path.join(LENA, name);
    assert.ok(existsSync(file), file);
    const d = await decodeFile(file);
    const scale = d.format.sample === 'f32' || d.format.sample === 'f64' ? 1 : 2 ** (d.format.validBits - 1);
    const ours = Float64Array.from(d.samples, (v) => v / scale);
    assert.deepEqual(ours, ffmpegF64(file), name);
    assert.equal(d.info.totalFrames, d.frames, `${name}: the stated length`);
  }
});

test('audio-lena: lossy files have ffmpeg\'s length and level', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  for (const [name, tolerance] of LOSSY) {
    const file = path.join(LENA, name);
    const d = await decodeFile(file);
    const ref = ffmpegF64(file);
    // ffmpeg keeps an MP4's end padding past its edit list; Auris stops where the file says.
    if (name.endsWith('.m4a')) assert.ok(d.samples.length <= ref.length && d.samples.length > ref.length - 2048 * d.format.channels, name);
    else assert.equal(d.samples.length, ref.length, `${name}: length`);
    const { maxDiff, correlation } = compareSignals(d.samples, ref.subarray(0, d.samples.length));
    assert.ok(maxDiff < tolerance && correlation > 0.9999, `${name}: max diff ${maxDiff}, correlation ${correlation}`);
  }
});

test('audio-lena: formats Auris does not decode are refused with a typed error naming the file', async () => {
  for (const name of REFUSED) {
    const file = path.join(LENA, name);
    await assert.rejects(decodeFile(file), (e) => isAurisError(e) && ['E_UNSUPPORTED_FORMAT', 'E_UNSUPPORTED_FEATURE'].includes(e.code) && e.message.includes(file), name);
  }
});
