// Tags, ReplayGain and cover art of any audio file, read through music-metadata (which knows
// Vorbis comments, ID3v1/v2, APEv2, MP4 atoms, RIFF INFO, DSF/DSDIFF ID3 and more).

import type { IAudioMetadata, IPicture } from 'music-metadata';
import { AurisError, asAurisError } from '../util/errors.ts';

/** ReplayGain values as the file stores them: gains in dB, peaks as linear sample ratios (1.0 = full scale). */
export interface ReplayGain {
  readonly trackGainDb: number | null;
  readonly trackPeak: number | null;
  readonly albumGainDb: number | null;
  readonly albumPeak: number | null;
}

export interface CoverArt {
  readonly mime: string;
  readonly bytes: Uint8Array;
}

/**
 * The tags of a track, as every reader here fills them (music-metadata's through tagsOf, the
 * library's header-only FLAC reader through track-facts.ts): text is null when the file does not
 * have it; multi-valued genres and composers are joined with "; ".
 */
export interface TrackTags {
  readonly title: string | null;
  /** The first ARTIST (as music-metadata's common tags name a track). */
  readonly artist: string | null;
  readonly album: string | null;
  readonly albumArtist: string | null;
  readonly trackNumber: number | null;
  /** The track tag's text when it is not a number (a vinyl side "A1"); null otherwise. */
  readonly trackText: string | null;
  readonly trackTotal: number | null;
  readonly discNumber: number | null;
  readonly discTotal: number | null;
  /** The date as tagged ("2021", "2021-03-04"). */
  readonly date: string | null;
  readonly genre: string | null;
  readonly composer: string | null;
  /** Present only when the file has at least one ReplayGain value. */
  readonly replayGain: ReplayGain | null;
}

/** What readTags returns: the tags, the picture, and music-metadata's duration and bitrate. */
export interface Tags extends TrackTags {
  /** The front cover, else the first picture; null when the file has none. */
  readonly cover: CoverArt | null;
  /** Duration in seconds and average bitrate in bits per second, as music-metadata works them out. */
  readonly duration: number | null;
  readonly bitrate: number | null;
}

const orNull = <T>(v: T | undefined | null): T | null => (v === undefined ? null : v);

/** Joins multi-valued tags ("Rock; Jazz") so one string shows all of them. */
function joined(values: readonly string[] | undefined): string | null {
  return values && values.length > 0 ? values.join('; ') : null;
}

function pickCover(pictures: readonly IPicture[] | undefined): CoverArt | null {
  if (!pictures || pictures.length === 0) return null;
  const front = pictures.find((p) => p.type?.toLowerCase().includes('front')) ?? pictures[0]!;
  return { mime: front.format.includes('/') ? front.format : `image/${front.format}`, bytes: new Uint8Array(front.data) };
}

/** Native tag ids that hold the track number, per tag format (Vorbis/APE text, ID3v2 TRCK). */
const TRACK_TAG_IDS = new Set(['TRACKNUMBER', 'TRACK', 'TRCK']);

/** The track tag's text when music-metadata found no number in it ("A1", "B"); null otherwise. */
function trackTextOf(meta: IAudioMetadata): string | null {
  if (meta.common.track.no !== null && meta.common.track.no !== undefined) return null;
  for (const tags of Object.values(meta.native)) {
    const tag = tags.find((t) => TRACK_TAG_IDS.has(t.id.toUpperCase()) && typeof t.value === 'string' && t.value.trim() !== '');
    if (tag) return (tag.value as string).trim();
  }
  return null;
}

/** The Tags of parsed metadata (separate from I/O so it can be reused on an already parsed file). */
export function tagsOf(meta: IAudioMetadata): Tags {
  const c = meta.common;
  const rg: ReplayGain = {
    trackGainDb: orNull(c.replaygain_track_gain?.dB),
    trackPeak: orNull(c.replaygain_track_peak?.ratio),
    albumGainDb: orNull(c.replaygain_album_gain?.dB),
    albumPeak: orNull(c.replaygain_album_peak?.ratio),
  };
  const hasRg = Object.values(rg).some((v) => v !== null);
  return {
    title: orNull(c.title),
    artist: orNull(c.artist),
    album: orNull(c.album),
    albumArtist: orNull(c.albumartist),
    trackNumber: orNull(c.track.no),
    trackText: trackTextOf(meta),
    trackTotal: orNull(c.track.of),
    discNumber: orNull(c.disk.no),
    discTotal: orNull(c.disk.of),
    date: orNull(c.date) ?? (c.year !== undefined ? String(c.year) : null),
    genre: joined(c.genre),
    composer: joined(c.composer),
    replayGain: hasRg ? rg : null,
    cover: pickCover(c.picture),
    duration: orNull(meta.format.duration),
    bitrate: orNull(meta.format.bitrate),
  };
}

/**
 * Reads the tags of the file at `path` (`cover: false` skips the pictures: `cover` is then null,
 * and a file with a large cover reads faster). Throws E_NOT_FOUND/E_IO for file errors and
 * E_UNSUPPORTED_FORMAT or E_CORRUPT when music-metadata cannot parse it.
 */
export async function readTags(path: string, options: { readonly cover?: boolean } = {}): Promise<Tags> {
  let meta: IAudioMetadata;
  try {
    // Loaded on first use: the player and most commands never read tags (it costs ~14 MiB and a start-up pause).
    const { parseFile } = await import('music-metadata');
    meta = await parseFile(path, { duration: false, skipCovers: options.cover === false });
  } catch (e) {
    const err = asAurisError(e, 'E_CORRUPT');
    if (err.code === 'E_CORRUPT' && /unsupported|mime-type|guess/i.test(err.message)) {
      throw new AurisError('E_UNSUPPORTED_FORMAT', `${path}: no tag reader for this file: ${err.message}`, { path }, { cause: e });
    }
    throw err.code === 'E_CORRUPT' ? new AurisError('E_CORRUPT', `${path}: tags unreadable: ${err.message}`, { path }, { cause: e }) : err;
  }
  return tagsOf(meta);
}
