// Fast Fourier transform (radix-2, in place, per-stage twiddle tables) and the windows analysis and
// DSP tests use. The bit-reversed-order pair serves fast convolution (no permutation pass).

import { AurisError } from './errors.ts';

// Twiddles of every radix-2 stage, shared by all sizes: the stage of span `size` uses
// e^(-2 pi i k / size), k < size/2, stored at index size/2 - 1 + k (sizes 2, 4, 8, ... in turn).
let twCos = new Float64Array(0);
let twSin = new Float64Array(0);

/** Makes the stage twiddles cover transforms of length n. */
function ensureTwiddles(n: number): void {
  if (twCos.length >= n - 1) return;
  twCos = new Float64Array(n - 1);
  twSin = new Float64Array(n - 1);
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    for (let k = 0; k < half; k++) {
      twCos[half - 1 + k] = Math.cos((2 * Math.PI * k) / size);
      twSin[half - 1 + k] = -Math.sin((2 * Math.PI * k) / size);
    }
  }
}

const bitReversals = new Map<number, Uint32Array>();

function bitReversal(n: number): Uint32Array {
  let rev = bitReversals.get(n);
  if (!rev) {
    const bits = Math.log2(n);
    rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      rev[i] = r;
    }
    bitReversals.set(n, rev);
  }
  return rev;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

function checkLength(re: Float64Array, im: Float64Array, n: number): void {
  if (!isPowerOfTwo(n) || re.length < n || im.length < n) throw new AurisError('E_INVALID_ARGUMENT', `fft length must be a power of two within the arrays, got ${n}`);
}

/**
 * In-place forward DFT of (re, im)[0..n), n a power of two, with the result in bit-reversed order
 * (decimation in frequency): bin k lands at index bitreverse(k). No scaling. With
 * `inverseBitReversed` this convolves without any permutation (multiply spectra index by index).
 */
export function forwardBitReversed(re: Float64Array, im: Float64Array, n = re.length): void {
  checkLength(re, im, n);
  if (n < 2) return;
  ensureTwiddles(n);
  const wc = twCos, ws = twSin;
  for (let size = n; size >= 4; size >>= 1) {
    const half = size >> 1;
    const t = half - 1;
    for (let start = 0; start < n; start += size) {
      const end = start + half;
      for (let a = start, k = t; a < end; a++, k++) {
        const b = a + half;
        const ur = re[a]!, ui = im[a]!, vr = re[b]!, vi = im[b]!;
        re[a] = ur + vr;
        im[a] = ui + vi;
        const dr = ur - vr, di = ui - vi, wr = wc[k]!, wi = ws[k]!;
        re[b] = dr * wr - di * wi;
        im[b] = dr * wi + di * wr;
      }
    }
  }
  for (let a = 0; a < n; a += 2) {
    const ur = re[a]!, ui = im[a]!, vr = re[a + 1]!, vi = im[a + 1]!;
    re[a] = ur + vr; im[a] = ui + vi;
    re[a + 1] = ur - vr; im[a + 1] = ui - vi;
  }
}

/**
 * In-place inverse DFT of a spectrum in bit-reversed order (as `forwardBitReversed` leaves it),
 * result in natural order: x[t] = sum X[k] e^(+2 pi i k t / n), no 1/n scaling.
 */
export function inverseBitReversed(re: Float64Array, im: Float64Array, n = re.length): void {
  checkLength(re, im, n);
  if (n < 2) return;
  ensureTwiddles(n);
  const wc = twCos, ws = twSin;
  for (let a = 0; a < n; a += 2) {
    const ur = re[a]!, ui = im[a]!, vr = re[a + 1]!, vi = im[a + 1]!;
    re[a] = ur + vr; im[a] = ui + vi;
    re[a + 1] = ur - vr; im[a + 1] = ui - vi;
  }
  for (let size = 4; size <= n; size <<= 1) {
    const half = size >> 1;
    const t = half - 1;
    for (let start = 0; start < n; start += size) {
      const end = start + half;
      for (let a = start, k = t; a < end; a++, k++) {
        const b = a + half;
        const wr = wc[k]!, wi = -ws[k]!;
        const br = re[b]!, bi = im[b]!;
        const tr = br * wr - bi * wi, ti = br * wi + bi * wr;
        const ar = re[a]!, ai = im[a]!;
        re[b] = ar - tr; im[b] = ai - ti;
        re[a] = ar + tr; im[a] = ai + ti;
      }
    }
  }
}

/**
 * In-place forward DFT of the complex sequence (re, im), length a power of two:
 * X[k] = sum x[n] e^(-2 pi i k n / N). No scaling.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (!isPowerOfTwo(n) || im.length !== n) throw new AurisError('E_INVALID_ARGUMENT', `fft length must be a power of two, got ${n}`);
  if (n === 1) return;
  forwardBitReversed(re, im, n);
  const rev = bitReversal(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      let t = re[i]!; re[i] = re[j]!; re[j] = t;
      t = im[i]!; im[i] = im[j]!; im[j] = t;
    }
  }
}

/** Power spectrum |X[k]|^2 for k = 0..N/2 of a real signal (length a power of two). */
export function powerSpectrum(signal: Float64Array): Float64Array {
  const n = signal.length;
  const re = Float64Array.from(signal);
  const im = new Float64Array(n);
  fft(re, im);
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
  return out;
}

/** Hann window of length n (periodic form, for spectral analysis). */
export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/**
 * Blackman-Harris 7-term window (sidelobes near -180 dB), for measurements that must see far below
 * -170 dB (resampler image rejection, THD+N). Coefficients of the 7-term minimum-sidelobe window.
 */
export function blackmanHarris7Window(n: number): Float64Array {
  const a = [0.27105140069342, 0.43329793923448, 0.21812299954311, 0.06592544638803, 0.01081174209837, 0.00077658482522, 0.00001388721735];
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 0; k < a.length; k++) v += (k % 2 === 0 ? 1 : -1) * a[k]! * Math.cos((2 * Math.PI * k * i) / n);
    w[i] = v;
  }
  return w;
}
