// Writing WAV (RIFF/WAVE, WAVE_FORMAT_EXTENSIBLE) and RF64 (EBU Tech 3306) files, bit-exact.
//
// Streaming writers call `wavHeader(..., null)` first (a header sized for an unknown length with a
// JUNK chunk reserved where RF64's ds64 goes), write the data, then `wavHeader(..., dataBytes)` and
// overwrite the start: past 4 GiB the same bytes become an RF64 header, no data moves.

import type { AudioBlock } from './block.ts';
import type { AudioFormat } from './format.ts';
import { isFloatKind } from './format.ts';
import { packFloat, packInt, type Container } from './pack.ts';
import { AurisError } from '../util/errors.ts';

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 4..15 of the KSDATAFORMAT_SUBTYPE GUIDs {0000xxxx-0000-0010-8000-00aa00389b71}; bytes 0..3 hold the tag. */
const GUID_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/** Default speaker masks by channel count (WAVEFORMATEXTENSIBLE dwChannelMask). */
const CHANNEL_MASKS = [0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0x13f, 0x63f];

/** WAV container for a format: the smallest whole-byte container; 8-bit WAV data is unsigned. */
export function wavContainerFor(format: AudioFormat): Container {
  switch (format.sample) {
    case 's8': return 'S8';
    case 's16': return 'S16_LE';
    case 's24': return 'S24_3LE';
    case 's32': return 'S32_LE';
    case 'f32': return 'FLOAT_LE';
    case 'f64': return 'FLOAT64_LE';
    case 'dsd': throw new AurisError('E_FORMAT_REFUSED', 'DSD cannot be written to WAV; convert it to PCM first');
  }
}

/** Size in bytes of the header wavHeader writes for this format. */
export function wavHeaderSize(format: AudioFormat): number {
  return 12 + 36 + 8 + fmtChunkSize(format) + 8;
}

function needsExtensible(format: AudioFormat): boolean {
  const bits = containerBitsOf(format);
  return format.channels > 2 || bits > 16 || bits !== format.validBits;
}

function containerBitsOf(format: AudioFormat): number {
  return format.sample === 's8' ? 8 : format.sample === 's16' ? 16 : format.sample === 's24' ? 24 : format.sample === 'f64' ? 64 : 32;
}

function fmtChunkSize(format: AudioFormat): number {
  return needsExtensible(format) ? 40 : isFloatKind(format.sample) ? 18 : 16;
}

/**
 * The header bytes. `dataBytes` null means "length unknown yet" (sizes written as for an empty
 * file; rewrite at the end). A data length above 4 GiB minus the header produces RF64.
 */
export function wavHeader(format: AudioFormat, dataBytes: number | null): Uint8Array {
  wavContainerFor(format); // refuses DSD
  if (format.channels > 8) throw new AurisError('E_FORMAT_REFUSED', `WAV output supports up to 8 channels, not ${format.channels}`);
  const fmtSize = fmtChunkSize(format);
  const size = wavHeaderSize(format);
  const data = dataBytes ?? 0;
  const padded = data + (data & 1);
  const riffSize = size - 8 + padded;
  const rf64 = riffSize > 0xffffffff;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string) => { for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i); };
  const bits = containerBitsOf(format);
  const blockAlign = (bits / 8) * format.channels;
  const frames = Math.floor(data / blockAlign);

  ascii(0, rf64 ? 'RF64' : 'RIFF');
  v.setUint32(4, rf64 ? 0xffffffff : riffSize, true);
  ascii(8, 'WAVE');
  // JUNK placeholder, or ds64 with the 64-bit sizes.
  ascii(12, rf64 ? 'ds64' : 'JUNK');
  v.setUint32(16, 28, true);
  if (rf64) {
    v.setBigUint64(20, BigInt(riffSize), true);
    v.setBigUint64(28, BigInt(data), true);
    v.setBigUint64(36, BigInt(frames), true);
    v.setUint32(44, 0, true);
  }
  let p = 48;
  ascii(p, 'fmt ');
  v.setUint32(p + 4, fmtSize, true);
  const tag = isFloatKind(format.sample) ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM;
  v.setUint16(p + 8, needsExtensible(format) ? WAVE_FORMAT_EXTENSIBLE : tag, true);
  v.setUint16(p + 10, format.channels, true);
  v.setUint32(p + 12, format.rate, true);
  v.setUint32(p + 16, format.rate * blockAlign, true);
  v.setUint16(p + 20, blockAlign, true);
  v.setUint16(p + 22, bits, true);
  if (fmtSize >= 18) v.setUint16(p + 24, fmtSize - 18, true);
  if (fmtSize === 40) {
    v.setUint16(p + 26, format.validBits, true);
    v.setUint32(p + 28, CHANNEL_MASKS[format.channels]!, true);
    v.setUint32(p + 32, tag, true);
    out.set(GUID_TAIL, p + 36);
  }
  p += 8 + fmtSize;
  ascii(p, 'data');
  v.setUint32(p + 4, rf64 ? 0xffffffff : data, true);
  return out;
}

/** The byte that follows an odd-sized data chunk (RIFF chunks are word-aligned), or nothing. */
export function wavTrailer(dataBytes: number): Uint8Array {
  return new Uint8Array(dataBytes & 1);
}

/** A block's samples as WAV data bytes: integer samples left-justified in their container, 8-bit unsigned. */
export function wavDataBytes(block: AudioBlock): Uint8Array {
  const c = wavContainerFor(block.format);
  if (block.kind === 'float') return packFloat(block.samples, c);
  if (block.kind === 'dsd') throw new AurisError('E_FORMAT_REFUSED', 'DSD cannot be written to WAV; convert it to PCM first');
  const bytes = packInt(block.samples, block.format.validBits, c);
  if (c === 'S8') for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0x80;
  return bytes;
}
