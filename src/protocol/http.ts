// Request bodies of the HTTP API (src/server), as zod schemas shared with the web app. Each route
// is one core call (src/core/api.ts); the server validates a body with the schema named here and
// answers a failure with `{ error: WireError }` and the status of its code.

import { z } from 'zod';
import { AudioFormatSchema, OutputModeSchema, OutputStateSchema } from './formats.ts';
import { PlayableSchema, SignalPathSchema, TrackProofSchema } from './player.ts';
import { PlaybackModesSchema } from './settings.ts';

/** A queue entry id (stable while the entry is in the queue). */
export const QueueIdSchema = z.number().int().positive();

/** POST /api/player/{play|pause|resume|toggle|stop|next|previous}: `id` only means something to play. */
export const PlayerCommandSchema = z.object({ id: QueueIdSchema.optional() }).strict();

/** POST /api/player/seek: one target (absolute ms, relative ms or exact frame), optionally of entry `id`. */
export const SeekRequestSchema = z.union([
  z.object({ ms: z.number().min(0), id: QueueIdSchema.optional() }).strict(),
  z.object({ relativeMs: z.number(), id: QueueIdSchema.optional() }).strict(),
  z.object({ frame: z.number().int().min(0), id: QueueIdSchema.optional() }).strict(),
]);

/** A queue source over HTTP: an absolute path (or one relative to a library root) or a playable; the server keeps it inside the library roots. */
export const QueueSourceSchema = z.union([z.string().min(1), PlayableSchema.partial().extend({ path: z.string().min(1) }).strict()]);

/** POST /api/queue/add -> `{ ids }`: files, library tracks or a library album, at position `at` (default: the end). */
export const QueueAddSchema = z.object({
  sources: z.array(QueueSourceSchema).optional(),
  trackIds: z.array(z.number().int().positive()).optional(),
  albumId: z.number().int().positive().optional(),
  at: z.number().int().min(0).optional(),
}).strict().refine((b) => (b.sources?.length ?? 0) + (b.trackIds?.length ?? 0) + (b.albumId === undefined ? 0 : 1) > 0, {
  message: 'nothing to add: give sources, trackIds or albumId',
});

export const QueueRemoveSchema = z.object({ ids: z.array(QueueIdSchema).min(1) }).strict();
/** `to`: 0-based position in the queue after the entry is taken out. */
export const QueueMoveSchema = z.object({ id: QueueIdSchema, to: z.number().int().min(0) }).strict();
export const QueueSwapSchema = z.object({ a: QueueIdSchema, b: QueueIdSchema }).strict();
export const QueueClearSchema = z.object({}).strict();
/** Positions [start, end), default all. */
export const QueueShuffleSchema = z.object({ start: z.number().int().min(0).optional(), end: z.number().int().min(0).optional() }).strict();
export const QueuePrioritySchema = z.object({ ids: z.array(QueueIdSchema).min(1), priority: z.number().int().min(0).max(255) }).strict();
/** PATCH /api/queue/modes: any subset of the modes. */
export const QueueModesPatchSchema = PlaybackModesSchema.partial().strict();
/** GET /api/queue/changes?since=V */
export const QueueChangesQuerySchema = z.object({ since: z.coerce.number().int().min(0) }).strict();

/** PUT /api/volume */
export const VolumeRequestSchema = z.object({ db: z.number().min(-120).max(0) }).strict();

/** POST /api/outputs/select */
export const OutputSelectSchema = z.object({ name: z.string().min(1), mode: OutputModeSchema.optional() }).strict();

/**
 * POST /api/outputs/verify -> OutputVerifyResult: plays a one-second test signal (`bits`/`rate`,
 * default 16/44.1) into output `name` in `mode` (default: the output and mode of the settings),
 * with the rest of the playback settings (volume, EQ) as they are.
 */
export const OutputVerifyRequestSchema = z.object({
  name: z.string().min(1).optional(),
  mode: OutputModeSchema.optional(),
  rate: z.number().int().min(8000).max(768_000).optional(),
  bits: z.union([z.literal(16), z.literal(24)]).optional(),
}).strict();
export type OutputVerifyRequest = z.infer<typeof OutputVerifyRequestSchema>;

/** What a verify found: the signal sent, the output as the driver opened it, the path, the proof, and for a file output the bytes compared. */
export const OutputVerifyResultSchema = z.object({
  name: z.string(),
  mode: OutputModeSchema,
  /** The test signal: its format, length and the MD5 of its samples (FLAC's layout). */
  signal: z.object({ format: AudioFormatSchema, frames: z.number().int(), md5: z.string() }),
  /** The output as opened, read back from the driver (null when it never opened). */
  output: OutputStateSchema.nullable(),
  signalPath: SignalPathSchema,
  proof: TrackProofSchema,
  /** A `file:` output: the file written, and its bytes compared with the test signal's WAV file (null for a device). */
  capture: z.object({
    file: z.string(),
    bytesCompared: z.number().int(),
    equal: z.boolean(),
    /** Offset of the first differing byte in the file, null when equal. */
    firstDifference: z.number().int().nullable(),
  }).nullable(),
  /** The verdict is bit-perfect, the proof verified and, for a file, every byte equal. */
  bitPerfect: z.boolean(),
  /** What happened to the signal, in one sentence (the verdict itself is `bitPerfect`). */
  summary: z.string(),
});
export type OutputVerifyResult = z.infer<typeof OutputVerifyResultSchema>;

/** The error body of every failed request. */
export interface HttpErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Response header that names an Auris server and its version (how `auris serve` recognises a running Auris on its port). */
export const AURIS_SERVER_HEADER = 'x-auris-version';

// ---- library ----

/** `?offset=&limit=` of every list: pages of at most 500 (the web app asks for what is visible). */
export const PageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict();

export const ALBUM_SORTS = ['artist', 'title', 'year', 'added', 'dr'] as const;
/** GET /api/library/albums */
export const AlbumsQuerySchema = PageQuerySchema.extend({
  sort: z.enum(ALBUM_SORTS).default('artist'),
  artist: z.string().min(1).optional(),
  genre: z.string().min(1).optional(),
  year: z.coerce.number().int().optional(),
}).strict();

/** GET /api/library/search: words, each a prefix, over titles, artists, albums, genres and paths. */
export const SearchQuerySchema = PageQuerySchema.extend({ q: z.string().max(500) }).strict();

/** GET /api/library/folders?uri= ('' = the top). */
export const FolderQuerySchema = z.object({ uri: z.string().max(4096).default('') }).strict();

export const ART_SIZES = ['thumb', 'large', 'original'] as const;
/** GET /api/art/{album|track}/:id?size= : a 256 px or 640 px WebP, or the image as stored. */
/** `token` is the access token an <img> sends in its URL when the server needs one (it cannot send a header). */
export const ArtQuerySchema = z.object({ size: z.enum(ART_SIZES).default('original'), token: z.string().optional() }).strict();

/** POST and DELETE /api/library/roots: a music folder. */
export const LibraryRootSchema = z.object({ path: z.string().min(1).max(4096) }).strict();

/** POST /api/library/scan: every root, or one. Answers at once; progress comes as `scan` events. */
export const LibraryScanSchema = z.object({ rootId: z.number().int().positive().optional() }).strict();

/** PUT /api/playlists/:name: the entries in order, library track ids or uris. */
export const PlaylistSaveSchema = z.object({ entries: z.array(z.union([z.number().int().positive(), z.string().min(1)])).max(100_000) }).strict();
/** The largest playlist text POST /api/playlists/import takes (about 50,000 entries with #EXTINF lines). */
export const PLAYLIST_TEXT_MAX = 8 << 20;
/**
 * POST /api/playlists/import -> PlaylistImportResult: M3U/M3U8 text stored as the playlist `name`;
 * relative paths are taken from the first music folder (as GET /api/playlists/:name/m3u8 writes them).
 */
export const PlaylistImportSchema = z.object({ name: z.string().min(1).max(255), text: z.string().max(PLAYLIST_TEXT_MAX) }).strict();
/** POST /api/playlists/:name/rename */
export const PlaylistRenameSchema = z.object({ to: z.string().min(1).max(255) }).strict();

// ---- EQ editor (src/core/eq.ts) -----------------------------------------------------------------

/** One band of the EQ shorthand; its values are checked by the 'eq' filter's own parser (E_INVALID_ARGUMENT). */
export const EqBandSchema = z.object({
  type: z.string().min(1),
  freq: z.number(),
  gainDb: z.number().optional(),
  q: z.number().optional(),
  bwOct: z.number().optional(),
  slope: z.number().optional(),
  corner: z.boolean().optional(),
  channels: z.union([z.literal('all'), z.array(z.union([z.string(), z.number()]))]).optional(),
}).strict();

/** PUT /api/eq: the editor's preset (saved as the core's custom preset and selected); autoPreamp default true. */
export const EqSaveSchema = z.object({
  preampDb: z.number().min(-60).max(30).optional(),
  bands: z.array(EqBandSchema).max(1000),
  autoPreamp: z.boolean().optional(),
}).strict();

/** POST /api/eq/import: preset text (Equalizer APO / AutoEq, or JSON settings when `name` ends in .json) and its file name. */
export const EqImportSchema = z.object({ text: z.string().max(1 << 19), name: z.string().max(255) }).strict();

/** POST /api/eq/response: settings as the 'eq' filter takes them (shorthand or steps), `points` log-spaced 20 Hz..20 kHz at `rate`. */
export const EqResponseRequestSchema = z.object({
  settings: z.record(z.string(), z.unknown()),
  points: z.number().int().min(2).max(2000).optional(),
  rate: z.number().int().min(8000).max(1_536_000).optional(),
}).strict();

/** POST /api/eq/response answer: the magnitude response, and what the automatic preamp adds on top of the given one (<= 0 dB). */
export const EqResponseSchema = z.object({
  points: z.array(z.object({ hz: z.number(), db: z.number() }).strict()).readonly(),
  autoPreampDb: z.number(),
}).strict();
export type EqResponseWire = z.infer<typeof EqResponseSchema>;

// ---- doctor ----

/** One finding of GET /api/doctor (`{ findings }`): a stable rule id, what was found, and what to do ('' when ok). */
export const DoctorFindingSchema = z.object({
  level: z.enum(['ok', 'warning', 'problem']),
  id: z.string(),
  title: z.string(),
  detail: z.string(),
  fix: z.string(),
}).strict();
export type DoctorFindingWire = z.infer<typeof DoctorFindingSchema>;
