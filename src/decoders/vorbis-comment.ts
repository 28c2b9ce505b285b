// Vorbis comments (the FLAC and Ogg tag format: "FIELD=value", field names case-insensitive) to the
// tags that name a track. A field given several times (several ARTISTs) is named by its first
// value, as music-metadata's common tags name it, so that a track reads the same wherever its tags
// come from.

import type { BasicTags } from '../protocol/tags.ts';

/** The values of every comment whose field is one of `fields` (upper case), in file order. */
function valuesOf(comments: readonly string[], fields: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of comments) {
    const eq = c.indexOf('=');
    if (eq > 0 && fields.includes(c.slice(0, eq).toUpperCase())) out.push(c.slice(eq + 1));
  }
  return out;
}

/** The track number of "7" or "7/12"; null when there is no number. */
function trackNumberOf(value: string | undefined): number | null {
  const n = value === undefined ? NaN : Number.parseInt(value.split('/')[0]!, 10);
  return Number.isFinite(n) ? n : null;
}

export function basicTagsOfVorbisComments(comments: readonly string[]): BasicTags {
  const track = valuesOf(comments, ['TRACKNUMBER'])[0];
  const trackNumber = trackNumberOf(track);
  return {
    title: valuesOf(comments, ['TITLE'])[0] ?? null,
    artist: valuesOf(comments, ['ARTIST'])[0] ?? null,
    albumArtist: valuesOf(comments, ['ALBUMARTIST', 'ALBUM ARTIST'])[0] ?? null,
    album: valuesOf(comments, ['ALBUM'])[0] ?? null,
    trackNumber,
    trackText: trackNumber === null && track?.trim() ? track.trim() : null,
  };
}
