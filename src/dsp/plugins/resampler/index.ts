// The resampler as a DSP filter (kind 'resample'): f64 PCM in at any rate, f64 out at `rate`.
// Equal rates are identity (bypassed, bit-perfect), never a 1:1 filter (dsp.md 4.3 item 5).

import type { AudioBlock, FloatBlock } from '../../../audio/block.ts';
import type { AudioFormat } from '../../../audio/format.ts';
import { floatFormat, formatToString, sameFormat } from '../../../audio/format.ts';
import { AurisError } from '../../../util/errors.ts';
import type { FilterPlugin, OpenFilter, PreparedFilter } from '../../interface.ts';
import { identityFilter, stageReport } from '../../interface.ts';
import { RESAMPLER_PRESETS } from './design.ts';
import type { PolyphaseDesign, ResamplerQuality } from './design.ts';
import { CascadeResampler, planResampler, runsByFft } from './cascade.ts';

export interface ResampleSettings {
  /** Output rate in Hz. */
  readonly rate: number;
  /** Preset of dsp.md 4.2; default 'vhq'. */
  readonly quality: ResamplerQuality;
}

/** Plans are pure functions of (in, out, quality): reuse them across tracks of one format. */
const plans = new Map<string, PolyphaseDesign[]>();

function cachedPlan(fin: number, fout: number, quality: ResamplerQuality): PolyphaseDesign[] {
  const key = `${fin}:${fout}:${quality}`;
  let p = plans.get(key);
  if (!p) {
    if (plans.size >= 8) plans.delete(plans.keys().next().value!);
    p = planResampler(fin, fout, quality);
    plans.set(key, p);
  }
  return p;
}

/** Opens the resampler on an f64 format. */
export function openResampler(input: AudioFormat, settings: ResampleSettings): OpenFilter {
  if (input.sample !== 'f64') throw new AurisError('E_FORMAT_REFUSED', `the resampler takes f64 PCM, not ${formatToString(input)}`);
  if (input.rate === settings.rate) return identityFilter('resampler', 'Resampler', input, `already ${input.rate} Hz`);
  const plan = cachedPlan(input.rate, settings.rate, settings.quality);
  const engine = new CascadeResampler(plan, input.channels);
  const output = floatFormat(settings.rate, input.channels, 64);
  const preset = RESAMPLER_PRESETS[settings.quality];
  const stages = plan.map((d) => `${d.up}/${d.down} x ${d.taps}${runsByFft(d) ? ' by FFT' : ''}`).join(', ');
  const detail = `${input.rate} -> ${settings.rate} Hz, ${settings.quality.toUpperCase()} linear phase, ${preset.attenuationDb} dB stop band (stages L/M x taps: ${stages})`;
  const wrap = (samples: Float64Array): FloatBlock => ({ kind: 'float', format: output, frames: samples.length / input.channels, samples });
  return {
    inputFormat: input,
    outputFormat: output,
    identity: false,
    report: stageReport('resampler', 'Resampler', input, output, false, detail),
    // Output m sits exactly at input time m*M/L: the look-ahead is held back, not a delay.
    latencyFrames: 0,
    process(block: AudioBlock): FloatBlock {
      if (block.kind !== 'float' || !sameFormat(block.format, input)) {
        throw new AurisError('E_FORMAT_REFUSED', `resampler opened on ${formatToString(input)} got ${formatToString(block.format)}`);
      }
      return wrap(engine.process(block.samples, block.frames));
    },
    flush(): FloatBlock | null {
      const tail = engine.flush();
      return tail.length > 0 ? wrap(tail) : null;
    },
    reset: () => engine.reset(),
  };
}

export function prepareResampler(settings: ResampleSettings): PreparedFilter {
  return { kind: 'resample', name: 'Resampler', open: (input) => openResampler(input, settings) };
}

export const resamplePlugin: FilterPlugin<ResampleSettings> = {
  kind: 'resample',
  description: 'sample-rate converter: rational polyphase Kaiser sinc, linear phase, VHQ (175 dB) by default',
  parseSettings(raw: unknown): ResampleSettings {
    const o = (raw !== null && typeof raw === 'object' ? raw : {}) as { rate?: unknown; quality?: unknown };
    const rate = typeof o.rate === 'string' ? Number(o.rate) : o.rate;
    if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1000 || rate > 6_144_000) {
      throw new AurisError('E_INVALID_ARGUMENT', `resample: rate must be an integer number of Hz (1000..6144000), got ${String(o.rate)}`, { field: 'rate' });
    }
    const quality = o.quality ?? 'vhq';
    if (quality !== 'vhq' && quality !== 'hq' && quality !== 'fast') {
      throw new AurisError('E_INVALID_ARGUMENT', `resample: quality must be vhq, hq or fast, got ${String(quality)}`, { field: 'quality' });
    }
    return { rate, quality };
  },
  prepare: prepareResampler,
};
