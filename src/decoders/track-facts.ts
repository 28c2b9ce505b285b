// The library's one tag reader: a track's format facts and its full tags, for the scanner.
//
// FLAC is read header-only here: one open, one read of the first 4 KiB (more only when the
// metadata blocks run past it), the blocks parsed with the FLAC decoder's own block parsers, and no
// decoder, no stream and no promise per block. WAV/RF64, AIFF/AIFC, DSF and DSDIFF take their format
// from Auris's own header parsers (the decoders' parseX, which read headers only) and go to
// music-metadata for tags only when the file has a tag chunk (LIST, ID3, NAME/AUTH..., DSF's
// metadata pointer). Every other format goes through music-metadata (tags.ts), which reads headers
// too but at several times the cost per file. All paths fill the same TrackFacts, field for field,
// so a file reads the same whichever way its tags came.
//
// Everything here is synchronous for FLAC on purpose: the scanner calls it in worker threads, where
// a blocking read costs nothing and saves the promise machinery on 10,000 small files.

import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { IAudioMetadata } from 'music-metadata';
import {
  BLOCK_PICTURE, BLOCK_STREAMINFO, BLOCK_VORBIS_COMMENT, STREAMINFO_LENGTH,
  id3v2Size, parseBlockHeader, parsePicture, parseStreamInfo, parseVorbisComment,
} from './plugins/flac/metadata.ts';
import { tagsOf, type CoverArt, type ReplayGain, type TrackTags } from './tags.ts';
import { AIFF_CHUNKS, DSDIFF_CHUNKS, MAX_CHUNKS, RIFF_CHUNKS, WindowedSource, nextChunkOffset, readChunkHeader, type ChunkStyle } from './chunks.ts';
import { streamInfoFor, type FrameLayout } from './interleaved.ts';
import { FileByteSource } from '../util/byte-source.ts';
import { AurisError, asAurisError } from '../util/errors.ts';

/** Every tag the library stores: the tags every reader fills (TrackTags) and the library's extras. */
export interface LibraryTags extends TrackTags {
  /** COMPILATION=1 (iTunes' cpil): the album is a compilation whatever its track artists. */
  readonly compilation: boolean;
  readonly mbTrackId: string | null;
  readonly mbAlbumId: string | null;
  readonly mbArtistId: string | null;
  readonly mbAlbumArtistId: string | null;
}

/** What the scanner stores of one audio file. Plain data: it crosses worker_threads. */
export interface TrackFacts {
  /** "FLAC", "PCM", "MP3", "AAC"... */
  readonly codec: string;
  readonly container: string;
  readonly lossless: boolean;
  readonly rate: number | null;
  /** Bits per sample of lossless PCM; null for lossy and DSD-less unknowns. */
  readonly bits: number | null;
  readonly channels: number | null;
  /** Frames in the file when its header states them. */
  readonly totalFrames: number | null;
  /** Seconds. */
  readonly duration: number | null;
  readonly bitrate: number | null;
  /** The MD5 of the decoded samples the file carries (FLAC STREAMINFO), as lowercase hex. */
  readonly md5: string | null;
  readonly tags: LibraryTags;
  /** The embedded front cover (else the first picture); null when there is none or it was not asked for. */
  readonly cover: CoverArt | null;
  /** An embedded cue sheet (the CUESHEET tag), as text. */
  readonly cuesheet: string | null;
}

export interface TrackFactsOptions {
  /** Return the embedded cover's bytes (default false: only the scanner's first sight of an album needs them). */
  readonly cover?: boolean;
}

/**
 * The first read: STREAMINFO and a VORBIS_COMMENT block fit in 4 KiB in nearly every file; what
 * runs past it (a picture, a long comment block) is read where it lies.
 */
const HEAD_BYTES = 4096;
/** The first read's buffer, reused: every value the parsers keep is copied out of it. */
const head = Buffer.alloc(HEAD_BYTES);

/**
 * Reads the facts of the file at `file`. FLAC header-only, else music-metadata. Throws AurisError:
 * E_NOT_FOUND/E_PERMISSION/E_IO for file errors, E_CORRUPT/E_TRUNCATED for broken headers,
 * E_UNSUPPORTED_FORMAT when no reader knows the file.
 */
export async function readTrackFacts(file: string, options: TrackFactsOptions = {}): Promise<TrackFacts> {
  const ext = path.extname(file).slice(1).toLowerCase();
  if (ext === 'flac' || ext === 'fla') {
    const facts = readFlacFacts(file, options);
    if (facts) return facts;
  }
  const container = UNCOMPRESSED[ext];
  if (container) return readUncompressedFacts(file, container, options);
  return readWithMusicMetadata(file, options);
}

type Uncompressed = 'wav' | 'aiff' | 'dsf' | 'dsdiff';
const UNCOMPRESSED: Readonly<Record<string, Uncompressed>> = {
  wav: 'wav', wave: 'wav', rf64: 'wav', bw64: 'wav', aif: 'aiff', aiff: 'aiff', aifc: 'aiff', dsf: 'dsf', dff: 'dsdiff', dsdiff: 'dsdiff',
};

/** Chunks that hold tags music-metadata reads, per container. */
const TAG_CHUNKS: Readonly<Record<Exclude<Uncompressed, 'dsf'>, { style: ChunkStyle; first: number; ids: ReadonlySet<string> }>> = {
  wav: { style: RIFF_CHUNKS, first: 12, ids: new Set(['LIST', 'id3 ', 'ID3 ']) },
  aiff: { style: AIFF_CHUNKS, first: 12, ids: new Set(['NAME', 'AUTH', '(c) ', 'ANNO', 'ID3 ', 'id3 ']) },
  dsdiff: { style: DSDIFF_CHUNKS, first: 16, ids: new Set(['ID3 ', 'DIIN']) },
};

const NO_TAGS: LibraryTags = {
  title: null, artist: null, albumArtist: null, album: null, trackNumber: null, trackText: null, trackTotal: null, discNumber: null, discTotal: null,
  date: null, genre: null, composer: null, compilation: false, mbTrackId: null, mbAlbumId: null, mbArtistId: null, mbAlbumArtistId: null, replayGain: null,
};

/**
 * WAV, AIFF, DSF, DSDIFF: the format from the decoders' header parsers; tags from music-metadata
 * only when a tag chunk is there. `totalFrames` counts the decoder's frames (for DSD, bytes per
 * channel: 8 samples each).
 */
async function readUncompressedFacts(file: string, kind: Uncompressed, options: TrackFactsOptions): Promise<TrackFacts> {
  let source: FileByteSource;
  try {
    source = await FileByteSource.open(file);
  } catch (e) {
    throw withPath(asAurisError(e, 'E_IO'), file);
  }
  let layout: FrameLayout;
  let container: string;
  let tagged: boolean;
  try {
    const warnings: string[] = [];
    if (kind === 'wav') ({ layout, container } = await (await import('./plugins/wav/index.ts')).parseWav(source, warnings));
    else if (kind === 'aiff') ({ layout, container } = await (await import('./plugins/aiff/index.ts')).parseAiff(source, warnings));
    else if (kind === 'dsf') [layout, container] = [await (await import('./plugins/dsf/index.ts')).parseDsf(source, warnings), 'DSF'];
    else [layout, container] = [await (await import('./plugins/dsdiff/index.ts')).parseDsdiff(source, warnings), 'DSDIFF'];
    tagged = await hasTagChunk(source, kind);
  } catch (e) {
    throw withPath(asAurisError(e, 'E_CORRUPT'), file);
  } finally {
    await source.close();
  }
  const info = streamInfoFor(layout, container);
  const f = layout.format;
  const dsd = f.sample === 'dsd';
  const base: TrackFacts = {
    codec: info.codec,
    container,
    lossless: true,
    rate: f.rate,
    bits: f.validBits,
    channels: f.channels,
    totalFrames: layout.frames,
    duration: (layout.frames * (dsd ? 8 : 1)) / f.rate,
    bitrate: info.bitrate,
    md5: null,
    tags: NO_TAGS,
    cover: null,
    cuesheet: null,
  };
  if (!tagged) return base;
  const withTags = await readWithMusicMetadata(file, options);
  return { ...base, tags: withTags.tags, cover: withTags.cover };
}

/** True when the file has a chunk music-metadata reads tags from (DSF: a non-zero metadata pointer). */
async function hasTagChunk(file: FileByteSource, kind: Uncompressed): Promise<boolean> {
  const source = new WindowedSource(file);
  if (kind === 'dsf') {
    const head = await source.read(20, 8);
    return head.length === 8 && head.some((b) => b !== 0);
  }
  const { style, first, ids } = TAG_CHUNKS[kind];
  let offset = first;
  for (let n = 0; n < MAX_CHUNKS; n++) {
    const chunk = await readChunkHeader(source, offset, source.size, style);
    if (!chunk) return false;
    if (ids.has(chunk.id)) return true;
    // A chunk claiming to run past the file (a streaming writer's data size) ends the walk.
    if (chunk.size > source.size) return false;
    offset = nextChunkOffset(chunk.bodyStart, chunk.size);
  }
  return false;
}

/** FLAC facts from the metadata blocks, or null when the file is not plain FLAC (an ID3v2 tag first: music-metadata merges both). */
export function readFlacFacts(file: string, options: TrackFactsOptions = {}): TrackFacts | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw withPath(asAurisError(e, 'E_IO'), file);
  }
  try {
    const got = readSync(fd, head, 0, HEAD_BYTES, 0);
    const b = head.subarray(0, got);
    if (got >= 10 && id3v2Size(b) > 0) return null;
    if (got < 4 || b[0] !== 0x66 || b[1] !== 0x4c || b[2] !== 0x61 || b[3] !== 0x43) {
      throw new AurisError(got === 0 ? 'E_TRUNCATED' : 'E_CORRUPT', `${file}: not a FLAC stream (no "fLaC" marker)`, { path: file });
    }
    /** The bytes [at, at+length) of the file: from the head when it holds them, else read. */
    const bytesAt = (at: number, length: number): Uint8Array => {
      if (at + length <= got) return b.subarray(at, at + length);
      const out = Buffer.allocUnsafe(length);
      const n = readSync(fd, out, 0, length, at);
      if (n < length) throw new AurisError('E_TRUNCATED', `${file}: a metadata block runs past the end of the file`, { path: file });
      return out;
    };
    let at = 4;
    let info: ReturnType<typeof parseStreamInfo> | null = null;
    let comments: readonly string[] = [];
    let cover: CoverArt | null = null;
    let coverIsFront = false;
    for (;;) {
      const header = parseBlockHeader(bytesAt(at, 4), 0);
      const body = at + 4;
      if (header.type === BLOCK_STREAMINFO) {
        if (header.length !== STREAMINFO_LENGTH) throw new AurisError('E_CORRUPT', `${file}: STREAMINFO is ${header.length} bytes`, { path: file });
        info = parseStreamInfo(bytesAt(body, STREAMINFO_LENGTH));
      } else if (header.type === BLOCK_VORBIS_COMMENT) {
        comments = parseVorbisComment(bytesAt(body, header.length)).comments;
      } else if (header.type === BLOCK_PICTURE && options.cover && !coverIsFront) {
        const bytes = bytesAt(body, header.length);
        const pic = parsePicture(bytes, 0);
        if (pic.pictureType === 3 || cover === null) {
          cover = { mime: pic.mime || 'image/jpeg', bytes: new Uint8Array(bytes.subarray(pic.dataOffset, pic.dataOffset + pic.dataLength)) };
          coverIsFront = pic.pictureType === 3;
        }
      }
      at = body + header.length;
      if (header.last) break;
    }
    if (!info) throw new AurisError('E_CORRUPT', `${file}: no STREAMINFO block`, { path: file });
    const fields = fieldsOf(comments);
    const duration = info.totalSamples !== null ? info.totalSamples / info.sampleRate : null;
    return {
      codec: 'FLAC',
      container: 'FLAC',
      lossless: true,
      rate: info.sampleRate,
      bits: info.bitsPerSample,
      channels: info.channels,
      totalFrames: info.totalSamples,
      duration,
      bitrate: null,
      md5: info.md5,
      tags: tagsOfFields(fields),
      cover,
      cuesheet: first(fields, 'CUESHEET'),
    };
  } catch (e) {
    throw withPath(asAurisError(e, 'E_CORRUPT'), file);
  } finally {
    closeSync(fd);
  }
}

/** Vorbis comments by field name (upper case), each field's values in file order: one pass over the comments. */
type CommentFields = ReadonlyMap<string, readonly string[]>;

function fieldsOf(comments: readonly string[]): CommentFields {
  const out = new Map<string, string[]>();
  for (const c of comments) {
    const eq = c.indexOf('=');
    if (eq <= 0) continue;
    const upper = c.slice(0, eq).toUpperCase();
    // One field under its two spellings, in file order (music-metadata reads them as one).
    const name = upper === 'ALBUM ARTIST' ? 'ALBUMARTIST' : upper;
    const values = out.get(name);
    if (values) values.push(c.slice(eq + 1));
    else out.set(name, [c.slice(eq + 1)]);
  }
  return out;
}

/** The first non-empty value among `names`, tried in order. */
function first(fields: CommentFields, ...names: string[]): string | null {
  for (const n of names) {
    const v = fields.get(n)?.[0];
    if (v !== undefined && v !== '') return v;
  }
  return null;
}

/** "7" or "7/12" -> [7, 12]. */
function numberPair(value: string | null): [number | null, number | null] {
  if (value === null) return [null, null];
  const [a, b] = value.split('/');
  const n = (s: string | undefined): number | null => {
    const v = s === undefined ? NaN : Number.parseInt(s, 10);
    return Number.isFinite(v) ? v : null;
  };
  return [n(a), n(b)];
}

function float(value: string | null): number | null {
  if (value === null) return null;
  const v = Number.parseFloat(value);
  return Number.isFinite(v) ? v : null;
}

/** Vorbis comments to LibraryTags, named as music-metadata names them. */
export function tagsOfVorbisComments(comments: readonly string[]): LibraryTags {
  return tagsOfFields(fieldsOf(comments));
}

function tagsOfFields(fields: CommentFields): LibraryTags {
  const track = first(fields, 'TRACKNUMBER');
  const [trackNumber, trackOf] = numberPair(track);
  const [discNumber, discOf] = numberPair(first(fields, 'DISCNUMBER'));
  const joined = (field: string): string | null => {
    const v = (fields.get(field) ?? []).filter((s) => s !== '');
    return v.length > 0 ? v.join('; ') : null;
  };
  const rg: ReplayGain = {
    trackGainDb: float(first(fields, 'REPLAYGAIN_TRACK_GAIN')),
    trackPeak: float(first(fields, 'REPLAYGAIN_TRACK_PEAK')),
    albumGainDb: float(first(fields, 'REPLAYGAIN_ALBUM_GAIN')),
    albumPeak: float(first(fields, 'REPLAYGAIN_ALBUM_PEAK')),
  };
  return {
    title: first(fields, 'TITLE'),
    artist: first(fields, 'ARTIST'),
    albumArtist: first(fields, 'ALBUMARTIST'),
    album: first(fields, 'ALBUM'),
    trackNumber,
    trackText: trackNumber === null && track?.trim() ? track.trim() : null,
    trackTotal: trackOf ?? numberPair(first(fields, 'TRACKTOTAL', 'TOTALTRACKS'))[0],
    discNumber,
    discTotal: discOf ?? numberPair(first(fields, 'DISCTOTAL', 'TOTALDISCS'))[0],
    date: first(fields, 'DATE', 'YEAR'),
    genre: joined('GENRE'),
    composer: joined('COMPOSER'),
    compilation: first(fields, 'COMPILATION') === '1',
    mbTrackId: first(fields, 'MUSICBRAINZ_TRACKID'),
    mbAlbumId: first(fields, 'MUSICBRAINZ_ALBUMID'),
    mbArtistId: first(fields, 'MUSICBRAINZ_ARTISTID'),
    mbAlbumArtistId: first(fields, 'MUSICBRAINZ_ALBUMARTISTID'),
    replayGain: Object.values(rg).some((v) => v !== null) ? rg : null,
  };
}

const LOSSY = new Set(['MPEG 1 Layer 3', 'MPEG 2 Layer 3', 'MPEG 1 Layer 2', 'AAC', 'Vorbis I', 'Opus', 'MP3']);

async function readWithMusicMetadata(file: string, options: TrackFactsOptions): Promise<TrackFacts> {
  let meta: IAudioMetadata;
  try {
    const { parseFile } = await import('music-metadata'); // loaded on first use (~14 MiB)
    meta = await parseFile(file, { duration: false, skipCovers: !options.cover });
  } catch (e) {
    const err = asAurisError(e, 'E_CORRUPT');
    if (err.code === 'E_CORRUPT' && /unsupported|mime-type|guess/i.test(err.message)) {
      throw new AurisError('E_UNSUPPORTED_FORMAT', `${file}: no tag reader for this file: ${err.message}`, { path: file }, { cause: e });
    }
    throw withPath(err, file);
  }
  const { cover, duration: _duration, bitrate: _bitrate, ...tags } = tagsOf(meta);
  const c = meta.common;
  const f = meta.format;
  const lossless = f.lossless ?? !LOSSY.has(f.codec ?? '');
  return {
    codec: f.codec ?? f.container ?? 'unknown',
    container: f.container ?? 'unknown',
    lossless,
    rate: f.sampleRate ?? null,
    bits: lossless ? (f.bitsPerSample ?? null) : null,
    channels: f.numberOfChannels ?? null,
    totalFrames: f.numberOfSamples ?? null,
    duration: f.duration ?? null,
    bitrate: f.bitrate ?? null,
    md5: f.audioMD5 ? Buffer.from(f.audioMD5).toString('hex') : null,
    tags: {
      ...tags,
      compilation: c.compilation === true,
      mbTrackId: c.musicbrainz_recordingid ?? null,
      mbAlbumId: c.musicbrainz_albumid ?? null,
      mbArtistId: c.musicbrainz_artistid?.[0] ?? null,
      mbAlbumArtistId: c.musicbrainz_albumartistid?.[0] ?? null,
    },
    cover: options.cover ? cover : null,
    cuesheet: null,
  };
}

function withPath(err: AurisError, file: string): AurisError {
  return err.message.includes(file) ? err : new AurisError(err.code, `${file}: ${err.message}`, { path: file, ...err.details }, { cause: err });
}
