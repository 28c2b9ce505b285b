// Analysis of real files made by reference tools: loudness against ffmpeg's ebur128 filter, and
// authenticity verdicts on sox upsampling, LAME (ffmpeg libmp3lame) transcodes re-encoded with flac,
// 16-bit padded to 24 and genuine hi-res noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { analyseFile, toChannels, writeWav } from './files.ts';
import type { LoudnessResult } from '../../src/analysis/plugins/loudness/meter.ts';
import type { AuthenticityResult } from '../../src/analysis/plugins/authenticity/index.ts';
import { pinkNoise, quantise } from './plugins/authenticity/signals.ts';

/** ffmpeg's ebur128 summary: integrated loudness, LRA and true peak (one decimal each). */
function ffmpegEbur128(file: string): { i: number; lra: number; peak: number } {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-filter_complex', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  const num = (re: RegExp) => Number(re.exec(summary)![1]);
  return { i: num(/I:\s+(-?[\d.]+|-inf) LUFS/), lra: num(/LRA:\s+(-?[\d.]+) LU/), peak: num(/Peak:\s+(-?[\d.]+|-inf) dBFS/) };
}

/** Pink noise in level steps (gating and LRA see real work), as interleaved channels. */
function steppedNoise(rate: number, channels: number, seconds: number, levelsDb: number[], seed: number): Float64Array {
  const n = Math.round(seconds * rate);
  const x = pinkNoise(n, 1, seed);
  const seg = Math.ceil(n / levelsDb.length);
  for (let i = 0; i < n; i++) x[i]! *= 10 ** (levelsDb[Math.floor(i / seg)]! / 20);
  return toChannels(x, channels);
}

test('loudness of generated files is within 0.1 LU of ffmpeg ebur128 (44.1k/16, 48k/24, 96k float, 5.1)', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const files: [string, number, number, number | 'f32', Float64Array][] = [
    ['a.wav', 44100, 2, 16, steppedNoise(44100, 2, 12, [-12, -30, -20, -45], 11)],
    ['b.wav', 48000, 2, 24, toChannels(Float64Array.from({ length: 48000 * 8 }, (_, n) => 0.1 * Math.sin((2 * Math.PI * 997 * n) / 48000)), 2)],
    ['c.wav', 96000, 2, 'f32', steppedNoise(96000, 2, 8, [-6, -26, -16], 12)],
    ['d.wav', 48000, 6, 24, steppedNoise(48000, 6, 6, [-18, -24], 13)],
  ];
  for (const [name, rate, ch, bits, x] of files) {
    const file = path.join(dir, name);
    writeWav(file, rate, ch, bits, bits === 'f32' ? x.map(Math.fround) : quantise(x, bits));
    const ours = (await analyseFile(file, [{ name: 'loudness' }])).results.loudness as LoudnessResult;
    const ref = ffmpegEbur128(file);
    assert.ok(Math.abs(ours.integratedLufs - ref.i) <= 0.1, `${name}: I ${ours.integratedLufs} vs ffmpeg ${ref.i}`);
    assert.ok(Math.abs(ours.lraLu - ref.lra) <= 1, // Tech 3342 tolerance; ffmpeg bins short-term values
       `${name}: LRA ${ours.lraLu} vs ffmpeg ${ref.lra}`);
    assert.ok(Math.abs(ours.truePeakDbtp - ref.peak) <= 0.2, `${name}: TP ${ours.truePeakDbtp} vs ffmpeg ${ref.peak}`);
  }
});

const auth = async (file: string) => (await analyseFile(file, [{ name: 'authenticity' }])).results.authenticity as AuthenticityResult;

test('sox: 16-bit padded into 24-bit FLAC reads 16 bits; 44.1k upsampled to 96k reads upsampled from 44.1k', async (t) => {
  if (!needTools(t, 'sox', 'flac')) return;
  const dir = tempDir();
  const src = path.join(dir, 'src16.wav');
  writeWav(src, 44100, 2, 16, quantise(toChannels(pinkNoise(44100 * 6, 0.7, 21), 2), 16));
  const padded = path.join(dir, 'padded24.flac');
  run('sox', [src, '-b', '24', padded]);
  const p = await auth(padded);
  assert.equal(p.bitDepth.containerBits, 24);
  assert.equal(p.effectiveBits, 16);
  assert.ok(p.findings.includes('padded'));
  const up = path.join(dir, 'up96.flac');
  run('sox', [src, '-b', '24', '-r', '96000', up]);
  const u = await auth(up);
  assert.ok(u.findings.includes('upsampled'), u.summary);
  assert.equal(u.cutoff.sourceRate, 44100);
  assert.ok(u.cutoffHz >= 20000 && u.cutoffHz <= 22300, String(u.cutoffHz));
});

test('MP3 (LAME via ffmpeg) decoded and re-encoded with flac reads lossy-like with a bitrate guess', async (t) => {
  if (!needTools(t, 'ffmpeg', 'flac')) return;
  const dir = tempDir();
  const src = path.join(dir, 'src.wav');
  writeWav(src, 44100, 2, 16, quantise(toChannels(pinkNoise(44100 * 6, 0.7, 22), 2), 16));
  for (const [kbps, lo, hi] of [[128, 128, 128], [192, 192, 192], [320, 256, 320]] as const) {
    const mp3 = path.join(dir, `x${kbps}.mp3`);
    const wav = path.join(dir, `x${kbps}.wav`);
    const flac = path.join(dir, `x${kbps}.flac`);
    run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', src, '-c:a', 'libmp3lame', '-b:a', `${kbps}k`, mp3]);
    run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', mp3, '-c:a', 'pcm_s16le', wav]);
    run('flac', ['-s', '-f', '-o', flac, wav]);
    const r = await auth(flac);
    assert.ok(r.findings.includes('lossy-like'), `${kbps}k: ${r.summary}`);
    const guess = r.cutoff.bitrateGuessKbps!;
    assert.ok(guess >= lo && guess <= hi, `${kbps}k guessed ${guess} (cutoff ${r.cutoffHz})`);
  }
});

test('genuine 96 kHz / 24-bit noise in FLAC is clean with 24 effective bits', async (t) => {
  if (!needTools(t, 'flac')) return;
  const dir = tempDir();
  const wav = path.join(dir, 'hires.wav');
  writeWav(wav, 96000, 2, 24, quantise(toChannels(pinkNoise(96000 * 4, 0.7, 23), 2), 24));
  const flac = path.join(dir, 'hires.flac');
  run('flac', ['-s', '-f', '-o', flac, wav]);
  const r = await auth(flac);
  assert.equal(r.verdict, 'clean', r.summary);
  assert.equal(r.effectiveBits, 24);
  assert.equal(r.cutoffHz, 48000);
});
