// Equalizer APO configuration files (dsp.md section 1.6) -> EQ settings, and back.
// Reproduces APO's own parsing: case-sensitive commands, `Filter` as a prefix, `,` as decimal
// point, the regexes of BiQuadFilterFactory, the REW thousands-separator quirk, LS/HS corner
// semantics, Channel selections restored after an Include. AutoEq's ParametricEQ, FixedBandEQ
// and GraphicEQ outputs are APO files, so they come through here too. What APO would ignore
// silently, we ignore too but say so in `warnings`.

import path from 'node:path';
import { AurisError, asAurisError } from '../../util/errors.ts';
import { readRegularFile } from '../../util/byte-source.ts';
import type { BandType, BiquadBand } from '../plugins/eq/biquad.ts';
import { DEFAULT_NOTCH_Q, DEFAULT_SHELF_SLOPE, isShelf } from '../plugins/eq/biquad.ts';
import type { ChannelSelection } from '../plugins/eq/channels.ts';
import type { EqSettings, EqStep } from '../plugins/eq/index.ts';
import { sortNodes, type GraphicNode } from '../plugins/eq/graphic.ts';

/** Options for reading an APO configuration. */
export interface ApoOptions {
  /** Path of the file (Include paths are relative to its folder). */
  readonly path?: string;
  /** Reads an included file; default: the file system. */
  readonly readFile?: (file: string) => Promise<Uint8Array>;
  /** Output device name for `Device:` lines; without it every Device pattern matches. */
  readonly deviceName?: string;
  /** Treat `LS/HS ... Q` as centre-frequency shelves, as AutoEq meant them before May 2023. */
  readonly legacyAutoEqShelves?: boolean;
}

/** A parsed configuration: settings for the EQ plugin, and what was ignored, in words. */
export interface ApoConfig {
  readonly settings: EqSettings;
  readonly warnings: readonly string[];
  /** True when the text looks like AutoEq output (first line `Preamp:`, `Filter N: ON ... Q x.xx`). */
  readonly looksLikeAutoEq: boolean;
  /** True when it has `LS/HS ... Q` filters, whose meaning differs between APO and old AutoEq files. */
  readonly hasCornerQShelves: boolean;
}

const MAX_INCLUDE_DEPTH = 100;
const UNSUPPORTED = new Set(['Delay', 'Copy', 'Convolution', 'Stage', 'If', 'ElseIf', 'Else', 'EndIf', 'Eval', 'LoudnessCorrection', 'VSTPlugin']);

const RE_TYPE = /^\s*ON\s+([A-Za-z]+)/;
const RE_FREQ = /\s+Fc\s*([-+0-9.eE\u00A0]+)\s*H\s*z/;
const RE_GAIN = /\s+Gain\s*([-+0-9.eE]+)\s*dB/;
const RE_Q = /\s+Q\s*([-+0-9.eE]+)/;
const RE_BW = /\s+BW\s+Oct\s*([-+0-9.eE]+)/;
const RE_SLOPE = /^\s*([-+0-9.eE]+)\s*dB/;

/** Decodes as UTF-8, or as Windows-1252 when that is not valid UTF-8 (APO: the ANSI code page). */
export function decodeConfigText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** wcstod-like: the longest numeric prefix, NaN when there is none. */
function parseNumber(text: string): number {
  const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.trim());
  return m ? Number(m[0]) : NaN;
}

/** APO's getFreq: REW writes "1.000 Hz" for 1 kHz; such a number is multiplied by 1000. */
export function parseApoFrequency(raw: string): number {
  const text = raw.replace(/\u00A0/g, '').trim();
  const value = parseNumber(text);
  if (text.length >= 5 && !/[eE]/.test(text) && text[text.length - 4] === '.') return value * 1000;
  return value;
}

const TYPE_OF: Record<string, BandType | 'lsc' | 'hsc'> = {
  PK: 'peaking', PEQ: 'peaking', Modal: 'peaking',
  LP: 'lowpass', LPQ: 'lowpass', HP: 'highpass', HPQ: 'highpass',
  BP: 'bandpass', LS: 'lowshelf', HS: 'highshelf', LSC: 'lsc', HSC: 'hsc',
  NO: 'notch', AP: 'allpass',
};

/** One `Filter:` value (after `,` -> `.`) to a band, null for OFF/None, or a reason it was dropped. */
export function parseApoFilter(value: string, legacyAutoEqShelves = false): BiquadBand | null | { error: string } {
  const tm = RE_TYPE.exec(value);
  if (!tm) return null; // OFF, or not a filter APO would run
  const token = tm[1]!;
  if (token === 'None') return null;
  if (token === 'IIR') return { error: 'IIR filters are not supported' };
  const kind = TYPE_OF[token];
  if (!kind) return { error: `unknown filter type '${token}'` };
  const rest = value.slice(tm.index + tm[0].length);
  const fm = RE_FREQ.exec(rest);
  if (!fm) return { error: 'no frequency (Fc ... Hz)' };
  const freq = parseApoFrequency(fm[1]!);
  const gm = RE_GAIN.exec(rest);
  const gain = gm ? parseNumber(gm[1]!) : NaN;
  const qm = RE_Q.exec(rest);
  const bm = RE_BW.exec(rest);
  const sm = RE_SLOPE.exec(rest);
  const q = qm ? parseNumber(qm[1]!) : undefined;
  const bw = bm ? parseNumber(bm[1]!) : undefined;
  const type: BandType = kind === 'lsc' ? 'lowshelf' : kind === 'hsc' ? 'highshelf' : kind;
  if (!(freq > 0)) return { error: 'frequency is not a positive number' };
  if (isShelf(type) || type === 'peaking') {
    if (!Number.isFinite(gain)) return { error: 'no gain (Gain ... dB)' };
  }
  const centreToken = kind === 'lsc' || kind === 'hsc';
  switch (type) {
    case 'peaking':
      if (bw !== undefined) return { type, freq, gainDb: gain, bwOct: bw };
      if (q !== undefined) return { type, freq, gainDb: gain, q };
      return { error: 'no Q or bandwidth' };
    case 'lowshelf':
    case 'highshelf': {
      const slopeDb = sm ? parseNumber(sm[1]!) : undefined;
      if (slopeDb !== undefined) return { type, freq, gainDb: gain, slope: slopeDb / 12, ...(centreToken ? {} : { corner: true }) };
      if (q !== undefined) return { type, freq, gainDb: gain, q, ...(centreToken || legacyAutoEqShelves ? {} : { corner: true }) };
      return { type, freq, gainDb: gain, slope: DEFAULT_SHELF_SLOPE };
    }
    case 'notch':
      return { type, freq, gainDb: 0, ...(bw !== undefined ? { bwOct: bw } : { q: q ?? DEFAULT_NOTCH_Q }) };
    case 'allpass':
      if (bw !== undefined) return { type, freq, gainDb: 0, bwOct: bw };
      if (q !== undefined) return { type, freq, gainDb: 0, q };
      return { error: 'all-pass needs Q' };
    default: // lowpass, highpass, bandpass
      if (bw !== undefined && type === 'bandpass') return { type, freq, gainDb: 0, bwOct: bw };
      return { type, freq, gainDb: 0, q: q ?? Math.SQRT1_2 };
  }
}

/** GraphicEQ value -> nodes sorted by frequency. */
export function parseGraphicEq(value: string): GraphicNode[] {
  const text = value.includes('.') ? value : value.replace(/,/g, '.');
  const nums = (text.match(/[-+0-9.eE]+/g) ?? []).map(Number).filter((n) => !Number.isNaN(n));
  const nodes: GraphicNode[] = [];
  for (let i = 0; i + 1 < nums.length; i += 2) nodes.push({ hz: nums[i]!, db: nums[i + 1]! });
  return sortNodes(nodes);
}

function deviceMatches(value: string, deviceName: string | undefined): boolean {
  if (deviceName === undefined) return true;
  const hay = deviceName.toLowerCase();
  return value.split(';').some((pattern) => {
    const words = pattern.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return words.length > 0 && (words.includes('all') || words.every((w) => hay.includes(w)));
  });
}

function looksLikeAutoEq(text: string): boolean {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  if (lines.length === 0) return false;
  if (/^GraphicEQ:/.test(lines[0]!)) return lines.length === 1;
  return /^Preamp: -?\d+\.\d dB$/.test(lines[0]!) && lines.slice(1).every((l) => /^Filter \d+: ON [A-Z]+ Fc \d+ Hz Gain -?\d+\.\d dB Q \d+\.\d+$/.test(l));
}

interface ParseState {
  steps: EqStep[];
  warnings: string[];
  channels: ChannelSelection;
  hasCornerQShelves: boolean;
}

async function parseInto(text: string, file: string | undefined, options: ApoOptions, state: ParseState, stack: string[]): Promise<void> {
  const where = (n: number) => `${file ? path.basename(file) : 'config'}:${n}`;
  let deviceOk = true;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1);
    if (key === 'Device') { deviceOk = deviceMatches(value, options.deviceName); continue; }
    if (!deviceOk) continue;
    if (key.startsWith('Filter')) {
      const text = value.replace(/,/g, '.');
      const band = parseApoFilter(text, options.legacyAutoEqShelves);
      if (band === null) continue;
      if ('error' in band) { state.warnings.push(`${where(i + 1)}: filter ignored: ${band.error}`); continue; }
      const asApo = options.legacyAutoEqShelves ? parseApoFilter(text) : band;
      if (asApo && !('error' in asApo) && isShelf(asApo.type) && asApo.corner && asApo.q !== undefined) state.hasCornerQShelves = true;
      state.steps.push({ kind: 'band', band, channels: state.channels });
    } else if (key === 'Preamp') {
      const db = parseNumber(value.replace(/,/g, '.'));
      if (Number.isFinite(db)) state.steps.push({ kind: 'preamp', db, channels: state.channels });
      else state.warnings.push(`${where(i + 1)}: preamp ignored: no number`);
    } else if (key === 'Channel') {
      const words = value.trim().toUpperCase().split(/\s+/).filter(Boolean);
      state.channels = words.length === 0 || words.includes('ALL') ? 'all' : words;
    } else if (key === 'GraphicEQ') {
      state.steps.push({ kind: 'graphic', nodes: parseGraphicEq(value), channels: state.channels });
    } else if (key === 'Include') {
      await include(value.trim(), file, options, state, stack, where(i + 1));
    } else if (UNSUPPORTED.has(key)) {
      state.warnings.push(`${where(i + 1)}: '${key}' is not supported; ignored`);
    } else if (!key.startsWith('#') && key !== '') {
      state.warnings.push(`${where(i + 1)}: unknown command '${key}' ignored`);
    }
  }
}

async function include(target: string, file: string | undefined, options: ApoOptions, state: ParseState, stack: string[], where: string): Promise<void> {
  const base = file ? path.dirname(file) : process.cwd();
  const resolved = path.resolve(base, target.replace(/\\/g, '/'));
  if (stack.includes(resolved)) {
    state.warnings.push(`${where}: Include of ${target} refused: it would include itself (cycle)`);
    return;
  }
  if (stack.length >= MAX_INCLUDE_DEPTH) {
    state.warnings.push(`${where}: Include of ${target} refused: more than ${MAX_INCLUDE_DEPTH} levels`);
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = await (options.readFile ?? readRegularFile)(resolved);
  } catch (e) {
    state.warnings.push(`${where}: Include of ${target} failed: ${asAurisError(e).message}`);
    return;
  }
  const saved = state.channels;
  await parseInto(decodeConfigText(bytes), resolved, options, state, [...stack, resolved]);
  state.channels = saved; // APO restores the selection at the end of an included file
}

/** Parses APO configuration text (Includes resolved relative to `options.path`). */
export async function parseApoConfig(text: string, options: ApoOptions = {}): Promise<ApoConfig> {
  const state: ParseState = { steps: [], warnings: [], channels: 'all', hasCornerQShelves: false };
  const self = options.path ? [path.resolve(options.path)] : [];
  await parseInto(text, options.path ? path.resolve(options.path) : undefined, options, state, self);
  return { settings: { steps: state.steps }, warnings: state.warnings, looksLikeAutoEq: looksLikeAutoEq(text), hasCornerQShelves: state.hasCornerQShelves };
}

/** Reads and parses an APO/AutoEq file. E_NOT_FOUND / E_IO when it cannot be read. */
export async function loadApoConfig(file: string, options: Omit<ApoOptions, 'path'> = {}): Promise<ApoConfig> {
  let bytes: Uint8Array;
  try {
    bytes = await (options.readFile ?? readRegularFile)(file);
  } catch (e) {
    throw asAurisError(e, 'E_IO');
  }
  if (bytes.length > 16 * 1024 * 1024) throw new AurisError('E_INVALID_ARGUMENT', `${file}: larger than 16 MiB; not an EQ preset`);
  return parseApoConfig(decodeConfigText(bytes), { ...options, path: file });
}

// ---- export ----------------------------------------------------------------------------------

/** A number as APO reads it back exactly; frequencies dodge the thousands-separator quirk. */
function fmt(n: number): string {
  return String(n);
}

function fmtFreq(hz: number): string {
  let s = String(hz);
  if (s.length >= 5 && !/[eE]/.test(s) && s[s.length - 4] === '.') s += '0';
  return s;
}

function selectionText(sel: ChannelSelection): string {
  return sel === 'all' ? 'all' : sel.join(' ');
}

/** One band as the value of an APO `Filter:` line (plus a preamp for the constant-skirt band-pass). */
export function bandToApo(b: BiquadBand): { filter: string; preampDb?: number } {
  const fc = `Fc ${fmtFreq(b.freq)} Hz`;
  const width = b.bwOct !== undefined ? ` BW Oct ${fmt(b.bwOct)}` : b.q !== undefined ? ` Q ${fmt(b.q)}` : '';
  switch (b.type) {
    case 'peaking': return { filter: `ON PK ${fc} Gain ${fmt(b.gainDb)} dB${width}` };
    case 'lowpass': return { filter: `ON LP ${fc}${width}` };
    case 'highpass': return { filter: `ON HP ${fc}${width}` };
    case 'bandpass': return { filter: `ON BP ${fc}${width}` };
    case 'bandpass-skirt': return { filter: `ON BP ${fc}${width}`, preampDb: 20 * Math.log10(b.q ?? Math.SQRT1_2) };
    case 'notch': return { filter: `ON NO ${fc}${width}` };
    case 'allpass': return { filter: `ON AP ${fc}${width}` };
    case 'lowshelf':
    case 'highshelf': {
      const t = b.type === 'lowshelf' ? 'LS' : 'HS';
      const gain = ` Gain ${fmt(b.gainDb)} dB`;
      if (b.corner) {
        if (b.q !== undefined) return { filter: `ON ${t} ${fc}${gain} Q ${fmt(b.q)}` };
        return { filter: `ON ${t} ${fmt((b.slope ?? DEFAULT_SHELF_SLOPE) * 12)}dB ${fc}${gain}` };
      }
      if (b.q !== undefined) return { filter: `ON ${t}C ${fc}${gain} Q ${fmt(b.q)}` };
      return { filter: `ON ${t}C ${fmt((b.slope ?? DEFAULT_SHELF_SLOPE) * 12)} dB ${fc}${gain}` };
    }
  }
}

/** EQ settings as Equalizer APO configuration text (reads back to the same EQ). */
export function exportApoConfig(settings: EqSettings): string {
  const out: string[] = [];
  let current: string = 'all';
  let n = 0;
  const select = (sel: ChannelSelection) => {
    const t = selectionText(sel);
    if (t !== current) { out.push(`Channel: ${t}`); current = t; }
  };
  for (const step of settings.steps) {
    select(step.channels);
    if (step.kind === 'preamp') out.push(`Preamp: ${fmt(step.db)} dB`);
    else if (step.kind === 'graphic') out.push(`GraphicEQ: ${step.nodes.map((p) => `${fmt(p.hz)} ${fmt(p.db)}`).join('; ')}`);
    else {
      const { filter, preampDb } = bandToApo(step.band);
      if (preampDb !== undefined) out.push(`Preamp: ${fmt(preampDb)} dB`);
      out.push(`Filter ${++n}: ${filter}`);
    }
  }
  return out.join('\n') + '\n';
}
