// The output session: one stream open on the output, from open to close. It knows its format, the
// frames written, where each track starts in it (for the audible position across gapless joins)
// and its export stage (src/engine/export.ts). A format change or a device loss ends a session;
// the player opens a new one.

import type { AudioFormat } from '../audio/format.ts';
import { nativeDsdRate, type NativeDsdFormat } from '../audio/dop.ts';
import type { OpenOptions, OpenOutput, OutputMode, OutputPlugin } from '../outputs/interface.ts';
import { AurisError, asAurisError } from '../util/errors.ts';
import { ExportStage } from './export.ts';
import type { DsdPlan } from './plan.ts';
import type { EngineTrack, OutputState } from './protocol.ts';

/** Where a track's samples start in a session's stream. */
export interface StreamMark {
  readonly streamFrame: number;
  readonly entry: EngineTrack;
  /** The track's source frame at that point (absolute in the file). */
  readonly sourceFrame: number;
  readonly sourceRate: number;
  /** Frames of the track's range (null: not known), for the duration shown while it is heard. */
  readonly totalFrames: number | null;
}

/** The stream currently open on the output. */
export interface OutputSession {
  readonly out: OpenOutput;
  /** Format of the samples going into the output (the chain's output format). */
  readonly format: AudioFormat;
  /** Device channels per sample channel: 2 when a mono stream goes to both channels of a stereo device. */
  readonly upmix: number;
  /** Frames accepted by the output since it was opened. */
  written: number;
  /** Device frames per second (native DSD_U32_BE at DSD64: 88200). */
  readonly frameRate: number;
  /** Packs this stream's blocks for the device and feeds each track's proof (DoP/native DSD state included). */
  readonly export: ExportStage;
  /** Where each track's samples start in this stream, oldest first. */
  readonly marks: StreamMark[];
}

/** What the session reports from the output while it is open. */
export interface SessionEvents {
  underrun(count: number | undefined): void;
  /** Frames the device dropped unplayed and could not be given again. */
  framesLost(count: number): void;
  deviceLost(error: unknown): void;
}

/**
 * Opens `plugin` for samples of `format` (DSD as DoP or native DSD when `dsd` says so, mono
 * duplicated `upmix` times) and wires its events. Open errors are thrown as the plugin gave them;
 * the output is closed again when the stream cannot be set up on what it negotiated.
 */
export async function openSession(
  plugin: OutputPlugin, format: AudioFormat, dsd: DsdPlan | null, upmix: number, mode: OutputMode, options: OpenOptions, events: SessionEvents,
): Promise<OutputSession> {
  // DoP opens the device as 24-bit PCM at the carrier rate; native DSD opens it with the DSD format.
  const openAs = dsd?.transport === 'dop' ? dsd.carrier : upmix > 1 ? { ...format, channels: format.channels * upmix } : format;
  const out = await plugin.open(openAs, mode, options);
  out.on('underrun', (n) => events.underrun(typeof n === 'number' ? n : undefined));
  out.on('frames-lost', (n) => { if (typeof n === 'number' && n > 0) events.framesLost(n); });
  out.on('device-lost', (e) => events.deviceLost(asAurisError(e, 'E_DEVICE_LOST')));
  let stage: ExportStage;
  let frameRate = out.format.rate;
  try {
    stage = new ExportStage(out.container, format.channels, upmix, dsd?.transport ?? 'pcm');
    if (dsd?.transport === 'native') frameRate = nativeDsdRate(format.rate, out.container as NativeDsdFormat);
  } catch (e) {
    await out.close();
    throw e;
  }
  return { out, format, upmix, written: 0, frameRate, export: stage, marks: [] };
}

/** Where the listener is in a session: the track heard now and its source frame (relative to the track's start), or null before the first mark. */
export function audibleInSession(s: OutputSession): { entry: EngineTrack; frame: number; rate: number; totalFrames: number | null } | null {
  if (s.marks.length === 0) return null;
  // What the device itself says it played (exact, and frozen at a device loss).
  const audible = Math.max(0, s.out.playedFrames());
  let m = s.marks[0]!;
  for (const mark of s.marks) if (mark.streamFrame <= audible) m = mark;
  const frame = Math.max(0, m.sourceFrame - m.entry.startFrame + Math.round((audible - m.streamFrame) * (m.sourceRate / s.frameRate)));
  return { entry: m.entry, frame, rate: m.sourceRate, totalFrames: m.totalFrames };
}

/** The open output as the player's state shows it. */
export function outputStateOf(s: OutputSession): OutputState {
  return {
    name: s.out.name, mode: s.out.mode, format: s.out.format, container: s.out.container, bitPerfect: s.out.bitPerfect, hardwareVolume: s.out.volume !== null,
  };
}

/**
 * An output that is not there (or not ours to open) as the user should read it: the error, and
 * where to pick another output. Other errors come back as they are.
 */
export function withOutputHint(e: unknown, output: string): AurisError {
  const err = asAurisError(e);
  if (err.code !== 'E_NOT_FOUND' && err.code !== 'E_PERMISSION') return err;
  return new AurisError(err.code, `${err.message}; choose another output: \`auris devices\` lists them, \`auris play --output NAME\` or Settings > Audio output picks one`, { ...err.details, output });
}
