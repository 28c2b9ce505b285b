// Dither and quantiser against dsp.md section 3: bit-exact when nothing changed, TPDF statistics,
// signal-independent error moments, harmonics turned into noise, noise-shaping spectra.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatBlock, intBlock } from '../../src/audio/block.ts';
import { floatFormat, pcmFormat } from '../../src/audio/format.ts';
import { buildChain } from '../../src/dsp/chain.ts';
import { prepareFilter } from '../../src/dsp/registry.ts';
import { openQuantiser } from '../../src/dsp/dither/quantiser.ts';
import { ntfMagnitudeDb, SHAPING_FILTERS, type DitherMode, type NoiseShaping } from '../../src/dsp/dither/shaping.ts';
import { fft } from '../../src/util/fft.ts';

/** Quantises float samples `x` (mono) to `bits` with `dither`; returns integer samples. */
function quantise(x: Float64Array, bits: number, dither: DitherMode, rate = 44100, seed = 7): Int32Array {
  const fmt = floatFormat(rate, 1, 64);
  const q = openQuantiser(fmt, { bits, dither, seed });
  const out = q.process(floatBlock(fmt, x.slice()));
  assert.equal(out.kind, 'int');
  return out.kind === 'int' ? out.samples.slice() : new Int32Array(0);
}

function moments(e: Float64Array): { mean: number; variance: number } {
  let s = 0, s2 = 0;
  for (const v of e) { s += v; s2 += v * v; }
  const mean = s / e.length;
  return { mean, variance: s2 / e.length - mean * mean };
}

test('0 dB with TPDF asked for: the path is bit-perfect, no dither is added (16 and 24 bit)', () => {
  for (const bits of [16, 24]) {
    const fmt = pcmFormat(44100, 2, bits);
    const chain = buildChain([prepareFilter('volume', { db: 0 })], fmt, { dither: 'tpdf', output: { kind: 'int', bits } });
    const src = Int32Array.from({ length: 4000 }, (_, i) => Math.round(Math.sin(i / 10) * (2 ** (bits - 1) - 1)));
    const out = chain.process(intBlock(fmt, src.slice()));
    assert.deepEqual(out.kind === 'int' ? out.samples : null, src);
    assert.deepEqual(chain.reports, []);
  }
});

test('samples already on the grid come through the quantiser without dither bit-exact', () => {
  const ints = Int32Array.from({ length: 1000 }, (_, i) => ((i * 2654435761) >>> 16) - 32768);
  const x = Float64Array.from(ints, (s) => s / 32768);
  assert.deepEqual(quantise(x, 16, 'none'), ints);
});

test('TPDF: total error has mean 0 and variance 1/4 LSB^2 (-96.33 dBFS at 16 bit) whatever the offset from the grid', () => {
  const n = 100000;
  for (const offset of [0, 0.1, 0.25, 0.5, 0.9]) {
    const base = Float64Array.from({ length: n }, (_, i) => ((i * 37) % 2001) - 1000 + offset);
    const x = Float64Array.from(base, (v) => v / 32768);
    const q = quantise(x, 16, 'tpdf', 44100, 11 + offset * 100);
    const e = Float64Array.from(q, (s, i) => s - base[i]!);
    const m = moments(e);
    assert.ok(Math.abs(m.mean) < 0.006, `offset ${offset}: mean ${m.mean}`);
    assert.ok(Math.abs(m.variance - 0.25) < 0.006, `offset ${offset}: variance ${m.variance}`);
    // Without dither the error is the signal's own offset: mean square 0 at offset 0, 1/4 at 0.5.
    const plain = moments(Float64Array.from(quantise(x, 16, 'none'), (s, i) => s - base[i]!));
    const meanSquare = plain.mean ** 2 + plain.variance;
    assert.ok(Math.abs(meanSquare - Math.min(offset, 1 - offset) ** 2) < 1e-9, `undithered error at ${offset}: ${meanSquare}`);
  }
  const rms = 20 * Math.log10(Math.sqrt(0.25) / 32768);
  assert.ok(Math.abs(rms - -96.33) < 0.01);
});

test('TPDF dither is triangular on (-1, 1) LSB: P(round(f + d) >= 1) follows the triangle CDF', () => {
  const n = 200000;
  for (const f of [0, 0.2, 0.5, 0.8]) {
    const q = quantise(new Float64Array(n).fill(f / 32768), 16, 'tpdf', 44100, 1234);
    let up = 0, down = 0;
    for (const s of q) { if (s >= 1) up++; if (s <= -1) down++; }
    const t = 0.5 - f;
    const expectUp = t >= 0 ? (1 - t) ** 2 / 2 : 1 - (1 + t) ** 2 / 2;
    assert.ok(Math.abs(up / n - expectUp) < 0.004, `f=${f}: P(up) ${up / n} vs ${expectUp}`);
    const tDown = f + 0.5; // d < -(f + 0.5)
    const expectDown = tDown >= 1 ? 0 : (1 - tDown) ** 2 / 2;
    assert.ok(Math.abs(down / n - expectDown) < 0.004, `f=${f}: P(down) ${down / n} vs ${expectDown}`);
    assert.ok(q.every((s) => s >= -1 && s <= 2), 'dither never exceeds one LSB each way');
  }
});

test('a -60 dBFS 997 Hz tone: undithered 3rd harmonic near -121 dB, with TPDF it sinks into the noise', () => {
  const rate = 44100, n = 1 << 17;
  const amp = 10 ** (-60 / 20);
  const x = Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * 997 * i) / rate));
  const h3 = (q: Int32Array) => {
    let sc = 0, cc = 0;
    for (let i = 0; i < n; i++) {
      const w = (2 * Math.PI * 3 * 997 * i) / rate;
      sc += (q[i]! / 32768) * Math.sin(w); cc += (q[i]! / 32768) * Math.cos(w);
    }
    return 20 * Math.log10((2 / n) * Math.hypot(sc, cc));
  };
  const plain = h3(quantise(x, 16, 'none'));
  const dithered = h3(quantise(x, 16, 'tpdf'));
  assert.ok(plain > -126 && plain < -115, `undithered H3 ${plain} dB`);
  assert.ok(dithered < -138, `dithered H3 ${dithered} dB`);
});

test('noise-shaping NTFs match the magnitudes of section 3.3 (0.1 dB)', () => {
  const table: [NoiseShaping, number[]][] = [
    ['first-order', [-16.9, -5.0, 0.7, 3.6, 4.9, 5.7, 5.9, 6.0]],
    ['lipshitz', [-15.9, -27.2, -0.8, -6.5, 8.5, 16.3, 18.7, 19.4]],
    ['f-weighted', [-13.4, -23.3, -2.3, -5.8, 5.1, 21.0, 25.5, 27.0]],
    ['modified-e-weighted', [-8.8, -19.4, -3.8, 3.7, 7.7, 11.2, 13.2, 13.9]],
    ['improved-e-weighted', [-16.9, -25.2, -2.7, -8.6, 7.4, 25.5, 30.3, 31.8]],
    ['shibata', [-7.2, -21.2, -12.4, -10.8, 4.8, 29.8, 32.4, 25.7]],
  ];
  const freqs = [1000, 4000, 8000, 12000, 15000, 18000, 20000, 22050];
  for (const [name, dbs] of table) {
    freqs.forEach((hz, i) => {
      const got = ntfMagnitudeDb(SHAPING_FILTERS[name], hz, 44100);
      assert.ok(Math.abs(got - dbs[i]!) < 0.1, `${name} ${hz} Hz: ${got} vs ${dbs[i]}`);
    });
  }
});

/** Welch power spectrum (Hann, 4096 bins) of the requantisation error of a low-level noise signal. */
function errorSpectrum(dither: DitherMode, rate: number): Float64Array {
  const n = 1 << 18, seg = 8192;
  let s = 12345;
  const x = Float64Array.from({ length: n }, () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return ((s / 2 ** 32) - 0.5) * 0.01; });
  const q = quantise(x, 16, dither, rate, 99);
  const e = Float64Array.from(q, (v, i) => v - x[i]! * 32768);
  const psd = new Float64Array(seg / 2 + 1);
  for (let start = 0; start + seg <= n; start += seg / 2) {
    const re = new Float64Array(seg), im = new Float64Array(seg);
    for (let i = 0; i < seg; i++) re[i] = e[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / seg));
    fft(re, im);
    for (let k = 0; k <= seg / 2; k++) psd[k] = psd[k]! + re[k]! ** 2 + im[k]! ** 2;
  }
  return psd;
}

test('shaped dither: error spectrum relative to plain TPDF follows |NTF|^2 (1 dB), total power as the spec says', () => {
  const rate = 44100, seg = 8192;
  const flat = errorSpectrum('tpdf', rate);
  const band = (p: Float64Array, hz: number) => {
    const k = Math.round((hz / rate) * seg);
    let sum = 0;
    for (let j = k - 20; j <= k + 20; j++) sum += p[j]!;
    return sum;
  };
  for (const [name, totalDb] of [['lipshitz', 12.2], ['improved-e-weighted', 23.1], ['first-order', 3.0]] as const) {
    const shaped = errorSpectrum(name, rate);
    for (const hz of [1000, 4000, 8000, 15000, 20000]) {
      const measured = 10 * Math.log10(band(shaped, hz) / band(flat, hz));
      const expected = ntfMagnitudeDb(SHAPING_FILTERS[name], hz, rate);
      assert.ok(Math.abs(measured - expected) < 1, `${name} ${hz} Hz: ${measured} vs ${expected}`);
    }
    const total = 10 * Math.log10(shaped.reduce((a, b) => a + b, 0) / flat.reduce((a, b) => a + b, 0));
    assert.ok(Math.abs(total - totalDb) < 0.5, `${name} total ${total} vs ${totalDb}`);
  }
});

test('a shaper made for 44.1 kHz is replaced by plain TPDF at 96 kHz, and says so', () => {
  const q = openQuantiser(floatFormat(96000, 2, 64), { bits: 16, dither: 'lipshitz', seed: 1 });
  assert.equal(q.ditherUsed, 'tpdf');
  assert.match(q.report.detail, /plain TPDF used/);
  assert.equal(openQuantiser(floatFormat(48000, 2, 64), { bits: 16, dither: 'f-weighted', seed: 1 }).ditherUsed, 'f-weighted');
});

test('the same seed gives the same dither; channels get independent streams', () => {
  const fmt = floatFormat(44100, 2, 64);
  const x = new Float64Array(2000).fill(0.3 / 32768);
  const a = openQuantiser(fmt, { bits: 16, dither: 'tpdf', seed: 5 }).process(floatBlock(fmt, x.slice()));
  const b = openQuantiser(fmt, { bits: 16, dither: 'tpdf', seed: 5 }).process(floatBlock(fmt, x.slice()));
  assert.deepEqual(a, b);
  const s = a.kind === 'int' ? a.samples : new Int32Array(0);
  let same = 0;
  for (let i = 0; i < s.length; i += 2) if (s[i] === s[i + 1]) same++;
  assert.ok(same < 0.8 * (s.length / 2), `left and right agree on ${same} of ${s.length / 2}`);
});
