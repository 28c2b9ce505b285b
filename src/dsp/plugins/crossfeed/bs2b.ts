// Bauer stereophonic-to-binaural crossfeed (bs2b), dsp.md section 5: a first-order low-pass feeds
// each channel into the other while a first-order high-boost shelf keeps the direct path, so
// low frequencies reach both ears as from speakers. Float64 throughout; stereo interleaved.

import { AurisError } from '../../../util/errors.ts';

/** Crossfeed strength: cut frequency of the cross path and low-frequency feed level. */
export interface Bs2bLevel {
  /** Hz, 300..2000. */
  readonly fcut: number;
  /** Feed level in tenths of a dB, 10..150 (1..15 dB). */
  readonly feed: number;
}

/** The three presets of libbs2b (dsp.md 5). */
export const BS2B_PRESETS = {
  default: { fcut: 700, feed: 45 },
  cmoy: { fcut: 700, feed: 60 },
  jmeier: { fcut: 650, feed: 95 },
} as const satisfies Record<string, Bs2bLevel>;

export type Bs2bPreset = keyof typeof BS2B_PRESETS;

export interface Bs2bCoefficients {
  readonly a0Lo: number;
  readonly b1Lo: number;
  readonly a0Hi: number;
  readonly a1Hi: number;
  readonly b1Hi: number;
  readonly gain: number;
}

/** Lowest rate the design accepts (libbs2b's lower bound). */
export const BS2B_MIN_RATE = 2000;

/**
 * Coefficients for `level` at `rate` Hz. Unlike libbs2b, which falls back to 44.1 kHz above
 * 384 kHz, rates up to 768 kHz (and beyond) are designed at the rate they run at (dsp.md 0).
 */
export function bs2bCoefficients(level: Bs2bLevel, rate: number): Bs2bCoefficients {
  if (!Number.isInteger(level.fcut) || level.fcut < 300 || level.fcut > 2000) throw new AurisError('E_INVALID_ARGUMENT', `bs2b fcut ${level.fcut} Hz is outside 300..2000`);
  if (!Number.isInteger(level.feed) || level.feed < 10 || level.feed > 150) throw new AurisError('E_INVALID_ARGUMENT', `bs2b feed ${level.feed / 10} dB is outside 1..15 dB`);
  if (!Number.isFinite(rate) || rate < BS2B_MIN_RATE) throw new AurisError('E_FORMAT_REFUSED', `bs2b needs a rate of at least ${BS2B_MIN_RATE} Hz, got ${rate}`);
  const feedDb = level.feed / 10;
  const gbLo = (feedDb * -5) / 6 - 3;
  const gbHi = feedDb / 6 - 3;
  const gLo = Math.pow(10, gbLo / 20);
  const gHi = 1 - Math.pow(10, gbHi / 20);
  const fcHi = level.fcut * Math.pow(2, (gbLo - 20 * Math.log10(gHi)) / 12);
  const x = Math.exp((-2 * Math.PI * level.fcut) / rate);
  const xh = Math.exp((-2 * Math.PI * fcHi) / rate);
  return {
    a0Lo: gLo * (1 - x),
    b1Lo: x,
    a0Hi: 1 - gHi * (1 - xh),
    a1Hi: -xh,
    b1Hi: xh,
    gain: 1 / (1 - gHi + gLo),
  };
}

/** Streaming bs2b over interleaved stereo float64, in place. */
export class Bs2b {
  readonly coefficients: Bs2bCoefficients;
  private loL = 0;
  private loR = 0;
  private hiL = 0;
  private hiR = 0;
  private prevL = 0;
  private prevR = 0;

  constructor(level: Bs2bLevel, rate: number) {
    this.coefficients = bs2bCoefficients(level, rate);
  }

  /** Clears the filter memory (seek, new stream). */
  reset(): void {
    this.loL = this.loR = this.hiL = this.hiR = this.prevL = this.prevR = 0;
  }

  /** Processes `samples` (L R L R ...) in place. */
  process(samples: Float64Array): void {
    if (samples.length % 2 !== 0) throw new AurisError('E_INVALID_ARGUMENT', 'bs2b takes whole stereo frames');
    const { a0Lo, b1Lo, a0Hi, a1Hi, b1Hi, gain } = this.coefficients;
    let { loL, loR, hiL, hiR, prevL, prevR } = this;
    for (let i = 0; i < samples.length; i += 2) {
      const l = samples[i]!;
      const r = samples[i + 1]!;
      loL = a0Lo * l + b1Lo * loL;
      loR = a0Lo * r + b1Lo * loR;
      hiL = a0Hi * l + a1Hi * prevL + b1Hi * hiL;
      hiR = a0Hi * r + a1Hi * prevR + b1Hi * hiR;
      prevL = l;
      prevR = r;
      samples[i] = gain * (hiL + loR);
      samples[i + 1] = gain * (hiR + loL);
    }
    const flush = (v: number): number => (Math.abs(v) < 1e-300 ? 0 : v);
    this.loL = flush(loL);
    this.loR = flush(loR);
    this.hiL = flush(hiL);
    this.hiR = flush(hiR);
    this.prevL = prevL;
    this.prevR = prevR;
  }
}
