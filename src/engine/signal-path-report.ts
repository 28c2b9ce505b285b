// The signal path the engine reports for a track: every stage from the decoder through the chain
// and the packing to the output, each saying whether it changes samples and why, evaluated into
// one verdict (src/signal-path/evaluate.ts). Pure: it reads the track and the session, changes nothing.

import { nativeDsdWordBytes, type NativeDsdFormat } from '../audio/dop.ts';
import { formatToString, isIntegerKind, sameFormat } from '../audio/format.ts';
import type { SignalPathReport, StageReport } from '../protocol/signal-path.ts';
import { evaluateSignalPath } from '../signal-path/evaluate.ts';
import { quantisationCause } from './plan.ts';
import type { OutputSession } from './session.ts';
import { clipped, damageOf, type ActiveTrack } from './track.ts';

/**
 * Every stage from the source to the output for track `t` (null: the output alone) on `session`.
 * `forcedReason`: why the device forced a rate or depth change ('' when it did not); `volumeDb`:
 * the level asked for (the hardware volume's own reading is reported).
 */
export function signalPathOf(t: ActiveTrack | null, session: OutputSession | null, forcedReason: string, volumeDb: number): SignalPathReport {
  const stages: StageReport[] = [];
  if (t) {
    const d = t.file.decoder;
    stages.push({
      kind: 'decoder', name: `${d.info.codec} decoder`, input: null, output: d.format, changesSamples: false, chosenByUser: false,
      lossy: !d.info.lossless, detail: `${d.info.container}, ${formatToString(d.format)}${damageOf(t) ? `; damaged: ${damageOf(t)}` : ''}`,
    });
    const forced = forcedReason;
    const dsd = t.dsd;
    stages.push(...t.chain.reports.map((r, i, all) => {
      if (dsd?.transport === 'pcm' && r.input?.sample === 'dsd') return { ...r, changesSamples: true, chosenByUser: dsd.chosen, detail: `${r.detail}; ${dsd.reason}` };
      // The last stage delivers the device's format (to a shared mixer's float, say): forced too, as is a stage nobody chose (a downmix).
      if (!forced || (r.chosenByUser && r.kind !== 'resampler' && r.kind !== 'dither' && i !== all.length - 1)) return r;
      // Quantising a float source for an integer device, at its rate, is what any player must do.
      const floatToInt = r.kind === 'dither' && !isIntegerKind(t.info.format.sample) && r.output !== null && isIntegerKind(r.output.sample)
        && !t.chain.reports.some((x) => x.kind === 'resampler');
      if (floatToInt) return { ...r, chosenByUser: false, required: true, cause: quantisationCause(t.info.format, r.output!.validBits) };
      return { ...r, chosenByUser: false, cause: forced };
    }));
    const clips = clipped(t.chain);
    if (clips > 0) {
      // The clip count shows on the last processing stage (where a boost went past full scale).
      const last = stages.length - 1;
      stages[last] = { ...stages[last]!, detail: `${stages[last]!.detail}; ${clips} sample${clips === 1 ? '' : 's'} clipped` };
    }
    if (dsd?.transport === 'dop') {
      stages.push({
        kind: 'packing', name: 'DoP', input: t.info.format, output: dsd.carrier, changesSamples: false, chosenByUser: false,
        detail: `DSD over PCM v1.1: 16 DSD bits per 24-bit word, markers 0x05/0xFA, ${dsd.carrier.rate} Hz carrier; the DSD bits reach the DAC untouched`,
      });
    }
  }
  // The output stages belong to this track only once the output carries its format (a format
  // change reopens it after the previous track has played out).
  const s = t && session && !sameFormat(session.format, t.chain.outputFormat) ? null : session;
  if (s?.export.dsd && s.out.format.sample === 'dsd') {
    const words = nativeDsdWordBytes(s.out.container as NativeDsdFormat);
    stages.push({
      kind: 'packing', name: `native DSD ${s.out.container}`, input: s.format, output: s.out.format, changesSamples: false, chosenByUser: false,
      detail: `${words} DSD byte${words > 1 ? 's' : ''} per channel in each ${s.out.container} word at ${s.frameRate} Hz, sent verbatim`,
    });
    stages.push(s.out.stage);
  } else if (s) {
    // The level the device reports it set (it rounds down to its steps), not the one asked for.
    const hw = s.out.volume && volumeDb !== 0 ? `, hardware volume ${roundDb(s.out.volume.get())} dB` : '';
    const dop = s.export.dsd !== null; // DoP: the carrier words are what gets packed
    const mono = s.upmix > 1 ? `; the ${s.format.channels === 1 ? 'mono' : `${s.format.channels}-channel`} samples go unchanged to all ${s.out.format.channels} channels of the device (it has no ${s.format.channels}-channel mode)` : '';
    stages.push({
      kind: 'packing', name: s.out.container, input: dop ? s.out.format : s.format, output: s.out.format, changesSamples: false, chosenByUser: false,
      detail: dop ? `24-bit DoP words in ${s.out.container}` : `${s.format.validBits}-bit samples in ${s.out.container}${hw}${mono}`,
    });
    stages.push(s.out.stage);
  }
  return evaluateSignalPath(stages);
}

/** dB to two decimals, for people. */
function roundDb(db: number): number {
  return Math.round(db * 100) / 100;
}
