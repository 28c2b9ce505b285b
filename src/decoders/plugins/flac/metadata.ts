// FLAC metadata blocks (RFC 9639 section 8) as data: the block header, and parsers for the
// blocks the decoder uses or exposes. Every parser checks each length against the bytes it has;
// a block that lies about its contents gives E_CORRUPT (or a warning from the caller), never an
// out-of-bounds read.

import { AurisError } from '../../../util/errors.ts';

/** Block types of RFC 9639 section 8.1 (7..126 are reserved and skipped; 127 is forbidden). */
export const BLOCK_TYPES: Readonly<Record<number, string>> = {
  0: 'STREAMINFO',
  1: 'PADDING',
  2: 'APPLICATION',
  3: 'SEEKTABLE',
  4: 'VORBIS_COMMENT',
  5: 'CUESHEET',
  6: 'PICTURE',
};

export const BLOCK_STREAMINFO = 0;
export const BLOCK_SEEKTABLE = 3;
export const BLOCK_VORBIS_COMMENT = 4;
export const BLOCK_PICTURE = 6;
export const BLOCK_FORBIDDEN = 127;
export const STREAMINFO_LENGTH = 34;
export const BLOCK_HEADER_LENGTH = 4;

/** Where a metadata block sits in the file. */
export interface MetadataBlockInfo {
  readonly type: number;
  /** BLOCK_TYPES name, or "RESERVED(n)". */
  readonly name: string;
  /** File offset of the block's 4-byte header. */
  readonly offset: number;
  /** Length of the body after the header. */
  readonly length: number;
}

/** The 4-byte metadata block header (section 8.1): last-block flag, 7-bit type, 24-bit length. */
export interface BlockHeader {
  readonly last: boolean;
  readonly type: number;
  readonly length: number;
}

export function parseBlockHeader(b: Uint8Array, at: number): BlockHeader {
  if (at + BLOCK_HEADER_LENGTH > b.length) throw new AurisError('E_TRUNCATED', 'metadata block header cut short');
  return { last: (b[at]! & 0x80) !== 0, type: b[at]! & 0x7f, length: (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]! };
}

export function blockName(type: number): string {
  return BLOCK_TYPES[type] ?? `RESERVED(${type})`;
}

/** STREAMINFO (section 8.2). `totalSamples` and `md5` are null when the encoder left them zero. */
export interface FlacStreamInfo {
  readonly minBlockSize: number;
  readonly maxBlockSize: number;
  /** 0 when unknown. */
  readonly minFrameSize: number;
  /** 0 when unknown. */
  readonly maxFrameSize: number;
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  readonly totalSamples: number | null;
  /** Lowercase hex of the MD5 of the decoded samples, null when all zero (not computed). */
  readonly md5: string | null;
}

export function parseStreamInfo(b: Uint8Array): FlacStreamInfo {
  if (b.length !== STREAMINFO_LENGTH) throw new AurisError('E_CORRUPT', `STREAMINFO is ${b.length} bytes, not ${STREAMINFO_LENGTH}`);
  const u16 = (i: number): number => (b[i]! << 8) | b[i + 1]!;
  const u24 = (i: number): number => (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
  const sampleRate = (b[10]! << 12) | (b[11]! << 4) | (b[12]! >> 4);
  const channels = ((b[12]! >> 1) & 0x07) + 1;
  const bitsPerSample = (((b[12]! & 1) << 4) | (b[13]! >> 4)) + 1;
  const totalSamples = (b[13]! & 0x0f) * 2 ** 32 + ((b[14]! << 24) >>> 0) + u24(15);
  const md5Bytes = b.subarray(18, 34);
  const md5 = md5Bytes.every((x) => x === 0) ? null : Buffer.from(md5Bytes).toString('hex');
  return {
    minBlockSize: u16(0),
    maxBlockSize: u16(2),
    minFrameSize: u24(4),
    maxFrameSize: u24(7),
    sampleRate,
    channels,
    bitsPerSample,
    totalSamples: totalSamples === 0 ? null : totalSamples,
    md5,
  };
}

/** One SEEKTABLE point (section 8.5); `offset` is counted from the first frame header. */
export interface SeekPoint {
  readonly sample: number;
  readonly offset: number;
  readonly frameSamples: number;
}

/** SEEKTABLE points in file order, placeholders (sample number all ones) dropped. */
export function parseSeekTable(b: Uint8Array): SeekPoint[] {
  if (b.length % 18 !== 0) throw new AurisError('E_CORRUPT', `SEEKTABLE length ${b.length} is not a multiple of 18`);
  const points: SeekPoint[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  for (let at = 0; at < b.length; at += 18) {
    const hi = view.getUint32(at);
    const lo = view.getUint32(at + 4);
    if (hi === 0xffffffff && lo === 0xffffffff) continue;
    points.push({
      sample: hi * 2 ** 32 + lo,
      offset: view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12),
      frameSamples: view.getUint16(at + 16),
    });
  }
  return points;
}

/** VORBIS_COMMENT (section 8.6): vendor string and the raw "NAME=value" comments. */
export interface VorbisComment {
  readonly vendor: string;
  readonly comments: readonly string[];
}

export function parseVorbisComment(b: Uint8Array): VorbisComment {
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  const utf8 = new TextDecoder('utf-8');
  let at = 0;
  const take = (what: string): string => {
    if (at + 4 > b.length) throw new AurisError('E_CORRUPT', `VORBIS_COMMENT: ${what} length runs past the block`);
    const n = view.getUint32(at, true);
    at += 4;
    if (n > b.length - at) throw new AurisError('E_CORRUPT', `VORBIS_COMMENT: ${what} of ${n} bytes runs past the block`);
    const s = utf8.decode(b.subarray(at, at + n));
    at += n;
    return s;
  };
  const vendor = take('vendor string');
  if (at + 4 > b.length) throw new AurisError('E_CORRUPT', 'VORBIS_COMMENT: comment count runs past the block');
  const count = view.getUint32(at, true);
  at += 4;
  // Each comment takes at least 4 bytes, so a count larger than that is a lie caught before looping.
  if (count > (b.length - at) / 4) throw new AurisError('E_CORRUPT', `VORBIS_COMMENT claims ${count} comments, more than its ${b.length} bytes can hold`);
  const comments: string[] = [];
  for (let i = 0; i < count; i++) comments.push(take(`comment ${i}`));
  return { vendor, comments };
}

/** PICTURE (section 8.8) without its image bytes; `dataOffset` is where they start in the file. */
export interface PictureInfo {
  readonly pictureType: number;
  readonly mime: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colors: number;
  readonly dataOffset: number;
  readonly dataLength: number;
}

/** Parses a PICTURE body `b` whose first byte is at file offset `bodyOffset`. */
export function parsePicture(b: Uint8Array, bodyOffset: number): PictureInfo {
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  let at = 0;
  const u32 = (what: string): number => {
    if (at + 4 > b.length) throw new AurisError('E_CORRUPT', `PICTURE: ${what} runs past the block`);
    const v = view.getUint32(at);
    at += 4;
    return v;
  };
  const text = (what: string, encoding: 'latin1' | 'utf-8'): string => {
    const n = u32(`${what} length`);
    if (n > b.length - at) throw new AurisError('E_CORRUPT', `PICTURE: ${what} of ${n} bytes runs past the block`);
    const s = new TextDecoder(encoding).decode(b.subarray(at, at + n));
    at += n;
    return s;
  };
  const pictureType = u32('type');
  const mime = text('media type', 'latin1');
  const description = text('description', 'utf-8');
  const width = u32('width');
  const height = u32('height');
  const depth = u32('depth');
  const colors = u32('colors');
  const dataLength = u32('data length');
  if (dataLength > b.length - at) throw new AurisError('E_CORRUPT', `PICTURE: image of ${dataLength} bytes runs past the block`);
  return { pictureType, mime, description, width, height, depth, colors, dataOffset: bodyOffset + at, dataLength };
}

/** Size of an ID3v2 tag at the start of `head` (header, body and footer), or 0 when there is none. */
export function id3v2Size(head: Uint8Array): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0;
  const s = [head[6]!, head[7]!, head[8]!, head[9]!];
  if (s.some((x) => x & 0x80)) return 0;
  const body = (s[0]! << 21) | (s[1]! << 14) | (s[2]! << 7) | s[3]!;
  const footer = head[5]! & 0x10 ? 10 : 0;
  return 10 + body + footer;
}
