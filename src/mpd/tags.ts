// MPD's tag types (src/tag/Names.c in 0.23, in its order) and how each maps onto what Auris stores.
// Tags Auris does not store exist for clients (they may filter or group on them) but never have a
// value, as on an MPD whose files lack them. Sort tags fall back to their base tag, as MPD's
// ApplyTagFallback does when a file has no sort tag; Auris stores none.

/** Every tag type of MPD 0.23, spelled as MPD prints it. */
export const MPD_TAGS = [
  'Artist', 'ArtistSort', 'Album', 'AlbumSort', 'AlbumArtist', 'AlbumArtistSort', 'Title', 'Track',
  'Name', 'Genre', 'Date', 'OriginalDate', 'Composer', 'ComposerSort', 'Performer', 'Conductor',
  'Work', 'Movement', 'MovementNumber', 'Ensemble', 'Location', 'Grouping', 'Comment', 'Disc',
  'Label', 'MUSICBRAINZ_ARTISTID', 'MUSICBRAINZ_ALBUMID', 'MUSICBRAINZ_ALBUMARTISTID',
  'MUSICBRAINZ_TRACKID', 'MUSICBRAINZ_RELEASETRACKID', 'MUSICBRAINZ_WORKID',
] as const;
export type MpdTag = (typeof MPD_TAGS)[number];

/** Tags a client may enable with `tagtypes`: MPD's default metadata_to_use leaves out Comment. */
export const ANNOUNCED_TAGS: readonly MpdTag[] = MPD_TAGS.filter((t) => t !== 'Comment');

/** The library column a tag reads; null for tags Auris does not store. */
export type LibraryTag = 'artist' | 'album' | 'albumArtist' | 'title' | 'track' | 'genre' | 'date' | 'composer' | 'disc' | 'mbArtistId' | 'mbAlbumId' | 'mbAlbumArtistId' | 'mbTrackId';

export const LIBRARY_TAG_OF: Readonly<Record<MpdTag, LibraryTag | null>> = {
  Artist: 'artist', ArtistSort: 'artist', Album: 'album', AlbumSort: 'album', AlbumArtist: 'albumArtist',
  AlbumArtistSort: 'albumArtist', Title: 'title', Track: 'track', Name: null, Genre: 'genre', Date: 'date',
  OriginalDate: null, Composer: 'composer', ComposerSort: 'composer', Performer: null, Conductor: null,
  Work: null, Movement: null, MovementNumber: null, Ensemble: null, Location: null, Grouping: null,
  Comment: null, Disc: 'disc', Label: null, MUSICBRAINZ_ARTISTID: 'mbArtistId', MUSICBRAINZ_ALBUMID: 'mbAlbumId',
  MUSICBRAINZ_ALBUMARTISTID: 'mbAlbumArtistId', MUSICBRAINZ_TRACKID: 'mbTrackId',
  MUSICBRAINZ_RELEASETRACKID: null, MUSICBRAINZ_WORKID: null,
};

const BY_LOWER = new Map<string, MpdTag>(MPD_TAGS.map((t) => [t.toLowerCase(), t]));

/** A tag name as a client spells it (any case), or null (MPD's tag_name_parse_i). */
export function parseTagName(name: string): MpdTag | null {
  return BY_LOWER.get(name.toLowerCase()) ?? null;
}

/** The values of one track that song records print, keyed by MPD tag. */
export type TagValues = Partial<Record<MpdTag, string>>;

/** The order tags are printed in a song record (as the reference MPD prints a FLAC's comments). */
export const PRINT_ORDER: readonly MpdTag[] = [
  'Title', 'Artist', 'AlbumArtist', 'Album', 'Track', 'Disc', 'Date', 'Genre', 'Composer',
  'MUSICBRAINZ_ARTISTID', 'MUSICBRAINZ_ALBUMID', 'MUSICBRAINZ_ALBUMARTISTID', 'MUSICBRAINZ_TRACKID',
];

/** Replaces control characters so a tag value cannot break the line protocol (MPD's FixTagString). */
export function cleanValue(v: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f]/.test(v) ? v.replace(/[\x00-\x1f]/g, ' ') : v;
}
