// The queue and the player as the front ends see them: queue items with stable ids, the player
// state, the proof of a track, and the change flags that `idle` reports.

import { z } from 'zod';
import { AudioFormatSchema, OutputStateSchema } from './formats.ts';
import { PlaybackModesSchema } from './settings.ts';

/** Tags shown for a queue item; null where the file has none. */
export const ItemTagsSchema = z.object({
  title: z.string().nullable(),
  artist: z.string().nullable(),
  album: z.string().nullable(),
  albumArtist: z.string().nullable(),
  trackNumber: z.number().int().nullable(),
  discNumber: z.number().int().nullable(),
  date: z.string().nullable(),
  genre: z.string().nullable(),
});
export type ItemTags = z.infer<typeof ItemTagsSchema>;

/** What a queue entry plays: a file, or a range of it (a CUE track), optionally a library track. */
export const PlayableSchema = z.object({
  /** Absolute path of the file. */
  path: z.string().min(1),
  /** Library track id, when the entry came from the library. */
  trackId: z.number().int().nullable().default(null),
  /** Library uri (path relative to its root; MPD's `file:`), when known. */
  uri: z.string().nullable().default(null),
  /** First source frame to play (CUE INDEX 01), and the frame after the last (null: to the end). */
  startFrame: z.number().int().min(0).default(0),
  endFrame: z.number().int().min(0).nullable().default(null),
});
export type Playable = z.infer<typeof PlayableSchema>;

/** One entry of the queue. `id` is stable for the entry's life in the queue, across moves. */
export const QueueItemSchema = PlayableSchema.extend({
  id: z.number().int().positive(),
  /** 0..255; among not-yet-played entries, random mode plays higher priorities first (MPD's prio). */
  priority: z.number().int().min(0).max(255),
  /** Queue version at which this entry was added or last moved (MPD's plchanges). */
  changedAt: z.number().int(),
  tags: ItemTagsSchema,
  /** Length of what the entry plays (its range, when it has one). */
  durationMs: z.number().nullable(),
  /**
   * The range [startFrame, endFrame) in ms of the file (MPD's `Range:`), when the entry plays part
   * of its file (a CUE track, MPD's rangeid) and its rate is known; null when it plays all of it.
   */
  rangeMs: z.object({ startMs: z.number().int().min(0), endMs: z.number().int().min(0).nullable() }).nullable(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;

export const QueueSnapshotSchema = z.object({
  /** Changes with every edit of the queue; `changesSince(version)` lists what moved. */
  version: z.number().int(),
  items: z.array(QueueItemSchema),
  modes: PlaybackModesSchema,
});
export type QueueSnapshot = z.infer<typeof QueueSnapshotSchema>;

/** Proof of what reached the output for one track that was heard to its end. */
export const TrackProofSchema = z.object({
  /** True only when the delivered samples hash to the reference and no stage changed them. */
  verified: z.boolean(),
  /** MD5 (hex) of the samples handed to the output, container padding removed, in FLAC's MD5 layout. */
  md5: z.string().nullable(),
  /** The reference: FLAC STREAMINFO MD5, else the MD5 of the decoded samples. */
  expectedMd5: z.string().nullable(),
  reference: z.enum(['streaminfo', 'decoded', 'none']),
  /** Why not verified, in words (empty when verified). */
  reason: z.string(),
  /** verified; mismatch (compared and different); damaged (the file is); not-compared (nothing went wrong, nothing to compare). */
  outcome: z.enum(['verified', 'mismatch', 'damaged', 'not-compared']),
});
export type TrackProofWire = z.infer<typeof TrackProofSchema>;

export const StageSchema = z.object({
  kind: z.enum(['source', 'decoder', 'filter', 'resampler', 'volume', 'dither', 'packing', 'output', 'mixer']),
  name: z.string(),
  input: AudioFormatSchema.nullable(),
  output: AudioFormatSchema.nullable(),
  changesSamples: z.boolean(),
  chosenByUser: z.boolean(),
  lossy: z.boolean().optional(),
  required: z.boolean().optional(),
  /** Why a stage nobody chose runs (see StageReport.cause). */
  cause: z.string().optional(),
  detail: z.string(),
});

export const SignalPathSchema = z.object({
  verdict: z.enum(['bit-perfect', 'enhanced', 'degraded', 'lossy-source']),
  reasons: z.array(z.string()),
  stages: z.array(StageSchema),
});

export type SignalPathWire = z.infer<typeof SignalPathSchema>;

export const PlayerStatusSchema = z.enum(['stopped', 'playing', 'paused', 'waiting-for-device']);
export type PlayerStatusName = z.infer<typeof PlayerStatusSchema>;

/** The player at one moment; `state()` answers it at any time. */
export const PlayerStateSchema = z.object({
  status: PlayerStatusSchema,
  /** The queue entry being heard (or to be played by `play`), null when the queue is empty. */
  currentId: z.number().int().nullable(),
  /** Its position in the queue (0-based), -1 when none. */
  currentPos: z.number().int(),
  /** The entry that plays next by the modes, null at the end. */
  nextId: z.number().int().nullable(),
  /** Audible position in the current track. */
  positionMs: z.number(),
  positionFrames: z.number().int(),
  durationMs: z.number().nullable(),
  /** How the current track was decoded: codec and source format. */
  source: z.object({ codec: z.string(), format: AudioFormatSchema, lossless: z.boolean() }).nullable(),
  output: OutputStateSchema.nullable(),
  signalPath: SignalPathSchema.nullable(),
  /** Proof of the last track heard to its end. */
  lastProof: z.object({ id: z.number().int(), path: z.string(), proof: TrackProofSchema }).nullable(),
  volumeDb: z.number(),
  underruns: z.number().int(),
  /** Samples clipped by processing (EQ boosts, volume) in the current track: Roon's red flash. */
  clippedSamples: z.number().int(),
  /** Why the player stopped or waits, in words ('' when all is well). */
  message: z.string(),
});
export type PlayerStateWire = z.infer<typeof PlayerStateSchema>;

/**
 * Change flags that `idle` reports, coalesced: a front end re-reads what a flag names. They follow
 * MPD's idle subsystems (player, mixer, options, playlist = the queue, database, update,
 * stored_playlist, output), plus `settings`, `proof` and `signal_path` for the web app.
 */
export const CHANGE_FLAGS = ['player', 'mixer', 'options', 'queue', 'database', 'update', 'stored_playlist', 'output', 'sticker', 'settings', 'proof', 'signal_path'] as const;
export type ChangeFlag = (typeof CHANGE_FLAGS)[number];

/** Seek targets: absolute ms, relative ms (from the audible position), or an exact source frame. */
export const SeekSchema = z.union([
  z.object({ ms: z.number().min(0) }).strict(),
  z.object({ relativeMs: z.number() }).strict(),
  z.object({ frame: z.number().int().min(0) }).strict(),
]);
export type SeekTarget = z.infer<typeof SeekSchema>;
