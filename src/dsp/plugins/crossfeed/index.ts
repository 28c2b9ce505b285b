// bs2b crossfeed as a DSP filter (kind 'crossfeed'): stereo f64 in and out, same rate.

import type { AudioBlock, FloatBlock } from '../../../audio/block.ts';
import type { AudioFormat } from '../../../audio/format.ts';
import { formatToString, sameFormat } from '../../../audio/format.ts';
import { AurisError } from '../../../util/errors.ts';
import type { FilterPlugin, OpenFilter, PreparedFilter } from '../../interface.ts';
import { settingsObject, stageReport } from '../../interface.ts';
import { BS2B_PRESETS, Bs2b } from './bs2b.ts';
import type { Bs2bLevel, Bs2bPreset } from './bs2b.ts';

/** A preset name, or an explicit cut frequency (Hz) and feed (dB, 1..15). */
export interface CrossfeedSettings {
  readonly level: Bs2bLevel;
  readonly label: string;
}

export function openCrossfeed(input: AudioFormat, settings: CrossfeedSettings): OpenFilter {
  if (input.sample !== 'f64') throw new AurisError('E_FORMAT_REFUSED', `crossfeed takes f64 PCM, not ${formatToString(input)}`);
  if (input.channels !== 2) throw new AurisError('E_FORMAT_REFUSED', `crossfeed needs stereo, got ${input.channels} channels`);
  const bs2b = new Bs2b(settings.level, input.rate);
  return {
    inputFormat: input,
    outputFormat: input,
    identity: false,
    report: stageReport('filter', 'Crossfeed (bs2b)', input, input, false, `${settings.label}: ${settings.level.fcut} Hz, ${settings.level.feed / 10} dB`),
    latencyFrames: 0,
    process(block: AudioBlock): FloatBlock {
      if (block.kind !== 'float' || !sameFormat(block.format, input)) {
        throw new AurisError('E_FORMAT_REFUSED', `crossfeed opened on ${formatToString(input)} got ${formatToString(block.format)}`);
      }
      bs2b.process(block.samples.subarray(0, block.frames * 2));
      return block;
    },
    flush: () => null,
    reset: () => bs2b.reset(),
  };
}

export function prepareCrossfeed(settings: CrossfeedSettings): PreparedFilter {
  return { kind: 'crossfeed', name: 'Crossfeed (bs2b)', open: (input) => openCrossfeed(input, settings) };
}

export const crossfeedPlugin: FilterPlugin<CrossfeedSettings> = {
  kind: 'crossfeed',
  description: 'Bauer bs2b headphone crossfeed: presets default (700 Hz, 4.5 dB), cmoy (700 Hz, 6 dB), jmeier (650 Hz, 9.5 dB), or fcut/feedDb',
  parseSettings(raw: unknown): CrossfeedSettings {
    const o = settingsObject('crossfeed', raw) as { preset?: unknown; fcut?: unknown; feedDb?: unknown };
    if (o.fcut !== undefined || o.feedDb !== undefined) {
      const fcut = Number(o.fcut);
      const feed = Math.round(Number(o.feedDb) * 10);
      if (!Number.isInteger(fcut) || fcut < 300 || fcut > 2000) throw new AurisError('E_INVALID_ARGUMENT', `crossfeed: fcut must be 300..2000 Hz, got ${String(o.fcut)}`, { field: 'fcut' });
      if (!Number.isInteger(feed) || feed < 10 || feed > 150) throw new AurisError('E_INVALID_ARGUMENT', `crossfeed: feedDb must be 1..15 dB, got ${String(o.feedDb)}`, { field: 'feedDb' });
      return { level: { fcut, feed }, label: 'custom' };
    }
    const preset = o.preset ?? 'default';
    if (typeof preset !== 'string' || !Object.hasOwn(BS2B_PRESETS, preset)) {
      throw new AurisError('E_INVALID_ARGUMENT', `crossfeed: preset must be ${Object.keys(BS2B_PRESETS).join(', ')}, got ${String(preset)}`, { field: 'preset' });
    }
    return { level: BS2B_PRESETS[preset as Bs2bPreset], label: preset };
  },
  prepare: prepareCrossfeed,
};
