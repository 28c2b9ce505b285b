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
  private history = new Float64Array(TAPS - 1);
  private buf = new Float64Array(0);

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
    const h = TAPS - 1;
    if (this.buf.length < frames + h) this.buf = new Float64Array(frames + h);
    const buf = this.buf;
    buf.set(this.history, 0);
    for (let i = 0, k = offset; i < frames; i++, k += stride) buf[h + i] = x[k]!;
    let p = this.peak;
    for (const c of this.phases) {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!;
      const c6 = c[6]!, c7 = c[7]!, c8 = c[8]!, c9 = c[9]!, c10 = c[10]!, c11 = c[11]!;
      // y[n] = Σ c[k]·x[n−k]; buf[h + n] is x[n].
      for (let n = h; n < frames + h; n++) {
        const y = c0 * buf[n]! + c1 * buf[n - 1]! + c2 * buf[n - 2]! + c3 * buf[n - 3]! + c4 * buf[n - 4]! + c5 * buf[n - 5]! +
          c6 * buf[n - 6]! + c7 * buf[n - 7]! + c8 * buf[n - 8]! + c9 * buf[n - 9]! + c10 * buf[n - 10]! + c11 * buf[n - 11]!;
        const m = y < 0 ? -y : y;
        if (m > p) p = m;
      }
    }
    this.peak = p;
    this.history = buf.slice(frames, frames + h);
  }
}
