// The JSON shapes the web app reads, from src/protocol (type-only imports: no zod reaches the
// bundle): player, queue, outputs, settings, events, and the library's records under the names
// the views use. What is left below is the EQ editor's own: the dsp's EQ settings as the server
// answers them, which src/protocol does not describe yet.

export type { CoreEvent, WireErrorShape } from '../../src/protocol/events.ts';
export type { OutputListingWire, OutputStateWire, WireAudioFormat, OutputModeName } from '../../src/protocol/formats.ts';
export type { PlayerStateWire, QueueItem, QueueSnapshot, TrackProofWire, ChangeFlag, Playable } from '../../src/protocol/player.ts';
export type { Settings, SettingsPatch, PlaybackModes } from '../../src/protocol/settings.ts';
export type { DoctorFindingWire as DoctorFinding, EqResponseWire as EqResponse, OutputVerifyResult } from '../../src/protocol/http.ts';
export type {
  AlbumAnalysisWire as AlbumAnalysis, AlbumDetailWire as AlbumDetail, AlbumWire as Album, FolderListingWire as FolderListing,
  LibraryStatsWire as LibraryStats, MusicFolderWire as LibraryRoot, NamedCountWire as NamedCount, Paged,
  PlaylistImportResultWire as PlaylistImportResult, PlaylistSummaryWire as PlaylistSummary, StoredPlaylistWire as StoredPlaylist,
  TrackWire as Track,
} from '../../src/protocol/library.ts';
import type { SignalPathSchema, StageSchema } from '../../src/protocol/player.ts';
import type { z } from 'zod';

export type SignalPathWire = z.infer<typeof SignalPathSchema>;
export type StageWire = z.infer<typeof StageSchema>;
export type Verdict = SignalPathWire['verdict'];

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
