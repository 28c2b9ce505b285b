// Resampler quality against dsp.md 4.3 and against `sox -D ... rate -v` measured the same way on
// the same input: passband deviation to 0.91 of the lower Nyquist, image and alias rejection,
// THD+N of a 1 kHz tone, output length and time alignment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { designPolyphase } from '../../../../src/dsp/plugins/resampler/design.ts';
import { PolyphaseResampler } from '../../../../src/dsp/plugins/resampler/polyphase.ts';
import { FftStage } from '../../../../src/dsp/plugins/resampler/fft-stage.ts';
import { CascadeResampler, planResampler } from '../../../../src/dsp/plugins/resampler/cascade.ts';
import { needTools, run } from '../../../helpers/tools.ts';
import { centroid, fitTone, maxDb, passbandDeviationDb, responseDb, sine, thdPlusNDb } from './measure.ts';

/** Auris over a mono signal, fed in uneven blocks, flushed at the end. */
function auris(x: Float64Array, fin: number, fout: number): Float64Array {
  const r = new CascadeResampler(planResampler(fin, fout), 1);
  const parts: Float64Array[] = [];
  for (let i = 0, b = 1000; i < x.length; i += b, b = b === 1000 ? 4093 : 1000) parts.push(Float64Array.from(r.process(x.subarray(i, Math.min(x.length, i + b)))));
  parts.push(Float64Array.from(r.flush()));
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function sox(x: Float64Array, fin: number, fout: number): Float64Array {
  const bytes = run('sox', ['-D', '-t', 'f64', '-r', String(fin), '-c', '1', '-', '-t', 'f64', '-', 'rate', '-v', String(fout)], {
    input: new Uint8Array(x.buffer, x.byteOffset, x.byteLength),
  });
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

interface Metrics { passbandDb: number; rejectionDb: number; thdnDb: number }

const fmt = (m: Metrics): string => `passband ${m.passbandDb.toExponential(2)} dB, rejection ${Number.isFinite(m.rejectionDb) ? `${m.rejectionDb.toFixed(1)} dB` : 'total (output exactly zero)'}, THD+N ${m.thdnDb.toFixed(1)} dB`;

/** dsp.md 4.3 tests 1, 2/3 and 4 for one conversion, with resampler `rs`. */
function measure(rs: (x: Float64Array, fin: number, fout: number) => Float64Array, fin: number, fout: number): Metrics {
  const nyq = Math.min(fin, fout) / 2;
  // 1. Impulse in the middle; response normalised to DC.
  const nImp = 8192;
  const imp = new Float64Array(nImp);
  imp[nImp / 2] = 0.5;
  const resp = responseDb(rs(imp, fin, fout), fout);
  const passbandDb = passbandDeviationDb(resp, 10, 0.91 * nyq);
  let rejectionDb: number;
  if (fout > fin) {
    // 2. Images: everything between the input Nyquist and the output Nyquist.
    rejectionDb = maxDb(resp, nyq, fout / 2);
  } else {
    // 3. Aliases: -1 dBFS tones above the output Nyquist, amplitude fitted at fout - tone.
    rejectionDb = -Infinity;
    const tones = [0.5 * (nyq + fin / 2), nyq * 1.02 + 100].filter((f) => f < fin / 2);
    for (const tone of tones) {
      const n = Math.round(fin * 0.25);
      const y = rs(sine(tone, fin, n, 0.891), fin, fout);
      const skip = Math.round(fout * 0.03);
      const alias = fout - tone;
      const a = fitTone(y, fout, alias, skip, y.length - skip).amplitude;
      rejectionDb = Math.max(rejectionDb, 20 * Math.log10(a / 0.891));
    }
  }
  // 4. THD+N of 1 kHz at -1 dBFS, ends dropped.
  const y = rs(sine(1000, fin, Math.round(fin * 0.3), 0.891), fin, fout);
  const thdnDb = thdPlusNDb(y, fout, 1000, Math.round(fout * 0.05));
  return { passbandDb, rejectionDb, thdnDb };
}

const conversions: [number, number][] = [[44100, 48000], [48000, 44100], [44100, 96000], [96000, 44100], [192000, 44100], [44100, 768000], [768000, 44100]];

for (const [fin, fout] of conversions) {
  test(`resampler ${fin} -> ${fout} Hz meets VHQ (passband, rejection, THD+N) and is reported against sox -v`, (t) => {
    const a = measure(auris, fin, fout);
    let ref = 'sox not measured';
    if (needTools(t, 'sox')) ref = `sox -v: ${fmt(measure(sox, fin, fout))}`;
    const msg = `Auris: ${fmt(a)}; ${ref}`;
    t.diagnostic(msg);
    assert.ok(a.passbandDb <= 0.01, `passband deviation: ${msg}`);
    assert.ok(a.rejectionDb <= -170, `image/alias rejection: ${msg}`);
    assert.ok(a.thdnDb <= -170, `THD+N: ${msg}`);
  });
}

test('resampler output length is round(n*L/M) and an impulse at input n lands at output n*L/M', () => {
  for (const [fin, fout] of [[44100, 48000], [96000, 44100], [44100, 768000], [768000, 44100], [48000, 8000], [8000, 44100], [11025, 768000]] as const) {
    for (const len of [1, 2, 3, 147, 1000, 4099]) {
      assert.equal(auris(new Float64Array(len), fin, fout).length, Math.round((len * fout) / fin), `${fin}->${fout}, ${len} frames`);
    }
    // 50 ms with the impulse in the middle: room for the whole response at every ratio.
    const n = Math.round(fin * 0.025);
    const x = new Float64Array(2 * n);
    x[n] = 1;
    const c = centroid(auris(x, fin, fout));
    assert.ok(Math.abs(c - (n * fout) / fin) < 0.01, `${fin}->${fout}: impulse at ${n} landed at ${c}, expected ${(n * fout) / fin}`);
    // First input sample is time 0 of the output: an impulse at 0 peaks at output 0.
    const y0 = auris(Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0), fin, fout);
    const peak = y0.reduce((best, v, i) => (Math.abs(v) > Math.abs(y0[best]!) ? i : best), 0);
    assert.equal(peak, 0, `${fin}->${fout}: impulse at input 0 should peak at output 0`);
  }
});

test('resampler streams: any block split gives the same samples; stereo channels stay independent; reset restarts', () => {
  const x = new Float64Array(2 * 5000);
  for (let i = 0; i < 5000; i++) { x[2 * i] = Math.sin(i * 0.01); x[2 * i + 1] = i === 100 ? 1 : 0; }
  for (const [fin, fout] of [[44100, 48000], [48000, 44100], [44100, 192000], [192000, 44100]] as const) {
    const plan = planResampler(fin, fout);
    const one = new CascadeResampler(plan, 2);
    const whole = Float64Array.from([...one.process(x), ...one.flush()]);
    const split = new CascadeResampler(plan, 2);
    split.process(Float64Array.from({ length: 2 * 20000 }, (_, i) => Math.cos(i))); // garbage filling every stage's history, then reset (a seek)
    split.reset();
    const parts: number[] = [];
    for (let i = 0, b = 1; i < 5000; i += b, b = (b * 7) % 1013 + 1) parts.push(...split.process(x.subarray(2 * i, 2 * Math.min(5000, i + b))));
    parts.push(...split.flush());
    assert.equal(parts.length, whole.length);
    assert.deepEqual(Float64Array.from(parts), whole, `${fin} -> ${fout}: split differs`);
    // Two channels share one complex transform in the FFT stage, so the partner enters only at
    // the rounding of float64 (2^-52 of the block's peak), never as signal.
    const mono = auris(Float64Array.from({ length: 5000 }, (_, i) => (i === 100 ? 1 : 0)), fin, fout);
    assert.equal(mono.length * 2, whole.length);
    let worst = 0;
    for (let i = 0; i < mono.length; i++) worst = Math.max(worst, Math.abs(whole[2 * i + 1]! - mono[i]!));
    assert.ok(worst < 1e-14, `${fin} -> ${fout}: channel 1 differs from the mono run by ${worst}`);
  }
});

test('resampler design matches dsp.md 4.2 sizes and refuses what it cannot do', () => {
  const a = designPolyphase(44100, 48000);
  assert.deepEqual([a.up, a.down, a.taps], [160, 147, 264]);
  const b = designPolyphase(96000, 44100);
  assert.deepEqual([b.up, b.down, b.taps], [147, 320, 574]);
  const c = designPolyphase(44100, 768000);
  assert.deepEqual([c.up, c.down], [2560, 147]);
  assert.throws(() => designPolyphase(44100, 44100), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => designPolyphase(44100, 44101), { code: 'E_FORMAT_REFUSED' });
  assert.throws(() => designPolyphase(0, 48000), { code: 'E_INVALID_ARGUMENT' });
});

test('the FFT stage gives the time-domain result of the same 1:2 and 2:1 designs, with leads, any channel count and split', () => {
  const feed = (r: { process(x: Float64Array): Float64Array; flush(): Float64Array }, x: Float64Array, ch: number, sizes: number[]) => {
    const parts: number[] = [];
    for (let i = 0, b = 0; i < x.length / ch; b++) {
      const n = Math.min(sizes[b % sizes.length]!, x.length / ch - i);
      parts.push(...r.process(x.subarray(i * ch, (i + n) * ch)));
      i += n;
    }
    parts.push(...r.flush());
    return Float64Array.from(parts);
  };
  for (const [fin, fout] of [[44100, 88200], [88200, 44100]] as const) {
    const d = designPolyphase(fin, fout);
    for (const ch of [1, 2, 3]) {
      for (const [leadIn, leadOut] of [[0, 0], [5, 0], [0, 7], [3, 12]] as const) {
        const n = 12000;
        const x = Float64Array.from({ length: n * ch }, (_, i) => Math.sin(i * 0.013) + ((i * 7919) % 101) / 300 - 0.15);
        const want = feed(new PolyphaseResampler(d, ch, { leadIn, leadOut }), x, ch, [n]);
        const got = feed(new FftStage(d, ch, { leadIn, leadOut }), x, ch, [1, 333, 4097, 10]);
        assert.equal(got.length, want.length, `${fin}->${fout} ch ${ch} leads ${leadIn}/${leadOut}: length`);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
        assert.ok(worst < 1e-13, `${fin}->${fout} ch ${ch} leads ${leadIn}/${leadOut}: differs by ${worst}`);
      }
    }
  }
});

test('the polyphase kernel computes the dsp.md 4.2 sum, for full banks and for half-band stages whose zero taps it skips', () => {
  const designs = [
    designPolyphase(44100, 48000),
    designPolyphase(96000, 192000, 'vhq', { passbandHz: 22050, stopbandHz: 73950, attenuationDb: 205 }),
    designPolyphase(192000, 96000, 'vhq', { passbandHz: 22050, stopbandHz: 73950, attenuationDb: 205 }),
  ];
  for (const d of designs) {
    const n = 3000;
    const ch = 3;
    const x = Float64Array.from({ length: n * ch }, (_, i) => Math.sin(i * 0.0137) + ((i * 7919) % 101) / 500);
    const r = new PolyphaseResampler(d, ch);
    const got = Float64Array.from([...r.process(x), ...r.flush()]);
    const frames = got.length / ch;
    assert.equal(frames, Math.round((n * d.up) / d.down));
    let worst = 0;
    for (let m = 0; m < frames; m++) {
      // Output m at input time m*M/L = n0 + p/L: y = sum_k x[n0 - taps/2 + 1 + k] coef[p][k].
      const n0 = Math.floor((m * d.down) / d.up);
      const p = m * d.down - n0 * d.up;
      for (let c = 0; c < ch; c++) {
        let y = 0;
        for (let k = 0; k < d.taps; k++) {
          const i = n0 - d.taps / 2 + 1 + k;
          if (i >= 0 && i < n) y += x[i * ch + c]! * d.coefs[p * d.taps + k]!;
        }
        worst = Math.max(worst, Math.abs(got[m * ch + c]! - y));
      }
    }
    assert.ok(worst < 1e-14, `${d.inputRate} -> ${d.outputRate} (${d.up}/${d.down} x ${d.taps}): differs from the direct sum by ${worst}`);
  }
});
