// DR meter against every vector of shared/specs/analysis.md §1.5 (foobar2000 DR Meter 1.0.8 values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrMeter, albumDr, drWindowFrames, drDisplay, type DrResult } from '../../../../src/analysis/plugins/dr/meter.ts';
import { formatDrDb } from '../../../../src/analysis/plugins/dr/log.ts';
import { floatFormat, pcmFormat } from '../../../../src/audio/format.ts';
import { intBlock } from '../../../../src/audio/block.ts';
import { analysisChunk } from '../../../../src/analysis/interface.ts';
import { bedWithImpulses, concat, fromDb, interleave, shapedWindow, shapedWindows, times } from './signals.ts';

/** Measures interleaved samples, fed in uneven blocks so block boundaries are exercised. */
function measure(rate: number, channels: Float64Array[]): DrResult {
  const meter = new DrMeter(floatFormat(rate, channels.length, 64));
  const x = interleave(channels);
  const frames = channels[0]!.length;
  const C = channels.length;
  const sizes = [4095, 1, 77777, 1000];
  let at = 0;
  for (let i = 0; at < frames; i++) {
    const n = Math.min(sizes[i % sizes.length]!, frames - at);
    meter.pushSamples(x.subarray(at * C, (at + n) * C), n);
    at += n;
  }
  return meter.finish();
}

const W8K = drWindowFrames(8000);

interface Vector {
  id: string;
  channels: () => Float64Array[];
  chDr?: number[];
  track: number;
  rawDr?: number;
  peak?: string;
  rms?: string;
  rate?: number;
}

const golden: Vector[] = [
  { id: '101 tail of W−1 frames', channels: () => [shapedWindow(W8K - 1, 1.0, 0.25)], chDr: [12.04], track: 12, peak: '0.00', rms: '-12.04' },
  { id: '103 second peak', channels: () => [shapedWindows(W8K, [[1.0, 0.1], [0.9, 0.09]])], chDr: [19.08], track: 19, peak: '0.00', rms: '-20.43' },
  { id: '104 one-frame tail is a full window', channels: () => [concat(shapedWindows(W8K, [[1.0, 0.1], [0.9, 0.09]]), Float64Array.of(0.5))], chDr: [2.09], track: 2, peak: '0.00', rms: '-7.63' },
  { id: '105 negative → primary fallback', channels: () => [shapedWindows(W8K, [[1.0, 0.8], [0.1, 0.05]])], chDr: [1.94], track: 2, peak: '0.00', rms: '-4.93' },
  { id: '110 dB-domain histogram', channels: () => [shapedWindows(W8K, [[0.1, 0.00109], ...times<[number, number]>(4, [0.1, 0.00101])])], chDr: [39.25], track: 39, peak: '-20.00', rms: '-59.77' },
  { id: '111 whole boundary bin', channels: () => [shapedWindows(W8K, [[0.5, 0.2], ...times<[number, number]>(4, [0.5, 0.1]), ...times<[number, number]>(5, [0.5, 0.02])])], chDr: [11.94], track: 12, peak: '-6.02', rms: '-20.86' },
  { id: '120 key tie: later peak is secondary', channels: () => [shapedWindows(W8K, [[fromDb(-2.0035), fromDb(-14.5)], [fromDb(-1.9965), fromDb(-14.5)], ...times<[number, number]>(3, [fromDb(-3.098), fromDb(-14.5)])])], rawDr: 12.5035, track: 13, peak: '-2.00', rms: '-14.50' },
  { id: '121 order dependence', channels: () => [shapedWindows(W8K, [[fromDb(-1.9965), fromDb(-14.5)], [fromDb(-2.0035), fromDb(-14.5)], ...times<[number, number]>(3, [fromDb(-3.098), fromDb(-14.5)])])], rawDr: 12.4965, track: 12, peak: '-2.00', rms: '-14.50' },
  { id: '201 one frame', channels: () => [Float64Array.of(0.5)], chDr: [0], track: 0, peak: '-6.02', rms: '-3.01' },
  { id: '202 two frames', channels: () => [Float64Array.of(0.5, 0.5)], chDr: [0], track: 0, peak: '-6.02', rms: '-3.01' },
  { id: '203 digital silence', channels: () => [new Float64Array(2 * W8K)], chDr: [0], track: 0, peak: '-inf', rms: '-inf' },
  { id: '301 silent channel averaged in', channels: () => [shapedWindows(W8K, times<[number, number]>(10, [1.0, fromDb(-12)])), new Float64Array(10 * W8K)], chDr: [12, 0], track: 6, peak: '0.00', rms: '-15.01' },
  { id: '302 arithmetic channel mean', channels: () => [10, 20, 30].map((d) => shapedWindows(W8K, times<[number, number]>(10, [1.0, fromDb(-d)]))), chDr: [10, 20, 30], track: 20, peak: '0.00', rms: '-14.32' },
  { id: '303 5.1 with LFE included', channels: () => [6, 9, 12, 30, 15, 18].map((d) => shapedWindows(W8K, times<[number, number]>(10, [1.0, fromDb(-d)]))), chDr: [6, 9, 12, 30, 15, 18], track: 15, peak: '0.00', rms: '-10.89' },
];

for (const [rate, id] of [[44100, '501/502'], [48000, '503/504']] as const) {
  const w = drWindowFrames(rate);
  golden.push(
    { id: `${id} ${rate} Hz W−1 frames`, rate, channels: () => [shapedWindow(w - 1, 1.0, 0.25)], track: 12 },
    { id: `${id} ${rate} Hz W+1 frames`, rate, channels: () => [concat(shapedWindow(w, 1.0, 0.25), Float64Array.of(0.5))], track: 3 },
  );
}

test('window length follows floor(fs · 3.0040816…) for every rate of the spec table', () => {
  const table: [number, number][] = [[8000, 24032], [11025, 33120], [16000, 48065], [22050, 66240], [32000, 96130], [44100, 132480], [48000, 144195],
    [88200, 264960], [96000, 288391], [176400, 529920], [192000, 576783], [352800, 1059840], [384000, 1153567]];
  for (const [fs, w] of table) assert.equal(drWindowFrames(fs), w, `${fs} Hz`);
});

for (const v of golden) {
  test(`DR vector ${v.id}`, () => {
    const r = measure(v.rate ?? 8000, v.channels());
    assert.equal(r.drRounded, v.track);
    if (v.chDr) assert.deepEqual(r.channels.map((c) => Math.fround(c.dr).toFixed(2)), v.chDr.map((d) => d.toFixed(2)));
    if (v.rawDr !== undefined) assert.ok(Math.abs(r.dr - v.rawDr) < 1e-4, `raw DR ${r.dr} vs ${v.rawDr}`);
    if (v.peak) assert.equal(formatDrDb(r.peakDb), v.peak);
    if (v.rms) assert.equal(formatDrDb(r.rmsDb), v.rms);
  });
}

// §1.5.2, 44.1 kHz stereo, both channels identical.
const W = drWindowFrames(44100);
const stereo = (x: Float64Array) => [x, x];
const sampleLevel: { id: string; signal: () => Float64Array; track: number; raw?: number; peak: string; rms: string }[] = [
  { id: 'T1 silence 10 s', signal: () => new Float64Array(441000), track: 0, raw: 0, peak: '-inf', rms: '-inf' },
  { id: 'T2 full-scale 1 kHz sine', signal: () => Float64Array.from({ length: 30 * 44100 }, (_, n) => Math.sin((2 * Math.PI * 1000 * n) / 44100)), track: 0, raw: 0, peak: '0.00', rms: '0.00' },
  { id: 'T3 sine at −20 dBFS', signal: () => Float64Array.from({ length: 30 * 44100 }, (_, n) => 0.1 * Math.sin((2 * Math.PI * 1000 * n) / 44100)), track: 0, raw: 0, peak: '-20.00', rms: '-20.00' },
  { id: 'T4 square ±0.5', signal: () => Float64Array.from({ length: 30 * 44100 }, (_, n) => (n % 100 < 50 ? 0.5 : -0.5)), track: 0, raw: 0, peak: '-6.02', rms: '-3.01' },
  { id: 'T5 bed 0.1 + impulse 1.0 per window', signal: () => bedWithImpulses(W, times(10, 0.1), times(10, 1.0)), track: 17, raw: 16.99, peak: '0.00', rms: '-16.99' },
  { id: 'T6 two loud windows', signal: () => bedWithImpulses(W, [0.5, 0.5, ...times(8, 0.05)], times(10, 1.0)), track: 3, raw: 3.01, peak: '0.00', rms: '-9.83' },
  { id: 'T7 second peak 0.5', signal: () => bedWithImpulses(W, times(10, 0.1), [null, null, null, 1.0, null, null, null, 0.5, null, null]), track: 11, raw: 10.9694, peak: '0.00', rms: '-16.99' },
  { id: 'T8 one second (N=1)', signal: () => { const x = bedWithImpulses(44100, [0.1], [1.0]); return x; }, track: 17, raw: 16.98, peak: '0.00', rms: '-16.98' },
  { id: 'T9 exactly 2 windows', signal: () => shapedWindows(W, [[1.0, 0.1], [0.9, 0.09]]), track: 19, raw: 19.0849, peak: '0.00', rms: '-20.43' },
  { id: 'T10 T9 + one sample', signal: () => concat(shapedWindows(W, [[1.0, 0.1], [0.9, 0.09]]), Float64Array.of(0.5)), track: 2, raw: 2.0949, peak: '0.00', rms: '-7.63' },
  { id: 'T11 primary fallback', signal: () => shapedWindows(W, [[1.0, 0.8], [0.1, 0.05]]), track: 2, raw: 1.94, peak: '0.00', rms: '-4.93' },
];

for (const v of sampleLevel) {
  test(`DR sample-level ${v.id}`, () => {
    const r = measure(44100, stereo(v.signal()));
    assert.equal(r.drRounded, v.track);
    if (v.raw !== undefined) assert.ok(Math.abs(r.dr - v.raw) < 0.005 + 1e-6, `raw DR ${r.dr} vs ${v.raw}`);
    assert.equal(formatDrDb(r.peakDb), v.peak);
    assert.equal(formatDrDb(r.rmsDb), v.rms);
  });
}

test('DR sample-level T12: silent right channel halves the DR', () => {
  const r = measure(44100, [shapedWindows(W, times<[number, number]>(10, [1.0, fromDb(-12)])), new Float64Array(10 * W)]);
  assert.deepEqual(r.channels.map((c) => c.dr.toFixed(2)), ['12.00', '0.00']);
  assert.equal(r.drRounded, 6);
  assert.equal(formatDrDb(r.peakDb), '0.00');
  assert.equal(formatDrDb(r.rmsDb), '-15.01');
});

test('display rounding 610/611/704: trunc(x + 0.5) on the float32 track value', () => {
  // 3 channels, two windows each: RMS bin at exactly −20 dB, peak chosen so DR = 20 + peak dB.
  const track = (dr: number) => measure(8000, times(3, 0).map(() => shapedWindows(W8K, times<[number, number]>(2, [fromDb(dr - 20), 0.1]))));
  assert.equal(track(12.499).drRounded, 12);
  assert.equal(track(12.5).drRounded, 13);
  assert.equal(track(10.5).drRounded, 11);
  assert.equal(drDisplay(10.5), 11);
  assert.equal(drDisplay(12.499), 12);
});

test('album DR averages unrounded track values (§1.5.3)', () => {
  const a = albumDr([10.49, 10.49, 11.49].map(Math.fround));
  assert.equal(a.drRounded, 11);
  assert.ok(Math.abs(a.dr - 10.8233) < 1e-4);
  const t5 = measure(44100, stereo(bedWithImpulses(W, times(10, 0.1), times(10, 1.0))));
  const t6 = measure(44100, stereo(bedWithImpulses(W, [0.5, 0.5, ...times(8, 0.05)], times(10, 1.0))));
  const t7 = measure(44100, stereo(bedWithImpulses(W, times(10, 0.1), [null, null, null, 1.0, null, null, null, 0.5, null, null])));
  const b = albumDr([t5.dr, t6.dr, t7.dr]);
  assert.ok(Math.abs(b.dr - 10.3231) < 1e-3, String(b.dr));
  assert.equal(b.drRounded, 10);
});

test('integer PCM is normalised by 2^(bits−1): a 16-bit full-scale square reads +3.01 dB RMS and 0.00 dB peak', () => {
  const format = pcmFormat(8000, 1, 16);
  const meter = new DrMeter(format);
  meter.push(analysisChunk(intBlock(format, Int32Array.from({ length: 8000 }, (_, n) => (n % 2 ? -32768 : 32767)))));
  const r = meter.finish();
  assert.equal(formatDrDb(r.peakDb), '0.00');
  assert.equal(formatDrDb(r.rmsDb), '3.01');
  assert.equal(r.drRounded, 0);
});

test('integer blocks measured on the integers (the SIMD kernel up to 8 channels) equal normalised floats bit for bit', () => {
  for (const bits of [16, 24, 32]) {
    for (const channels of [1, 2, 3, 6]) {
      const format = pcmFormat(8000, channels, bits);
      let seed = 12345 + bits + channels;
      const frames = 3 * W8K + 1234;
      const ints = Int32Array.from({ length: channels * frames }, () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed >> (32 - bits);
      });
      // Both extremes of the depth, in the middle of a window.
      ints[channels * 100] = -(2 ** (bits - 1));
      ints[channels * 101 + channels - 1] = 2 ** (bits - 1) - 1;
      const viaInts = new DrMeter(format);
      const sizes = [4095, 1, 7777, W8K, 3];
      for (let at = 0, i = 0; at < frames; i++) {
        const n = Math.min(sizes[i % sizes.length]!, frames - at);
        viaInts.push(analysisChunk(intBlock(format, ints.slice(at * channels, (at + n) * channels))));
        at += n;
      }
      const viaFloats = new DrMeter(floatFormat(8000, channels, 64));
      viaFloats.pushSamples(Float64Array.from(ints, (v) => v / 2 ** (bits - 1)), frames);
      assert.deepEqual(viaInts.finish(), { ...viaFloats.finish() }, `${bits}-bit, ${channels} channels`);
    }
  }
});
