// The output plugin interface. Every output (ALSA, WASAPI, file, null) implements it, lives in
// src/outputs/<name>/, and is listed once in src/outputs/registry.ts.
//
// Outputs take bytes: the engine packs samples (src/audio/pack.ts) into the container the output
// negotiated at open. No output converts silently: a format the device refuses is an
// E_FORMAT_REFUSED error listing what it accepts, and the engine decides what to do.

import type { AudioFormat } from '../audio/format.ts';
import { CONTAINERS, type Container } from '../audio/pack.ts';
import { AurisError } from '../util/errors.ts';
import type { NativeDsdFormat } from '../audio/dop.ts';
import type { StageReport } from '../protocol/signal-path.ts';

/** `exclusive`: straight to the DAC, nothing converted. `shared`: through the system mixer (not bit-perfect). */
export type OutputMode = 'exclusive' | 'shared';

/** One container the device accepts, with the rates and channel counts it takes in it. */
export interface FormatCaps {
  /** ALSA name of the layout; DSD layouts (DSD_U32_BE...) appear as strings. */
  readonly container: Container | string;
  /** Significant bits in the container when fewer than its width (WASAPI 24-in-32: S32_LE with 24); 0 or absent = all. */
  readonly validBits?: number;
  readonly rates: readonly number[];
  readonly channelsMin: number;
  readonly channelsMax: number;
}

/** What an output accepts, read from the driver (probed once and cached, unless asked fresh). */
export interface OutputCapabilities {
  readonly name: string;
  readonly modes: readonly OutputMode[];
  /** Formats x rates x channels in exclusive mode; 'any' for outputs that take every PCM format (file, null). */
  readonly formats: readonly FormatCaps[] | 'any';
  /** Lowest and highest rate the driver reports (rates between the standard ones may work too). */
  readonly rateRange: readonly [number, number] | null;
  /** A hardware volume control exists (volume without touching the samples). */
  readonly hardwareVolume: boolean;
  /**
   * False when something between Auris and the DAC may change samples even in exclusive mode (an
   * ALSA plug, rate or dmix plugin, a sound server's PCM): playing to it is never bit-perfect.
   * Absent: nothing known to convert.
   */
  readonly keepsSamples?: boolean;
  /**
   * Set when the output, in the mode asked for, takes one fixed format: its system mixer's (WASAPI
   * shared mode). `formats` then lists only it, and the engine converts every source to it (the
   * plan, src/engine/plan.ts). Absent: the formats listed are the device's own.
   */
  readonly mixFormat?: AudioFormat;
}

/** What write() takes: a PCM container, or one of ALSA's native DSD containers (bytes verbatim, see src/audio/dop.ts). */
export type OutputContainer = Container | NativeDsdFormat;

/** The PCM container of an output opened for PCM; E_STATE when it was opened for native DSD. */
export function pcmContainerOf(out: { readonly container: OutputContainer; readonly name: string }): Container {
  if ((CONTAINERS as readonly string[]).includes(out.container)) return out.container as Container;
  throw new AurisError('E_STATE', `${out.name} is open for native DSD (${out.container}), not PCM`);
}

/** Tuning of an open; every field has a sensible default for music. */
export interface OpenOptions {
  /** Device buffer in ms (default 500: hundreds of ms for music, like MPD). */
  readonly bufferMs?: number;
  /** Device period in ms (default buffer / 4). */
  readonly periodMs?: number;
  /** Ring between the caller and the device thread in ms (default 1000). */
  readonly ringMs?: number;
  /** Force one container instead of the first one the device accepts (debugging). */
  readonly container?: Container;
  /** Backend-specific strategy (WASAPI "event" | "push"). */
  readonly strategy?: string;
  /** ALSA: the mixer element that is the hardware volume ("Master", "Digital"...); absent: the usual one. */
  readonly volumeControl?: string;
}

/** Volume in dB through the device's own mixer: the samples stay bit-perfect. */
export interface HardwareVolume {
  readonly control: string;
  readonly minDb: number;
  readonly maxDb: number;
  get(): number;
  /** Sets the level, clamped to [minDb, maxDb] and rounded down to a step the hardware has. */
  set(db: number): void;
}

export type OutputEvent = 'underrun' | 'drained' | 'device-lost' | 'error' | 'frames-lost';
/**
 * underrun: the count so far (the device stopped and restarted; what it held unplayed was sent
 * again, unless a frames-lost event follows); frames-lost: frames the device dropped unplayed and
 * that could not be sent again (the device did not say where it stopped), so what was heard is
 * not what was written; device-lost and error: the AurisError.
 */
export type OutputListener = (detail: number | Error) => void;

/**
 * An open output. Calls come from one thread (the engine's); none of them blocks: write copies
 * into a ring and returns the frames accepted, 0 when the ring is full (try again later).
 */
export interface OpenOutput {
  /** Output name as given to the registry ("alsa:hw:CARD=DAC,DEV=0", "file:/tmp/x.wav", "null"). */
  readonly name: string;
  readonly mode: OutputMode;
  /** Format being played; `validBits` are the source's true bits inside the container. */
  readonly format: AudioFormat;
  /**
   * Byte layout write() takes, read back from the driver. A native DSD container only when the
   * output was opened with a DSD format; a frame is then one word per channel (DSD_U32_BE: 4 bytes).
   */
  readonly container: OutputContainer;
  readonly frameBytes: number;
  /** True when the bytes reach the DAC unchanged (exclusive on a device no plugin alters). */
  readonly bitPerfect: boolean;
  /** This output's stage of the signal path. */
  readonly stage: StageReport;
  /** Device buffer in frames (what delay() can hold besides the ring). */
  readonly bufferFrames: number;
  readonly volume: HardwareVolume | null;
  /** Copies the whole frames of `bytes` that fit; returns frames accepted. Throws E_DEVICE_LOST after a device loss. */
  write(bytes: Uint8Array): number;
  /** Frames written but not heard yet (ring + device buffer): position = frames written - delay(). */
  delay(): number;
  /**
   * Frames the device has played since open, as the device reports it (frames written - delay()).
   * After a device loss it stays at the last frame the device played: resume from there. Frames
   * dropped unplayed at an xrun and sent again count once.
   */
  playedFrames(): number;
  /** Frames dropped unplayed and never sent again since open (the sum of the frames-lost events). */
  lostFrames(): number;
  /** Resolves when everything written has been played; rejects with E_DEVICE_LOST/E_DEVICE. */
  drain(): Promise<void>;
  /**
   * Drops what is written and not played yet (ring and device buffer) and stays open for more
   * writes (a seek). playedFrames() then holds what was played and counts on from there; a drain
   * under way is over (it rejects with E_STATE). Resolves false, dropping nothing, when the output
   * cannot (WASAPI): close and open again instead. Write nothing until it resolves.
   */
  drop(): Promise<boolean>;
  pause(): void;
  resume(): void;
  /** Stops at once (queued audio is dropped) and releases the device. Idempotent. */
  close(): Promise<void>;
  on(event: OutputEvent, listener: OutputListener): void;
  off(event: OutputEvent, listener: OutputListener): void;
}

export interface CapabilityOptions {
  /** Probe the device now instead of answering from the cache. */
  readonly fresh?: boolean;
  /**
   * The mode the answer is for (default exclusive). Outputs whose shared mode takes only a mixer's
   * format (WASAPI) answer for shared with that format and `mixFormat`; the others ignore it.
   */
  readonly mode?: OutputMode;
}

/** One output device or sink, not yet open. */
export interface OutputPlugin {
  readonly name: string;
  /**
   * What the device accepts. Probed once per process and cached; `fresh` probes the device again
   * now (and refreshes the cache), which is how to learn whether a device that went away is back:
   * a cached answer says nothing about that. Throws E_NOT_FOUND (not there), E_DEVICE_BUSY or
   * E_DEVICE when the device cannot be probed.
   */
  capabilities(options?: CapabilityOptions): Promise<OutputCapabilities>;
  /**
   * Opens for `format` in `mode`, choosing the first lossless container the device accepts
   * (24-bit: S24_3LE, S24_LE, then S32_LE); a DSD format opens a native DSD container (outputs
   * without one refuse it: DoP is PCM, packed by the engine). Throws E_FORMAT_REFUSED (details.accepted lists the
   * accepted set), E_DEVICE_BUSY (the message names who holds the device), E_NOT_FOUND, E_DEVICE.
   */
  open(format: AudioFormat, mode: OutputMode, options?: OpenOptions): Promise<OpenOutput>;
}
