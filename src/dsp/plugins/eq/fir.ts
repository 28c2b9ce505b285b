// GraphicEQ realisation (dsp.md section 1.6): a minimum-phase FIR designed from the dB curve by
// the cepstral method, run by a uniformly partitioned overlap-save convolver. Output is kept
// time-aligned with the input (output frame n is y[n]); frames of an incomplete block are held
// back until it completes or `flush` ends the stream, so a stream keeps its length and its timing.

import { fft } from '../../../util/fft.ts';

/** Floor of the designed magnitude (dB), as Equalizer APO uses for the cepstrum. */
const FLOOR_DB = -100;

/** FIR length for a rate: 16 384 taps at 44.1/48 kHz, scaled with the rate (power of two, <= 262 144). */
export function graphicFirLength(rate: number): number {
  let n = 16384;
  while (n < 262144 && n * 48000 < 16384 * rate) n *= 2;
  return n;
}

function ifft(re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < im.length; i++) im[i] = -im[i]!;
  fft(re, im);
  const inv = 1 / re.length;
  for (let i = 0; i < re.length; i++) { re[i] = re[i]! * inv; im[i] = -im[i]! * inv; }
}

/**
 * Minimum-phase FIR of `taps` taps (a power of two) whose magnitude follows `gainDb(hz)`:
 * log-magnitude on a 2*taps-bin grid (floored at -100 dB), real cepstrum folded onto positive
 * quefrencies, exponentiated back; the tail half of the impulse response fades out with a half Hann.
 */
export function designMinimumPhaseFir(gainDb: (hz: number) => number, rate: number, taps: number): Float64Array {
  const m = taps * 2;
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  for (let k = 0; k <= m / 2; k++) {
    const db = Math.max(FLOOR_DB, gainDb((k * rate) / m));
    const logMag = (db / 20) * Math.LN10;
    re[k] = logMag;
    if (k > 0 && k < m / 2) re[m - k] = logMag;
  }
  ifft(re, im); // real cepstrum (imaginary part ~0)
  for (let n = 1; n < m / 2; n++) re[n] = re[n]! * 2;
  for (let n = m / 2 + 1; n < m; n++) re[n] = 0;
  im.fill(0);
  fft(re, im);
  for (let k = 0; k < m; k++) {
    const mag = Math.exp(re[k]!);
    const ph = im[k]!;
    re[k] = mag * Math.cos(ph);
    im[k] = mag * Math.sin(ph);
  }
  ifft(re, im);
  const h = re.slice(0, taps);
  const fadeStart = taps / 2;
  for (let n = fadeStart; n < taps; n++) h[n] = h[n]! * 0.5 * (1 + Math.cos((Math.PI * (n - fadeStart)) / (taps - fadeStart)));
  return h;
}

/** Complex response of an FIR at `hz`: [re, im]. */
export function firResponse(h: Float64Array, hz: number, rate: number): [number, number] {
  const w = (2 * Math.PI * hz) / rate;
  let re = 0;
  let im = 0;
  for (let n = 0; n < h.length; n++) { re += h[n]! * Math.cos(w * n); im -= h[n]! * Math.sin(w * n); }
  return [re, im];
}

/**
 * Uniformly partitioned overlap-save convolution of interleaved multichannel audio, one impulse
 * response per channel (null: the channel is only delayed along with the others). Block size B =
 * taps / 32.
 */
export class PartitionedConvolver {
  readonly blockSize: number;
  private readonly fftSize: number;
  private readonly partitions: number;
  /** Per channel: partition spectra, bins 0..B, [p][re/im interleaved]. */
  private readonly irSpectra: (Float64Array[] | null)[];
  /** Per channel: frequency-domain delay line of input spectra (ring of `partitions`). */
  private readonly fdl: Float64Array[][];
  private ringPos = 0;
  /** Per channel: the previous and current input block (2B). */
  private readonly window: Float64Array[];
  private filled = 0;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly accRe: Float64Array;
  private readonly accIm: Float64Array;

  constructor(readonly channels: number, irs: readonly (Float64Array | null)[], taps: number) {
    this.blockSize = Math.max(64, taps / 32);
    this.fftSize = this.blockSize * 2;
    this.partitions = Math.ceil(taps / this.blockSize);
    const B = this.blockSize;
    this.re = new Float64Array(this.fftSize);
    this.im = new Float64Array(this.fftSize);
    this.accRe = new Float64Array(B + 1);
    this.accIm = new Float64Array(B + 1);
    this.irSpectra = irs.map((h) => {
      if (!h) return null;
      const parts: Float64Array[] = [];
      for (let p = 0; p < this.partitions; p++) {
        this.re.fill(0); this.im.fill(0);
        for (let n = 0; n < B && p * B + n < h.length; n++) this.re[n] = h[p * B + n]!;
        fft(this.re, this.im);
        const spec = new Float64Array(2 * (B + 1));
        for (let k = 0; k <= B; k++) { spec[2 * k] = this.re[k]!; spec[2 * k + 1] = this.im[k]!; }
        parts.push(spec);
      }
      return parts;
    });
    this.fdl = irs.map((h) => (h ? Array.from({ length: this.partitions }, () => new Float64Array(2 * (B + 1))) : []));
    this.window = irs.map(() => new Float64Array(this.fftSize));
  }

  /** Frames held back until their block is complete (output is aligned: y[n] comes out for x[n]). */
  get latencyFrames(): number {
    return this.blockSize;
  }

  /** Feeds interleaved frames; returns the interleaved output frames completed so far, in order. */
  process(x: Float64Array): Float64Array {
    const C = this.channels;
    const B = this.blockSize;
    const frames = x.length / C;
    const blocks: Float64Array[] = [];
    let f = 0;
    while (f < frames) {
      const take = Math.min(B - this.filled, frames - f);
      for (let c = 0; c < C; c++) {
        const w = this.window[c]!;
        for (let i = 0; i < take; i++) w[B + this.filled + i] = x[(f + i) * C + c]!;
      }
      this.filled += take;
      f += take;
      if (this.filled === B) {
        blocks.push(this.runBlock());
        this.filled = 0;
      }
    }
    if (blocks.length === 1) return blocks[0]!;
    const all = new Float64Array(blocks.length * B * C);
    blocks.forEach((b, i) => all.set(b, i * B * C));
    return all;
  }

  /** End of stream: the output frames of the input still held (the FIR tail past the end is cut). */
  flush(): Float64Array {
    const C = this.channels;
    const held = this.filled;
    if (held === 0) { this.reset(); return new Float64Array(0); }
    const out = this.process(new Float64Array((this.blockSize - held) * C));
    const tail = out.slice(0, held * C);
    this.reset();
    return tail;
  }

  reset(): void {
    for (const w of this.window) w.fill(0);
    for (const line of this.fdl) for (const s of line) s.fill(0);
    this.filled = 0;
    this.ringPos = 0;
  }

  private runBlock(): Float64Array {
    const C = this.channels;
    const B = this.blockSize;
    const P = this.partitions;
    const out = new Float64Array(B * C);
    this.ringPos = (this.ringPos + P - 1) % P;
    for (let c = 0; c < C; c++) {
      const w = this.window[c]!;
      const ir = this.irSpectra[c];
      if (!ir) {
        for (let i = 0; i < B; i++) out[i * C + c] = w[B + i]!;
      } else {
        const re = this.re, im = this.im;
        re.set(w); im.fill(0);
        fft(re, im);
        const line = this.fdl[c]!;
        const slot = line[this.ringPos]!;
        for (let k = 0; k <= B; k++) { slot[2 * k] = re[k]!; slot[2 * k + 1] = im[k]!; }
        const accRe = this.accRe, accIm = this.accIm;
        accRe.fill(0); accIm.fill(0);
        for (let p = 0; p < P; p++) {
          const xs = line[(this.ringPos + p) % P]!;
          const hs = ir[p]!;
          for (let k = 0; k <= B; k++) {
            const xr = xs[2 * k]!, xi = xs[2 * k + 1]!, hr = hs[2 * k]!, hi = hs[2 * k + 1]!;
            accRe[k] = accRe[k]! + xr * hr - xi * hi;
            accIm[k] = accIm[k]! + xr * hi + xi * hr;
          }
        }
        for (let k = 0; k <= B; k++) { re[k] = accRe[k]!; im[k] = accIm[k]!; }
        for (let k = 1; k < B; k++) { re[2 * B - k] = accRe[k]!; im[2 * B - k] = -accIm[k]!; }
        // Inverse FFT; overlap-save keeps the second half.
        for (let k = 0; k < 2 * B; k++) im[k] = -im[k]!;
        fft(re, im);
        const inv = 1 / (2 * B);
        for (let i = 0; i < B; i++) out[i * C + c] = re[B + i]! * inv;
      }
      w.copyWithin(0, B, 2 * B);
    }
    return out;
  }
}
