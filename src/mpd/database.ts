// What the MPD frontend needs from the library, as the library's contract types (branch `library`,
// src/library/types.ts) describe it. Front ends reach the library only through the core
// (`core.library`), and the layer rule keeps src/mpd from importing src/library, so the shapes the
// frontend relies on are restated here structurally; TypeScript checks them against the real
// LibraryService where the core hands it over (server.ts).

export type LibraryFilterOp = 'eq' | 'ne' | 'contains' | 'starts_with' | 'regex';

/** The library's filter AST (src/library/types.ts `Filter`). */
export type LibraryFilter =
  | { readonly tag: string; readonly op: LibraryFilterOp; readonly value: string | number; readonly ignoreCase?: boolean }
  | { readonly any: string; readonly op?: LibraryFilterOp; readonly ignoreCase?: boolean }
  | { readonly and: readonly LibraryFilter[] }
  | { readonly not: LibraryFilter }
  | { readonly base: string }
  | { readonly modifiedSince: number };

/** The fields of a library track the MPD records print. */
export interface LibraryTrack {
  readonly id: number;
  readonly path: string;
  readonly uri: string;
  readonly startFrame: number | null;
  readonly endFrame: number | null;
  readonly codec: string;
  readonly rate: number | null;
  readonly bits: number | null;
  readonly channels: number | null;
  readonly duration: number | null;
  readonly title: string | null;
  readonly artist: string | null;
  readonly albumArtist: string | null;
  readonly album: string | null;
  readonly trackNumber: number | null;
  readonly discNumber: number | null;
  readonly date: string | null;
  readonly genre: string | null;
  readonly composer: string | null;
  readonly mbTrackId: string | null;
  readonly mbAlbumId: string | null;
  readonly mbArtistId: string | null;
  readonly mbAlbumArtistId: string | null;
  readonly mtime: number;
}

export interface LibraryPaged<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface LibraryFolder {
  readonly folders: readonly { readonly uri: string; readonly name: string }[];
  readonly tracks: readonly LibraryTrack[];
  readonly playlists: readonly { readonly uri: string; readonly name: string }[];
}

export interface LibraryStats {
  readonly artists: number;
  readonly albums: number;
  readonly songs: number;
  readonly playtime: number;
  readonly dbUpdate: number | null;
}

export interface LibraryPlaylist {
  readonly name: string;
  readonly modifiedAt: number;
  readonly entries: readonly { readonly uri: string; readonly trackId: number | null }[];
}

type MaybeAsync<T> = T | Promise<T>;

/** The library calls the frontend makes; every result may be a promise. */
export interface MpdLibrary {
  findTracks(filter: LibraryFilter | null, options?: { readonly sort?: string | readonly string[]; readonly offset?: number; readonly limit?: number }): MaybeAsync<LibraryPaged<LibraryTrack>>;
  countTracks(filter: LibraryFilter | null): MaybeAsync<{ readonly songs: number; readonly playtime: number }>;
  listFolder(uri: string): MaybeAsync<LibraryFolder>;
  stats(): MaybeAsync<LibraryStats>;
  /** Starts a scan of every root; resolves once started. */
  scan(options?: { readonly force?: boolean }): MaybeAsync<unknown>;
  /** The original bytes of a track's cover (embedded, else the folder image), or null. */
  trackArt(trackId: number): MaybeAsync<{ readonly mime: string; readonly bytes: Uint8Array } | null>;
  listPlaylists(): MaybeAsync<readonly LibraryPlaylist[]>;
  getPlaylist(name: string): MaybeAsync<LibraryPlaylist>;
  savePlaylist(name: string, uris: readonly string[]): MaybeAsync<unknown>;
  deletePlaylist(name: string): MaybeAsync<unknown>;
  renamePlaylist(from: string, to: string): MaybeAsync<unknown>;
  getSticker(uri: string, name: string): MaybeAsync<string | null>;
  setSticker(uri: string, name: string, value: string): MaybeAsync<unknown>;
  deleteSticker(uri: string, name?: string): MaybeAsync<unknown>;
  listStickers(uri: string): MaybeAsync<Readonly<Record<string, string>>>;
  findStickers(baseUri: string, name: string): MaybeAsync<readonly { readonly uri: string; readonly value: string }[]>;
}
