// Effective bit depth and spectral-cutoff verdicts on generated signals (shared/specs/analysis.md §3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticityAnalyser, type AuthenticityResult } from '../../../../src/analysis/plugins/authenticity/index.ts';
import { spectrogramImage, spectrogramPng, type SpectrogramData } from '../../../../src/analysis/plugins/authenticity/spectrogram.ts';
import { drawText } from '../../../../src/util/pixel-font.ts';
import { lameBitrateFor } from '../../../../src/analysis/plugins/authenticity/cutoff.ts';
import { analysisChunk } from '../../../../src/analysis/interface.ts';
import { floatBlock, intBlock } from '../../../../src/audio/block.ts';
import { floatFormat, pcmFormat } from '../../../../src/audio/format.ts';
import { crc32 } from '../../../../src/util/png.ts';
import { brickWall, fftUpsample, lowPass, pinkNoise, quantise } from './signals.ts';

const BLOCK = 65536;

/** Runs the analyser over mono integer samples of `bits` bits (or float when `bits` is 'f32'). */
export function analyse(samples: Int32Array | Float64Array, rate: number, bits: number | 'f32', spectrogram = false): AuthenticityResult {
  const format = bits === 'f32' ? floatFormat(rate, 1, 32) : pcmFormat(rate, 1, bits);
  const a = new AuthenticityAnalyser(format, { spectrogram });
  for (let at = 0; at < samples.length; at += BLOCK) {
    const part = samples.subarray(at, Math.min(samples.length, at + BLOCK));
    a.push(analysisChunk(part instanceof Int32Array ? intBlock(format, part) : floatBlock(format, part)));
  }
  return a.finish();
}

const FRAMES = 2 ** 20 + 4096; // the lattice test needs ≥ 2^20 frames
const pink = pinkNoise(FRAMES, 10 ** (-3 / 20));

test('16-bit data padded into 24 bits reads 16 effective bits', () => {
  const s16 = quantise(pink, 16);
  const r = analyse(s16.map((v) => v << 8), 44100, 24);
  assert.equal(r.bitDepth.orBits, 16);
  assert.equal(r.effectiveBits, 16);
  assert.equal(r.bitDepth.verdict, 'padded');
  assert.ok(r.findings.includes('padded'));
});

test('genuine 24-bit noise (full level and at −30 dBFS) is genuine', () => {
  for (const gain of [1, 10 ** (-30 / 20)]) {
    const r = analyse(quantise(pink.map((v) => v * gain), 24), 44100, 24);
    assert.equal(r.bitDepth.verdict, 'genuine', r.summary);
    assert.equal(r.effectiveBits, 24);
    assert.ok(r.bitDepth.lattice !== null, 'lattice test ran');
    assert.ok(r.bitDepth.lattice.gapFraction < 0.05, String(r.bitDepth.lattice.gapFraction));
  }
});

test('16-bit data re-scaled by −1.5 dB in 24 bits is caught by the lattice test, with and without dither', () => {
  const padded = quantise(pink, 16).map((v) => v << 8);
  const gain = 10 ** (-1.5 / 20);
  const plain = analyse(padded.map((v) => Math.round(v * gain)), 44100, 24);
  assert.equal(plain.bitDepth.orBits, 24);
  assert.equal(plain.bitDepth.verdict, 'upscaled', plain.summary);
  assert.ok(plain.bitDepth.lattice!.distinctValues < 65536);
  assert.equal(plain.effectiveBits, 16);
  const dithered = analyse(quantise(Float64Array.from(padded, (v) => (v * gain) / 8388608), 24, 99), 44100, 24);
  assert.equal(dithered.bitDepth.verdict, 'upscaled', dithered.summary);
  assert.ok(dithered.bitDepth.lattice!.gapFraction >= 0.2);
});

test('a float32 file of 16-bit values sits on the 16-bit grid', () => {
  const s16 = quantise(pink.subarray(0, 100000), 16);
  const r = analyse(Float64Array.from(s16, (v) => v / 32768), 44100, 'f32');
  assert.equal(r.bitDepth.verdict, 'float-on-grid');
  assert.equal(r.effectiveBits, 16);
  const off = analyse(pink.subarray(0, 100000).map((v) => Math.fround(v * 0.9)), 44100, 'f32');
  assert.equal(off.bitDepth.verdict, 'float');
});

test('digital silence has no effective depth', () => {
  const r = analyse(new Int32Array(10000), 44100, 16);
  assert.equal(r.effectiveBits, null);
  assert.equal(r.bitDepth.verdict, 'silent');
});

const N44 = 2 ** 19; // ≈ 11.9 s at 44.1 kHz
const pink44 = pinkNoise(N44, 10 ** (-3 / 20), 3);

test('44.1 kHz full-band 16-bit noise is clean', () => {
  const r = analyse(quantise(pink44, 16), 44100, 16);
  assert.equal(r.cutoffHz, 22050);
  assert.equal(r.verdict, 'clean');
});

for (const [hz, kbps] of [[16000, 128], [19700, 256], [20500, 320]] as const) {
  test(`a brick wall at ${hz} Hz reads lossy-like (~${kbps} kbps)`, () => {
    const r = analyse(quantise(brickWall(pink44, 44100, hz), 16), 44100, 16);
    assert.ok(Math.abs(r.cutoffHz - hz) <= 200, `cutoff ${r.cutoffHz}`);
    assert.ok(r.cutoff.depthDb > 40 && (r.cutoff.slopeDb ?? 0) > 40, JSON.stringify({ d: r.cutoff.depthDb, s: r.cutoff.slopeDb }));
    assert.equal(r.verdict, 'lossy-like');
    assert.equal(r.cutoff.bitrateGuessKbps, kbps);
  });
}

test('a natural 2nd-order 12 kHz roll-off is not a false positive', () => {
  const r = analyse(quantise(lowPass(pink44, 44100, 12000), 16), 44100, 16);
  assert.equal(r.verdict, 'clean', r.summary);
});

test('96 kHz genuine noise is clean; 192 kHz FFT-upsampled from 48 kHz is upsampled from 48 kHz', () => {
  const genuine = analyse(quantise(pinkNoise(2 ** 20, 0.7, 5), 24), 96000, 24);
  assert.equal(genuine.cutoffHz, 48000);
  assert.equal(genuine.verdict, 'clean');
  const up = analyse(quantise(fftUpsample(pinkNoise(2 ** 18, 0.5, 6), 4), 24), 192000, 24);
  assert.ok(Math.abs(up.cutoffHz - 24000) <= 200, `cutoff ${up.cutoffHz}`);
  assert.equal(up.cutoff.sourceRate, 48000);
  assert.equal(up.verdict, 'upsampled');
});

test('LAME bitrate guesses follow the lowpass table', () => {
  assert.equal(lameBitrateFor(15100), 96);
  assert.equal(lameBitrateFor(17000), 128);
  assert.equal(lameBitrateFor(18600), 192);
});

test('the spectrogram renders to a valid PNG with the cutoff visible', () => {
  const r = analyse(quantise(brickWall(pink44, 44100, 16000), 16), 44100, 16, true);
  const s = r.spectrogram!;
  assert.ok(s.columns > 100 && s.rows === 512);
  const row = (hz: number) => Math.floor((hz / 22050) * s.rows);
  const mean = (hz: number) => { let t = 0; for (let c = 0; c < s.columns; c++) t += s.db[c * s.rows + row(hz)]!; return t / s.columns; };
  assert.ok(mean(10000) - mean(18000) > 40, `${mean(10000)} vs ${mean(18000)}`);
  const png = spectrogramPng(s);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const v = new DataView(png.buffer, png.byteOffset);
  const image = spectrogramImage(s);
  assert.equal(v.getUint32(16), image.width);
  assert.equal(v.getUint32(20), image.height);
  assert.equal(v.getUint32(29), crc32(png.subarray(12, 29)));
});

test('the 3x5 font draws "10" as its bitmap at scale 1', () => {
  const r = { width: 8, height: 6, rgb: new Uint8Array(8 * 6 * 3) };
  drawText(r, 1, 0, '10', [255, 255, 255], 1);
  const rows = Array.from({ length: 6 }, (_, y) => Array.from({ length: 8 }, (_, x) => (r.rgb[(y * 8 + x) * 3] ? '#' : '.')).join(''));
  assert.deepEqual(rows, ['..#..###', '.##..#.#', '..#..#.#', '..#..#.#', '.###.###', '........']);
});

test('spectrogram image: kHz axis, time axis and a dB scale, labelled, around the plot of the data', () => {
  // 4 s at 44.1 kHz with a full-scale stripe at 11 kHz and silence elsewhere; 1 column per 1024 frames.
  const rows = 512;
  const columns = Math.floor((4 * 44100) / 1024);
  const db = new Float32Array(columns * rows).fill(-120);
  const stripe = Math.floor((11000 / 22050) * rows);
  for (let c = 0; c < columns; c++) db[c * rows + stripe] = 0;
  const s: SpectrogramData = { columns, rows, rate: 44100, secondsPerColumn: 1024 / 44100, db };
  const img = spectrogramImage(s);
  const { plot, kHzTicks, timeTicks, dbTicks, scaleX } = img.layout;
  const px = (x: number, y: number) => [...img.rgb.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
  const inkIn = (x0: number, x1: number, y0: number, y1: number) => {
    let n = 0;
    for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) if (px(x, y).some((v) => v > 150)) n++;
    return n;
  };
  assert.ok(img.width > plot.x + plot.width && img.height > plot.y + plot.height, 'margins around the plot');
  // The data: the 11 kHz stripe is white (0 dB) at its row, black (-120 dB) elsewhere.
  assert.deepEqual(px(plot.x + 10, plot.y + rows - 1 - stripe), [255, 255, 230]);
  assert.deepEqual(px(plot.x + 10, plot.y + rows - 1 - stripe + 40), [0, 0, 0]);
  // Frequency ticks every 2 kHz (1 kHz is 23 px at 44.1 kHz, 2 kHz the first step 40 px apart), 0 to 22 kHz.
  assert.deepEqual(kHzTicks.map((t) => t.kHz), Array.from({ length: 12 }, (_, i) => 2 * i));
  const ten = kHzTicks.find((t) => t.kHz === 10)!;
  assert.equal(ten.y, plot.y + rows - 1 - Math.round(10000 / (22050 / rows)));
  assert.ok(inkIn(0, plot.x - 4, ten.y - 5, ten.y + 5) >= 20, 'a label left of the 10 kHz tick');
  assert.ok(inkIn(0, 30, 0, plot.y) >= 20, 'the "kHz" title above the axis');
  // Time ticks: 0, 1, 2, 3 s under the plot, each with its label.
  assert.deepEqual(timeTicks.map((t) => t.seconds), [0, 1, 2, 3]);
  for (const t of timeTicks) {
    assert.equal(t.x, plot.x + Math.round(t.seconds / s.secondsPerColumn));
    assert.ok(inkIn(t.x - 12, t.x + 12, plot.y + plot.height + 5, img.height) >= 15, `a label under ${t.seconds} s`);
  }
  // The dB scale: -120 at the bottom (black), 0 at the top (white), labelled every 20 dB.
  assert.deepEqual(dbTicks.map((t) => t.db), [-120, -100, -80, -60, -40, -20, 0]);
  assert.deepEqual(px(scaleX + 5, plot.y), [255, 255, 230]);
  assert.deepEqual(px(scaleX + 5, plot.y + rows - 1), [0, 0, 0]);
  for (const t of dbTicks) assert.ok(inkIn(scaleX + 14, img.width, t.y - 5, t.y + 5) >= 15, `a label at ${t.db} dB`);
  assert.ok(inkIn(scaleX, img.width, 0, plot.y) >= 10, 'the "dB" title above the scale');
});
