// DSD -> PCM (dsp.md 6.5): the table-driven stage 1 equals the 96-tap FIR it stands for, and a
// DSD stream made from a known sine by a sigma-delta modulator decodes back to that sine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DSD2PCM_HALF_TAPS, Dsd2PcmStage1, dsd2pcmTaps } from '../../../../src/dsp/plugins/dsd2pcm/stage1.ts';
import { DsdToPcm } from '../../../../src/dsp/plugins/dsd2pcm/convert.ts';
import type { DsdToPcmSettings } from '../../../../src/dsp/plugins/dsd2pcm/convert.ts';
import { blackmanHarris7Window, powerSpectrum } from '../../../../src/util/fft.ts';
import { fitTone, nextPow2 } from '../resampler/measure.ts';
import { sigmaDelta } from '../../../helpers/signals.ts';

test('stage 1 lookup tables compute exactly the 96-tap FIR over the +-1 bit stream', () => {
  const h = dsd2pcmTaps();
  const ch = 2;
  const n = 300;
  const bytes = Uint8Array.from({ length: n * ch }, (_, i) => (i * 97 + (i >> 3) * 13 + 5) & 0xff);
  const out = new Float64Array(n * ch);
  new Dsd2PcmStage1(ch).process(bytes, out);
  for (let c = 0; c < ch; c++) {
    // Bit stream of this channel with 11 bytes of 0x69 history before it.
    const stream = [...Array<number>(11).fill(0x69), ...Array.from({ length: n }, (_, i) => bytes[i * ch + c]!)];
    const bit = (k: number): number => ((stream[k >> 3]! >> (7 - (k & 7))) & 1 ? 1 : -1);
    for (let i = 0; i < n; i++) {
      const newest = (i + 11) * 8 + 7;
      let y = 0;
      for (let j = 0; j < 96; j++) y += h[j]! * bit(newest - j);
      assert.ok(Math.abs(out[i * ch + c]! - y) < 1e-14, `ch ${c} byte ${i}: ${out[i * ch + c]} vs ${y}`);
    }
  }
  // All ones is DC at the filter's sum (dsp.md: 0.999997).
  const dc = new Float64Array(40);
  new Dsd2PcmStage1(1).process(new Uint8Array(40).fill(0xff), dc);
  const sum = 2 * DSD2PCM_HALF_TAPS.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 0.999997) < 5e-7, `sum of taps ${sum}`);
  assert.ok(Math.abs(dc[39]! - sum) < 1e-15);
});

/** Decodes all of `dsd`, flushes, and returns channel `c` alone. */
function decode(dsd: Uint8Array, dsdRate: number, channels: number, settings: DsdToPcmSettings): { pcm: Float64Array[]; conv: DsdToPcm } {
  const conv = new DsdToPcm(dsdRate, channels, settings);
  const parts: number[] = [];
  const step = 4096 * channels;
  for (let i = 0; i < dsd.length; i += step) parts.push(...conv.process(dsd.subarray(i, Math.min(dsd.length, i + step))));
  parts.push(...conv.flush());
  const frames = parts.length / channels;
  const pcm = Array.from({ length: channels }, (_, c) => Float64Array.from({ length: frames }, (_, f) => parts[f * channels + c]!));
  return { pcm, conv };
}

interface ToneReport { levelDb: number; hz: number; noiseDb: number }

/** Level (dBFS of the fitted sine), frequency (from the phase drift between halves) and in-band (20 Hz-20 kHz) THD+N. */
function analyse(y: Float64Array, rate: number, hz: number): ToneReport {
  const skip = Math.round(rate * 0.02);
  const n = nextPow2(y.length - 2 * skip) / 2;
  const from = skip;
  const fit = fitTone(y, rate, hz, from, from + n);
  const a = fitTone(y, rate, hz, from, from + n / 2);
  const b = fitTone(y, rate, hz, from + n / 2, from + n);
  let dphi = b.phase - a.phase;
  while (dphi > Math.PI) dphi -= 2 * Math.PI;
  while (dphi < -Math.PI) dphi += 2 * Math.PI;
  const measuredHz = hz + dphi / (2 * Math.PI * (n / 2 / rate));
  const w = blackmanHarris7Window(n);
  const r = fit.residual.map((v, i) => v * w[i]!);
  const p = powerSpectrum(r);
  let w2 = 0;
  for (const v of w) w2 += v * v;
  let noise = 0;
  for (let k = Math.ceil((20 * n) / rate); k <= Math.floor((20000 * n) / rate); k++) noise += p[k]!;
  noise = (2 * noise) / (n * w2);
  return { levelDb: 20 * Math.log10(fit.amplitude), hz: measuredHz, noiseDb: 10 * Math.log10(noise / (fit.amplitude ** 2 / 2)) };
}

for (const rate of [88200, 176400]) {
  test(`DSD64 sine from a sigma-delta modulator decodes to that sine at ${rate} Hz (level within 0.1 dB, frequency, noise floor)`, (t) => {
    const dsd = sigmaDelta(2822400, 0.25, 1000, [0.5, 0.25]);
    for (const gainDb of [0, 6] as const) {
      const { pcm, conv } = decode(dsd, 2822400, 2, { rate, gainDb, lowpassHz: 50000 });
      assert.equal(pcm[0]!.length, Math.round((dsd.length / 2) * 8 * rate / 2822400));
      const left = analyse(pcm[0]!, rate, 1000);
      const right = analyse(pcm[1]!, rate, 1000);
      t.diagnostic(`gain +${gainDb} dB: L ${left.levelDb.toFixed(3)} dBFS at ${left.hz.toFixed(4)} Hz, in-band THD+N ${left.noiseDb.toFixed(1)} dB; R ${right.levelDb.toFixed(3)} dBFS, THD+N ${right.noiseDb.toFixed(1)} dB`);
      // 50 % modulation is -6.02 dBFS after a unity-gain decimator; 25 % is -12.04 dBFS.
      assert.ok(Math.abs(left.levelDb - (20 * Math.log10(0.5) + gainDb)) < 0.1, `left level ${left.levelDb}`);
      assert.ok(Math.abs(right.levelDb - (20 * Math.log10(0.25) + gainDb)) < 0.1, `right level ${right.levelDb}`);
      assert.ok(Math.abs(left.hz - 1000) < 0.01 && Math.abs(right.hz - 1000) < 0.01, `frequency ${left.hz} / ${right.hz}`);
      // A second-order modulator leaves roughly -70 dB in band (dsp.md 6.5 measured -71.7 dB).
      assert.ok(left.noiseDb < -60 && right.noiseDb < -55, `noise floor ${left.noiseDb} / ${right.noiseDb}`);
      // At +6 dB the 50 % sine sits at -0.02 dBFS and DSD's noise pushes peaks over full scale
      // (dsp.md 6.5 measured +0.03 dBFS): the clip counter must see it; at 0 dB nothing clips.
      const clips = conv.clipStats();
      t.diagnostic(`gain +${gainDb} dB: peaks ${clips.peak.map((p) => (20 * Math.log10(p)).toFixed(2)).join(' / ')} dBFS, clipped ${clips.clipped.join(' / ')}`);
      assert.equal(clips.clipped[1], 0);
      if (gainDb === 0) assert.equal(clips.clipped[0], 0);
      else assert.equal(clips.clipped[0]! > 0, clips.peak[0]! > 1);
    }
  });
}

test('DSD128 decodes through the 2:1 stages to the same sine; +6 dB on a hot signal is counted as clipping', (t) => {
  const dsd = sigmaDelta(5644800, 0.15, 1000, [0.5]);
  const { pcm } = decode(dsd, 5644800, 1, { rate: 88200, gainDb: 0, lowpassHz: 50000 });
  const r = analyse(pcm[0]!, 88200, 1000);
  t.diagnostic(`DSD128 -> 88.2 kHz: ${r.levelDb.toFixed(3)} dBFS at ${r.hz.toFixed(4)} Hz, in-band THD+N ${r.noiseDb.toFixed(1)} dB`);
  assert.ok(Math.abs(r.levelDb - 20 * Math.log10(0.5)) < 0.1, `level ${r.levelDb}`);
  assert.ok(r.noiseDb < -60, `noise ${r.noiseDb}`);
  const hot = sigmaDelta(2822400, 0.05, 1000, [0.6]);
  const plain = decode(hot, 2822400, 1, { rate: 88200, gainDb: 0, lowpassHz: 50000 });
  assert.deepEqual(plain.conv.clipStats().clipped, [0]);
  const boosted = decode(hot, 2822400, 1, { rate: 88200, gainDb: 6, lowpassHz: 50000 });
  const clipped = boosted.conv.clipStats().clipped[0]!;
  assert.ok(clipped > 0, 'a 0.6 modulation sine at +6 dB must clip');
  assert.ok(boosted.conv.clipStats().peak[0]! > 1.1);
});

test('DSD to PCM refuses rates and settings it cannot honour', () => {
  const ok: DsdToPcmSettings = { rate: 88200, gainDb: 6, lowpassHz: 50000 };
  assert.throws(() => new DsdToPcm(2822400 * 3, 2, ok), { code: 'E_FORMAT_REFUSED' });
  assert.throws(() => new DsdToPcm(44100, 2, ok), { code: 'E_FORMAT_REFUSED' });
  assert.throws(() => new DsdToPcm(2822400, 2, { ...ok, gainDb: 5 as 6 }), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => new DsdToPcm(2822400, 2, { ...ok, lowpassHz: 40000 as 50000 }), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => new DsdToPcm(2822400, 2, ok).process(new Uint8Array(3)), { code: 'E_INVALID_ARGUMENT' });
});

test('the ultrasonic low-pass removes DSD noise from 1.25x its corner on at 176.4 kHz; none keeps it', (t) => {
  const dsd = sigmaDelta(2822400, 0.1, 1000, [0.5]);
  const bandDb = (lowpassHz: 50000 | 30000 | null, lo: number, hi: number): number => {
    const y = decode(dsd, 2822400, 1, { rate: 176400, gainDb: 0, lowpassHz }).pcm[0]!;
    const n = 8192;
    const w = blackmanHarris7Window(n);
    const p = powerSpectrum(y.subarray(4000, 4000 + n).map((v, i) => v * w[i]!));
    let s = 0;
    for (let k = Math.ceil((lo * n) / 176400); k <= Math.floor((hi * n) / 176400); k++) s += p[k]!;
    return 10 * Math.log10(s);
  };
  const none = bandDb(null, 64000, 85000);
  const lp50 = bandDb(50000, 64000, 85000);
  const lp30 = bandDb(30000, 39000, 85000);
  const none30 = bandDb(null, 39000, 85000);
  t.diagnostic(`power 64-85 kHz: none ${none.toFixed(1)} dB, 50 kHz low-pass ${lp50.toFixed(1)} dB; 39-85 kHz: none ${none30.toFixed(1)} dB, 30 kHz low-pass ${lp30.toFixed(1)} dB`);
  assert.ok(none - lp50 > 120, `50 kHz low-pass leaves ${lp50} dB vs ${none} dB`);
  assert.ok(none30 - lp30 > 120, `30 kHz low-pass leaves ${lp30} dB vs ${none30} dB`);
});
