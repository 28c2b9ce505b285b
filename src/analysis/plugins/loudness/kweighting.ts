// BS.1770-4 K-weighting for any sample rate (shared/specs/analysis.md §2.1): a high shelf and the
// RLB high-pass, derived from the analogue prototypes so 44.1 kHz, 96 kHz... are as exact as the
// 48 kHz table of the recommendation (which these formulas reproduce).

/** One biquad: y = b0·x + b1·x[-1] + b2·x[-2] − a1·y[-1] − a2·y[-2]. */
export interface Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/** The two K-weighting stages (shelf, then high-pass) for `rate`. */
export function kWeightingBiquads(rate: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / rate);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  const a0 = 1 + K / Q + K * K;
  const shelf: Biquad = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / rate);
  const d = 1 + K / Q + K * K;
  // The RLB numerator is [1, −2, 1], not normalised (as in the recommendation and libebur128).
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / d, a2: (1 - K / Q + K * K) / d };
  return [shelf, highPass];
}

const DBL_MIN = 2.2250738585072014e-308;

/**
 * K-weighting filter state for one channel (two transposed direct-form II biquads, double).
 * `process` filters a strided run of samples and adds `weight · y²` into `acc`.
 */
export class KWeightingFilter {
  private s1 = 0;
  private s2 = 0;
  private t1 = 0;
  private t2 = 0;
  private readonly p: number[];

  constructor(rate: number) {
    const [a, b] = kWeightingBiquads(rate);
    this.p = [a.b0, a.b1, a.b2, a.a1, a.a2, b.a1, b.a2];
  }

  /**
   * Filters x[offset], x[offset+stride], … (`frames` values) and adds weight·y² to acc[0..frames).
   * Subnormal state values are flushed to zero afterwards (JS cannot set FTZ; spec §2.1).
   */
  process(x: Float64Array, offset: number, stride: number, frames: number, weight: number, acc: Float64Array): void {
    const [b0, b1, b2, a1, a2, c1, c2] = this.p as [number, number, number, number, number, number, number];
    let s1 = this.s1, s2 = this.s2, t1 = this.t1, t2 = this.t2;
    for (let i = 0, k = offset; i < frames; i++, k += stride) {
      const v = x[k]!;
      const u = b0 * v + s1;
      s1 = b1 * v - a1 * u + s2;
      s2 = b2 * v - a2 * u;
      const y = u + t1;
      t1 = -2 * u - c1 * y + t2;
      t2 = u - c2 * y;
      acc[i]! += weight * y * y;
    }
    this.s1 = Math.abs(s1) < DBL_MIN ? 0 : s1;
    this.s2 = Math.abs(s2) < DBL_MIN ? 0 : s2;
    this.t1 = Math.abs(t1) < DBL_MIN ? 0 : t1;
    this.t2 = Math.abs(t2) < DBL_MIN ? 0 : t2;
  }
}
