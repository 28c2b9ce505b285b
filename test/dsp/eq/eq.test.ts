// The EQ filter in the time domain, its response function, flat-EQ identity and GraphicEQ FIR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatBlock, intBlock, type AudioBlock } from '../../../src/audio/block.ts';
import { floatFormat, pcmFormat } from '../../../src/audio/format.ts';
import { buildChain } from '../../../src/dsp/chain.ts';
import { prepareFilter } from '../../../src/dsp/registry.ts';
import { eqResponse, prepareEq, responseMaximum, type EqSettings } from '../../../src/dsp/plugins/eq/index.ts';
import { designBiquad, type BiquadBand } from '../../../src/dsp/plugins/eq/biquad.ts';
import { PartitionedConvolver } from '../../../src/dsp/plugins/eq/fir.ts';
import { graphicGainDb } from '../../../src/dsp/plugins/eq/graphic.ts';
import { isAurisError } from '../../../src/util/errors.ts';

/** Amplitude of the `hz` component of x[from..] by least squares on sin/cos. */
function fitAmplitude(x: Float64Array, hz: number, rate: number, from: number, stride = 1, offset = 0): number {
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0;
  for (let n = from; n < x.length / stride; n++) {
    const w = (2 * Math.PI * hz * n) / rate;
    const s = Math.sin(w), c = Math.cos(w), v = x[n * stride + offset]!;
    ss += s * s; cc += c * c; sc += s * c; xs += v * s; xc += v * c;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  return Math.hypot(a, b);
}

/** Runs a mono float signal through `settings` in blocks of `block` frames; returns the output. */
function runEq(settings: EqSettings, x: Float64Array, rate: number, block = 4096, channels = 1): Float64Array {
  const fmt = floatFormat(rate, channels, 64);
  const f = prepareEq(settings).open(fmt);
  const out: Float64Array[] = [];
  for (let i = 0; i < x.length; i += block * channels) {
    const b = f.process(floatBlock(fmt, x.slice(i, Math.min(x.length, i + block * channels))));
    if (b.kind === 'float') out.push(b.samples.slice());
  }
  const tail = f.flush();
  if (tail && tail.kind === 'float') out.push(tail.samples);
  const all = new Float64Array(out.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of out) { all.set(b, o); o += b.length; }
  return all;
}

function sine(hz: number, rate: number, seconds: number, amp = 0.25): Float64Array {
  const n = Math.round(rate * seconds);
  return Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

const db = (x: number) => 20 * Math.log10(x);

for (const [rate, f0, gain, q, seconds] of [
  [44100, 1000, 6, 1, 0.5], [44100, 20, -9, 2, 2], [768000, 20, 6, 1, 1], [768000, 5000, -4.5, 3, 0.2], [44100, 15000, 3, 0.7, 0.3],
] as const) {
  test(`a sine through PK ${f0} Hz ${gain} dB Q${q} at ${rate} Hz has the gain the response predicts (0.01 dB)`, () => {
    const settings: EqSettings = { steps: [{ kind: 'band', band: { type: 'peaking', freq: f0, gainDb: gain, q }, channels: 'all' }] };
    for (const probe of [f0, f0 * 1.7 < rate / 2 ? f0 * 1.7 : f0 / 1.7]) {
      const x = sine(probe, rate, seconds);
      const y = runEq(settings, x, rate, 3001);
      assert.equal(y.length, x.length);
      const from = Math.floor(x.length / 2);
      const measured = db(fitAmplitude(y, probe, rate, from) / fitAmplitude(x, probe, rate, from));
      const predicted = eqResponse(settings, rate, [probe], 0, 1)[0]!.db;
      assert.ok(Math.abs(measured - predicted) < 0.01, `${probe} Hz: measured ${measured} dB, predicted ${predicted} dB`);
      if (probe === f0) assert.ok(Math.abs(predicted - gain) < 1e-9);
    }
  });
}

test('a flat EQ (0 dB preamp, 0 dB bands) is dropped: 16-bit blocks pass bit-perfect, no stage reported', () => {
  const fmt = pcmFormat(44100, 2, 16);
  const eq = prepareFilter('eq', { preampDb: 0, bands: [{ type: 'peaking', freq: 1000, gainDb: 0, q: 1 }, { type: 'lowshelf', freq: 100, gainDb: 0 }] });
  const chain = buildChain([eq, prepareFilter('volume', { db: 0 })], fmt, { output: { kind: 'int', bits: 16 } });
  assert.equal(chain.bitPerfect, true);
  assert.deepEqual(chain.reports, []);
  const block = intBlock(fmt, Int32Array.from({ length: 2000 }, (_, i) => ((i * 40503) % 65536) - 32768));
  const before = block.samples.slice();
  const out = chain.process(block) as AudioBlock;
  assert.equal(out, block);
  assert.deepEqual(block.samples, before);
});

test('a real EQ reports changesSamples and chosenByUser, and its detail', () => {
  const chain = buildChain([prepareFilter('eq', { preampDb: -3, bands: [{ type: 'peaking', freq: 1000, gainDb: 3, q: 1 }] })], pcmFormat(48000, 2, 24), { seed: 1 });
  const eq = chain.reports.find((r) => r.name === 'Parametric EQ');
  assert.ok(eq);
  assert.equal(eq.changesSamples, true);
  assert.equal(eq.chosenByUser, true);
  assert.match(eq.detail, /1 band, preamp -3\.00 dB/);
  assert.equal(chain.reports.at(-1)!.kind, 'dither');
});

test('per-channel bands and preamps act on their channels only', () => {
  const rate = 48000;
  const settings: EqSettings = { steps: [
    { kind: 'preamp', db: -6, channels: 'all' },
    { kind: 'band', band: { type: 'peaking', freq: 1000, gainDb: 6, q: 1 }, channels: ['L'] },
    { kind: 'preamp', db: -1, channels: ['2'] },
  ] };
  const mono = sine(1000, rate, 0.2);
  const x = new Float64Array(mono.length * 2);
  for (let i = 0; i < mono.length; i++) { x[2 * i] = mono[i]!; x[2 * i + 1] = mono[i]!; }
  const y = runEq(settings, x, rate, 1000, 2);
  const from = mono.length / 2;
  const ref = fitAmplitude(mono, 1000, rate, from);
  assert.ok(Math.abs(db(fitAmplitude(y, 1000, rate, from, 2, 0) / ref) - 0) < 0.01);
  assert.ok(Math.abs(db(fitAmplitude(y, 1000, rate, from, 2, 1) / ref) - -7) < 0.01);
  assert.ok(Math.abs(eqResponse(settings, rate, [1000], 1)[0]!.db - -7) < 1e-9);
});

test('auto preamp keeps every channel at or below 0 dB, with the true maximum at DC for a low shelf', () => {
  const settings: EqSettings = { autoPreamp: true, steps: [{ kind: 'band', band: { type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7 }, channels: 'all' }] };
  const r = eqResponse(settings, 44100, [0, 20, 1000]);
  assert.ok(Math.abs(r[0]!.db) < 1e-9, `DC ${r[0]!.db}`);
  assert.ok(r.every((p) => p.db <= 1e-9));
  const peak = responseMaximum((hz) => eqResponse({ steps: [{ kind: 'band', band: { type: 'peaking', freq: 3159, gainDb: 4, q: 6 }, channels: 'all' }] }, 44100, [hz])[0]!.db, 44100);
  assert.ok(Math.abs(peak.db - 4) < 1e-9 && Math.abs(peak.hz - 3159) < 0.5, JSON.stringify(peak));
});

test('the partitioned convolver equals direct convolution, aligned, whatever the block sizes', () => {
  const taps = 2048;
  const h = Float64Array.from({ length: taps }, (_, i) => Math.exp(-i / 200) * Math.cos(i * 0.3));
  const conv = new PartitionedConvolver(2, [h, null], taps);
  const n = 5000;
  const x = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(i * 0.0123) + ((i * 7) % 13) / 13 - 0.5);
  const parts: Float64Array[] = [];
  for (const [a, b] of [[0, 17], [17, 1000], [1000, 1001], [1001, 4999], [4999, 5000]] as const) parts.push(conv.process(x.slice(2 * a, 2 * b)));
  parts.push(conv.flush());
  const y = new Float64Array(2 * n);
  let o = 0;
  for (const p of parts) { y.set(p, o); o += p.length; }
  assert.equal(o, 2 * n);
  for (let i = 0; i < n; i += 7) {
    let acc = 0;
    for (let k = 0; k < taps && k <= i; k++) acc += h[k]! * x[2 * (i - k)]!;
    assert.ok(Math.abs(y[2 * i]! - acc) < 1e-9, `frame ${i}: ${y[2 * i]} vs ${acc}`);
    assert.equal(y[2 * i + 1], x[2 * i + 1]);
  }
});

test('GraphicEQ: a sine comes out with the curve gain (0.05 dB), output keeps its length', () => {
  const rate = 44100;
  const nodes = [{ hz: 20, db: -3.5 }, { hz: 21, db: -3.4 }, { hz: 40, db: 0 }, { hz: 1000, db: 0 }, { hz: 4000, db: -6 }];
  const settings: EqSettings = { steps: [{ kind: 'graphic', nodes, channels: 'all' }] };
  for (const hz of [30, 2000, 8000]) {
    const x = sine(hz, rate, 1);
    const y = runEq(settings, x, rate, 1234);
    assert.equal(y.length, x.length);
    const from = 20000;
    const measured = db(fitAmplitude(y, hz, rate, from) / fitAmplitude(x, hz, rate, from));
    assert.ok(Math.abs(measured - graphicGainDb(nodes, hz)) < 0.05, `${hz} Hz: ${measured} vs ${graphicGainDb(nodes, hz)}`);
  }
});

test('a band above Nyquist is refused when opened at that rate', () => {
  const eq = prepareFilter('eq', { bands: [{ type: 'peaking', freq: 30000, gainDb: 3, q: 1 }] });
  assert.throws(() => eq.open(floatFormat(44100, 2, 64)), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  assert.equal(eq.open(floatFormat(96000, 2, 64)).identity, false);
});

test('the fused cascade kernels give exactly the plain DF1 result, channels with different band counts, any block split', () => {
  const rate = 48000;
  const mk = (f: number, g: number): BiquadBand => ({ type: 'peaking', freq: f, gainDb: g, q: 1.5 });
  // 12 bands: passes of several sections and a partial last pass; 0 to 12 bands across channels.
  const many = Array.from({ length: 12 }, (_, i) => mk(40 * 1.6 ** i, i % 2 === 0 ? 3 : -2));
  const sets: BiquadBand[][] = [
    [mk(50, 3), mk(200, -2), mk(1000, 4), mk(5000, -6), { type: 'highpass', freq: 30, gainDb: 0 }],
    [mk(100, 6), { type: 'lowshelf', freq: 300, gainDb: -3 }],
    [mk(70, 2), mk(700, 2), mk(7000, 2)],
    many,
    [],
  ];
  const layouts = [[0, 1, 2], [3, 0], [3], [2, 3, 4, 1]];
  for (const layout of layouts) {
    const C = layout.length;
    const perChannel = layout.map((i) => sets[i]!);
    const names = ['1', '2', '3', '4'];
    const settings: EqSettings = { steps: perChannel.flatMap((bs, ch) => bs.map((band) => ({ kind: 'band' as const, band, channels: [names[ch]!] }))) };
    const frames = 5000;
    const x = Float64Array.from({ length: frames * C }, (_, i) => Math.sin(i * 0.37) * 0.5 + ((i * 7919) % 101) / 1000);
    const want = x.slice();
    perChannel.forEach((bands, ch) => {
      for (const band of bands) {
        const c = designBiquad(band, rate);
        let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (let i = ch; i < want.length; i += C) {
          const xi = want[i]!;
          const y = c.b0 * xi + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2;
          x2 = x1; x1 = xi; y2 = y1; y1 = y; want[i] = y;
        }
      }
    });
    for (const block of [1, 777, 4096, frames]) assert.deepEqual(runEq(settings, x, rate, block, C), want, `layout ${layout.join(',')}, blocks of ${block}`);
  }
});
