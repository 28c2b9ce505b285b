// What each stage of the signal path reports about itself, and the verdict over all of them.
// Shared by the engine, the DSP stages, the outputs, the CLI and the web UI.

import type { AudioFormat } from '../audio/format.ts';

/** Where in the chain a stage sits, source first. */
export type StageKind =
  | 'source' | 'decoder' | 'filter' | 'resampler' | 'volume' | 'dither'
  | 'packing' | 'output' | 'mixer';

/**
 * One stage's account of what it did. A stage that changes nothing (or only pads with zeros, as
 * 24-in-32 packing does) has `changesSamples: false`. `chosenByUser` separates processing the user
 * asked for (EQ, volume) from processing forced on them (a shared mixer, a resample because the
 * device lacks the rate).
 */
export interface StageReport {
  readonly kind: StageKind;
  /** Short name for people: "Parametric EQ", "TPDF dither", "ALSA hw:CARD=DAC,DEV=0". */
  readonly name: string;
  readonly input: AudioFormat | null;
  readonly output: AudioFormat | null;
  readonly changesSamples: boolean;
  readonly chosenByUser: boolean;
  /** True for a decoder or source whose samples are already an approximation (MP3, AAC, Opus). */
  readonly lossy?: boolean;
  /**
   * A change no player can avoid for this source on this device: floating-point samples quantised
   * for a device that takes only integers. Said as such; on a lossy source it does not hide the
   * `lossy-source` verdict.
   */
  readonly required?: boolean;
  /**
   * Why a stage the user did not choose runs, in words ("shared mode: ... takes only its system
   * mixer's format ...; exclusive mode plays it bit-perfect"). The verdict's reason leads with it,
   * the technical detail after, and stages with the same cause share one reason.
   */
  readonly cause?: string;
  /** What it did, in words: "5 bands, preamp -3.2 dB", "S24_3LE", "system mixer at 48000 Hz". */
  readonly detail: string;
}

export type Verdict = 'bit-perfect' | 'enhanced' | 'degraded' | 'lossy-source';

export interface SignalPathReport {
  readonly verdict: Verdict;
  /** Reasons in words, e.g. "not bit-perfect: volume -6 dB". Empty for bit-perfect. */
  readonly reasons: readonly string[];
  readonly stages: readonly StageReport[];
}
