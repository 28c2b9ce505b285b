// The one message protocol between the engine worker and the main thread. Commands go down,
// events come up; both are plain structured-clone data (no functions, no class instances).

import type { AudioFormat } from '../audio/format.ts';
import type { OutputContainer } from '../outputs/interface.ts';
import type { DownmixSetting, DsdSetting } from './plan.ts';
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
  /** Add the gain that keeps the EQ's response at or below 0 dB (automatic preamp). */
  readonly eqAutoPreamp: boolean;
  /** The preset file's modification time (ms): a preset rewritten in place (the web app's EQ editor) is loaded again. */
  readonly eqStamp: number;
  /** Bauer bs2b crossfeed (default level) on stereo sources, after the EQ. */
  readonly crossfeed: boolean;
  readonly missingRate: MissingRatePolicy;
  /** Device buffer in ms. */
  readonly bufferMs: number;
  /** Close the device after this many ms of pause (0: hold it while paused); resume reopens it at the same sample. */
  readonly releaseAfterPauseMs: number;
  /**
   * How DSD tracks reach the device. `auto`: native DSD when the device has a DSD container, else
   * DoP when it takes 24-bit PCM at the DSD rate / 16, else DSD->PCM (reported degraded). Software
   * volume or EQ in `auto` converts to PCM (enhanced, said in the path); with `native` or `dop`
   * they make the track refused (E_FORMAT_REFUSED) instead of being dropped. `pcm` always converts.
   */
  readonly dsd: DsdSetting;
  /** More channels than a stereo-only device takes: refused (naming this setting), or mixed down to stereo (degraded). */
  readonly downmix: DownmixSetting;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  output: 'null',
  mode: 'exclusive',
  volumeDb: 0,
  volumeControl: '',
  eqPreset: null,
  eqAutoPreamp: true,
  eqStamp: 0,
  crossfeed: false,
  missingRate: 'resample',
  bufferMs: 500,
  releaseAfterPauseMs: 5000,
  dsd: 'auto',
  downmix: 'refuse',
};

/**
 * One track for the engine to play: a file, or the range [startFrame, endFrame) of it (a CUE
 * track), under the queue entry id the core gave it. Frames are source frames.
 */
export interface EngineTrack {
  readonly id: number;
  readonly path: string;
  readonly startFrame: number;
  readonly endFrame: number | null;
  /**
   * A gain the core chose for this track (ReplayGain), applied in software before the other
   * processing and named by `label` in the signal path ("ReplayGain track -6.20 dB"); absent or
   * null: none, and the track may stay bit-perfect.
   */
  readonly gain?: TrackGain | null;
}

/** A per-track gain in dB, with the words the signal path shows for it. */
export interface TrackGain {
  readonly db: number;
  readonly label: string;
}

/**
 * Commands, applied in order between blocks. A command with `seq` is acknowledged by an `ack`
 * event with the same number once applied (with the error when it failed), so the core can answer
 * its caller "done" or a typed error.
 */
export type EngineCommand = (
  | { readonly type: 'configure'; readonly settings: Partial<EngineSettings> }
  /**
   * Plays `track` from `frame` source frames (or `seconds`) after its start, dropping what plays
   * now; `paused` opens it paused at that point.
   */
  | { readonly type: 'load'; readonly track: EngineTrack; readonly frame: number; readonly seconds?: number; readonly paused?: boolean }
  /** The answer to `need-next`: what follows track `afterId` (null: nothing, the stream ends after it). */
  | { readonly type: 'preload'; readonly afterId: number; readonly track: EngineTrack | null }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'toggle-pause' }
  /** Stops and closes the output; the next `load` starts again. */
  | { readonly type: 'stop' }
  /** Seek within the track being heard: to a source frame or a time (relative to its start), or by seconds from the audible position. */
  | { readonly type: 'seek'; readonly frame: number }
  | { readonly type: 'seek-time'; readonly seconds: number }
  | { readonly type: 'seek-relative'; readonly seconds: number }
  | { readonly type: 'shutdown' }
) & { readonly seq?: number };

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
  /**
   * What the proof found: `verified`; `mismatch` (compared, and the delivered samples differ);
   * `damaged` (the file is: bad frames, cut short); `not-compared` (nothing to hold the samples
   * against: played in part, resumed, changed on purpose or by the device, no reference). The
   * first two and a half say something went wrong; `not-compared` says nothing did.
   */
  readonly outcome: ProofOutcome;
}

export type ProofOutcome = 'verified' | 'mismatch' | 'damaged' | 'not-compared';

export interface TrackInfo {
  readonly id: number;
  readonly path: string;
  /** The range played, in source frames (endFrame null: to the end of the file). */
  readonly startFrame: number;
  readonly endFrame: number | null;
  readonly format: AudioFormat;
  readonly codec: string;
  readonly lossless: boolean;
  /** Frames of the range played (of the file when it has no end), null when unknown. */
  readonly totalFrames: number | null;
}

export interface PlayerState {
  readonly status: PlayerStatus;
  /** The track being heard (or about to be), null when none. */
  readonly currentId: number | null;
  /** Audible position in the current track (relative to its start), in frames of its source and in seconds. */
  readonly positionFrames: number;
  readonly positionSeconds: number;
  readonly durationSeconds: number | null;
  readonly underruns: number;
  /** Samples clipped by processing in the current track (EQ boosts, volume), all channels. */
  readonly clippedSamples: number;
  readonly output: OutputState | null;
}

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type EngineEvent =
  | { readonly type: 'state'; readonly state: PlayerState }
  | { readonly type: 'track-start'; readonly track: TrackInfo; readonly signalPath: SignalPathReport }
  /** The signal path of track `id` once its output is open (track-start may precede the output's reopening). */
  | { readonly type: 'signal-path'; readonly id: number; readonly signalPath: SignalPathReport }
  /** Sent when the track's last sample was heard (completed) or when it was cut off (not completed). */
  | { readonly type: 'track-end'; readonly track: TrackInfo; readonly signalPath: SignalPathReport; readonly proof: TrackProof; readonly completed: boolean }
  | { readonly type: 'track-error'; readonly id: number; readonly path: string; readonly error: WireError }
  /** Command `seq` was applied (error null) or failed. */
  | { readonly type: 'ack'; readonly seq: number; readonly error: WireError | null }
  /** The engine started decoding track `afterId`: it needs what follows, for a gapless hand-off (answer: `preload`). */
  | { readonly type: 'need-next'; readonly afterId: number }
  | { readonly type: 'output-open'; readonly output: OutputState; readonly reopened: boolean }
  | { readonly type: 'underrun'; readonly count: number }
  /** The device went away while track `id` played; `framesResent` were written but not played, and go again from the resume frame. */
  | { readonly type: 'device-lost'; readonly error: WireError; readonly id: number | null; readonly framesResent: number }
  /** The device dropped `count` frames unplayed that could not be sent again (the track heard is not the file). */
  | { readonly type: 'frames-lost'; readonly id: number | null; readonly count: number }
  | { readonly type: 'device-back' }
  /** Nothing follows the last track and the output played it out: the engine stopped. */
  | { readonly type: 'queue-end'; readonly underruns: number }
  /** Something the user should know that does not stop playback (a preset line that was ignored). */
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'error'; readonly error: WireError };
