// Direct Form I biquad cascades over interleaved blocks, in place (dsp.md section 1.3).
// A section's recursion is a serial chain (each output needs the previous one), so one section at
// a time runs at the latency of a multiply-add chain. The kernels below run two sections of two
// channels in one pass: four independent chains the CPU overlaps, and the second section's input
// history is the first one's output history (one DF1 state fewer to keep).
//
// Layout: coefficients k[5s..5s+4] = b0 b1 b2 a1 a2 of section s; state st[4s..4s+3] = x1 x2 y1 y2.

/** Below this, IIR state is flushed to zero at the end of a block (section 0, denormals). */
const DENORMAL = 1e-300;

const flush = (v: number) => (Math.abs(v) < DENORMAL ? 0 : v);

/** One section `s` of channel `ch` (stride `C`) over `x`. */
function mono1(x: Float64Array, C: number, ch: number, k: Float64Array, st: Float64Array, s: number): void {
  const p = 5 * s, q = 4 * s;
  const b0 = k[p]!, b1 = k[p + 1]!, b2 = k[p + 2]!, a1 = k[p + 3]!, a2 = k[p + 4]!;
  let x1 = st[q]!, x2 = st[q + 1]!, y1 = st[q + 2]!, y2 = st[q + 3]!;
  for (let i = ch; i < x.length; i += C) {
    const xi = x[i]!;
    const y = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = xi; y2 = y1; y1 = y;
    x[i] = y;
  }
  st[q] = flush(x1); st[q + 1] = flush(x2); st[q + 2] = flush(y1); st[q + 3] = flush(y2);
}

/** Sections `s` and `s+1` of channel `ch` in one pass. */
function mono2(x: Float64Array, C: number, ch: number, k: Float64Array, st: Float64Array, s: number): void {
  const p = 5 * s, q = 4 * s;
  const b0 = k[p]!, b1 = k[p + 1]!, b2 = k[p + 2]!, a1 = k[p + 3]!, a2 = k[p + 4]!;
  const c0 = k[p + 5]!, c1 = k[p + 6]!, c2 = k[p + 7]!, d1 = k[p + 8]!, d2 = k[p + 9]!;
  let x1 = st[q]!, x2 = st[q + 1]!, y1 = st[q + 2]!, y2 = st[q + 3]!, z1 = st[q + 6]!, z2 = st[q + 7]!;
  for (let i = ch; i < x.length; i += C) {
    const xi = x[i]!;
    const y = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    const z = c0 * y + c1 * y1 + c2 * y2 - d1 * z1 - d2 * z2;
    x2 = x1; x1 = xi; y2 = y1; y1 = y; z2 = z1; z1 = z;
    x[i] = z;
  }
  st[q] = flush(x1); st[q + 1] = flush(x2); st[q + 2] = flush(y1); st[q + 3] = flush(y2);
  st[q + 4] = st[q + 2]!; st[q + 5] = st[q + 3]!; st[q + 6] = flush(z1); st[q + 7] = flush(z2);
}

/** Sections `s`, `s+1` of channel `a` and of channel `b` in one pass. */
function duo2(x: Float64Array, C: number, a: number, b: number, ka: Float64Array, sa: Float64Array, kb: Float64Array, sb: Float64Array, s: number): void {
  const p = 5 * s, q = 4 * s;
  const b0 = ka[p]!, b1 = ka[p + 1]!, b2 = ka[p + 2]!, a1 = ka[p + 3]!, a2 = ka[p + 4]!;
  const c0 = ka[p + 5]!, c1 = ka[p + 6]!, c2 = ka[p + 7]!, d1 = ka[p + 8]!, d2 = ka[p + 9]!;
  const e0 = kb[p]!, e1 = kb[p + 1]!, e2 = kb[p + 2]!, f1 = kb[p + 3]!, f2 = kb[p + 4]!;
  const g0 = kb[p + 5]!, g1 = kb[p + 6]!, g2 = kb[p + 7]!, h1 = kb[p + 8]!, h2 = kb[p + 9]!;
  let x1 = sa[q]!, x2 = sa[q + 1]!, y1 = sa[q + 2]!, y2 = sa[q + 3]!, z1 = sa[q + 6]!, z2 = sa[q + 7]!;
  let u1 = sb[q]!, u2 = sb[q + 1]!, v1 = sb[q + 2]!, v2 = sb[q + 3]!, w1 = sb[q + 6]!, w2 = sb[q + 7]!;
  const off = b - a;
  for (let i = a; i < x.length; i += C) {
    const xi = x[i]!, ui = x[i + off]!;
    const y = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    const v = e0 * ui + e1 * u1 + e2 * u2 - f1 * v1 - f2 * v2;
    const z = c0 * y + c1 * y1 + c2 * y2 - d1 * z1 - d2 * z2;
    const w = g0 * v + g1 * v1 + g2 * v2 - h1 * w1 - h2 * w2;
    x2 = x1; x1 = xi; y2 = y1; y1 = y; z2 = z1; z1 = z;
    u2 = u1; u1 = ui; v2 = v1; v1 = v; w2 = w1; w1 = w;
    x[i] = z;
    x[i + off] = w;
  }
  sa[q] = flush(x1); sa[q + 1] = flush(x2); sa[q + 2] = flush(y1); sa[q + 3] = flush(y2);
  sa[q + 4] = sa[q + 2]!; sa[q + 5] = sa[q + 3]!; sa[q + 6] = flush(z1); sa[q + 7] = flush(z2);
  sb[q] = flush(u1); sb[q + 1] = flush(u2); sb[q + 2] = flush(v1); sb[q + 3] = flush(v2);
  sb[q + 4] = sb[q + 2]!; sb[q + 5] = sb[q + 3]!; sb[q + 6] = flush(w1); sb[q + 7] = flush(w2);
}

/** The sections from `from` on of one channel, two at a time. */
function monoFrom(x: Float64Array, C: number, ch: number, k: Float64Array, st: Float64Array, from: number): void {
  const n = k.length / 5;
  let s = from;
  for (; s + 1 < n; s += 2) mono2(x, C, ch, k, st, s);
  if (s < n) mono1(x, C, ch, k, st, s);
}

/**
 * Runs every channel's cascade over the interleaved block `x` (C channels) in place. `coef[ch]`
 * and `state[ch]` follow the layout above; channels may have different numbers of sections.
 */
export function runCascades(x: Float64Array, C: number, coef: readonly Float64Array[], state: readonly Float64Array[]): void {
  for (let a = 0; a < C; a += 2) {
    const b = a + 1;
    if (b >= C) { monoFrom(x, C, a, coef[a]!, state[a]!, 0); break; }
    const pairs = Math.min(coef[a]!.length, coef[b]!.length) / 5;
    let s = 0;
    for (; s + 1 < pairs; s += 2) duo2(x, C, a, b, coef[a]!, state[a]!, coef[b]!, state[b]!, s);
    monoFrom(x, C, a, coef[a]!, state[a]!, s);
    monoFrom(x, C, b, coef[b]!, state[b]!, s);
  }
}
