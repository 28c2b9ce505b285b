// Measurements of dsp.md 4.3 shared by the resampler tests and bench: impulse-response spectrum
// (passband deviation, image rejection), least-squares tone fits (alias rejection, THD+N).

import { fft } from '../../../../src/util/fft.ts';

/** Power of two >= n. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Magnitude response in dB, normalised to DC, of an impulse response `y` sampled at `rate`,
 * zero-padded to at least `minSize` points. Returns dB per bin and the bin width in Hz.
 */
export function responseDb(y: Float64Array, rate: number, minSize = 1 << 16): { db: Float64Array; binHz: number } {
  const n = nextPow2(Math.max(minSize, y.length));
  const re = new Float64Array(n);
  re.set(y);
  const im = new Float64Array(n);
  fft(re, im);
  const db = new Float64Array(n / 2 + 1);
  const dc = Math.hypot(re[0]!, im[0]!);
  for (let k = 0; k <= n / 2; k++) db[k] = 20 * Math.log10(Math.max(Math.hypot(re[k]!, im[k]!) / dc, 1e-30));
  return { db, binHz: rate / n };
}

/** Max minus min of the response over [lo, hi] Hz. */
export function passbandDeviationDb(r: { db: Float64Array; binHz: number }, lo: number, hi: number): number {
  let mx = -Infinity;
  let mn = Infinity;
  for (let k = Math.ceil(lo / r.binHz); k <= Math.floor(hi / r.binHz); k++) {
    mx = Math.max(mx, r.db[k]!);
    mn = Math.min(mn, r.db[k]!);
  }
  return mx - mn;
}

/** Largest response over [lo, hi] Hz, in dB. */
export function maxDb(r: { db: Float64Array; binHz: number }, lo: number, hi: number): number {
  let mx = -Infinity;
  for (let k = Math.ceil(lo / r.binHz); k <= Math.min(Math.floor(hi / r.binHz), r.db.length - 1); k++) mx = Math.max(mx, r.db[k]!);
  return mx;
}

/** Sine of `hz` at `rate`, amplitude `amp`, `n` samples, computed in float64. */
export function sine(hz: number, rate: number, n: number, amp: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

/**
 * Least-squares fit of a*sin + b*cos + c at `hz` over y[from..to). Returns the amplitude, the phase
 * (of A sin(wt + phase), t counted from sample 0), the residual and its RMS (what the fit leaves:
 * harmonics, noise, aliases).
 */
export function fitTone(y: Float64Array, rate: number, hz: number, from: number, to: number): { amplitude: number; phase: number; residualRms: number; residual: Float64Array } {
  const w = (2 * Math.PI * hz) / rate;
  // Normal equations of [s c 1].
  let ss = 0, sc = 0, s1 = 0, cc = 0, c1 = 0, n = 0, ys = 0, yc = 0, y1 = 0;
  for (let i = from; i < to; i++) {
    const s = Math.sin(w * i);
    const c = Math.cos(w * i);
    const v = y[i]!;
    ss += s * s; sc += s * c; s1 += s; cc += c * c; c1 += c; n += 1;
    ys += v * s; yc += v * c; y1 += v;
  }
  const [a, b, d] = solve3([[ss, sc, s1], [sc, cc, c1], [s1, c1, n]], [ys, yc, y1]);
  let res = 0;
  const residual = new Float64Array(to - from);
  for (let i = from; i < to; i++) {
    const e = y[i]! - (a * Math.sin(w * i) + b * Math.cos(w * i) + d);
    residual[i - from] = e;
    res += e * e;
  }
  // a sin(wt) + b cos(wt) = A sin(wt + phase)
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(b, a), residualRms: Math.sqrt(res / (to - from)), residual };
}

function solve3(m: number[][], v: number[]): [number, number, number] {
  const a = m.map((row, i) => [...row, v[i]!]);
  for (let col = 0; col < 3; col++) {
    let piv = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let k = col; k < 4; k++) a[r]![k]! -= f * a[col]![k]!;
    }
  }
  return [a[0]![3]! / a[0]![0]!, a[1]![3]! / a[1]![1]!, a[2]![3]! / a[2]![2]!];
}

/** THD+N of a tone of `hz` in y (full band): residual RMS over fundamental RMS, in dB. */
export function thdPlusNDb(y: Float64Array, rate: number, hz: number, skip: number): number {
  const f = fitTone(y, rate, hz, skip, y.length - skip);
  return 20 * Math.log10(f.residualRms / (f.amplitude / Math.SQRT2));
}

/** Centroid (first moment) of y: the time of an impulse in samples. */
export function centroid(y: Float64Array): number {
  let s = 0;
  let sm = 0;
  for (let i = 0; i < y.length; i++) {
    s += y[i]!;
    sm += i * y[i]!;
  }
  return sm / s;
}
