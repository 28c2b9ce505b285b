// The tags that name a track in lists and logs (the DR log's rows and header). Decoders that parse
// their container's tags themselves hand them over (FLAC's VORBIS_COMMENT), so an analysis worker
// can return them with its result; other files' tags come from music-metadata (decoders/tags.ts).

export interface BasicTags {
  readonly title: string | null;
  readonly artist: string | null;
  readonly albumArtist: string | null;
  readonly album: string | null;
  readonly trackNumber: number | null;
  /** The track tag's text when it is not a number (a vinyl side "A1"); absent or null otherwise. */
  readonly trackText?: string | null;
}
