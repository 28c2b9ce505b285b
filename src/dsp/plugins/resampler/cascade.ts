// Multistage plan for the resampler (dsp.md 4.2 "Multistage option"), the structure of
// sox/libsoxr: the sharp filter (175 dB across 20.1..22.05 kHz for 44.1 kHz) runs once, as a 1:2
// (or 2:1) stage at twice the lower rate, convolved by FFT (fft-stage.ts). What is left is a
// rational stage between twice the lower rate and the higher rate divided by a power of two, whose
// transition is wide (the band it must reject starts at 2*low - stop edge, e.g. 66.15 kHz), so a
// couple of dozen taps do, and short 2:1 stages for the remaining octaves. Every stage is designed
// with the final passband edge and its stop band starts where images or aliases would land inside
// the final band; every stage is time-aligned (output m at input time m*M/L), so the cascade is
// too, and its last stage is flushed to the exact total length round(n * fout / fin).

import { AurisError } from '../../../util/errors.ts';
import { RESAMPLER_PRESETS, designPolyphase } from './design.ts';
import type { BandEdges, PolyphaseDesign, ResamplerQuality } from './design.ts';
import { FftStage, isFftStageDesign } from './fft-stage.ts';
import { PolyphaseResampler } from './polyphase.ts';

/** Stop-band margin of the stages around the sharp one (their images add up): 20 dB keeps rejection <= -173 dB and THD+N <= -193 dB in the quality tests, with 2 taps fewer than 30 dB. */
const MARGIN_DB = 20;

/**
 * Plans by conversion: a player opens a resampler per track, mostly for the same few rate pairs,
 * and designing the banks costs about a millisecond. Designs are read-only once made. Bounded: a
 * process sees a handful of conversions; past the bound the cache starts over.
 */
const planCache = new Map<string, readonly PolyphaseDesign[]>();
const PLAN_CACHE_ENTRIES = 64;

/**
 * The designs of each stage, in order, for converting fin to fout. `band` replaces the preset's
 * final band edges (an ultrasonic low-pass below Nyquist); with it, equal rates give one low-pass
 * stage, without it they are an error (bypass instead). The 1:2 and 2:1 stage at twice the lower
 * rate is the sharp one (run by FFT); the others reject only what lies beyond it.
 */
export function planResampler(fin: number, fout: number, quality: ResamplerQuality = 'vhq', band?: BandEdges): PolyphaseDesign[] {
  const key = `${fin}:${fout}:${quality}:${band ? `${band.passbandHz}:${band.stopbandHz}:${band.attenuationDb}` : ''}`;
  let plan = planCache.get(key);
  if (!plan) {
    plan = designPlan(fin, fout, quality, band);
    if (planCache.size >= PLAN_CACHE_ENTRIES) planCache.clear();
    planCache.set(key, plan);
  }
  return [...plan];
}

/** planResampler without the cache. */
function designPlan(fin: number, fout: number, quality: ResamplerQuality, band: BandEdges | undefined): PolyphaseDesign[] {
  const preset = RESAMPLER_PRESETS[quality];
  const nyquist = Math.min(fin, fout) / 2;
  const passbandHz = band ? band.passbandHz : preset.passband * nyquist;
  const stopEdge = band ? band.stopbandHz : preset.stopband * nyquist;
  if (fin === fout) {
    if (!band) throw new AurisError('E_INVALID_ARGUMENT', 'equal rates need no resampler (bypass it)');
    return [designPolyphase(fin, fout, quality, band)];
  }
  const up = fout > fin;
  const high = Math.max(fin, fout);
  const low = Math.min(fin, fout);
  const sharpRate = 2 * low;
  const sharp = up
    ? designPolyphase(low, sharpRate, quality, { passbandHz, stopbandHz: stopEdge })
    : designPolyphase(sharpRate, low, quality, { passbandHz, stopbandHz: stopEdge });
  // Largest k with high / 2^k an integer no lower than the sharp stage's rate.
  let k = 0;
  while (high % 2 ** (k + 1) === 0 && high / 2 ** (k + 1) >= sharpRate) k++;
  const middle = high / 2 ** k;
  // Between the sharp stage and `middle`: the signal holds the band below stopEdge and its images
  // from sharpRate - stopEdge up; only those must go.
  const wide: BandEdges = { passbandHz, stopbandHz: sharpRate - stopEdge, attenuationDb: preset.attenuationDb + MARGIN_DB };
  const rational = middle === sharpRate ? [] : [up ? designPolyphase(sharpRate, middle, quality, wide) : designPolyphase(middle, sharpRate, quality, wide)];
  const halving: PolyphaseDesign[] = [];
  for (let i = 0; i < k; i++) {
    // Up: `lo` -> 2*lo, images of the band below stopEdge start at lo - stopEdge.
    // Down: 2*lo -> lo, what lies above lo - stopEdge folds back below stopEdge.
    // Flat up to stopEdge, so the transition is centred on lo/2: a half-band filter, whose taps at
    // even distances from the centre are exactly zero (the kernel skips them; half the work).
    const lo = middle * 2 ** i;
    const flatTo = stopEdge < lo / 2 ? stopEdge : passbandHz;
    const edges: BandEdges = { passbandHz: flatTo, stopbandHz: lo - stopEdge, attenuationDb: preset.attenuationDb + MARGIN_DB };
    halving.push(up ? designPolyphase(lo, 2 * lo, quality, edges) : designPolyphase(2 * lo, lo, quality, edges));
  }
  return up ? [sharp, ...rational, ...halving] : [...halving.reverse(), ...rational, sharp];
}

/** Stages with at least this many taps per phase run by FFT when they are 1:2 or 2:1. */
const FFT_MIN_TAPS = 64;

/** True when the cascade runs `design` by FFT (a long 1:2 or 2:1 stage), else in the time domain. */
export function runsByFft(design: PolyphaseDesign): boolean {
  return isFftStageDesign(design) && design.taps >= FFT_MIN_TAPS;
}

function openStage(design: PolyphaseDesign, channels: number, leads: { leadIn: number; leadOut: number }): PolyphaseResampler | FftStage {
  return runsByFft(design) ? new FftStage(design, channels, leads) : new PolyphaseResampler(design, channels, leads);
}

/** Streaming resampler over a stage plan; same contract as PolyphaseResampler. */
export class CascadeResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly stages: readonly (PolyphaseResampler | FftStage)[];
  private framesIn = 0;
  private framesOut = 0;

  constructor(designs: readonly PolyphaseDesign[], channels: number) {
    if (designs.length === 0) throw new AurisError('E_INVALID_ARGUMENT', 'a cascade needs at least one stage');
    // Each stage hands the next one taps/2 - 1 outputs before time 0: the history a single
    // filter would have had, so the start of a stream is filtered as in one stage.
    const leads = designs.map((d, i) => (i === 0 ? 0 : d.taps / 2 - 1));
    this.stages = designs.map((d, i) => openStage(d, channels, { leadIn: leads[i]!, leadOut: leads[i + 1] ?? 0 }));
    this.inputRate = designs[0]!.inputRate;
    this.outputRate = designs[designs.length - 1]!.outputRate;
  }

  get channels(): number {
    return this.stages[0]!.channels;
  }

  /** Resamples interleaved frames; the result is a view valid until the next call. */
  process(input: Float64Array, frames = input.length / this.channels): Float64Array {
    let x = this.stages[0]!.process(input, frames);
    for (let i = 1; i < this.stages.length; i++) x = this.stages[i]!.process(x);
    this.framesIn += frames;
    this.framesOut += x.length / this.channels;
    return x;
  }

  /** End of stream: every stage's tail through the stages after it; total round(n*fout/fin). */
  flush(): Float64Array {
    const total = Math.round((this.framesIn * this.outputRate) / this.inputRate);
    let x: Float64Array = new Float64Array(0);
    for (let i = 0; i < this.stages.length; i++) {
      const s = this.stages[i]!;
      const last = i === this.stages.length - 1;
      let head = Float64Array.from(s.process(x)); // flush reuses the buffer process returned
      // The last stage's outputs are the cascade's: it stops at the cascade's total. Earlier
      // stages run on through the time of the last output plus the next stage's look-ahead.
      if (last) head = head.subarray(0, Math.max(0, total - this.framesOut) * this.channels);
      const need = last ? total : Math.ceil((total * s.design.outputRate) / this.outputRate) + this.stages[i + 1]!.design.taps / 2;
      x = concat(head, s.flush(need));
    }
    this.reset();
    return x;
  }

  /** Clears every stage (seek, new stream). */
  reset(): void {
    for (const s of this.stages) s.reset();
    this.framesIn = 0;
    this.framesOut = 0;
  }
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
