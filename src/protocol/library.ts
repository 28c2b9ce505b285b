// The library's records as the front ends receive them (the server's /api/library, /api/playlists
// and /api/analysis answers; the web app's types): zod schemas of what src/library's types
// (src/library/types.ts) hold. The server's routes are typed with these, so a record the library
// changes without changing its schema here does not compile, and the server tests parse every
// answer with them (strict: a field the schema does not know fails too).

import { z } from 'zod';

const id = z.number().int().positive();
const nullableInt = z.number().int().nullable();
/** Milliseconds since the epoch. */
const epochMs = z.number();

/** A music folder of the library. `name` is its top folder when there are several. */
export const MusicFolderSchema = z.object({
  id,
  path: z.string(),
  name: z.string(),
  /** False while the folder is missing (an unmounted disk): its tracks stay, marked unavailable. */
  available: z.boolean(),
  addedAt: epochMs,
  scannedAt: epochMs.nullable(),
}).strict();
export type MusicFolderWire = z.infer<typeof MusicFolderSchema>;

/** A track's analysis results, null until analysed (see src/library/types.ts AnalysisValues). */
const analysisValues = {
  /** DR as foobar2000's meter gives it, unrounded and displayed. */
  dr: z.number().nullable(),
  drRounded: nullableInt,
  peakDb: z.number().nullable(),
  /** EBU R128 integrated loudness, loudness range and true peak. */
  loudnessLufs: z.number().nullable(),
  lraLu: z.number().nullable(),
  truePeakDbtp: z.number().nullable(),
  /** The effective bit depth. */
  trueBits: nullableInt,
  /** "clean", or findings joined with '+' ("upsampled+lossy-like"). */
  verdict: z.string().nullable(),
  cutoffHz: z.number().nullable(),
};

/**
 * One playable track: a file, or a frame range of one (a CUE track, `startFrame`..`endFrame`).
 * `uri` is its path relative to its music folder with '/' ("Artist/Album/01.flac").
 */
export const TrackSchema = z.object({
  id,
  rootId: id,
  path: z.string(),
  uri: z.string(),
  startFrame: nullableInt,
  endFrame: nullableInt,
  available: z.boolean(),
  codec: z.string(),
  container: z.string(),
  lossless: z.boolean(),
  rate: nullableInt,
  bits: nullableInt,
  channels: nullableInt,
  /** Seconds (of the range, for CUE tracks). */
  duration: z.number().nullable(),
  bitrate: z.number().nullable(),
  /** The file carries an MD5 of its samples (FLAC STREAMINFO). */
  md5Present: z.boolean(),
  title: z.string().nullable(),
  artist: z.string().nullable(),
  albumArtist: z.string().nullable(),
  album: z.string().nullable(),
  trackNumber: nullableInt,
  trackTotal: nullableInt,
  discNumber: nullableInt,
  discTotal: nullableInt,
  date: z.string().nullable(),
  year: nullableInt,
  genre: z.string().nullable(),
  composer: z.string().nullable(),
  compilation: z.boolean(),
  mbTrackId: z.string().nullable(),
  mbAlbumId: z.string().nullable(),
  mbArtistId: z.string().nullable(),
  mbAlbumArtistId: z.string().nullable(),
  rgTrackGain: z.number().nullable(),
  rgTrackPeak: z.number().nullable(),
  rgAlbumGain: z.number().nullable(),
  rgAlbumPeak: z.number().nullable(),
  albumId: id.nullable(),
  artId: id.nullable(),
  mtime: epochMs,
  size: z.number().int(),
  addedAt: epochMs,
  playCount: z.number().int(),
  lastPlayed: epochMs.nullable(),
  /** When the analysis ran (null until analysed), and its error when it failed. */
  analysedAt: epochMs.nullable(),
  analysisError: z.string().nullable(),
  /** ReplayGain 2.0 track gain from the measured loudness (-18 LUFS reference). */
  rg2TrackGain: z.number().nullable(),
  ...analysisValues,
}).strict();
export type TrackWire = z.infer<typeof TrackSchema>;

/** An album: grouped by MusicBrainz album id, else album artist + album + date. */
export const AlbumSchema = z.object({
  id,
  title: z.string(),
  /** The album artist, or the one track artist, or "Various Artists". */
  artist: z.string(),
  year: nullableInt,
  date: z.string().nullable(),
  genre: z.string().nullable(),
  compilation: z.boolean(),
  mbAlbumId: z.string().nullable(),
  trackCount: z.number().int(),
  discCount: z.number().int(),
  /** Seconds. */
  duration: z.number(),
  artId: id.nullable(),
  addedAt: epochMs,
  /** The album DR (foobar's rounding of the mean of its tracks' DR), once every track is analysed. */
  dr: nullableInt,
}).strict();
export type AlbumWire = z.infer<typeof AlbumSchema>;

/** GET /api/library/albums/:id: the album and its tracks in disc and track order. */
export const AlbumDetailSchema = z.object({ album: AlbumSchema, tracks: z.array(TrackSchema).readonly() }).strict();
export type AlbumDetailWire = z.infer<typeof AlbumDetailSchema>;

/** A page of a list and the length of the whole list. */
export function pagedSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item).readonly(), total: z.number().int().min(0) }).strict();
}
export interface Paged<T> {
  readonly items: readonly T[];
  readonly total: number;
}

/** An artist, album artist or genre with its album and track counts. */
export const NamedCountSchema = z.object({ name: z.string(), albums: z.number().int(), tracks: z.number().int() }).strict();
export type NamedCountWire = z.infer<typeof NamedCountSchema>;

/** GET /api/library/years: a year with its album and track counts. */
export const YearCountSchema = z.object({ year: z.number().int(), albums: z.number().int(), tracks: z.number().int() }).strict();
export type YearCountWire = z.infer<typeof YearCountSchema>;

/** GET /api/library/folders: a folder's sub-folders, tracks and playlist files (.m3u/.m3u8). */
export const FolderListingSchema = z.object({
  folders: z.array(z.object({ uri: z.string(), name: z.string() }).strict()).readonly(),
  tracks: z.array(TrackSchema).readonly(),
  playlists: z.array(z.object({ uri: z.string(), name: z.string() }).strict()).readonly(),
}).strict();
export type FolderListingWire = z.infer<typeof FolderListingSchema>;

/** GET /api/library/stats (MPD's `stats`): playtime in seconds, dbUpdate the last change a scan made. */
export const LibraryStatsSchema = z.object({
  artists: z.number().int(),
  albums: z.number().int(),
  songs: z.number().int(),
  playtime: z.number(),
  dbUpdate: epochMs.nullable(),
}).strict();
export type LibraryStatsWire = z.infer<typeof LibraryStatsSchema>;

/** GET /api/library/suggestion: the platform's music folder, offered on a first run. */
export const MusicFolderSuggestionSchema = z.object({ path: z.string(), exists: z.boolean() }).strict();
export type MusicFolderSuggestionWire = z.infer<typeof MusicFolderSuggestionSchema>;

/** GET /api/playlists/:name: the entries in order, each with its library track when one has the uri. */
export const StoredPlaylistSchema = z.object({
  name: z.string(),
  modifiedAt: epochMs,
  entries: z.array(z.object({ uri: z.string(), trackId: id.nullable() }).strict()).readonly(),
}).strict();
export type StoredPlaylistWire = z.infer<typeof StoredPlaylistSchema>;

/** GET /api/playlists: each stored playlist with its length. */
export const PlaylistSummarySchema = z.object({ name: z.string(), modifiedAt: epochMs, length: z.number().int() }).strict();
export type PlaylistSummaryWire = z.infer<typeof PlaylistSummarySchema>;

/** POST /api/playlists/import: what was stored, and the lines left out (web addresses). */
export const PlaylistImportResultSchema = z.object({ name: z.string(), entries: z.number().int(), skipped: z.number().int() }).strict();
export type PlaylistImportResultWire = z.infer<typeof PlaylistImportResultSchema>;

/** GET /api/analysis/album/:id: the album and, per track, its measurements. */
export const AlbumAnalysisSchema = z.object({
  album: AlbumSchema,
  tracks: z.array(TrackSchema.pick({
    id: true, title: true, trackNumber: true, discNumber: true, duration: true, analysedAt: true, analysisError: true,
    dr: true, drRounded: true, peakDb: true, loudnessLufs: true, lraLu: true, truePeakDbtp: true, rg2TrackGain: true,
    trueBits: true, verdict: true, cutoffHz: true,
  })).readonly(),
}).strict();
export type AlbumAnalysisWire = z.infer<typeof AlbumAnalysisSchema>;
