// Test signals for the authenticity checks: seeded pink noise, TPDF quantisation, FFT brick walls
// and FFT resampling (shared/specs/analysis.md §3 test-vector recipes).
import { fft } from '../../../../src/util/fft.ts';
import { uniform } from '../../../helpers/signals.ts';

/** Deterministic uniform [0, 1) generator. */
export const random = uniform;

/** Pink noise (Paul Kellet's refined filter on white noise), scaled to `peak`. */
export function pinkNoise(frames: number, peak: number, seed = 1): Float64Array {
  const rnd = random(seed);
  const out = new Float64Array(frames);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < frames; i++) {
    const w = rnd() * 2 - 1;
    b0 = 0.99886 * b0 + w * 0.0555179; b1 = 0.99332 * b1 + w * 0.0750759; b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856; b4 = 0.55 * b4 + w * 0.5329522; b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  let m = 0;
  for (const v of out) m = Math.max(m, Math.abs(v));
  for (let i = 0; i < frames; i++) out[i]! *= peak / m;
  return out;
}

/** Quantises [-1, 1) floats to `bits`-bit integers with TPDF dither of ±1 LSB, clipped. */
export function quantise(x: Float64Array, bits: number, seed = 7): Int32Array {
  const rnd = random(seed);
  const scale = 2 ** (bits - 1);
  const out = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round(x[i]! * scale + rnd() - rnd());
    out[i] = Math.max(-scale, Math.min(scale - 1, v));
  }
  return out;
}

/** Zeroes every spectral component at or above `hz` (length must be a power of two). */
export function brickWall(x: Float64Array, rate: number, hz: number): Float64Array {
  const n = x.length;
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  fft(re, im);
  const k0 = Math.ceil((hz * n) / rate);
  for (let k = k0; k <= n - k0; k++) { re[k] = 0; im[k] = 0; }
  return inverse(re, im);
}

/** Band-limited upsampling by an integer factor: zero-padding the spectrum. */
export function fftUpsample(x: Float64Array, factor: number): Float64Array {
  const n = x.length;
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  fft(re, im);
  const m = n * factor;
  const Re = new Float64Array(m);
  const Im = new Float64Array(m);
  for (let k = 0; k < n / 2; k++) {
    Re[k] = re[k]! * factor; Im[k] = im[k]! * factor;
    if (k > 0) { Re[m - k] = re[n - k]! * factor; Im[m - k] = im[n - k]! * factor; }
  }
  return inverse(Re, Im);
}

function inverse(re: Float64Array, im: Float64Array): Float64Array {
  const n = re.length;
  for (let k = 0; k < n; k++) im[k] = -im[k]!;
  fft(re, im);
  return re.map((v) => v / n);
}

/** 2nd-order Butterworth low-pass (RBJ cookbook, Q = 1/√2): a natural roll-off. */
export function lowPass(x: Float64Array, rate: number, hz: number): Float64Array {
  const w = (2 * Math.PI * hz) / rate;
  const alpha = Math.sin(w) / (2 * Math.SQRT1_2);
  const a0 = 1 + alpha;
  const b0 = (1 - Math.cos(w)) / 2 / a0, b1 = (1 - Math.cos(w)) / a0, b2 = b0;
  const a1 = (-2 * Math.cos(w)) / a0, a2 = (1 - alpha) / a0;
  const out = new Float64Array(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const y = b0 * x[i]! + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = x[i]!; y2 = y1; y1 = y;
    out[i] = y;
  }
  return out;
}
