// Loading an EQ preset from a file by its kind: `.json` holds EQ settings as the 'eq' filter
// takes them (see parseEqSettings), anything else is read as Equalizer APO / AutoEq text.

import { readRegularFile } from '../../util/byte-source.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';
import { parseEqSettings, type EqSettings } from '../plugins/eq/index.ts';
import { loadApoConfig, type ApoOptions } from './apo.ts';

/** A loaded preset: the settings and what was ignored while reading it. */
export interface LoadedPreset {
  readonly settings: EqSettings;
  readonly warnings: readonly string[];
  readonly format: 'json' | 'apo';
}

/** Reads `file` as a preset; E_NOT_FOUND/E_IO for unreadable files, E_INVALID_ARGUMENT for bad JSON settings. */
export async function loadEqPreset(file: string, options: Omit<ApoOptions, 'path'> = {}): Promise<LoadedPreset> {
  if (file.toLowerCase().endsWith('.json')) {
    let text: string;
    try {
      text = new TextDecoder().decode(await readRegularFile(file));
    } catch (e) {
      throw asAurisError(e, 'E_IO');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new AurisError('E_INVALID_ARGUMENT', `${file}: not valid JSON: ${(e as Error).message}`);
    }
    return { settings: parseEqSettings(raw), warnings: [], format: 'json' };
  }
  const cfg = await loadApoConfig(file, options);
  return { settings: cfg.settings, warnings: cfg.warnings, format: 'apo' };
}
