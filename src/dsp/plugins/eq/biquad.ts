// RBJ "Audio EQ Cookbook" biquads (dsp.md section 1.1-1.5): design in float64 at the rate they
// run, normalised to a0 = 1, magnitude by the sin^2(w/2) form (no cancellation at low w), and the
// Equalizer APO corner-frequency shelf semantics (section 1.6).

import { AurisError } from '../../../util/errors.ts';

/**
 * Band types. `bandpass` is the constant 0 dB peak variant (Equalizer APO "BP"); `bandpass-skirt`
 * the constant-skirt variant whose peak gain is Q.
 */
export type BandType =
  | 'peaking' | 'lowshelf' | 'highshelf' | 'lowpass' | 'highpass'
  | 'bandpass' | 'bandpass-skirt' | 'notch' | 'allpass';

export const BAND_TYPES: readonly BandType[] = [
  'peaking', 'lowshelf', 'highshelf', 'lowpass', 'highpass', 'bandpass', 'bandpass-skirt', 'notch', 'allpass',
];

/**
 * One biquad band. Width is given by at most one of `q`, `bwOct` (octaves; peaking/BP/notch/AP)
 * or `slope` (shelf slope S, 1 = steepest monotonic, "12 dB/oct"); without any, the type's
 * default applies (shelves S 0.9, notch Q 30, others Q 1/sqrt 2). `corner` (shelves only) selects
 * Equalizer APO's LS/HS corner-frequency semantics: `freq` is a corner and the biquad runs at
 * freq * k (low shelf) or freq / k (high shelf), k = 10^(|gain| / (80 S)).
 */
export interface BiquadBand {
  readonly type: BandType;
  readonly freq: number;
  readonly gainDb: number;
  readonly q?: number;
  readonly bwOct?: number;
  readonly slope?: number;
  readonly corner?: boolean;
}

/** Normalised coefficients (a0 = 1). */
export interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

export const DEFAULT_SHELF_SLOPE = 0.9;
export const DEFAULT_NOTCH_Q = 30;

export function isShelf(t: BandType): boolean {
  return t === 'lowshelf' || t === 'highshelf';
}

/** True for types whose gain parameter matters (peaking and shelves). */
export function usesGain(t: BandType): boolean {
  return t === 'peaking' || isShelf(t);
}

/** Checks a band's numbers; throws E_INVALID_ARGUMENT naming the problem. */
export function validateBand(b: BiquadBand): void {
  const bad = (why: string): never => { throw new AurisError('E_INVALID_ARGUMENT', `EQ band ${b.type} ${b.freq} Hz: ${why}`, { band: b }); };
  if (!BAND_TYPES.includes(b.type)) bad(`unknown type '${String(b.type)}'`);
  if (!(Number.isFinite(b.freq) && b.freq > 0)) bad('frequency must be a positive number');
  if (!Number.isFinite(b.gainDb) || Math.abs(b.gainDb) > 60) bad('gain must be within +-60 dB');
  const widths = [b.q, b.bwOct, b.slope].filter((w) => w !== undefined);
  if (widths.length > 1) bad('give only one of q, bwOct, slope');
  if (b.q !== undefined && !(Number.isFinite(b.q) && b.q > 0 && b.q <= 1000)) bad('Q must be in (0, 1000]');
  if (b.bwOct !== undefined && !(Number.isFinite(b.bwOct) && b.bwOct > 0 && b.bwOct <= 20)) bad('bandwidth must be in (0, 20] octaves');
  if (b.slope !== undefined) {
    if (!isShelf(b.type)) bad('slope applies to shelves only');
    if (!(Number.isFinite(b.slope) && b.slope > 0 && b.slope <= 10)) bad('shelf slope S must be in (0, 10]');
  }
  if (b.bwOct !== undefined && isShelf(b.type)) bad('bandwidth does not apply to shelves (use q or slope)');
  if (b.corner && !isShelf(b.type)) bad('corner-frequency semantics apply to shelves only');
  if (b.type === 'allpass' && b.q === undefined && b.bwOct === undefined) bad('all-pass needs Q');
}

/** The frequency the cookbook formula runs at: `freq`, or the APO corner shelf's shifted f0. */
export function biquadF0(b: BiquadBand): number {
  if (!b.corner || !isShelf(b.type)) return b.freq;
  const s = shelfSlope(b);
  const k = 10 ** (Math.abs(b.gainDb) / (80 * s));
  return b.type === 'lowshelf' ? b.freq * k : b.freq / k;
}

/** Shelf slope S of a shelf band: given, derived from Q (S = 1/((1/Q^2 - 2)/(A + 1/A) + 1)), or 0.9. */
function shelfSlope(b: BiquadBand): number {
  if (b.slope !== undefined) return b.slope;
  if (b.q !== undefined) {
    const A = 10 ** (b.gainDb / 40);
    return 1 / ((1 / (b.q * b.q) - 2) / (A + 1 / A) + 1);
  }
  return DEFAULT_SHELF_SLOPE;
}

/**
 * Designs `band` for sample rate `rate` (f0 must lie in (0, rate/2)). Throws E_INVALID_ARGUMENT
 * for an f0 at or above Nyquist or a shelf slope that has no real alpha.
 */
export function designBiquad(band: BiquadBand, rate: number): BiquadCoefficients {
  validateBand(band);
  const f0 = biquadF0(band);
  if (!(f0 < rate / 2)) {
    throw new AurisError('E_INVALID_ARGUMENT', `EQ band ${band.type} at ${Number(f0.toFixed(3))} Hz is not below Nyquist (${rate / 2} Hz)`, { band, rate });
  }
  const w0 = (2 * Math.PI * f0) / rate;
  const cs = Math.cos(w0);
  const sn = Math.sin(w0);
  const half = Math.sin(w0 / 2);
  const oneMinusCos = 2 * half * half; // 1 - cos w0 without cancellation
  const onePlusCos = 2 - oneMinusCos;
  const A = 10 ** (band.gainDb / 40);
  let alpha: number;
  if (band.bwOct !== undefined) alpha = sn * Math.sinh((Math.LN2 / 2) * band.bwOct * (w0 / sn));
  else if (isShelf(band.type) && band.q === undefined) {
    const s = band.slope ?? DEFAULT_SHELF_SLOPE;
    const radicand = (A + 1 / A) * (1 / s - 1) + 2;
    if (!(radicand > 0)) throw new AurisError('E_INVALID_ARGUMENT', `shelf slope S=${s} is too steep for ${band.gainDb} dB`, { band });
    alpha = (sn / 2) * Math.sqrt(radicand);
  } else {
    const q = band.q ?? (band.type === 'notch' ? DEFAULT_NOTCH_Q : Math.SQRT1_2);
    alpha = sn / (2 * q);
  }
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (band.type) {
    case 'lowpass':
      b0 = oneMinusCos / 2; b1 = oneMinusCos; b2 = oneMinusCos / 2; a0 = 1 + alpha; a1 = -2 * cs; a2 = 1 - alpha; break;
    case 'highpass':
      b0 = onePlusCos / 2; b1 = -onePlusCos; b2 = onePlusCos / 2; a0 = 1 + alpha; a1 = -2 * cs; a2 = 1 - alpha; break;
    case 'bandpass-skirt':
      b0 = sn / 2; b1 = 0; b2 = -sn / 2; a0 = 1 + alpha; a1 = -2 * cs; a2 = 1 - alpha; break;
    case 'bandpass':
      b0 = alpha; b1 = 0; b2 = -alpha; a0 = 1 + alpha; a1 = -2 * cs; a2 = 1 - alpha; break;
    case 'notch':
      b0 = 1; b1 = -2 * cs; b2 = 1; a0 = 1 + alpha; a1 = -2 * cs; a2 = 1 - alpha; break;
    case 'allpass':
      b0 = 1 - alpha; b1 = -2 * cs; b2 = 1 + alpha; a0 = 1 + alpha; a1 = -2 * cs; a2 = 1 - alpha; break;
    case 'peaking':
      b0 = 1 + alpha * A; b1 = -2 * cs; b2 = 1 - alpha * A; a0 = 1 + alpha / A; a1 = -2 * cs; a2 = 1 - alpha / A; break;
    case 'lowshelf': {
      const beta = 2 * Math.sqrt(A) * alpha;
      b0 = A * ((A + 1) - (A - 1) * cs + beta);
      b1 = 2 * A * ((A - 1) - (A + 1) * cs);
      b2 = A * ((A + 1) - (A - 1) * cs - beta);
      a0 = (A + 1) + (A - 1) * cs + beta;
      a1 = -2 * ((A - 1) + (A + 1) * cs);
      a2 = (A + 1) + (A - 1) * cs - beta;
      break;
    }
    case 'highshelf': {
      const beta = 2 * Math.sqrt(A) * alpha;
      b0 = A * ((A + 1) + (A - 1) * cs + beta);
      b1 = -2 * A * ((A - 1) + (A + 1) * cs);
      b2 = A * ((A + 1) + (A - 1) * cs - beta);
      a0 = (A + 1) - (A - 1) * cs + beta;
      a1 = 2 * ((A - 1) - (A + 1) * cs);
      a2 = (A + 1) - (A - 1) * cs - beta;
      break;
    }
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

// |B(e^jw)|^2 for B(z) = c0 + c1 z^-1 + c2 z^-2, written so nothing large cancels: with
// s = sin(w/2), k = cos(w/2),
//   e^jw B = (c0 + c2) cos w + c1 + j (c0 - c2) sin w
//   Re = (c0 + c1 + c2) - 2 (c0 + c2) s^2  =  -(c0 - c1 + c2) + 2 (c0 + c2) k^2
// The first form is used below w = pi/2, the second above, each with its three-term sum done
// with the rounding errors carried (Knuth TwoSum): that sum cancels to ~w^2 near DC (or near
// Nyquist), which plain double loses. Equivalent to the sin^2(w/2) formula of section 1.2, and
// exact enough to show a notch at its centre frequency or 1 Hz bands at 768 kHz.

/** c0 + c1 + c2 with the rounding errors carried. */
function accurateSum3(c0: number, c1: number, c2: number): number {
  let s = 0;
  let err = 0;
  for (const x of [c0, c1, c2]) {
    const t = s + x;
    const bb = t - s;
    err += (s - (t - bb)) + (x - bb);
    s = t;
  }
  return s + err;
}

function squaredMagnitude(c0: number, c1: number, c2: number, s: number, k: number): number {
  const re = s <= k ? accurateSum3(c0, c1, c2) - 2 * (c0 + c2) * s * s : 2 * (c0 + c2) * k * k - accurateSum3(c0, -c1, c2);
  const im = (c0 - c2) * 2 * s * k;
  return re * re + im * im;
}

/** |H(e^jw)| in dB at `hz` (exact at DC and Nyquist; accurate to the limit of the coefficients). */
export function biquadMagnitudeDb(c: BiquadCoefficients, hz: number, rate: number): number {
  const half = (Math.PI * hz) / rate;
  const s = Math.sin(half);
  const k = Math.cos(half);
  return 10 * Math.log10(squaredMagnitude(c.b0, c.b1, c.b2, s, k)) - 10 * Math.log10(squaredMagnitude(1, c.a1, c.a2, s, k));
}

/** arg H(e^jw) in radians (-pi, pi] at `hz`. */
export function biquadPhase(c: BiquadCoefficients, hz: number, rate: number): number {
  const w = (2 * Math.PI * hz) / rate;
  const c1 = Math.cos(w), s1 = Math.sin(w), c2 = Math.cos(2 * w), s2 = Math.sin(2 * w);
  const nr = c.b0 + c.b1 * c1 + c.b2 * c2, ni = -(c.b1 * s1 + c.b2 * s2);
  const dr = 1 + c.a1 * c1 + c.a2 * c2, di = -(c.a1 * s1 + c.a2 * s2);
  return Math.atan2(ni * dr - nr * di, nr * dr + ni * di);
}
