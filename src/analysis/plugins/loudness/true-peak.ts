// True peak per BS.1770-4 Annex 2 (shared/specs/analysis.md §2.5): the ITU 48-tap, 4-phase FIR,
// ×4 below 96 kHz, ×2 (phases 0 and 2) below 192 kHz, sample peak from 192 kHz on.

const H0 = [0.001708984375, 0.010986328125, -0.0196533203125, 0.033203125, -0.0594482421875, 0.1373291015625,
  0.97216796875, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500];
const H1 = [-0.0291748046875, 0.029296875, -0.0517578125, 0.0891113281250, -0.1665039062500, 0.4650878906250,
  0.7797851562500, -0.2003173828125, 0.1015625, -0.0582275390625, 0.0330810546875, -0.0189208984375];
const TAPS = 12;

/** The polyphase filters used at `rate` (empty above 192 kHz: the sample peak is the true peak). */
export function truePeakPhases(rate: number): Float64Array[] {
  const h2 = [...H1].reverse();
  const h3 = [...H0].reverse();
  if (rate < 96000) return [H0, H1, h2, h3].map((h) => Float64Array.from(h));
  if (rate < 192000) return [H0, h2].map((h) => Float64Array.from(h));
  return [];
}

/** Streaming true-peak meter for one channel; `peak` is the largest |interpolated sample| so far. */
export class TruePeakChannel {
  peak = 0;
  private readonly phases: Float64Array[];
  /** The last TAPS−1 input samples, newest first (x[n−1] … x[n−11]). */
  private readonly history = new Float64Array(TAPS - 1);

  constructor(rate: number) {
    this.phases = truePeakPhases(rate);
  }

  /** Feeds x[offset], x[offset+stride], … (`frames` values). */
  process(x: Float64Array, offset: number, stride: number, frames: number): void {
    if (this.phases.length === 0) {
      let p = this.peak;
      for (let i = 0, k = offset; i < frames; i++, k += stride) {
        const m = Math.abs(x[k]!);
        if (m > p) p = m;
      }
      this.peak = p;
      return;
    }
    // Phases run one after the other over the block; the delay line lives in local variables
    // (x1 … x11) so the inner loop does one load per sample.
    let p = this.peak;
    const h = this.history;
    for (const c of this.phases) {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!;
      const c6 = c[6]!, c7 = c[7]!, c8 = c[8]!, c9 = c[9]!, c10 = c[10]!, c11 = c[11]!;
      let x1 = h[0]!, x2 = h[1]!, x3 = h[2]!, x4 = h[3]!, x5 = h[4]!, x6 = h[5]!;
      let x7 = h[6]!, x8 = h[7]!, x9 = h[8]!, x10 = h[9]!, x11 = h[10]!;
      for (let i = 0, k = offset; i < frames; i++, k += stride) {
        const x0 = x[k]!;
        const y = c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3 + c4 * x4 + c5 * x5 +
          c6 * x6 + c7 * x7 + c8 * x8 + c9 * x9 + c10 * x10 + c11 * x11;
        if (y > p) p = y;
        else if (-y > p) p = -y;
        x11 = x10; x10 = x9; x9 = x8; x8 = x7; x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = x0;
      }
    }
    this.peak = p;
    // New history: the last 11 inputs, newest first (older history fills in for short blocks).
    const next = new Float64Array(TAPS - 1);
    for (let j = 0; j < TAPS - 1; j++) {
      const i = frames - 1 - j;
      next[j] = i >= 0 ? x[offset + i * stride]! : h[j - frames]!;
    }
    h.set(next);
  }
}
