// bs2b against libbs2b 3.1.0's vectors in dsp.md section 5: coefficients, impulse responses and
// the frequency-response figures, for each preset and rate given.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BS2B_PRESETS, Bs2b, bs2bCoefficients } from '../../../../src/dsp/plugins/crossfeed/bs2b.ts';
import type { Bs2bPreset } from '../../../../src/dsp/plugins/crossfeed/bs2b.ts';

interface Vector {
  preset: Bs2bPreset; rate: number;
  a0Lo: number; b1Lo: number; a0Hi: number; a1Hi: number; gain: number;
  impulse: [number, number][];
}

// dsp.md 5, "[measured] test vectors".
const vectors: Vector[] = [
  { preset: 'default', rate: 44100, a0Lo: 0.043637767880430861, b1Lo: 0.90507895127087923, a0Hi: 0.96984456197866231, a1Hi: -0.86786013631946601, gain: 0.81200566346171699,
    impulse: [[0.787519277004, 0.0354341146597], [-0.021250758689, 0.0320706713354]] },
  { preset: 'cmoy', rate: 44100, a0Lo: 0.037788750135520903, b1Lo: 0.90507895127087923, a0Hi: 0.97332505730850705, a1Hi: -0.8703033318368556, gain: 0.83861984940563672,
    impulse: [[0.816249712983, 0.0316903959479], [-0.0194688042624, 0.0286823103299]] },
  { preset: 'jmeier', rate: 44100, a0Lo: 0.025169038912885286, b1Lo: 0.91154956654347907, a0Hi: 0.98198711696928598, a1Hi: -0.88030796167474334, gain: 0.88178622659693651,
    impulse: [[0.865902714439, 0.0221937118501], [-0.0139823822119, 0.0202306684169]] },
  { preset: 'default', rate: 96000, a0Lo: 0.020587142936594891, b1Lo: 0.95521876363538227, a0Hi: 0.98561585360115866, a1Hi: -0.9369692742330985, gain: 0.81200566346171699,
    impulse: [[0.800325655122, 0.016716876659]] },
];

for (const v of vectors) {
  test(`bs2b ${v.preset} @ ${v.rate} Hz: coefficients and impulse equal libbs2b's`, () => {
    const c = bs2bCoefficients(BS2B_PRESETS[v.preset], v.rate);
    for (const key of ['a0Lo', 'b1Lo', 'a0Hi', 'a1Hi', 'gain'] as const) {
      assert.ok(Math.abs(c[key] - v[key]) <= 1e-15, `${key}: ${c[key]} vs ${v[key]}`);
    }
    assert.equal(c.b1Hi, -c.a1Hi);
    const f = new Bs2b(BS2B_PRESETS[v.preset], v.rate);
    const x = new Float64Array(2 * v.impulse.length);
    x[0] = 1;
    f.process(x);
    v.impulse.forEach(([l, r], n) => {
      assert.ok(Math.abs(x[2 * n]! - l) < 1e-12, `n=${n} L ${x[2 * n]} vs ${l}`);
      assert.ok(Math.abs(x[2 * n + 1]! - r) < 1e-12, `n=${n} R ${x[2 * n + 1]} vs ${r}`);
    });
  });
}

/** Steady-state gain in dB of the direct (L->L) and cross (L->R) paths at `hz`, from the impulse response. */
function pathGainsDb(preset: Bs2bPreset, rate: number, hz: number): { direct: number; cross: number; mono: number } {
  const n = 1 << 16;
  const f = new Bs2b(BS2B_PRESETS[preset], rate);
  const x = new Float64Array(2 * n);
  x[0] = 1;
  f.process(x);
  let dr = 0, di = 0, cr = 0, ci = 0;
  for (let i = 0; i < n; i++) {
    const w = (-2 * Math.PI * hz * i) / rate;
    dr += x[2 * i]! * Math.cos(w); di += x[2 * i]! * Math.sin(w);
    cr += x[2 * i + 1]! * Math.cos(w); ci += x[2 * i + 1]! * Math.sin(w);
  }
  const db = (re: number, im: number): number => 10 * Math.log10(re * re + im * im);
  return { direct: db(dr, di), cross: db(cr, ci), mono: db(dr + cr, di + ci) };
}

test('bs2b default @ 44.1 kHz frequency response matches dsp.md 5 (0.01 dB)', () => {
  const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 0.01, `${what}: ${a.toFixed(3)} vs ${b}`);
  const g20 = pathGainsDb('default', 44100, 20);
  near(g20.direct, -4.06, 'direct 20 Hz');
  near(g20.cross, -8.56, 'cross 20 Hz');
  near(g20.mono, 0, 'mono 20 Hz');
  near(pathGainsDb('default', 44100, 700).direct, -3.24, 'direct 700 Hz');
  near(pathGainsDb('default', 44100, 700).cross, -11.57, 'cross 700 Hz');
  near(pathGainsDb('default', 44100, 1000).direct, -2.87, 'direct 1 kHz');
  const g10k = pathGainsDb('default', 44100, 10000);
  near(g10k.direct, -1.96, 'direct 10 kHz');
  near(g10k.cross, -30.93, 'cross 10 kHz');
  near(g10k.mono, -1.75, 'mono 10 kHz');
});

test('bs2b at every standard rate: cross-minus-direct at DC equals the feed level and mono DC gain is 0 dB', () => {
  for (const preset of Object.keys(BS2B_PRESETS) as Bs2bPreset[]) {
    for (const rate of [8000, 11025, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000, 352800, 384000, 705600, 768000]) {
      const c = bs2bCoefficients(BS2B_PRESETS[preset], rate);
      const directDc = (c.gain * (c.a0Hi + c.a1Hi)) / (1 - c.b1Hi);
      const crossDc = (c.gain * c.a0Lo) / (1 - c.b1Lo);
      assert.ok(Math.abs(20 * Math.log10(crossDc / directDc) + BS2B_PRESETS[preset].feed / 10) < 1e-9, `${preset}@${rate} feed`);
      assert.ok(Math.abs(directDc + crossDc - 1) < 1e-12, `${preset}@${rate} mono DC gain ${directDc + crossDc}`);
    }
  }
});

test('bs2b streams block by block like one call, and refuses bad levels and rates', () => {
  const x = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i * 0.3) * (i % 2 ? 0.5 : 1));
  const a = Float64Array.from(x);
  new Bs2b(BS2B_PRESETS.jmeier, 48000).process(a);
  const b = Float64Array.from(x);
  const f = new Bs2b(BS2B_PRESETS.jmeier, 48000);
  f.process(b.subarray(0, 334));
  f.process(b.subarray(334));
  assert.deepEqual(b, a);
  assert.throws(() => bs2bCoefficients({ fcut: 100, feed: 45 }, 44100), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => bs2bCoefficients({ fcut: 700, feed: 200 }, 44100), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => bs2bCoefficients(BS2B_PRESETS.default, 1000), { code: 'E_FORMAT_REFUSED' });
  assert.throws(() => f.process(new Float64Array(3)), { code: 'E_INVALID_ARGUMENT' });
});
