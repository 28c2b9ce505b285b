// Software volume in 64-bit float (dsp.md section 3.1): g = 10^(dB/20); exactly 0 dB is identity
// (the chain drops the stage, so the path stays bit-perfect); -Infinity dB is mute (exact zeros);
// a change while playing ramps linearly per sample over 20 ms, never a jump.

import type { AudioBlock, FloatBlock } from '../../../audio/block.ts';
import type { AudioFormat } from '../../../audio/format.ts';
import { formatToString, sameFormat } from '../../../audio/format.ts';
import { AurisError } from '../../../util/errors.ts';
import type { FilterPlugin, OpenFilter, PreparedFilter } from '../../interface.ts';
import { identityFilter, stageReport } from '../../interface.ts';

export interface VolumeSettings {
  /** Gain in dB, <= +24; -Infinity (or null in JSON) mutes. */
  readonly db: number;
  /** What the signal path calls this stage instead of "Volume" and its level (a ReplayGain stage: "ReplayGain track -6.20 dB"). */
  readonly label?: string;
}

/** Length of the gain ramp after a change. */
export const VOLUME_RAMP_SECONDS = 0.02;

/** Linear gain of `db` (0 for -Infinity). */
export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : 10 ** (db / 20);
}

/** An open volume stage; `setDb` changes the gain with a ramp. */
export interface VolumeFilter extends OpenFilter {
  readonly db: number;
  setDb(db: number): void;
}

function describe(db: number): string {
  return db === -Infinity ? 'muted' : `${db > 0 ? '+' : ''}${Number(db.toFixed(2))} dB`;
}

/** Opens a volume stage on an f64 format; non-identity even at 0 dB, so it can be changed later. */
export function openVolume(input: AudioFormat, db: number): VolumeFilter {
  if (input.sample !== 'f64') throw new AurisError('E_FORMAT_REFUSED', `volume takes f64 samples, not ${formatToString(input)}`);
  const channels = input.channels;
  const rampFrames = Math.max(1, Math.round(VOLUME_RAMP_SECONDS * input.rate));
  let target = dbToGain(db);
  let current = target;
  let step = 0;
  let left = 0;
  const filter: VolumeFilter = {
    inputFormat: input,
    outputFormat: input,
    identity: false,
    report: stageReport('volume', 'Volume', input, input, false, describe(db)),
    latencyFrames: 0,
    db,
    setDb(next: number) {
      checkDb(next);
      (filter as { db: number }).db = next;
      (filter as { report: OpenFilter['report'] }).report = stageReport('volume', 'Volume', input, input, false, describe(next));
      target = dbToGain(next);
      left = rampFrames;
      step = (target - current) / rampFrames;
    },
    process(block: AudioBlock): FloatBlock {
      if (block.kind !== 'float' || !sameFormat(block.format, input)) {
        throw new AurisError('E_FORMAT_REFUSED', `volume opened on ${formatToString(input)} got ${formatToString(block.format)}`);
      }
      const x = block.samples;
      let i = 0;
      while (left > 0 && i < x.length) {
        current += step;
        if (--left === 0) current = target;
        for (let c = 0; c < channels; c++, i++) x[i] = x[i]! * current;
      }
      const g = current;
      if (g !== 1) for (; i < x.length; i++) x[i] = x[i]! * g;
      return block;
    },
    flush: () => null,
    reset() {
      current = target;
      left = 0;
    },
  };
  return filter;
}

function checkDb(db: number): void {
  if (typeof db !== 'number' || Number.isNaN(db) || db > 24 || db === Infinity) {
    throw new AurisError('E_INVALID_ARGUMENT', `volume must be a number of dB up to +24 (or -Infinity to mute), got ${String(db)}`);
  }
}

/** A prepared volume: identity at exactly 0 dB. */
export function prepareVolume(settings: VolumeSettings): PreparedFilter {
  const label = settings.label;
  return {
    kind: 'volume',
    name: label ?? 'Volume',
    open(input: AudioFormat): OpenFilter {
      if (settings.db === 0) return identityFilter('volume', label ?? 'Volume', input, '0 dB');
      const filter = openVolume(input, settings.db);
      // A labelled stage says everything in its name: the reason reads "not bit-perfect: <label>".
      return label === undefined ? filter : Object.assign(filter, { report: { ...filter.report, name: label, detail: '' } });
    },
  };
}

export const volumePlugin: FilterPlugin<VolumeSettings> = {
  kind: 'volume',
  description: 'software volume in 64-bit float; 0 dB is bit-perfect',
  parseSettings(raw: unknown): VolumeSettings {
    const db = raw !== null && typeof raw === 'object' ? (raw as { db?: unknown }).db : undefined;
    const value = db === null || db === '-inf' ? -Infinity : typeof db === 'string' ? Number(db) : db;
    checkDb(value as number);
    const label = raw !== null && typeof raw === 'object' ? (raw as { label?: unknown }).label : undefined;
    return typeof label === 'string' && label !== '' ? { db: value as number, label } : { db: value as number };
  },
  prepare: prepareVolume,
};
