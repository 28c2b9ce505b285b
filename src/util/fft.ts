// Fast Fourier transform (radix-2, in place, per-stage twiddle tables) and the windows analysis and
// DSP tests use. The bit-reversed-order pair serves fast convolution (no permutation pass).

import { AurisError } from './errors.ts';

// Twiddles shared by all sizes: the stage of span `size` uses w^k = e^(-2 pi i k / size), k < size/2,
// stored at index size/2 - 1 + k (sizes 2, 4, 8, ... in turn), and the radix-4 passes w^(3k) for
// k < size/4 at index size/4 - 1 + k (w^(2k) is the table of span size/2).
let twCos = new Float64Array(0);
let twSin = new Float64Array(0);
let tw3Cos = new Float64Array(0);
let tw3Sin = new Float64Array(0);

/** Makes the stage twiddles cover transforms of length n. */
function ensureTwiddles(n: number): void {
  if (twCos.length >= n - 1) return;
  twCos = new Float64Array(n - 1);
  twSin = new Float64Array(n - 1);
  tw3Cos = new Float64Array(n / 2);
  tw3Sin = new Float64Array(n / 2);
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    for (let k = 0; k < half; k++) {
      twCos[half - 1 + k] = Math.cos((2 * Math.PI * k) / size);
      twSin[half - 1 + k] = -Math.sin((2 * Math.PI * k) / size);
    }
    const quarter = size >> 2;
    for (let k = 0; k < quarter; k++) {
      tw3Cos[quarter - 1 + k] = Math.cos((2 * Math.PI * 3 * k) / size);
      tw3Sin[quarter - 1 + k] = -Math.sin((2 * Math.PI * 3 * k) / size);
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

/** The trivial span-2 stage (twiddle 1), the same forward and inverse. */
export function span2Pass(re: Float64Array, im: Float64Array, n: number): void {
  for (let a = 0; a < n; a += 2) {
    const ur = re[a]!, ui = im[a]!, vr = re[a + 1]!, vi = im[a + 1]!;
    re[a] = ur + vr; im[a] = ui + vi;
    re[a + 1] = ur - vr; im[a + 1] = ui - vi;
  }
}

/** The twiddle tables for transforms up to length n (layout above); read-only. */
export function stageTwiddles(n: number): { cos: Float64Array; sin: Float64Array; cos3: Float64Array; sin3: Float64Array } {
  ensureTwiddles(n);
  return { cos: twCos, sin: twSin, cos3: tw3Cos, sin3: tw3Sin };
}

/**
 * One radix-4 decimation-in-frequency pass of span `size` (the radix-2 stages of spans size and
 * size/2) over (re, im)[0..n). The arithmetic every forward implementation must reproduce.
 */
export function forwardRadix4Pass(re: Float64Array, im: Float64Array, n: number, size: number): void {
  const wc = twCos, ws = twSin, w3c = tw3Cos, w3s = tw3Sin;
  const q = size >> 2;
  for (let start = 0; start < n; start += size) {
    for (let k = 0; k < q; k++) {
      const a0 = start + k, a1 = a0 + q, a2 = a1 + q, a3 = a2 + q;
      const x0r = re[a0]!, x0i = im[a0]!, x1r = re[a1]!, x1i = im[a1]!;
      const x2r = re[a2]!, x2i = im[a2]!, x3r = re[a3]!, x3i = im[a3]!;
      const sr = x0r + x2r, si = x0i + x2i, dr = x0r - x2r, di = x0i - x2i;
      const tr = x1r + x3r, ti = x1i + x3i, er = x1r - x3r, ei = x1i - x3i;
      re[a0] = sr + tr; im[a0] = si + ti;
      // (s - t) w^2k; (d - i e) w^k; (d + i e) w^3k
      const w1r = wc[2 * q - 1 + k]!, w1i = ws[2 * q - 1 + k]!;
      const w2r = wc[q - 1 + k]!, w2i = ws[q - 1 + k]!;
      const w3r = w3c[q - 1 + k]!, w3i = w3s[q - 1 + k]!;
      const ur = sr - tr, ui = si - ti;
      re[a1] = ur * w2r - ui * w2i; im[a1] = ur * w2i + ui * w2r;
      const pr = dr + ei, pi = di - er;
      re[a2] = pr * w1r - pi * w1i; im[a2] = pr * w1i + pi * w1r;
      const mr = dr - ei, mi = di + er;
      re[a3] = mr * w3r - mi * w3i; im[a3] = mr * w3i + mi * w3r;
    }
  }
}

/**
 * One radix-4 decimation-in-time pass of span `size` (the radix-2 stages of spans size/2 and size)
 * with conjugate twiddles, over (re, im)[0..n). The arithmetic every inverse must reproduce.
 */
export function inverseRadix4Pass(re: Float64Array, im: Float64Array, n: number, size: number): void {
  const wc = twCos, ws = twSin, w3c = tw3Cos, w3s = tw3Sin;
  const q = size >> 2;
  for (let start = 0; start < n; start += size) {
    for (let k = 0; k < q; k++) {
      const a0 = start + k, a1 = a0 + q, a2 = a1 + q, a3 = a2 + q;
      // B = x1 w^-2k, C = x2 w^-k, D = x3 w^-3k (w^-j = cos + i sin of the table's -sin).
      const c1 = wc[2 * q - 1 + k]!, s1 = ws[2 * q - 1 + k]!;
      const c2 = wc[q - 1 + k]!, s2 = ws[q - 1 + k]!;
      const c3 = w3c[q - 1 + k]!, s3 = w3s[q - 1 + k]!;
      const ar = re[a0]!, ai = im[a0]!;
      const x1r = re[a1]!, x1i = im[a1]!, x2r = re[a2]!, x2i = im[a2]!, x3r = re[a3]!, x3i = im[a3]!;
      const br = x1r * c2 + x1i * s2, bi = x1i * c2 - x1r * s2;
      const cr = x2r * c1 + x2i * s1, ci = x2i * c1 - x2r * s1;
      const dr = x3r * c3 + x3i * s3, di = x3i * c3 - x3r * s3;
      const sr = ar + br, si = ai + bi, tr = ar - br, ti = ai - bi;
      const ur = cr + dr, ui = ci + di, vr = cr - dr, vi = ci - di;
      re[a0] = sr + ur; im[a0] = si + ui;
      re[a2] = sr - ur; im[a2] = si - ui;
      // A - B +/- i (C - D)
      re[a1] = tr - vi; im[a1] = ti + vr;
      re[a3] = tr + vi; im[a3] = ti - vr;
    }
  }
}

/**
 * In-place forward DFT of (re, im)[0..n), n a power of two, with the result in bit-reversed order
 * (decimation in frequency): bin k lands at index bitreverse(k). No scaling. With
 * `inverseBitReversed` this convolves without any permutation (multiply spectra index by index).
 * Radix-4 passes (two radix-2 stages each, same order of results), a last radix-2 one if log2 n is odd.
 */
export function forwardBitReversed(re: Float64Array, im: Float64Array, n = re.length): void {
  checkLength(re, im, n);
  if (n < 2) return;
  ensureTwiddles(n);
  let size = n;
  for (; size >= 4; size >>= 2) forwardRadix4Pass(re, im, n, size);
  if (size === 2) span2Pass(re, im, n);
}

/**
 * In-place inverse DFT of a spectrum in bit-reversed order (as `forwardBitReversed` leaves it),
 * result in natural order: x[t] = sum X[k] e^(+2 pi i k t / n), no 1/n scaling.
 */
export function inverseBitReversed(re: Float64Array, im: Float64Array, n = re.length): void {
  checkLength(re, im, n);
  if (n < 2) return;
  ensureTwiddles(n);
  let size = 4;
  if ((Math.log2(n) & 1) === 1) {
    span2Pass(re, im, n);
    size = 8;
  }
  for (; size <= n; size <<= 2) inverseRadix4Pass(re, im, n, size);
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
