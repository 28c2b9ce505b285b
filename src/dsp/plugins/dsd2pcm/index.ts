// DSD -> PCM as a DSP filter (kind 'dsd2pcm'): DSD blocks in, f64 PCM out at the chosen rate.
// On a PCM stream it has nothing to do and opens as identity, so it can stay in a chain that
// plays both.

import type { AudioBlock, FloatBlock } from '../../../audio/block.ts';
import type { AudioFormat } from '../../../audio/format.ts';
import { floatFormat, formatToString, sameFormat } from '../../../audio/format.ts';
import { AurisError } from '../../../util/errors.ts';
import type { ClipStats } from '../../clip.ts';
import type { FilterPlugin, OpenFilter, PreparedFilter } from '../../interface.ts';
import { identityFilter, settingsObject, stageReport } from '../../interface.ts';
import { DSD_TO_PCM_DEFAULTS, DsdToPcm } from './convert.ts';
import type { DsdToPcmSettings } from './convert.ts';

/** An open DSD -> PCM stage; `clipStats` counts samples over full scale after the gain. */
export interface DsdToPcmFilter extends OpenFilter {
  clipStats(): ClipStats;
}

export function openDsdToPcm(input: AudioFormat, settings: DsdToPcmSettings): DsdToPcmFilter | OpenFilter {
  if (input.sample !== 'dsd') return identityFilter('filter', 'DSD to PCM', input, 'not DSD');
  const conv = new DsdToPcm(input.rate, input.channels, settings);
  const output = floatFormat(settings.rate, input.channels, 64);
  const lp = settings.rate > 48000 && settings.lowpassHz !== null ? `, low-pass ${settings.lowpassHz / 1000} kHz` : '';
  const detail = `${formatToString(input)} -> ${settings.rate} Hz, gain +${settings.gainDb} dB${lp}`;
  const wrap = (samples: Float64Array): FloatBlock => ({ kind: 'float', format: output, frames: samples.length / input.channels, samples });
  return {
    inputFormat: input,
    outputFormat: output,
    identity: false,
    /** The report as of now: it names the samples clipped so far, so a clip is never silent. */
    get report() {
      const clipped = conv.clipStats().clipped.reduce((a, b) => a + b, 0);
      const clips = clipped > 0 ? `; ${clipped} sample${clipped === 1 ? '' : 's'} clipped (lower the gain)` : '';
      return stageReport('filter', 'DSD to PCM', input, output, false, detail + clips);
    },
    latencyFrames: conv.latencyFrames,
    process(block: AudioBlock): FloatBlock {
      if (block.kind !== 'dsd' || !sameFormat(block.format, input)) {
        throw new AurisError('E_FORMAT_REFUSED', `DSD to PCM opened on ${formatToString(input)} got ${formatToString(block.format)}`);
      }
      return wrap(conv.process(block.bytes));
    },
    flush(): FloatBlock | null {
      const tail = conv.flush();
      return tail.length > 0 ? wrap(tail) : null;
    },
    reset: () => conv.reset(),
    clipStats: () => conv.clipStats(),
  };
}

export function prepareDsdToPcm(settings: DsdToPcmSettings): PreparedFilter {
  return { kind: 'dsd2pcm', name: 'DSD to PCM', open: (input) => openDsdToPcm(input, settings) };
}

export const dsdToPcmPlugin: FilterPlugin<DsdToPcmSettings> = {
  kind: 'dsd2pcm',
  description: 'DSD to PCM: dsd2pcm FIR /8, VHQ resampler to rate (default 176400), ultrasonic low-pass 30k/50k/none, gain 0/3/6 dB (default 0: the SACD 0 dB level at -6 dBFS, peaks not clipped), clips counted in its report',
  parseSettings(raw: unknown): DsdToPcmSettings {
    const o = settingsObject('dsd2pcm', raw) as { rate?: unknown; gainDb?: unknown; lowpass?: unknown };
    const rate = o.rate === undefined ? DSD_TO_PCM_DEFAULTS.rate : Number(o.rate);
    if (!Number.isInteger(rate) || rate < 8000 || rate > 1_536_000) throw new AurisError('E_INVALID_ARGUMENT', `dsd2pcm: rate must be 8000..1536000 Hz, got ${String(o.rate)}`, { field: 'rate' });
    const gainDb = o.gainDb === undefined ? DSD_TO_PCM_DEFAULTS.gainDb : Number(o.gainDb);
    if (gainDb !== 0 && gainDb !== 3 && gainDb !== 6) throw new AurisError('E_INVALID_ARGUMENT', `dsd2pcm: gainDb must be 0, 3 or 6, got ${String(o.gainDb)}`, { field: 'gainDb' });
    const lp = o.lowpass === undefined ? DSD_TO_PCM_DEFAULTS.lowpassHz : o.lowpass === 'none' || o.lowpass === null ? null : Number(o.lowpass);
    if (lp !== null && lp !== 30000 && lp !== 50000) throw new AurisError('E_INVALID_ARGUMENT', `dsd2pcm: lowpass must be 30000, 50000 or none, got ${String(o.lowpass)}`, { field: 'lowpass' });
    return { rate, gainDb, lowpassHz: lp };
  },
  prepare: prepareDsdToPcm,
};
