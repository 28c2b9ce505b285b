// Multistage plan for the resampler (dsp.md 4.2 "Multistage option"): the exact rational stage
// runs at the lowest rate it can, and power-of-two rate changes are done by short 2:1 stages whose
// transition bands are wide, so 44.1 -> 768 kHz costs a fraction of one 2560-phase filter at 768
// kHz. Every stage is designed with the final passband edge, and its stop band starts where
// images or aliases would land inside the final band; every stage is time-aligned (output m at
// input time m*M/L), so the cascade is too, and its last stage is flushed to the exact total
// length round(n * fout / fin).

import { AurisError } from '../../../util/errors.ts';
import { RESAMPLER_PRESETS, designPolyphase } from './design.ts';
import type { BandEdges, PolyphaseDesign, ResamplerQuality } from './design.ts';
import { PolyphaseResampler } from './polyphase.ts';

/**
 * The designs of each stage, in order, for converting fin to fout. `band` replaces the preset's
 * final band edges (an ultrasonic low-pass below Nyquist); with it, equal rates give one low-pass
 * stage, without it they are an error (bypass instead).
 */
export function planResampler(fin: number, fout: number, quality: ResamplerQuality = 'vhq', band?: BandEdges): PolyphaseDesign[] {
  const preset = RESAMPLER_PRESETS[quality];
  const nyquist = Math.min(fin, fout) / 2;
  const passbandHz = band ? band.passbandHz : preset.passband * nyquist;
  const stopEdge = band ? band.stopbandHz : preset.stopband * nyquist;
  if (fin === fout) {
    if (!band) throw new AurisError('E_INVALID_ARGUMENT', 'equal rates need no resampler (bypass it)');
    return [designPolyphase(fin, fout, quality, band)];
  }
  const up = fout > fin;
  // Largest k with the middle rate (high rate / 2^k) an integer no lower than the low rate.
  const high = Math.max(fin, fout);
  const low = Math.min(fin, fout);
  let k = 0;
  while (high % 2 ** (k + 1) === 0 && high / 2 ** (k + 1) >= low) k++;
  const middle = high / 2 ** k;
  const rational = middle === low ? [] : [up ? designPolyphase(fin, middle, quality, band) : designPolyphase(middle, fout, quality, band)];
  const halving: PolyphaseDesign[] = [];
  for (let i = 0; i < k; i++) {
    // Up: `lo` -> 2*lo, images of the band below stopEdge start at lo - stopEdge.
    // Down: 2*lo -> lo, what lies above lo - stopEdge folds back below stopEdge. The stage that
    // ends a downsampling cascade (no rational stage after it) is the band filter itself.
    const lo = middle * 2 ** i;
    const final = !up && i === 0 && rational.length === 0;
    // 30 dB of margin: the images of up to seven stages add up, and short stages are cheap.
    const edges: BandEdges = final
      ? { passbandHz, stopbandHz: stopEdge }
      : { passbandHz, stopbandHz: lo - stopEdge, attenuationDb: preset.attenuationDb + 30 };
    halving.push(up ? designPolyphase(lo, 2 * lo, quality, edges) : designPolyphase(2 * lo, lo, quality, edges));
  }
  return up ? [...rational, ...halving] : [...halving.reverse(), ...rational];
}

/** Streaming resampler over a stage plan; same contract as PolyphaseResampler. */
export class CascadeResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly stages: readonly PolyphaseResampler[];
  private framesIn = 0;
  private framesOut = 0;

  constructor(designs: readonly PolyphaseDesign[], channels: number) {
    if (designs.length === 0) throw new AurisError('E_INVALID_ARGUMENT', 'a cascade needs at least one stage');
    // Each stage hands the next one taps/2 - 1 outputs before time 0: the history a single
    // filter would have had, so the start of a stream is filtered as in one stage.
    const leads = designs.map((d, i) => (i === 0 ? 0 : d.taps / 2 - 1));
    this.stages = designs.map((d, i) => new PolyphaseResampler(d, channels, { leadIn: leads[i]!, leadOut: leads[i + 1] ?? 0 }));
    this.inputRate = designs[0]!.inputRate;
    this.outputRate = designs[designs.length - 1]!.outputRate;
  }

  get channels(): number {
    return this.stages[0]!.channels;
  }

  /** Multiply-adds per output frame and channel summed over stages, as a cost figure for reports. */
  get macsPerOutputFrame(): number {
    return this.stages.reduce((sum, s) => sum + (s.design.taps * s.design.outputRate) / this.outputRate, 0);
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
