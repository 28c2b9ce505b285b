// The EQ editor's calls over the core (the server's /api/eq routes): the current preset as EQ
// settings, saving the editor's bands as the core's own preset file, importing Equalizer APO /
// AutoEq text, and the response the EQ code computes (the plot is what plays).

import path from 'node:path';
import { AurisError, asAurisError } from '../util/errors.ts';
import { writeFileSafely } from '../util/safe-write.ts';
import type { AurisCore } from './api.ts';
import { autoPreampExtraDb, eqResponse, type EqSettings, loadEqPreset, parseApoConfig, parseEqSettings } from './files.ts';

/** The file the editor saves to, in the core's data folder (next to the settings file). */
export const CUSTOM_EQ_FILE = 'eq-custom.json';

/** The EQ as the editor shows it. */
export interface EqState {
  readonly preset: string | null;
  readonly enabled: boolean;
  /** The automatic preamp setting (dsp.eqAutoPreamp), whether or not there is a preset. */
  readonly autoPreamp: boolean;
  /** The preset's settings (with the settings' automatic preamp), or null without a readable preset. */
  readonly settings: EqSettings | null;
  /** Samples clipped since playback started. */
  readonly clips: number;
  /** Why the preset could not be read (null when it could, or when there is none). */
  readonly problem: string | null;
}

/** The editor's preset: bands of the 'eq' shorthand, a given preamp, and the automatic preamp switch. */
export interface EqEdit {
  readonly preampDb?: number;
  readonly bands: readonly Record<string, unknown>[];
  readonly autoPreamp?: boolean;
}

/** The current EQ; a preset that cannot be read is reported in `problem`, not thrown. */
export async function eqState(core: AurisCore): Promise<EqState> {
  const dsp = core.settings.get().dsp;
  const clips = core.player.state().clippedSamples;
  let settings: EqSettings | null = null;
  let problem: string | null = null;
  if (dsp.eqPreset !== null) {
    try {
      const loaded = await loadEqPreset(dsp.eqPreset);
      settings = { ...loaded.settings, ...(dsp.eqAutoPreamp ? { autoPreamp: true } : {}) };
    } catch (e) {
      problem = asAurisError(e, 'E_IO').message;
    }
  }
  return { preset: dsp.eqPreset, enabled: dsp.eqEnabled, autoPreamp: dsp.eqAutoPreamp, settings, clips, problem };
}

/**
 * Checks `edit` with the EQ's own parser (E_INVALID_ARGUMENT), writes it as `<dataFolder>/eq-custom.json`
 * (whole or not at all), and makes it the core's preset, on, with the automatic preamp as asked (default on).
 */
export async function saveCustomEq(core: AurisCore, dataFolder: string, edit: EqEdit): Promise<EqState> {
  const autoPreamp = edit.autoPreamp ?? true;
  const json = { preampDb: edit.preampDb ?? 0, bands: edit.bands, autoPreamp };
  parseEqSettings(json);
  const file = path.join(dataFolder, CUSTOM_EQ_FILE);
  await writeFileSafely(file, `${JSON.stringify(json, null, 2)}\n`);
  await core.settings.update({ dsp: { eqPreset: file, eqEnabled: true, eqAutoPreamp: autoPreamp } });
  return eqState(core);
}

/** Include lines of uploaded text name files on the server's disk: they are not read (a warning says so). */
async function refuseInclude(file: string): Promise<Uint8Array> {
  throw new AurisError('E_INVALID_ARGUMENT', `an imported preset cannot include files (${file})`);
}

/**
 * Preset text as EQ settings: JSON settings when `name` ends in .json, else Equalizer APO / AutoEq
 * text. E_INVALID_ARGUMENT when it holds no EQ at all (no preamp, band or GraphicEQ).
 */
export async function importEqText(text: string, name: string): Promise<{ settings: EqSettings; warnings: readonly string[] }> {
  if (name.toLowerCase().endsWith('.json')) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new AurisError('E_INVALID_ARGUMENT', `${name}: not valid JSON: ${(e as Error).message}`);
    }
    return { settings: parseEqSettings(raw), warnings: [] };
  }
  const cfg = await parseApoConfig(text, { readFile: refuseInclude });
  if (cfg.settings.steps.length === 0) {
    throw new AurisError('E_INVALID_ARGUMENT', `${name}: no EQ found (expected Equalizer APO / AutoEq lines such as "Preamp: -6 dB" or "Filter 1: ON PK Fc 100 Hz Gain 3 dB Q 1")`, { warnings: cfg.warnings });
  }
  return { settings: cfg.settings, warnings: cfg.warnings };
}

/** Lowest and highest frequency of the editor's plot. */
const PLOT_MIN_HZ = 20;
const PLOT_MAX_HZ = 20000;

/**
 * The response of the first channel of a stereo stream at `rate`, at `points` log-spaced frequencies
 * 20 Hz..min(20 kHz, rate/2), as the EQ runs (preamps and, when asked, the automatic preamp included);
 * `autoPreampDb`: what the automatic preamp adds on top of the given preamp (<= 0).
 */
export function eqResponseCurve(raw: unknown, points = 200, rate = 48000): { points: { hz: number; db: number }[]; autoPreampDb: number } {
  const settings = parseEqSettings(raw);
  const top = Math.min(PLOT_MAX_HZ, rate / 2);
  const freqs = Array.from({ length: points }, (_, i) => PLOT_MIN_HZ * (top / PLOT_MIN_HZ) ** (i / (points - 1)));
  freqs[points - 1] = top; // exactly the end, not a rounding error past it
  return {
    points: eqResponse(settings, rate, freqs).map((p) => ({ hz: p.hz, db: p.db })),
    autoPreampDb: autoPreampExtraDb(settings, rate),
  };
}
