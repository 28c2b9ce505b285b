// The one message protocol between the engine worker and the main thread. Commands go down,
// events come up; both are plain structured-clone data (no functions, no class instances).

import type { AudioFormat } from '../audio/format.ts';
import type { OutputContainer } from '../outputs/interface.ts';
import type { DsdSetting } from './dsd.ts';
import type { SignalPathReport } from '../protocol/signal-path.ts';

export type OutputModeSetting = 'exclusive' | 'shared';

/** What to do when the device lacks a track's rate: resample to its best rate (and say so), or skip the track. */
export type MissingRatePolicy = 'resample' | 'skip';

/** Player settings; every field may be sent again at any time with `configure`. */
export interface EngineSettings {
  /** Output name: `alsa:<pcm>`, `wasapi:<device>`, `file:<path>.wav`, `null`, `null:unpaced`. */
  readonly output: string;
  readonly mode: OutputModeSetting;
  /** Volume in dB (<= 0). 0 means no volume stage at all (bit-perfect). Hardware volume is used when the device has it. */
  readonly volumeDb: number;
  /** ALSA mixer element that is the device's hardware volume ("Digital"); '' picks the usual one. */
  readonly volumeControl: string;
  /** Path of an Equalizer APO / AutoEq preset, or null for none. */
  readonly eqPreset: string | null;
  readonly missingRate: MissingRatePolicy;
  /** Device buffer in ms. */
  readonly bufferMs: number;
  /**
   * How DSD tracks reach the device. `auto`: native DSD when the device has a DSD container, else
   * DoP when it takes 24-bit PCM at the DSD rate / 16, else DSD->PCM (reported degraded). Software
   * volume or EQ in `auto` converts to PCM (enhanced, said in the path); with `native` or `dop`
   * they make the track refused (E_FORMAT_REFUSED) instead of being dropped. `pcm` always converts.
   */
  readonly dsd: DsdSetting;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  output: 'null',
  mode: 'exclusive',
  volumeDb: 0,
  volumeControl: '',
  eqPreset: null,
  missingRate: 'resample',
  bufferMs: 500,
  dsd: 'auto',
};

export type EngineCommand =
  | { readonly type: 'configure'; readonly settings: Partial<EngineSettings> }
  | { readonly type: 'set-queue'; readonly paths: readonly string[]; readonly start?: number }
  | { readonly type: 'append'; readonly paths: readonly string[] }
  | { readonly type: 'play'; readonly index?: number }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'toggle-pause' }
  | { readonly type: 'stop' }
  | { readonly type: 'next' }
  | { readonly type: 'previous' }
  /** Seek within the current track, in frames of the source (sample-accurate). */
  | { readonly type: 'seek'; readonly frame: number }
  /** Seek relative to the audible position, in seconds. */
  | { readonly type: 'seek-relative'; readonly seconds: number }
  | { readonly type: 'shutdown' };

export type PlayerStatus = 'stopped' | 'playing' | 'paused' | 'waiting-for-device';

/** How the output was opened for the current stream. */
export interface OutputState {
  readonly name: string;
  readonly mode: OutputModeSetting;
  readonly format: AudioFormat;
  readonly container: OutputContainer;
  readonly bitPerfect: boolean;
  readonly hardwareVolume: boolean;
}

/** Proof of what reached the output for one track. */
export interface TrackProof {
  /** True only when the delivered samples hash to the reference and no stage changed them. */
  readonly verified: boolean;
  /** MD5 (hex) of the samples handed to the output, container padding removed, in FLAC's MD5 layout. */
  readonly md5: string | null;
  /** The reference: FLAC STREAMINFO MD5, else the MD5 of the decoded samples. */
  readonly expectedMd5: string | null;
  readonly reference: 'streaminfo' | 'decoded' | 'none';
  /** Why not verified, in words (empty when verified). */
  readonly reason: string;
}

export interface TrackInfo {
  readonly index: number;
  readonly path: string;
  readonly format: AudioFormat;
  readonly codec: string;
  readonly lossless: boolean;
  readonly totalFrames: number | null;
}

export interface PlayerState {
  readonly status: PlayerStatus;
  readonly index: number;
  readonly queueLength: number;
  /** Audible position in the current track, in frames of its source and in seconds. */
  readonly positionFrames: number;
  readonly positionSeconds: number;
  readonly durationSeconds: number | null;
  readonly underruns: number;
  readonly output: OutputState | null;
}

export interface WireError {
  readonly code: string;
  readonly message: string;
}

export type EngineEvent =
  | { readonly type: 'state'; readonly state: PlayerState }
  | { readonly type: 'track-start'; readonly track: TrackInfo; readonly signalPath: SignalPathReport }
  | { readonly type: 'track-end'; readonly track: TrackInfo; readonly signalPath: SignalPathReport; readonly proof: TrackProof; readonly completed: boolean }
  | { readonly type: 'track-error'; readonly index: number; readonly path: string; readonly error: WireError }
  | { readonly type: 'output-open'; readonly output: OutputState; readonly reopened: boolean }
  | { readonly type: 'underrun'; readonly count: number }
  | { readonly type: 'device-lost'; readonly error: WireError }
  | { readonly type: 'device-back' }
  | { readonly type: 'queue-end'; readonly underruns: number }
  /** Something the user should know that does not stop playback (a preset line that was ignored). */
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'error'; readonly error: WireError };
