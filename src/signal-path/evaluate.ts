// The signal-path verdict: from every stage's report to one word and its reasons in words.

import { sameFormat, formatToString, isIntegerKind, type AudioFormat } from '../audio/format.ts';
import type { SignalPathReport, StageKind, StageReport, Verdict } from '../protocol/signal-path.ts';

/**
 * Turns the stages (source first, output/mixer last) into a verdict:
 * - `degraded`: some stage changed samples without the user asking (shared mixer, forced resampling),
 *   or the format changed between two stages with no stage owning the change;
 * - `lossy-source`: the samples were already an approximation before the player touched them;
 * - `enhanced`: only processing the user chose changed samples (EQ, volume, crossfeed);
 * - `bit-perfect`: no stage changed a sample (zero padding into a wider container is allowed).
 * The most serious applicable verdict wins, in that order; `reasons` lists every finding.
 */
export function evaluateSignalPath(stages: readonly StageReport[]): SignalPathReport {
  const forced: string[] = [];
  const required: string[] = [];
  const lossy: string[] = [];
  const chosen: string[] = [];
  // Forced and required stages with a cause: one reason per cause, the cause first.
  const byCause = new Map<string, { required: boolean; stages: StageReport[] }>();
  for (const s of stages) {
    if (s.lossy) lossy.push(`lossy source: ${describe(s)}`);
    if (!s.changesSamples) continue;
    if (s.chosenByUser) chosen.push(`not bit-perfect: ${describe(s)}`);
    else if (s.cause) {
      const group = byCause.get(s.cause) ?? { required: true, stages: [] };
      group.required &&= s.required === true;
      group.stages.push(s);
      byCause.set(s.cause, group);
    } else if (s.required) required.push(`not bit-perfect (required): ${describe(s)}`);
    else forced.push(`not bit-perfect: ${describe(s)}`);
  }
  const caused = [...byCause].map(([cause, g]) => ({ required: g.required, text: `${cause} (done by ${g.stages.map(describe).join(', ')})` }));
  forced.unshift(...caused.filter((c) => !c.required).map((c) => `not bit-perfect: ${c.text}`));
  required.unshift(...caused.filter((c) => c.required).map((c) => `not bit-perfect (required): ${c.text}`));
  for (let i = 1; i < stages.length; i++) {
    const a = stages[i - 1]!.output;
    const b = stages[i]!.input;
    if (a && b && !sameFormat(a, b) && !isExactWidening(a, b)) {
      forced.push(`not bit-perfect: format changed from ${formatToString(a)} to ${formatToString(b)} between ${stages[i - 1]!.name} and ${stages[i]!.name} with no stage reporting it`);
    }
  }
  // A required quantisation changes a lossless source (degraded) but not what a lossy one already is.
  const verdict: Verdict = forced.length > 0 ? 'degraded' : lossy.length > 0 ? 'lossy-source' : required.length > 0 ? 'degraded' : chosen.length > 0 ? 'enhanced' : 'bit-perfect';
  return { verdict, reasons: [...forced, ...required, ...lossy, ...chosen], stages };
}

/** Stage kinds that process samples (the source, decoder, packing and output are reported elsewhere). */
const PROCESSING_KINDS: ReadonlySet<StageKind> = new Set(['filter', 'resampler', 'volume', 'dither']);

/**
 * Why a track's delivered samples differ from its file's, for its proof ('' when no processing
 * stage changed them): changes nobody chose first ("samples changed by Resampler, required by the
 * device": a shared mixer's rate, a rate the DAC lacks), then the user's ("samples changed on
 * purpose by Parametric EQ").
 */
export function sampleChangesReason(stages: readonly StageReport[]): string {
  const changed = stages.filter((s) => s.changesSamples && PROCESSING_KINDS.has(s.kind));
  const names = (chosen: boolean) => changed.filter((s) => s.chosenByUser === chosen).map((s) => s.name).join(', ');
  const forced = names(false);
  const chosen = names(true);
  return [forced ? `samples changed by ${forced}, required by the device` : '', chosen ? `samples changed on purpose by ${chosen}` : ''].filter(Boolean).join('; ');
}

/**
 * A format change that keeps every sample value exactly: integer to a wider integer container
 * (zero padding), integer to 64-bit float, integer of up to 24 bits to 32-bit float, or 32-bit
 * float to 64-bit float.
 */
function isExactWidening(a: AudioFormat, b: AudioFormat): boolean {
  if (a.rate !== b.rate || a.channels !== b.channels) return false;
  if (a.sample === 'f32') return b.sample === 'f64';
  if (!isIntegerKind(a.sample)) return false;
  if (isIntegerKind(b.sample)) return b.validBits >= a.validBits;
  return b.sample === 'f64' || (b.sample === 'f32' && a.validBits <= 24);
}

function describe(s: StageReport): string {
  return s.detail ? `${s.name} (${s.detail})` : s.name;
}
