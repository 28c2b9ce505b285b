// Rational polyphase filter design for the resampler: Kaiser-windowed sinc, dsp.md section 4.2.
// Everything is computed in float64 and kept in float64 (float32 coefficients cap rejection near
// -140 dB).

import { AurisError } from '../../../util/errors.ts';

/** Quality presets of dsp.md 4.2; they differ in stop-band attenuation and passband edge only. */
export type ResamplerQuality = 'vhq' | 'hq' | 'fast';

interface PresetSpec {
  /** Stop-band attenuation A in dB. */
  readonly attenuationDb: number;
  /** Passband edge as a fraction of the lower Nyquist frequency. */
  readonly passband: number;
  /** Stop-band edge as a fraction of the lower Nyquist frequency. */
  readonly stopband: number;
}

export const RESAMPLER_PRESETS: Readonly<Record<ResamplerQuality, PresetSpec>> = {
  vhq: { attenuationDb: 175, passband: 0.9113, stopband: 1.0 },
  hq: { attenuationDb: 130, passband: 0.9113, stopband: 1.0 },
  fast: { attenuationDb: 110, passband: 0.9, stopband: 1.0 },
};

/**
 * Largest coefficient table built as an exact rational bank (phases x taps, float64). 44.1 kHz to
 * 768 kHz needs 2560 x 264; 11.025 kHz to 768 kHz 10240 x 264 (21 MiB). Ratios beyond this are
 * refused rather than silently degraded.
 */
export const MAX_TABLE_COEFFICIENTS = 4 * 1024 * 1024;

/** A polyphase bank: phase p, tap k at `coefs[p * taps + k]`. */
export interface PolyphaseDesign {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Interpolation factor (output rate / gcd). */
  readonly up: number;
  /** Decimation factor (input rate / gcd). */
  readonly down: number;
  /** Taps per phase, even; the span of the filter in input samples. */
  readonly taps: number;
  /** -6 dB point of the prototype in Hz. */
  readonly cutoffHz: number;
  readonly beta: number;
  readonly coefs: Float64Array;
}

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0, by its power series (dsp.md 4.2). */
export function besselI0(x: number): number {
  const half = x / 2;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 1000; k++) {
    const f = half / k;
    term *= f * f;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/** Kaiser's beta for a stop-band attenuation of `a` dB. */
export function kaiserBeta(a: number): number {
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * Math.pow(a - 21, 0.4) + 0.07886 * (a - 21);
  return 0;
}

/**
 * Explicit band edges in Hz, replacing the preset's (which follow the lower Nyquist frequency):
 * an ultrasonic low-pass below Nyquist, or a decimation stage inside a cascade whose stop band
 * starts where aliases would fold into the final passband.
 */
export interface BandEdges {
  readonly passbandHz: number;
  readonly stopbandHz: number;
  /** Stop-band attenuation in dB instead of the preset's (cascade stages add margin). */
  readonly attenuationDb?: number;
}

/**
 * Designs the polyphase bank converting `inputRate` to `outputRate` (positive integers; equal
 * only with explicit `edges`, which makes it a plain linear-phase low-pass). Throws
 * E_INVALID_ARGUMENT for bad rates or edges and E_FORMAT_REFUSED when the exact rational table
 * would exceed MAX_TABLE_COEFFICIENTS.
 */
export function designPolyphase(inputRate: number, outputRate: number, quality: ResamplerQuality = 'vhq', edges?: BandEdges): PolyphaseDesign {
  for (const r of [inputRate, outputRate]) {
    if (!Number.isInteger(r) || r < 1000 || r > 6_144_000) {
      throw new AurisError('E_INVALID_ARGUMENT', `resampler rate ${r} Hz is outside 1 kHz..6.144 MHz`, { rate: r });
    }
  }
  if (inputRate === outputRate && !edges) throw new AurisError('E_INVALID_ARGUMENT', 'equal rates need no resampler (bypass it)');
  const preset = RESAMPLER_PRESETS[quality];
  const g = gcd(inputRate, outputRate);
  const up = outputRate / g;
  const down = inputRate / g;
  const nyquist = Math.min(inputRate, outputRate) / 2;
  const fp = edges ? edges.passbandHz : preset.passband * nyquist;
  const fsb = edges ? edges.stopbandHz : preset.stopband * nyquist;
  // Preset edges never pass the lower Nyquist. A stage inside a cascade may place its stop edge
  // up to the higher rate: its transition band only holds images or aliases that a later (or
  // earlier) stage removes, e.g. 88.2 -> 48 kHz after the sharp 2x stage stops at 66.15 kHz.
  const edgeLimit = edges ? Math.max(inputRate, outputRate) : nyquist;
  if (!(fp > 0 && fp < fsb && fsb <= edgeLimit && fp <= Math.max(inputRate, outputRate) / 2)) {
    throw new AurisError('E_INVALID_ARGUMENT', `band edges ${fp}..${fsb} Hz do not fit below ${edgeLimit} Hz`, { fp, fsb });
  }
  const cutoffHz = (fp + fsb) / 2;
  const a = edges?.attenuationDb ?? preset.attenuationDb;
  const dw = (2 * Math.PI * (fsb - fp)) / inputRate;
  let taps = Math.ceil((a - 7.95) / (2.285 * dw)) + 1;
  if (taps % 2 !== 0) taps++;
  if (up * taps > MAX_TABLE_COEFFICIENTS) {
    throw new AurisError('E_FORMAT_REFUSED', `resampling ${inputRate} -> ${outputRate} Hz needs ${up} phases x ${taps} taps, more than the exact table allows`, { up, down, taps });
  }
  const beta = kaiserBeta(a);
  const i0b = besselI0(beta);
  const fc = cutoffHz / inputRate; // cycles per input sample
  const half = taps / 2;
  const coefs = new Float64Array(up * taps);
  for (let p = 0; p < up; p++) {
    for (let k = 0; k < taps; k++) {
      const t = p / up - (k - half + 1);
      const r = t / half;
      if (Math.abs(t) >= half) continue; // window is zero at and beyond its ends
      const u = 2 * fc * t;
      // sin(pi u) is exactly 0 at integer u != 0 (Math.sin(pi * k) leaves ~1e-16): half-band
      // designs then have exact zero taps, which the kernels skip.
      const sinc = u === 0 ? 1 : Number.isInteger(u) ? 0 : Math.sin(Math.PI * u) / (Math.PI * u);
      coefs[p * taps + k] = 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);
    }
  }
  return { inputRate, outputRate, up, down, taps, cutoffHz, beta, coefs };
}
