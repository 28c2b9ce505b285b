// ALAC, WavPack and AAC through the ffmpeg plugin: lossless ones byte-exact to the source PCM, AAC
// equal to ffmpeg's own decode trimmed to the stream length, exact seeks, and E_TOOL_MISSING
// without ffmpeg on PATH.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { decodeFile, firstBadSeek, randomPositions } from '../helpers/decode-file.ts';
import { packMd5Layout } from '../../src/audio/pack.ts';
import { isAurisError } from '../../src/util/errors.ts';

/** Makes raw source PCM (signed LE in `rawFormat`) of `seconds` of stereo noise and tones at `rate`. */
function makeSource(dir: string, rate: number, rawFormat: 's16le' | 's24le' | 's32le', seconds: number): string {
  const file = path.join(dir, `src-${rate}-${rawFormat}.raw`);
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `anoisesrc=a=0.3:c=pink:r=${rate}:d=${seconds}:seed=7`, '-f', 'lavfi', '-i', `sine=f=997:r=${rate}:d=${seconds}`,
    '-filter_complex', '[0][1]amerge=inputs=2', '-f', rawFormat, '-c:a', `pcm_${rawFormat}`, file]);
  return file;
}

function encode(raw: string, rate: number, rawFormat: string, args: readonly string[], out: string): void {
  run('ffmpeg', ['-v', 'error', '-f', rawFormat, '-ar', String(rate), '-ac', '2', '-i', raw, ...args, out]);
}

const LOSSLESS = [
  { name: 'ALAC 16/44.1', codec: 'ALAC', rate: 44100, raw: 's16le', bits: 16, ext: 'm4a', args: ['-c:a', 'alac'] },
  { name: 'ALAC 24/192', codec: 'ALAC', rate: 192000, raw: 's24le', bits: 24, ext: 'm4a', args: ['-c:a', 'alac'] },
  { name: 'WavPack 16/48', codec: 'WavPack', rate: 48000, raw: 's16le', bits: 16, ext: 'wv', args: ['-c:a', 'wavpack'] },
  { name: 'WavPack 32/96', codec: 'WavPack', rate: 96000, raw: 's32le', bits: 32, ext: 'wv', args: ['-c:a', 'wavpack'] },
] as const;

for (const c of LOSSLESS) {
  test(`ffmpeg plugin: ${c.name} decodes byte-exact with exact seeks`, async (t) => {
    if (!needTools(t, 'ffmpeg', 'ffprobe')) return;
    const dir = tempDir();
    const raw = makeSource(dir, c.rate, c.raw, 0.6);
    const file = path.join(dir, `a.${c.ext}`);
    encode(raw, c.rate, c.raw, c.args, file);
    const d = await decodeFile(file);
    assert.equal(d.info.codec, c.codec);
    assert.equal(d.info.lossless, true);
    assert.equal(d.format.validBits, c.bits);
    assert.equal(d.format.rate, c.rate);
    assert.ok(d.samples instanceof Int32Array);
    assert.deepEqual(Buffer.from(packMd5Layout(d.samples, c.bits)), readFileSync(raw));
    assert.equal(d.info.totalFrames, d.frames);
    const positions = [...randomPositions(6, d.frames - 1, c.rate), d.frames - 3];
    assert.equal(await firstBadSeek(file, d, positions, 500), null);
  });
}

test('ffmpeg plugin: AAC equals ffmpeg\'s float decode, trimmed to the source length, with exact seeks', async (t) => {
  if (!needTools(t, 'ffmpeg', 'ffprobe')) return;
  const dir = tempDir();
  const raw = makeSource(dir, 44100, 's16le', 1.3);
  const file = path.join(dir, 'a.m4a');
  encode(raw, 44100, 's16le', ['-c:a', 'aac', '-b:a', '128k'], file);
  const d = await decodeFile(file);
  assert.equal(d.info.codec, 'AAC');
  assert.equal(d.info.container, 'MP4');
  assert.equal(d.info.lossless, false);
  assert.equal(d.format.sample, 'f32');
  assert.equal(d.frames, 57330, 'gapless: as many frames as the source');
  const ref = run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-c:a', 'pcm_f32le', '-']);
  const refSamples = new Float32Array(ref.buffer, ref.byteOffset, ref.length / 4);
  assert.deepEqual(d.samples, Float64Array.from(refSamples.subarray(0, d.samples.length)));
  assert.equal(await firstBadSeek(file, d, [...randomPositions(4, d.frames - 1), 0], 500), null);
});

test('ffmpeg plugin: truncated and garbled files give typed errors', async (t) => {
  if (!needTools(t, 'ffmpeg', 'ffprobe')) return;
  const dir = tempDir();
  const raw = makeSource(dir, 44100, 's16le', 0.5);
  const file = path.join(dir, 'a.wv');
  encode(raw, 44100, 's16le', ['-c:a', 'wavpack'], file);
  const bytes = readFileSync(file);
  const truncated = path.join(dir, 'cut.wv');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(decodeFile(truncated), (e) => isAurisError(e) && ['E_CORRUPT', 'E_TRUNCATED'].includes(e.code));
  const garbled = Buffer.from(bytes);
  for (let i = 64; i < garbled.length; i += 97) garbled[i] = garbled[i]! ^ 0x5a;
  const bad = path.join(dir, 'bad.wv');
  writeFileSync(bad, garbled);
  await assert.rejects(decodeFile(bad), (e) => isAurisError(e) && ['E_CORRUPT', 'E_TRUNCATED'].includes(e.code));
});

test('ffmpeg plugin: without ffmpeg on PATH, E_TOOL_MISSING says what to install', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const raw = makeSource(dir, 44100, 's16le', 0.2);
  const file = path.join(dir, 'a.m4a');
  encode(raw, 44100, 's16le', ['-c:a', 'alac'], file);
  const saved = process.env.PATH;
  process.env.PATH = dir; // a folder without ffmpeg or ffprobe
  try {
    await assert.rejects(decodeFile(file), (e) => isAurisError(e, 'E_TOOL_MISSING') && /apt install ffmpeg|winget|brew/.test(e.message));
  } finally {
    process.env.PATH = saved;
  }
});
