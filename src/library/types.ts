// The library's contract types: what the MPD frontend, the web app and the core read. Rows are
// plain objects (structured-cloneable); ids are SQLite integers that stay with a track across
// rescans, tag edits and renames the scanner recognises (same device and inode).

/** A music folder the library indexes. `name` is its top folder when there are several roots. */
export interface Root {
  readonly id: number;
  readonly path: string;
  readonly name: string;
  /** False while the folder is missing (an unmounted disk): its tracks stay, marked unavailable. */
  readonly available: boolean;
  readonly addedAt: number;
  readonly scannedAt: number | null;
}

/**
 * One playable track. A plain file is one track; a file with a cue sheet is one track per cue
 * entry, each a frame range of the same file.
 */
export interface Track extends AnalysisValues {
  readonly id: number;
  readonly rootId: number;
  /** Absolute path of the audio file. */
  readonly path: string;
  /**
   * The path relative to its root with '/' separators ("Artist/Album/01.flac"); a CUE track is
   * "<relative path of the .cue>/track0001" as MPD names it. Unique within a root.
   */
  readonly uri: string;
  /** First frame to play (CUE tracks), null = from the start. */
  readonly startFrame: number | null;
  /** Frame after the last one to play (CUE tracks), null = to the end of the file. The engine plays [startFrame, endFrame) sample-exactly. */
  readonly endFrame: number | null;
  /** False while its root is missing or its file vanished under an unreadable folder. */
  readonly available: boolean;
  readonly codec: string;
  readonly container: string;
  readonly lossless: boolean;
  readonly rate: number | null;
  readonly bits: number | null;
  readonly channels: number | null;
  /** Seconds (of the range, for CUE tracks). */
  readonly duration: number | null;
  readonly bitrate: number | null;
  /** True when the file carries an MD5 of its samples (FLAC STREAMINFO). */
  readonly md5Present: boolean;
  readonly title: string | null;
  readonly artist: string | null;
  readonly albumArtist: string | null;
  readonly album: string | null;
  readonly trackNumber: number | null;
  readonly trackTotal: number | null;
  readonly discNumber: number | null;
  readonly discTotal: number | null;
  readonly date: string | null;
  readonly year: number | null;
  readonly genre: string | null;
  readonly composer: string | null;
  readonly compilation: boolean;
  readonly mbTrackId: string | null;
  readonly mbAlbumId: string | null;
  readonly mbArtistId: string | null;
  readonly mbAlbumArtistId: string | null;
  readonly rgTrackGain: number | null;
  readonly rgTrackPeak: number | null;
  readonly rgAlbumGain: number | null;
  readonly rgAlbumPeak: number | null;
  readonly albumId: number | null;
  readonly artId: number | null;
  /** File modification time, ms since the epoch. */
  readonly mtime: number;
  readonly size: number;
  readonly addedAt: number;
  readonly playCount: number;
  readonly lastPlayed: number | null;
  /** When the analysis ran (null until analysed), and its error when it failed; the values are AnalysisValues'. */
  readonly analysedAt: number | null;
  readonly analysisError: string | null;
  /** ReplayGain 2.0 track gain computed from the measured loudness (-18 LUFS reference). */
  readonly rg2TrackGain: number | null;
}

/** Tags and columns a filter, sort, list or group can name. */
export type TagName =
  | 'title' | 'artist' | 'albumArtist' | 'album' | 'genre' | 'composer' | 'date' | 'year'
  | 'track' | 'disc' | 'uri' | 'codec' | 'rate' | 'bits' | 'channels' | 'duration' | 'lossless'
  | 'mbTrackId' | 'mbAlbumId' | 'mbArtistId' | 'mbAlbumArtistId'
  | 'dr' | 'loudness' | 'truePeak' | 'trueBits' | 'verdict' | 'playCount' | 'lastPlayed' | 'added' | 'modified';

export type FilterOp = 'eq' | 'ne' | 'contains' | 'starts_with' | 'regex';

/**
 * A filter over tracks. Comparisons are case-sensitive unless `ignoreCase` (MPD `find` is
 * case-sensitive; MPD `search` is `{ op: 'contains', ignoreCase: true }`). `base` takes a folder
 * uri (as listFolder names it); `modifiedSince` is ms since the epoch; `any` compares every text tag.
 */
export type Filter =
  | { readonly tag: TagName; readonly op: FilterOp; readonly value: string | number; readonly ignoreCase?: boolean }
  | { readonly any: string; readonly op?: FilterOp; readonly ignoreCase?: boolean }
  | { readonly and: readonly Filter[] }
  | { readonly not: Filter }
  | { readonly base: string }
  | { readonly modifiedSince: number };

/** A sort key: a tag, ascending; with a leading '-', descending. */
export type SortKey = TagName | `-${TagName}`;

export interface Page {
  readonly offset?: number;
  readonly limit?: number;
}

export interface FindOptions extends Page {
  /** Sort keys in order; default: album artist, album, disc, track, uri. */
  readonly sort?: SortKey | readonly SortKey[];
}

/**
 * Where a page of findTracksPage ended: pass it as `after` for the next page, with the same filter
 * and sort. Opaque: the sort keys' values of the page's last track.
 */
export interface TrackCursor {
  readonly keys: readonly unknown[];
}

export interface TrackPage {
  readonly items: readonly Track[];
  /** The cursor after the last item; null when the page was the last one. */
  readonly next: TrackCursor | null;
}

export interface Counts {
  readonly songs: number;
  /** Seconds. */
  readonly playtime: number;
}

export interface Album {
  readonly id: number;
  readonly title: string;
  /** The album artist, or the one track artist, or "Various Artists". */
  readonly artist: string;
  readonly year: number | null;
  readonly date: string | null;
  readonly genre: string | null;
  readonly compilation: boolean;
  readonly mbAlbumId: string | null;
  readonly trackCount: number;
  readonly discCount: number;
  /** Seconds. */
  readonly duration: number;
  readonly artId: number | null;
  readonly addedAt: number;
  /** The album DR (foobar's rounding of the mean of its tracks' DR), once every track is analysed. */
  readonly dr: number | null;
}

export interface NamedCount {
  readonly name: string;
  readonly albums: number;
  readonly tracks: number;
}

export interface Paged<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface FolderListing {
  readonly folders: readonly { readonly uri: string; readonly name: string }[];
  readonly tracks: readonly Track[];
  /** Playlist files (.m3u/.m3u8) in the folder. */
  readonly playlists: readonly { readonly uri: string; readonly name: string }[];
}

export interface Stats {
  readonly artists: number;
  readonly albums: number;
  readonly songs: number;
  /** Seconds. */
  readonly playtime: number;
  /** ms since the epoch of the last change a scan made, or null before any scan. */
  readonly dbUpdate: number | null;
}

export interface ArtImage {
  readonly mime: string;
  readonly bytes: Uint8Array;
}

export type ThumbnailSize = 'small' | 'large';

export interface StoredPlaylist {
  readonly name: string;
  readonly modifiedAt: number;
  /** Entries in order: the track when one has the uri, and the uri as stored. */
  readonly entries: readonly { readonly uri: string; readonly trackId: number | null }[];
}

/** A track's analysis results (null until analysed), as stored and as Track carries them. */
export interface AnalysisValues {
  /** DR as foobar2000's meter gives it, unrounded and displayed. */
  readonly dr: number | null;
  readonly drRounded: number | null;
  readonly peakDb: number | null;
  /** EBU R128 integrated loudness, loudness range and true peak. */
  readonly loudnessLufs: number | null;
  readonly lraLu: number | null;
  readonly truePeakDbtp: number | null;
  /** The effective bit depth. */
  readonly trueBits: number | null;
  /** The authenticity verdict: "clean", or findings joined with '+' ("upsampled+lossy-like"). */
  readonly verdict: string | null;
  readonly cutoffHz: number | null;
}

/** What the analysis job hands to saveAnalysis for one track. */
export interface AnalysisRecord extends AnalysisValues {
  /** Set instead of the values when the analysis failed (the file's error message). */
  readonly error?: string;
}
