// The DSP filter plugin interface. Every stage that changes samples on purpose (EQ, volume,
// crossfeed, resampler, DSD->PCM, DoP packing, dither) implements it, lives in
// src/dsp/plugins/<name>/, and is listed once in src/dsp/registry.ts.
//
// Life cycle (the same for every plugin):
//   settings --plugin.prepare()--> PreparedFilter --open(inputFormat)--> OpenFilter
//   OpenFilter: process(block)* ... flush() at end of stream; reset() after a seek.
// A prepared filter holds validated settings only and may be opened any number of times (once per
// track format); each open filter holds the running state of one stream.
//
// Sample domain: PCM filters work on interleaved Float64 (`FloatBlock`, format sample 'f64'),
// nominal full scale +-1.0. The chain (src/dsp/chain.ts) converts integer PCM to float at its entry,
// exactly: x = s / 2^(validBits-1) (16-bit: /32768, 24-bit: /8388608), and only when at least one
// stage is not identity, so an all-identity chain hands the integer block through untouched
// (bit-perfect). Filters that take or produce other kinds (DSD->PCM takes DSD, DoP packing turns
// DSD into 24-bit integer carriers, the quantiser turns float into integer) declare so through
// the formats they accept in `open` and return in `outputFormat`.
//
// Threads and ownership: a PreparedFilter is immutable and may be shared between threads as plain
// settings. An OpenFilter belongs to the one thread that opened it (the engine worker, or the CLI)
// and is called by one caller at a time, synchronously: no method awaits, does I/O or logs.
// `process` may overwrite the samples of the block it is given and return that same block; the
// caller hands the block over and must not read it afterwards. The returned block (and any block
// from `flush`) stays valid until the next call on the same filter; copy it to keep it longer.

import type { AudioBlock } from '../audio/block.ts';
import type { AudioFormat } from '../audio/format.ts';
import { floatFormat, isIntegerKind } from '../audio/format.ts';
import type { StageKind, StageReport } from '../protocol/signal-path.ts';
import { AurisError } from '../util/errors.ts';

/** A filter opened on one input format: the running state of one stream. */
export interface OpenFilter {
  /** The format `process` accepts. */
  readonly inputFormat: AudioFormat;
  /** The format of every block `process` and `flush` return. */
  readonly outputFormat: AudioFormat;
  /**
   * True when the filter changes nothing for this input (flat EQ, 0 dB volume, resampling to the
   * same rate). The chain drops identity filters and never calls them; if called anyway,
   * `process` returns its input unchanged.
   */
  readonly identity: boolean;
  /**
   * What the stage does, for the signal path. An identity filter reports `changesSamples: false`;
   * a filter that only carries the samples in another form (DoP packing) does too, though it is
   * not identity.
   */
  readonly report: StageReport;
  /** Frames of delay the filter adds (output lags input by this much); 0 for IIR/gain stages. */
  readonly latencyFrames: number;
  /**
   * Filters one block of `inputFormat` and returns a block of `outputFormat`, which may hold
   * fewer or more frames than the input (a resampler) or none at all. May work in place.
   * Throws E_FORMAT_REFUSED for a block of another format.
   */
  process(block: AudioBlock): AudioBlock;
  /**
   * End of stream: returns the tail still inside the filter (resampler look-ahead, FIR tails),
   * or null when there is none. After flush the filter is as after `reset`.
   */
  flush(): AudioBlock | null;
  /** Forgets all history (after a seek or a track change in the same format); no output. */
  reset(): void;
}

/** Settings validated and turned into something that can be opened on a format. */
export interface PreparedFilter {
  /** The registry kind this came from ('eq', 'volume', 'resample', ...). */
  readonly kind: string;
  /** Name for people: "Parametric EQ", "Volume". */
  readonly name: string;
  /**
   * Opens the filter on `input` and returns it with its output format and stage report. PCM
   * filters are opened on float formats (the chain passes the f64 form of an integer source).
   * Throws E_FORMAT_REFUSED for a format the filter cannot take (a PCM EQ given DSD), and
   * E_INVALID_ARGUMENT when the settings do not fit the format (a band above Nyquist).
   */
  open(input: AudioFormat): OpenFilter;
}

/** A kind of filter: validates settings from JSON/CLI and prepares filters from them. */
export interface FilterPlugin<S = unknown> {
  /** Registry key, lowercase: 'eq', 'volume', 'resample', 'crossfeed', 'dsd2pcm', 'dop'. */
  readonly kind: string;
  /** One line for `auris debug filter --list`. */
  readonly description: string;
  /** Checks raw settings (parsed JSON, CLI options); throws E_INVALID_ARGUMENT naming the bad field. */
  parseSettings(raw: unknown): S;
  /** Prepares a filter from settings already checked by `parseSettings`. */
  prepare(settings: S): PreparedFilter;
}

/** Raw settings as an object (absent: no settings); E_INVALID_ARGUMENT naming the filter for anything else. */
export function settingsObject(kind: string, raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new AurisError('E_INVALID_ARGUMENT', `${kind}: settings must be an object, got ${JSON.stringify(raw)}`);
  return raw as Record<string, unknown>;
}

/** The f64 form of a PCM format, as PCM filters are opened on it (same rate and channels). */
export function float64Format(f: AudioFormat): AudioFormat {
  return f.sample === 'f64' ? f : floatFormat(f.rate, f.channels, 64);
}

/** True when blocks of this format are integer PCM, which the chain converts before PCM filters. */
export function isIntegerPcm(f: AudioFormat): boolean {
  return isIntegerKind(f.sample);
}

/** A stage report for a filter; `changesSamples` follows `identity`. */
export function stageReport(
  kind: StageKind, name: string, input: AudioFormat, output: AudioFormat, identity: boolean, detail: string, chosenByUser = true,
): StageReport {
  return { kind, name, input, output, changesSamples: !identity, chosenByUser, detail };
}

/** An open filter that changes nothing: what a plugin returns when its settings are neutral. */
export function identityFilter(kind: StageKind, name: string, input: AudioFormat, detail = 'no change'): OpenFilter {
  return {
    inputFormat: input,
    outputFormat: input,
    identity: true,
    report: stageReport(kind, name, input, input, true, detail),
    latencyFrames: 0,
    process: (block) => block,
    flush: () => null,
    reset: () => undefined,
  };
}
