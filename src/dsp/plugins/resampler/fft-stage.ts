// A 1:2 or 2:1 resampler stage with a long filter, convolved by FFT (overlap-save): the sharp
// stage of the cascade (dsp.md 4.2 "Multistage option"), where the transition band is narrow and
// a time-domain filter would cost hundreds of multiply-adds per output. Same contract and same
// arithmetic meaning as PolyphaseResampler on the same design (output m at input time m*M/L,
// leads, flush to an exact length), so the cascade treats both alike.
//
// Two channels share one complex transform (one in the real part, one in the imaginary part: the
// filter is real, so they never mix). Upsampling: the N-point spectrum of an input block, repeated
// twice, is the spectrum of the block with zeros stuffed between samples; multiplied by the
// filter's 2N-point spectrum and transformed back it gives 2N outputs. Downsampling: the N-point
// product folded onto N/2 bins (X[k] + X[k + N/2]) transforms back to every second output. Both
// spectra stay in bit-reversed order (forward by decimation in frequency, inverse by decimation
// in time), where repeating is "each bin twice" and folding is "sum of neighbours".

import { AurisError } from '../../../util/errors.ts';
import { forwardBitReversed } from '../../../util/fft.ts';
import { SimdFft } from '../../fft-simd.ts';
import type { PolyphaseDesign } from './design.ts';

/** Input frames appended to the history per step beyond one transform; bounds memory. */
const CHUNK_FRAMES = 8192;

/**
 * Transforms per size, shared by every stage of this thread: their arrays are scratch, filled and
 * read within one block (nothing is kept across calls), and building one costs about a millisecond.
 */
const sharedFfts = new Map<number, SimdFft>();

function sharedFft(size: number): SimdFft {
  let f = sharedFfts.get(size);
  if (!f) {
    f = new SimdFft(size, 2);
    sharedFfts.set(size, f);
  }
  return f;
}

/** True when `design` is a 1:2 or 2:1 stage, the kind this class runs. */
export function isFftStageDesign(design: PolyphaseDesign): boolean {
  return (design.up === 2 && design.down === 1) || (design.up === 1 && design.down === 2);
}

/** A stage's filter as the FFT stage uses it: spectrum and the valid window of a block's result. */
interface FilterSpectrum {
  /** Transform size at the higher rate. */
  readonly size: number;
  /** Filter spectrum (bit-reversed, scaled by the inverse transform's 1/size); read-only. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** First and last index of a block's circular result where it equals the linear one. */
  readonly firstValid: number;
  readonly lastValid: number;
}

/** Spectra by design: a player opens a stage per track, and the transform costs about a millisecond. */
const spectra = new WeakMap<PolyphaseDesign, FilterSpectrum>();

/** The FFT stage's view of `design` (a 1:2 or 2:1 design), computed once per design. */
function filterSpectrum(design: PolyphaseDesign): FilterSpectrum {
  const cached = spectra.get(design);
  if (cached) return cached;
  const upsampling = design.up === 2;
  const taps = design.taps;
  // The filter g[d] at the higher rate, d = -offset .. length-offset-1. Upsampling: output m
  // = sum_t x[t] g[m - 2t]; downsampling: output m = sum_t x[t] g[2m - t]. From the bank:
  // up, coefs[p][k] = g[p + taps - 2 - 2k]; down, coefs[0][k] = g[taps/2 - 1 - k].
  const length = upsampling ? 2 * taps : taps;
  const offset = upsampling ? taps : taps / 2;
  const g = new Float64Array(length);
  if (upsampling) {
    for (let p = 0; p < 2; p++) for (let k = 0; k < taps; k++) g[p + taps - 2 - 2 * k + offset] = design.coefs[p * taps + k]!;
  } else {
    for (let k = 0; k < taps; k++) g[taps / 2 - 1 - k + offset] = design.coefs[k]!;
  }
  // Transform size at the higher rate: 8x the filter keeps the overlap near 1/8 of the work.
  let size = 256;
  while (size < 16 * length) size *= 2;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < length; i++) re[(i - offset + size) % size] = g[i]!;
  forwardBitReversed(re, im, size);
  // The inverse transforms are unscaled: 1/size, both for the 2N-point inverse (up) and for the
  // N/2-point inverse of the fold, which sums two bins of an N-point spectrum (down).
  const scale = 1 / size;
  for (let i = 0; i < size; i++) { re[i]! *= scale; im[i]! *= scale; }
  // Circular = linear where no tap wraps: index m of the result needs g[m - j] for block inputs
  // j (at the higher rate), so m in [length - offset - 1, size - 1 - offset].
  const firstValid = length - offset - 1;
  const lastValid = size - 1 - offset;
  const spectrum = { size, re, im, firstValid, lastValid };
  spectra.set(design, spectrum);
  return spectrum;
}

export class FftStage {
  readonly channels: number;
  readonly design: PolyphaseDesign;
  private readonly upsampling: boolean;
  /** Input frames per transform (N). */
  private readonly blockFrames: number;
  /** Filter spectrum (bit-reversed, scaled by the inverse transform's 1/size). */
  private readonly specRe: Float64Array;
  private readonly specIm: Float64Array;
  /** Valid window of a block's circular result: first and last index where it equals the linear one. */
  private readonly firstValid: number;
  private readonly lastValid: number;
  private readonly history: Float64Array[];
  private readonly capacity: number;
  /** Input time of history[c][0]; frames before time -leadIn are zeros. */
  private historyStart = 0;
  private filled = 0;
  /** Index of the next output (from -leadOut). */
  private nextOut = 0;
  private framesIn = 0;
  private framesOut = 0;
  private out = new Float64Array(0);
  /** Transforms in WebAssembly SIMD (shared scratch): array 0 the input block, array 1 the result. */
  private readonly fft: SimdFft;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;
  private readonly resultRe: Float64Array;
  private readonly resultIm: Float64Array;
  private readonly leadIn: number;
  private readonly leadOut: number;

  /** `leadIn` / `leadOut` as for PolyphaseResampler. */
  constructor(design: PolyphaseDesign, channels: number, options: { leadIn?: number; leadOut?: number } = {}) {
    if (!isFftStageDesign(design)) throw new AurisError('E_INVALID_ARGUMENT', `an FFT stage converts 1:2 or 2:1, not ${design.up}/${design.down}`);
    if (!Number.isInteger(channels) || channels < 1) throw new AurisError('E_INVALID_ARGUMENT', `bad channel count ${channels}`);
    this.design = design;
    this.channels = channels;
    this.upsampling = design.up === 2;
    this.leadIn = options.leadIn ?? 0;
    this.leadOut = options.leadOut ?? 0;
    const spectrum = filterSpectrum(design);
    this.blockFrames = this.upsampling ? spectrum.size / 2 : spectrum.size;
    this.specRe = spectrum.re;
    this.specIm = spectrum.im;
    this.firstValid = spectrum.firstValid;
    this.lastValid = spectrum.lastValid;
    this.capacity = 2 * this.blockFrames + CHUNK_FRAMES + 2;
    this.history = Array.from({ length: channels }, () => new Float64Array(this.capacity));
    this.fft = sharedFft(spectrum.size);
    this.workRe = this.fft.re(0);
    this.workIm = this.fft.im(0);
    this.resultRe = this.fft.re(1);
    this.resultIm = this.fft.im(1);
    this.reset();
  }

  /** Clears all state (seek, new stream); the next input frame is time -leadIn again. */
  reset(): void {
    this.nextOut = -this.leadOut;
    // History starts at the first block's start, zeros up to time -leadIn.
    const start = Math.min(this.blockStart(this.nextOut), -this.leadIn);
    this.historyStart = start;
    this.filled = -this.leadIn - start;
    // Only the filled part is ever read (the rest is written first), so only it needs zeros.
    for (const h of this.history) h.fill(0, 0, this.filled);
    this.framesIn = 0;
    this.framesOut = 0;
  }

  /** Input time of the first frame of the block that produces output `m` first. */
  private blockStart(m: number): number {
    // Up: output m is result index m - 2s >= firstValid. Down: result index 2m - s >= firstValid, s even.
    if (this.upsampling) return Math.floor((m - this.firstValid) / 2);
    return 2 * Math.floor((2 * m - this.firstValid) / 2);
  }

  /** Resamples `frames` interleaved frames; the result is a view valid until the next call. */
  process(input: Float64Array, frames = input.length / this.channels): Float64Array {
    if (!Number.isInteger(frames) || frames < 0 || frames * this.channels > input.length) {
      throw new AurisError('E_INVALID_ARGUMENT', `process: ${frames} frames do not fit an input of ${input.length} samples`);
    }
    this.ensureOut((Math.ceil(((frames + this.capacity) * this.design.up) / this.design.down) + 2 + this.leadOut) * this.channels);
    let produced = 0;
    let offset = 0;
    while (offset < frames) {
      // Compacting copies the history: only when the room left is short of a chunk.
      if (this.capacity - this.filled < CHUNK_FRAMES) this.compact(this.blockStart(this.nextOut));
      const n = Math.min(frames - offset, this.capacity - this.filled);
      this.append(input, offset, n);
      offset += n;
      this.framesIn += n;
      produced = this.run(produced, Infinity, false);
    }
    this.framesOut += produced;
    return this.out.subarray(0, produced * this.channels);
  }

  /** Ends the stream as PolyphaseResampler.flush does (zeros after the last input), then resets. */
  flush(totalFrames?: number): Float64Array {
    const real = Math.max(0, this.framesIn - this.leadIn);
    const target = this.leadOut + (totalFrames ?? Math.round((real * this.design.up) / this.design.down));
    const remaining = Math.max(0, target - this.framesOut);
    this.ensureOut((remaining + 2) * this.channels);
    const produced = this.run(0, remaining, true);
    const result = this.out.subarray(0, produced * this.channels);
    this.reset();
    return result;
  }

  private ensureOut(samples: number): void {
    if (this.out.length < samples) this.out = new Float64Array(Math.max(samples, this.out.length * 2));
  }

  private append(input: Float64Array, frameOffset: number, frames: number): void {
    const ch = this.channels;
    for (let c = 0; c < ch; c++) {
      const h = this.history[c]!;
      let j = frameOffset * ch + c;
      const end = this.filled + frames;
      for (let i = this.filled; i < end; i++, j += ch) h[i] = input[j]!;
    }
    this.filled += frames;
  }

  /** Drops history before input time `from`. */
  private compact(from: number): void {
    const drop = Math.min(from - this.historyStart, this.filled);
    if (drop <= 0) return;
    for (const h of this.history) h.copyWithin(0, drop, this.filled);
    this.filled -= drop;
    this.historyStart += drop;
  }

  /**
   * Runs blocks while their input is in the history (or, with `pad`, treating missing input as
   * zeros) and fewer than `limit` outputs exist; writes from output frame `start`, returns the count.
   */
  private run(start: number, limit: number, pad: boolean): number {
    const N = this.blockFrames;
    const ch = this.channels;
    let produced = start;
    while (produced < limit) {
      const s = this.blockStart(this.nextOut);
      if (s + N - this.historyStart > this.capacity) this.compact(s);
      const end = s + N - this.historyStart; // history index just past the block
      if (end > this.filled) {
        if (!pad) break;
        for (const h of this.history) h.fill(0, this.filled, end);
        this.filled = end;
      }
      const from = s - this.historyStart;
      // Outputs of this block: result indices first..last, one output per index (up) or per two (down).
      const first = this.upsampling ? this.nextOut - 2 * s : 2 * this.nextOut - s;
      const count = Math.min(this.upsampling ? this.lastValid - first + 1 : ((this.lastValid - first) >> 1) + 1, limit - produced);
      for (let c = 0; c < ch; c += 2) {
        this.transformPair(this.history[c]!, c + 1 < ch ? this.history[c + 1]! : null, from);
        const re = this.resultRe, im = this.resultIm;
        // The down result is already decimated: result index i is at i/2.
        let r = this.upsampling ? first : first >> 1;
        let o = produced * ch + c;
        for (let j = 0; j < count; j++, r++, o += ch) {
          this.out[o] = re[r]!;
          if (c + 1 < ch) this.out[o + 1] = im[r]!;
        }
      }
      produced += count;
      this.nextOut += count;
    }
    return produced;
  }

  /** Filters one block of channels a (and b) starting at history index `from` into result*. */
  private transformPair(a: Float64Array, b: Float64Array | null, from: number): void {
    const N = this.blockFrames;
    const xr = this.workRe, xi = this.workIm;
    xr.set(a.subarray(from, from + N));
    if (b) xi.set(b.subarray(from, from + N));
    else xi.fill(0);
    this.fft.forward(0, N);
    const gr = this.specRe, gi = this.specIm, yr = this.resultRe, yi = this.resultIm;
    if (this.upsampling) {
      // Zero-stuffed spectrum in bit-reversed order of size 2N: bin q of X at 2q and 2q+1.
      for (let q = 0, k = 0; q < N; q++, k += 2) {
        const ur = xr[q]!, ui = xi[q]!;
        let wr = gr[k]!, wi = gi[k]!;
        yr[k] = ur * wr - ui * wi;
        yi[k] = ur * wi + ui * wr;
        wr = gr[k + 1]!; wi = gi[k + 1]!;
        yr[k + 1] = ur * wr - ui * wi;
        yi[k + 1] = ur * wi + ui * wr;
      }
      this.fft.inverse(1, 2 * N);
    } else {
      // Product folded onto N/2 bins: bit-reversed neighbours 2q, 2q+1 are k and k + N/2.
      const half = N >> 1;
      for (let q = 0, k = 0; q < half; q++, k += 2) {
        const ar = xr[k]!, ai = xi[k]!, br = xr[k + 1]!, bi = xi[k + 1]!;
        const wr = gr[k]!, wi = gi[k]!, vr = gr[k + 1]!, vi = gi[k + 1]!;
        yr[q] = ar * wr - ai * wi + (br * vr - bi * vi);
        yi[q] = ar * wi + ai * wr + (br * vi + bi * vr);
      }
      this.fft.inverse(1, half);
    }
  }
}
