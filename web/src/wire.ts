// The JSON shapes the web app reads. Player, queue, outputs, settings and events come from
// src/protocol (type-only imports: no zod reaches the bundle). The library and analysis answers
// have no protocol schema yet, so their shapes are written here as the server sends them
// (src/library/types.ts); once src/protocol describes them, these give way to imports.

export type { CoreEvent, WireErrorShape } from '../../src/protocol/events.ts';
export type { OutputListingWire, OutputStateWire, WireAudioFormat, OutputModeName } from '../../src/protocol/formats.ts';
export type { PlayerStateWire, QueueItem, QueueSnapshot, TrackProofWire, ChangeFlag, Playable } from '../../src/protocol/player.ts';
export type { Settings, SettingsPatch, PlaybackModes } from '../../src/protocol/settings.ts';
export type { OutputVerifyResult } from '../../src/protocol/http.ts';
import type { SignalPathSchema, StageSchema } from '../../src/protocol/player.ts';
import type { z } from 'zod';

export type SignalPathWire = z.infer<typeof SignalPathSchema>;
export type StageWire = z.infer<typeof StageSchema>;
export type Verdict = SignalPathWire['verdict'];

/** A music folder of the library. */
export interface LibraryRoot {
  readonly id: number;
  readonly path: string;
  readonly name: string;
  /** False while the folder is missing (an unmounted disk). */
  readonly available: boolean;
  readonly scannedAt: number | null;
}

export interface Paged<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface Album {
  readonly id: number;
  readonly title: string;
  readonly artist: string;
  readonly year: number | null;
  readonly genre: string | null;
  readonly trackCount: number;
  readonly discCount: number;
  /** Seconds. */
  readonly duration: number;
  readonly artId: number | null;
  readonly dr: number | null;
}

export interface Track {
  readonly id: number;
  readonly path: string;
  readonly uri: string;
  readonly codec: string;
  readonly lossless: boolean;
  readonly rate: number | null;
  readonly bits: number | null;
  readonly channels: number | null;
  /** Seconds. */
  readonly duration: number | null;
  readonly title: string | null;
  readonly artist: string | null;
  readonly album: string | null;
  readonly albumId: number | null;
  readonly trackNumber: number | null;
  readonly discNumber: number | null;
  readonly md5Present: boolean;
  /** DR as measured, and as foobar2000 shows it (its rounding). */
  readonly dr: number | null;
  readonly drRounded: number | null;
  readonly peakDb: number | null;
  readonly loudnessLufs: number | null;
  readonly lraLu: number | null;
  readonly truePeakDbtp: number | null;
  readonly rg2TrackGain: number | null;
  readonly trueBits: number | null;
  /** "clean", or findings joined with '+' ("upsampled+lossy-like"). */
  readonly verdict: string | null;
  readonly cutoffHz: number | null;
}

export interface AlbumDetail {
  readonly album: Album;
  readonly tracks: readonly Track[];
}

export interface NamedCount {
  readonly name: string;
  readonly albums: number;
  readonly tracks: number;
}

export interface FolderListing {
  readonly folders: readonly { readonly uri: string; readonly name: string }[];
  readonly tracks: readonly Track[];
  readonly playlists: readonly { readonly uri: string; readonly name: string }[];
}

export interface LibraryStats {
  readonly artists: number;
  readonly albums: number;
  readonly songs: number;
  readonly playtime: number;
}

/** A stored playlist: its entries in order, with the library track when one has the uri. */
export interface StoredPlaylist {
  readonly name: string;
  readonly modifiedAt: number;
  readonly entries: readonly { readonly uri: string; readonly trackId: number | null }[];
}

/** A stored playlist as listed: its name, when it changed, and how many entries it has. */
export interface PlaylistSummary {
  readonly name: string;
  readonly modifiedAt: number;
  readonly length: number;
}

export interface DoctorFinding {
  readonly level: 'ok' | 'warning' | 'problem';
  readonly id: string;
  readonly title: string;
  readonly detail: string;
  readonly fix: string;
}

export type BandType =
  | 'peaking' | 'lowshelf' | 'highshelf' | 'lowpass' | 'highpass'
  | 'bandpass' | 'bandpass-skirt' | 'notch' | 'allpass';

/** One EQ band in the JSON shorthand the 'eq' filter reads (src/dsp/plugins/eq/eq.ts parseEqSettings). */
export interface EqBand {
  type: BandType;
  freq: number;
  gainDb: number;
  q?: number;
  bwOct?: number;
  slope?: number;
  corner?: boolean;
}

/** The EQ as the editor edits it: given preamp, bands, and the automatic preamp switch. */
export interface EqShorthand {
  preampDb: number;
  bands: EqBand[];
  autoPreamp: boolean;
}

/** EQ settings as the core keeps them (steps), as parse/import answers them. */
export interface EqSettingsWire {
  readonly steps: readonly (
    | { readonly kind: 'preamp'; readonly db: number; readonly channels: unknown }
    | { readonly kind: 'band'; readonly band: EqBand; readonly channels: unknown }
    | { readonly kind: 'graphic'; readonly nodes: readonly { hz: number; db: number }[]; readonly channels: unknown }
  )[];
  readonly autoPreamp?: boolean;
  readonly marginDb?: number;
}

export interface EqResponse {
  readonly points: readonly { readonly hz: number; readonly db: number }[];
  /** The preamp the automatic setting would apply (<= 0). */
  readonly autoPreampDb: number;
}
