// The parametric EQ filter (dsp.md sections 1-2): any number of RBJ biquad bands, preamps and
// GraphicEQ curves, each on all channels or a selection, in 64-bit float with Direct Form I
// sections designed at the rate they run; automatic preamp from the true maximum of the response
// (DC and Nyquist included). A flat EQ is identity, so the chain drops it and stays bit-perfect.

import type { AudioBlock, FloatBlock } from '../../../audio/block.ts';
import type { AudioFormat } from '../../../audio/format.ts';
import { formatToString, sameFormat } from '../../../audio/format.ts';
import { AurisError } from '../../../util/errors.ts';
import type { FilterPlugin, OpenFilter, PreparedFilter } from '../../interface.ts';
import { identityFilter, stageReport } from '../../interface.ts';
import {
  BAND_TYPES, biquadMagnitudeDb, biquadPhase, designBiquad, usesGain, validateBand,
  type BandType, type BiquadBand, type BiquadCoefficients,
} from './biquad.ts';
import { resolveChannels, type ChannelSelection } from './channels.ts';
import { runCascades } from './df1.ts';
import { designMinimumPhaseFir, firResponse, graphicFirLength, PartitionedConvolver } from './fir.ts';
import { graphicGainDb, isFlatCurve, sortNodes, type GraphicNode } from './graphic.ts';

/** One step of an EQ, applied to the selected channels. */
export type EqStep =
  | { readonly kind: 'preamp'; readonly db: number; readonly channels: ChannelSelection }
  | { readonly kind: 'band'; readonly band: BiquadBand; readonly channels: ChannelSelection }
  | { readonly kind: 'graphic'; readonly nodes: readonly GraphicNode[]; readonly channels: ChannelSelection };

/**
 * EQ settings. `autoPreamp` adds the negative gain that keeps every channel's response at or
 * below 0 dB (on top of the explicit preamps, which it never raises), minus `marginDb` more.
 */
export interface EqSettings {
  readonly steps: readonly EqStep[];
  readonly autoPreamp?: boolean;
  /** Extra headroom in dB (0..6) with autoPreamp. */
  readonly marginDb?: number;
}

/** What one channel runs: a gain, biquad bands in order, a GraphicEQ curve (sum of its curves). */
export interface ChannelPlan {
  readonly preampDb: number;
  readonly bands: readonly BiquadBand[];
  readonly curves: readonly (readonly GraphicNode[])[];
}

/** The plan of each of `channels` channels; steps that change nothing are left out. */
export function planChannels(settings: EqSettings, channels: number): ChannelPlan[] {
  const plans = Array.from({ length: channels }, () => ({ preampDb: 0, bands: [] as BiquadBand[], curves: [] as GraphicNode[][] }));
  for (const step of settings.steps) {
    for (const c of resolveChannels(step.channels, channels)) {
      const p = plans[c]!;
      if (step.kind === 'preamp') p.preampDb += step.db;
      else if (step.kind === 'band') { if (!isNeutralBand(step.band)) p.bands.push(step.band); }
      else if (!isFlatCurve(step.nodes)) p.curves.push(sortNodes(step.nodes));
    }
  }
  return plans;
}

/** A band that leaves every sample as it is (peaking or shelf at exactly 0 dB). */
export function isNeutralBand(b: BiquadBand): boolean {
  return usesGain(b.type) && b.gainDb === 0;
}

function planIsFlat(p: ChannelPlan): boolean {
  return p.preampDb === 0 && p.bands.length === 0 && p.curves.length === 0;
}

/** Filter-only response (bands and curves, no preamp) of a plan at `hz`, in dB. */
function filtersDb(coefs: readonly BiquadCoefficients[], curves: readonly (readonly GraphicNode[])[], hz: number, rate: number): number {
  let db = 0;
  for (const c of coefs) db += biquadMagnitudeDb(c, hz, rate);
  for (const nodes of curves) db += graphicGainDb(nodes, hz);
  return db;
}

/**
 * True maximum (dB) of `f(hz)` over [0, rate/2]: DC, Nyquist, a log grid from 5 Hz at 96 points
 * per octave, then each grid maximum refined by golden-section search between its neighbours.
 */
export function responseMaximum(f: (hz: number) => number, rate: number): { hz: number; db: number } {
  const nyq = rate / 2;
  const grid = [0];
  for (let hz = 5; hz < nyq; hz *= 2 ** (1 / 96)) grid.push(hz);
  grid.push(nyq);
  const vals = grid.map(f);
  let best = { hz: 0, db: -Infinity };
  for (let i = 0; i < grid.length; i++) if (vals[i]! > best.db) best = { hz: grid[i]!, db: vals[i]! };
  for (let i = 1; i < grid.length - 1; i++) {
    if (!(vals[i]! >= vals[i - 1]! && vals[i]! >= vals[i + 1]!)) continue;
    let lo = grid[i - 1]!, hi = grid[i + 1]!;
    const g = (Math.sqrt(5) - 1) / 2;
    let a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    let fa = f(a), fb = f(b);
    for (let it = 0; it < 60; it++) {
      if (fa > fb) { hi = b; b = a; fb = fa; a = hi - g * (hi - lo); fa = f(a); }
      else { lo = a; a = b; fa = fb; b = lo + g * (hi - lo); fb = f(b); }
    }
    const m = fa > fb ? { hz: a, db: fa } : { hz: b, db: fb };
    if (m.db > best.db) best = m;
  }
  return best;
}

/** Peak of each channel's filters (without preamps) and with its explicit preamp, at `rate`. */
function channelPeaks(plans: readonly ChannelPlan[], rate: number): { filters: number; withPreamp: number }[] {
  return plans.map((p) => {
    const coefs = p.bands.map((b) => designBiquad(b, rate));
    const peak = coefs.length === 0 && p.curves.length === 0 ? 0 : responseMaximum((hz) => filtersDb(coefs, p.curves, hz, rate), rate).db;
    return { filters: peak, withPreamp: peak + p.preampDb };
  });
}

/**
 * The automatic preamp of section 2.2 at `rate`: -max(0, peak of the filters over all channels)
 * - margin, i.e. what replaces a preset's own preamp (HD 650 AutoEq set at 44.1 kHz: -6.40 dB).
 */
export function autoPreampDb(settings: EqSettings, rate: number, channels = 2, marginDb = settings.marginDb ?? 0): number {
  const peaks = channelPeaks(planChannels(settings, channels), rate);
  const worst = Math.max(0, ...peaks.map((p) => p.filters));
  return -worst - marginDb;
}

/**
 * What `autoPreamp` adds on top of the settings' own preamps at `rate` (<= 0): the gain that keeps
 * every channel's response, preamps included, at or below 0 dB (minus the margin).
 */
export function autoPreampExtraDb(settings: EqSettings, rate: number, channels = 2): number {
  return autoExtraDb(planChannels(settings, channels), rate, settings.marginDb ?? 0);
}

/** Gain added on top of the explicit preamps by `autoPreamp` (<= 0): keeps every channel <= 0 dB. */
function autoExtraDb(plans: readonly ChannelPlan[], rate: number, marginDb: number): number {
  const peaks = channelPeaks(plans, rate);
  return -Math.max(0, ...peaks.map((p) => p.withPreamp)) - marginDb;
}

/** One point of a response: magnitude in dB and phase in degrees (-180, 180]. */
export interface ResponsePoint {
  readonly hz: number;
  readonly db: number;
  readonly phaseDeg: number;
}

/**
 * Response of channel `channel` (0-based) at each frequency, preamps and GraphicEQ included
 * (magnitude of the curve as specified; phase of its minimum-phase FIR), with the automatic preamp
 * when the settings ask for it.
 */
export function eqResponse(settings: EqSettings, rate: number, freqs: readonly number[], channel = 0, channels = 2): ResponsePoint[] {
  for (const hz of freqs) {
    if (!(Number.isFinite(hz) && hz >= 0 && hz <= rate / 2)) throw new AurisError('E_INVALID_ARGUMENT', `frequency ${hz} Hz is outside 0..${rate / 2} Hz`);
  }
  const plans = planChannels(settings, channels);
  const plan = plans[channel];
  if (!plan) throw new AurisError('E_INVALID_ARGUMENT', `channel ${channel + 1} does not exist in ${channels} channels`);
  const coefs = plan.bands.map((b) => designBiquad(b, rate));
  const gain = plan.preampDb + (settings.autoPreamp ? autoExtraDb(plans, rate, settings.marginDb ?? 0) : 0);
  const fir = plan.curves.length > 0 ? designMinimumPhaseFir((hz) => curvesDb(plan.curves, hz), rate, graphicFirLength(rate)) : null;
  return freqs.map((hz) => {
    let phase = 0;
    for (const c of coefs) phase += biquadPhase(c, hz, rate);
    if (fir) { const [re, im] = firResponse(fir, hz, rate); phase += Math.atan2(im, re); }
    phase = Math.atan2(Math.sin(phase), Math.cos(phase));
    return { hz, db: gain + filtersDb(coefs, plan.curves, hz, rate), phaseDeg: (phase * 180) / Math.PI };
  });
}

function curvesDb(curves: readonly (readonly GraphicNode[])[], hz: number): number {
  let db = 0;
  for (const n of curves) db += graphicGainDb(n, hz);
  return db;
}

/** Opens the EQ on an f64 format: per-channel gain, DF1 sections, optional GraphicEQ FIR. */
function openEq(settings: EqSettings, input: AudioFormat): OpenFilter {
  if (input.sample !== 'f64') throw new AurisError('E_FORMAT_REFUSED', `the EQ takes f64 samples, not ${formatToString(input)}`);
  const C = input.channels;
  const rate = input.rate;
  const plans = planChannels(settings, C);
  const autoDb = settings.autoPreamp ? autoExtraDb(plans, rate, settings.marginDb ?? 0) : 0;
  if (plans.every(planIsFlat) && autoDb === 0) return identityFilter('filter', 'Parametric EQ', input, 'flat');
  const gains = Float64Array.from(plans, (p) => 10 ** ((p.preampDb + autoDb) / 20));
  // coef[ch][5s..5s+4] = b0 b1 b2 a1 a2; state[ch][4s..4s+3] = x1 x2 y1 y2. A channel's preamp is
  // folded into its first section's numerator (g*b0, g*b1, g*b2): one pass fewer, same response.
  const coef = plans.map((p, ch) => {
    const a = new Float64Array(p.bands.length * 5);
    p.bands.forEach((b, s) => {
      const c = designBiquad(b, rate);
      const g = s === 0 ? gains[ch]! : 1;
      a.set([g * c.b0, g * c.b1, g * c.b2, c.a1, c.a2], s * 5);
    });
    if (p.bands.length > 0) gains[ch] = 1;
    return a;
  });
  const state = plans.map((p) => new Float64Array(p.bands.length * 4));
  const taps = graphicFirLength(rate);
  const anyCurve = plans.some((p) => p.curves.length > 0);
  const convolver = anyCurve
    ? new PartitionedConvolver(C, plans.map((p) => (p.curves.length > 0 ? designMinimumPhaseFir((hz) => curvesDb(p.curves, hz), rate, taps) : null)), taps)
    : null;
  const bandCount = Math.max(...plans.map((p) => p.bands.length));
  const preamps = [...new Set(plans.map((p) => p.preampDb + autoDb))];
  const detail = [
    `${bandCount} band${bandCount === 1 ? '' : 's'}`,
    `preamp ${preamps.map((d) => `${d > 0 ? '+' : ''}${d.toFixed(2)} dB`).join('/')}${settings.autoPreamp ? ' (auto)' : ''}`,
    ...(anyCurve ? [`GraphicEQ ${taps}-tap minimum-phase FIR`] : []),
  ].join(', ');
  const filter: OpenFilter = {
    inputFormat: input,
    outputFormat: input,
    identity: false,
    report: stageReport('filter', 'Parametric EQ', input, input, false, detail),
    latencyFrames: 0,
    process(block: AudioBlock): FloatBlock {
      if (block.kind !== 'float' || !sameFormat(block.format, input)) {
        throw new AurisError('E_FORMAT_REFUSED', `EQ opened on ${formatToString(input)} got ${formatToString(block.format)}`);
      }
      const x = block.samples;
      const n = x.length;
      for (let ch = 0; ch < C; ch++) {
        const g = gains[ch]!;
        if (g !== 1) for (let i = ch; i < n; i += C) x[i] = x[i]! * g;
      }
      runCascades(x, C, coef, state);
      if (!convolver) return block;
      const y = convolver.process(x);
      return { kind: 'float', format: input, frames: y.length / C, samples: y };
    },
    flush(): FloatBlock | null {
      const tail = convolver ? convolver.flush() : null;
      filter.reset();
      return tail && tail.length > 0 ? { kind: 'float', format: input, frames: tail.length / C, samples: tail } : null;
    },
    reset() {
      for (const s of state) s.fill(0);
      convolver?.reset();
    },
  };
  return filter;
}

/** A prepared EQ; opening designs its sections for the stream's rate and channel count. */
export function prepareEq(settings: EqSettings): PreparedFilter {
  return { kind: 'eq', name: 'Parametric EQ', open: (input) => openEq(settings, input) };
}

function parseSelection(raw: unknown, where: string): ChannelSelection {
  if (raw === undefined || raw === 'all' || raw === 'ALL') return 'all';
  if (Array.isArray(raw) && raw.every((c) => typeof c === 'string' || typeof c === 'number')) return raw.map(String);
  throw new AurisError('E_INVALID_ARGUMENT', `${where}: channels must be 'all' or a list of names/numbers`);
}

function num(raw: unknown, where: string, optional = false): number | undefined {
  if (raw === undefined && optional) return undefined;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw new AurisError('E_INVALID_ARGUMENT', `${where} must be a finite number`);
  return raw;
}

function parseBand(raw: Record<string, unknown>, where: string): BiquadBand {
  if (!BAND_TYPES.includes(raw.type as BandType)) throw new AurisError('E_INVALID_ARGUMENT', `${where}.type must be one of ${BAND_TYPES.join(', ')}`);
  const band: BiquadBand = {
    type: raw.type as BandType,
    freq: num(raw.freq, `${where}.freq`)!,
    gainDb: num(raw.gainDb ?? 0, `${where}.gainDb`)!,
    ...(raw.q !== undefined ? { q: num(raw.q, `${where}.q`)! } : {}),
    ...(raw.bwOct !== undefined ? { bwOct: num(raw.bwOct, `${where}.bwOct`)! } : {}),
    ...(raw.slope !== undefined ? { slope: num(raw.slope, `${where}.slope`)! } : {}),
    ...(raw.corner === true ? { corner: true } : {}),
  };
  validateBand(band);
  return band;
}

/**
 * Checks EQ settings from JSON: `{ steps: [...] }` as EqSettings, or the shorthand
 * `{ preampDb?, bands: [{ type, freq, gainDb, q|bwOct|slope, corner?, channels? }], autoPreamp?, marginDb? }`.
 */
export function parseEqSettings(raw: unknown): EqSettings {
  if (raw === null || typeof raw !== 'object') throw new AurisError('E_INVALID_ARGUMENT', 'EQ settings must be an object');
  const r = raw as Record<string, unknown>;
  const steps: EqStep[] = [];
  if (r.preampDb !== undefined) steps.push({ kind: 'preamp', db: num(r.preampDb, 'preampDb')!, channels: 'all' });
  const list = r.steps ?? r.bands ?? [];
  if (!Array.isArray(list)) throw new AurisError('E_INVALID_ARGUMENT', 'EQ steps/bands must be a list');
  list.forEach((item: unknown, i) => {
    const where = `${r.steps ? 'steps' : 'bands'}[${i}]`;
    if (item === null || typeof item !== 'object') throw new AurisError('E_INVALID_ARGUMENT', `${where} must be an object`);
    const s = item as Record<string, unknown>;
    const channels = parseSelection(s.channels, where);
    if (s.kind === 'preamp') steps.push({ kind: 'preamp', db: num(s.db, `${where}.db`)!, channels });
    else if (s.kind === 'graphic') {
      if (!Array.isArray(s.nodes)) throw new AurisError('E_INVALID_ARGUMENT', `${where}.nodes must be a list`);
      const nodes = (s.nodes as unknown[]).map((n, j) => {
        const o = (n ?? {}) as Record<string, unknown>;
        return { hz: num(o.hz, `${where}.nodes[${j}].hz`)!, db: num(o.db, `${where}.nodes[${j}].db`)! };
      });
      steps.push({ kind: 'graphic', nodes: sortNodes(nodes), channels });
    } else {
      const band = (s.kind === 'band' ? s.band : s) as Record<string, unknown> | undefined;
      if (!band || typeof band !== 'object') throw new AurisError('E_INVALID_ARGUMENT', `${where}.band must be an object`);
      steps.push({ kind: 'band', band: parseBand(band, where), channels });
    }
  });
  const marginDb = num(r.marginDb, 'marginDb', true);
  if (marginDb !== undefined && (marginDb < 0 || marginDb > 6)) throw new AurisError('E_INVALID_ARGUMENT', 'marginDb must be within 0..6 dB');
  return { steps, ...(r.autoPreamp === true ? { autoPreamp: true } : {}), ...(marginDb !== undefined ? { marginDb } : {}) };
}

export const eqPlugin: FilterPlugin<EqSettings> = {
  kind: 'eq',
  description: 'parametric EQ: RBJ biquads, preamps and GraphicEQ curves per channel, 64-bit, auto-preamp',
  parseSettings: parseEqSettings,
  prepare: prepareEq,
};
