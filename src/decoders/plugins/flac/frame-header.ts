// FLAC frame header (RFC 9639 section 9.1): sync code, block size, sample rate, channel
// assignment, bit depth, coded frame/sample number, and its CRC-8. Used to decode frames and to
// find them (resync after damage, seeking by bisection).

import { crc8 } from './crc.ts';

/** Channel assignments 8..10 of section 9.1.3 (0..7 are 1..8 independent channels). */
export const LEFT_SIDE = 8;
export const SIDE_RIGHT = 9;
export const MID_SIDE = 10;

export interface FrameHeader {
  /** Blocking strategy bit: true when `codedNumber` is a sample number (variable block size). */
  readonly variable: boolean;
  readonly blockSize: number;
  /** Hz; 0 means "as in STREAMINFO". */
  readonly sampleRate: number;
  /** 0..7 independent channels, or LEFT_SIDE / SIDE_RIGHT / MID_SIDE. */
  readonly channelAssignment: number;
  readonly channels: number;
  /** Bits per sample; 0 means "as in STREAMINFO". */
  readonly bitsPerSample: number;
  /** Frame number (fixed block size) or number of the first sample (variable block size). */
  readonly codedNumber: number;
  /** Length of the header including its CRC-8. */
  readonly length: number;
}

/** Why parseFrameHeader found no header. */
export const HEADER_SHORT = 0; // the data ends inside the header
export const HEADER_INVALID = 1; // not a frame header: no sync, or a reserved or impossible value
export const HEADER_BAD_CRC = 2; // looks like a header but its CRC-8 does not match
export type HeaderFailure = typeof HEADER_SHORT | typeof HEADER_INVALID | typeof HEADER_BAD_CRC;

export const MAX_HEADER_LENGTH = 16;

const SAMPLE_RATES = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
const BIT_DEPTHS = [0, 8, 12, -1, 16, 20, 24, 32];

/** True when bytes at `at` start with the 14-bit sync code and a zero reserved bit (0xFFF8 or 0xFFF9). */
export function isSyncAt(b: Uint8Array, at: number, end: number): boolean {
  return at + 1 < end && b[at] === 0xff && (b[at + 1]! & 0xfe) === 0xf8;
}

/** Parses the frame header at `b[at]`, reading no byte at or past `end`. */
export function parseFrameHeader(b: Uint8Array, at: number, end: number): FrameHeader | HeaderFailure {
  if (at + 4 > end) return at + 2 <= end && !isSyncAt(b, at, end) ? HEADER_INVALID : HEADER_SHORT;
  if (!isSyncAt(b, at, end)) return HEADER_INVALID;
  const variable = (b[at + 1]! & 1) === 1;
  const sizeCode = b[at + 2]! >> 4;
  const rateCode = b[at + 2]! & 0x0f;
  const channelAssignment = b[at + 3]! >> 4;
  const depthCode = (b[at + 3]! >> 1) & 0x07;
  if (sizeCode === 0 || rateCode === 15 || channelAssignment > MID_SIDE || depthCode === 3 || (b[at + 3]! & 1) !== 0) return HEADER_INVALID;

  // Coded number: UTF-8-like, 1 to 7 bytes (section 9.1.5).
  let p = at + 4;
  if (p >= end) return HEADER_SHORT;
  const first = b[p++]!;
  let extra: number;
  let codedNumber: number;
  if (first < 0x80) { extra = 0; codedNumber = first; }
  else if (first >= 0xc0 && first < 0xe0) { extra = 1; codedNumber = first & 0x1f; }
  else if (first >= 0xe0 && first < 0xf0) { extra = 2; codedNumber = first & 0x0f; }
  else if (first >= 0xf0 && first < 0xf8) { extra = 3; codedNumber = first & 0x07; }
  else if (first >= 0xf8 && first < 0xfc) { extra = 4; codedNumber = first & 0x03; }
  else if (first >= 0xfc && first < 0xfe) { extra = 5; codedNumber = first & 0x01; }
  else if (first === 0xfe) { extra = 6; codedNumber = 0; }
  else return HEADER_INVALID;
  // A frame number has at most 31 bits (6 bytes); a sample number at most 36 bits (7 bytes).
  if (!variable && extra > 5) return HEADER_INVALID;
  if (p + extra > end) return HEADER_SHORT;
  for (let i = 0; i < extra; i++) {
    const c = b[p++]!;
    if ((c & 0xc0) !== 0x80) return HEADER_INVALID;
    codedNumber = codedNumber * 64 + (c & 0x3f);
  }

  let blockSize: number;
  if (sizeCode === 1) blockSize = 192;
  else if (sizeCode <= 5) blockSize = 144 << sizeCode;
  else if (sizeCode === 6) { if (p + 1 > end) return HEADER_SHORT; blockSize = b[p++]! + 1; }
  else if (sizeCode === 7) { if (p + 2 > end) return HEADER_SHORT; blockSize = ((b[p]! << 8) | b[p + 1]!) + 1; p += 2; }
  else blockSize = 1 << sizeCode;

  let sampleRate: number;
  if (rateCode < 12) sampleRate = SAMPLE_RATES[rateCode]!;
  else if (rateCode === 12) { if (p + 1 > end) return HEADER_SHORT; sampleRate = b[p++]! * 1000; }
  else { if (p + 2 > end) return HEADER_SHORT; sampleRate = ((b[p]! << 8) | b[p + 1]!) * (rateCode === 14 ? 10 : 1); p += 2; }
  if (rateCode >= 12 && sampleRate === 0) return HEADER_INVALID;

  if (p + 1 > end) return HEADER_SHORT;
  if (crc8(b, at, p) !== b[p]) return HEADER_BAD_CRC;
  return {
    variable,
    blockSize,
    sampleRate,
    channelAssignment,
    channels: channelAssignment < LEFT_SIDE ? channelAssignment + 1 : 2,
    bitsPerSample: BIT_DEPTHS[depthCode]!,
    codedNumber,
    length: p + 1 - at,
  };
}
