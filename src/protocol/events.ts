// Events the core sends up to every front end, and the error shape every command answers with.
// Calls go down, events come up; frequent ones (position) are throttled by the core.

import { z } from 'zod';
import { AudioFormatSchema, OutputStateSchema } from './formats.ts';
import { CHANGE_FLAGS, PlayerStateSchema, SignalPathSchema, TrackProofSchema } from './player.ts';

/** A failed command's answer: a stable code from src/util/errors.ts, words, and structured details. */
export const WireErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type WireErrorShape = z.infer<typeof WireErrorSchema>;

export const CoreEventSchema = z.discriminatedUnion('type', [
  /** The player's state: on every change of status, track or output, and about 4 times a second while playing. */
  z.object({ type: z.literal('state'), state: PlayerStateSchema }),
  /** Coalesced change flags (what `idle` resolves with). */
  z.object({ type: z.literal('changed'), flags: z.array(z.enum(CHANGE_FLAGS)) }),
  z.object({
    type: z.literal('track-start'), id: z.number().int(), path: z.string(),
    /** How the track decodes: codec, source format, lossless or not. */
    source: z.object({ codec: z.string(), format: AudioFormatSchema, lossless: z.boolean() }),
    signalPath: SignalPathSchema,
  }),
  /** The signal path of track `id` changed (its output opened, a setting changed it). */
  z.object({ type: z.literal('signal-path'), id: z.number().int(), signalPath: SignalPathSchema }),
  /** A track left the output: `completed` when it was heard to its end (only then can the proof verify). */
  z.object({ type: z.literal('track-end'), id: z.number().int(), path: z.string(), signalPath: SignalPathSchema, proof: TrackProofSchema, completed: z.boolean() }),
  z.object({ type: z.literal('track-error'), id: z.number().int(), path: z.string(), error: WireErrorSchema }),
  /** The output was opened for a stream (`reopened`: it replaced one of another format), as negotiated with the driver. */
  z.object({ type: z.literal('output-open'), output: OutputStateSchema, reopened: z.boolean() }),
  /** The device went away while entry `id` played; `framesResent` were written but not heard and go again when it is back. */
  z.object({ type: z.literal('device-lost'), error: WireErrorSchema, id: z.number().int().nullable(), framesResent: z.number().int() }),
  /** The device dropped frames of entry `id` that could not be sent again. */
  z.object({ type: z.literal('frames-lost'), id: z.number().int().nullable(), count: z.number().int() }),
  z.object({ type: z.literal('device-back') }),
  z.object({ type: z.literal('underrun'), count: z.number().int() }),
  /** The queue played to its end. */
  z.object({ type: z.literal('queue-end'), underruns: z.number().int() }),
  /** Something the user should know that does not stop playback (a preset line that was ignored). */
  z.object({ type: z.literal('warning'), message: z.string() }),
  z.object({ type: z.literal('error'), error: WireErrorSchema }),
  /** Library scan progress. */
  z.object({ type: z.literal('scan'), phase: z.enum(['started', 'progress', 'done', 'failed']), done: z.number().int(), total: z.number().int().nullable(), message: z.string() }),
]);
export type CoreEvent = z.infer<typeof CoreEventSchema>;
