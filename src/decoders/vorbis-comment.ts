// Vorbis comments (the FLAC and Ogg tag format: "FIELD=value", field names case-insensitive) to the
// tags that name a track, for decoders that hand their tags over (the DR log's rows). The one
// Vorbis comment reader is the library's (track-facts.ts): a track reads the same wherever its tags
// are read. A field given several times (several ARTISTs) is named by its first value, as
// music-metadata's common tags name it.

import type { BasicTags } from '../protocol/tags.ts';
import { tagsOfVorbisComments } from './track-facts.ts';

export function basicTagsOfVorbisComments(comments: readonly string[]): BasicTags {
  const t = tagsOfVorbisComments(comments);
  return { title: t.title, artist: t.artist, albumArtist: t.albumArtist, album: t.album, trackNumber: t.trackNumber, trackText: t.trackText };
}
