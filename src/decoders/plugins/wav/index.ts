// WAV decoder: RIFF/WAVE (and big-endian RIFX), RF64 and BW64 (EBU Tech 3306 / ITU-R BS.2088,
// 64-bit sizes in a ds64 chunk). PCM 8..32 bits (8-bit is unsigned), IEEE float 32/64, and
// WAVE_FORMAT_EXTENSIBLE with valid bits below the container. Unknown chunks (LIST, id3, bext,
// JUNK, ...) are skipped: tags come from music-metadata.
//
// 24-bit samples in 4-byte containers follow the format's rules, not guesses: with
// WAVE_FORMAT_EXTENSIBLE and wValidBitsPerSample 24 they are MSB-aligned (the low byte is padding,
// which must be zero: checked at open and on every read); with plain WAVE_FORMAT_PCM and 32 bits
// they are 32-bit audio. A file whose padding carries bits is decoded at all 32 bits with a
// warning, so no bit is dropped; right-justified writers (the top byte a sign extension) are not
// guessed at, since a quiet genuine 32-bit file looks the same.

import { floatFormat, pcmFormat } from '../../../audio/format.ts';
import type { ByteSource } from '../../../util/byte-source.ts';
import { AurisError } from '../../../util/errors.ts';
import { MAX_CHUNKS, nextChunkOffset, readChunkBody, readChunkHeader, viewOf, type ChunkHeader, type ChunkStyle, WindowedSource } from '../../chunks.ts';
import type { Decoder, DecoderOptions, DecoderPlugin } from '../../interface.ts';
import {
  contiguousReader, fourcc, openFrameDecoder, wholeFrames,
  type FrameLayout, type SampleEncoding,
} from '../../interleaved.ts';

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 2..15 of the KSDATAFORMAT_SUBTYPE GUIDs {0000xxxx-0000-0010-8000-00aa00389b71} (bytes 0..1 hold the tag). */
const SUBTYPE_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
/** A 32-bit size of 0xFFFFFFFF: in RF64/BW64 "look in ds64"; in RIFF a streaming writer's "unknown". */
const SIZE_UNSET = 0xffffffff;
/** The data size sox writes when it cannot seek back (output to a pipe): "length unknown". */
const SOX_STREAMED_DATA_SIZE = 0x7ffff000;

type RiffKind = 'RIFF' | 'RIFX' | 'RF64' | 'BW64';

/** What the fmt chunk says, reduced to what decoding needs. */
interface WavFmt {
  readonly channels: number;
  readonly rate: number;
  readonly frameBytes: number;
  readonly encoding: SampleEncoding;
  readonly validBits: number;
}

/** The 64-bit sizes of RF64/BW64 (ds64 chunk). */
interface Ds64 {
  readonly dataSize: number;
  /** Sizes of other chunks whose 32-bit size is 0xFFFFFFFF, by id. */
  readonly table: ReadonlyMap<string, number>;
}

function riffKind(head: Uint8Array): RiffKind | null {
  if (head.length < 12 || fourcc(head, 8) !== 'WAVE') return null;
  const id = fourcc(head, 0);
  return id === 'RIFF' || id === 'RIFX' || id === 'RF64' || id === 'BW64' ? id : null;
}

function parseFmt(body: Uint8Array, bigEndian: boolean): WavFmt {
  const v = viewOf(body);
  const le = !bigEndian;
  let tag = v.getUint16(0, le);
  const channels = v.getUint16(2, le);
  const rate = v.getUint32(4, le);
  const blockAlign = v.getUint16(12, le);
  const bits = v.getUint16(14, le);
  let validBits = bits;
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (body.length < 40) throw new AurisError('E_CORRUPT', `WAVE_FORMAT_EXTENSIBLE fmt chunk has ${body.length} bytes, needs 40`);
    validBits = v.getUint16(18, le) || bits;
    tag = v.getUint16(24, le);
    if (SUBTYPE_GUID_TAIL.some((b, i) => body[26 + i] !== b)) {
      throw new AurisError('E_UNSUPPORTED_FEATURE', `WAV sub-format GUID ${Buffer.from(body.subarray(24, 40)).toString('hex')} is not PCM or IEEE float`);
    }
  }
  if (channels < 1 || channels > 255) throw new AurisError('E_CORRUPT', `WAV declares ${channels} channels`);
  if (rate < 1) throw new AurisError('E_CORRUPT', 'WAV declares a sample rate of 0');
  if (blockAlign === 0 || blockAlign % channels !== 0) throw new AurisError('E_CORRUPT', `WAV block align ${blockAlign} does not hold ${channels} channels`);
  const containerBytes = blockAlign / channels;
  if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (containerBytes !== 4 && containerBytes !== 8) throw new AurisError('E_UNSUPPORTED_FEATURE', `WAV float of ${containerBytes * 8} bits`);
    return { channels, rate, frameBytes: blockAlign, validBits: containerBytes * 8, encoding: { kind: 'float', bytes: containerBytes, bigEndian } };
  }
  if (tag !== WAVE_FORMAT_PCM) throw new AurisError('E_UNSUPPORTED_FEATURE', `WAV format tag 0x${tag.toString(16).padStart(4, '0')} (compressed WAV) is not decoded`, { tag });
  if (containerBytes > 4) throw new AurisError('E_UNSUPPORTED_FEATURE', `WAV PCM with ${containerBytes * 8}-bit containers`);
  const depth = validBits === 0 ? containerBytes * 8 : validBits;
  if (depth > containerBytes * 8) throw new AurisError('E_CORRUPT', `WAV declares ${depth} bits in a ${containerBytes * 8}-bit container`);
  return {
    channels, rate, frameBytes: blockAlign, validBits: depth,
    encoding: { kind: 'int', bytes: containerBytes as 1 | 2 | 3 | 4, bigEndian, unsigned: containerBytes === 1 },
  };
}

function parseDs64(body: Uint8Array): Ds64 {
  const v = viewOf(body);
  const dataSize = Number(v.getBigUint64(8, true));
  const table = new Map<string, number>();
  const entries = v.getUint32(24, true);
  for (let i = 0, o = 28; i < entries && o + 12 <= body.length; i++, o += 12) table.set(fourcc(body, o), Number(v.getBigUint64(o + 4, true)));
  return { dataSize, table };
}

/** True when `bytes` (at least 8) start like a chunk header whose body fits in `room` bytes. */
function looksLikeChunk(bytes: Uint8Array, room: number, bigEndian: boolean): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 4; i++) if (bytes[i]! < 0x20 || bytes[i]! > 0x7e) return false;
  return viewOf(bytes).getUint32(4, !bigEndian) <= room - 8;
}

/** Parses a WAV file's header into a frame layout; throws typed errors on anything malformed. */
export async function parseWav(file: ByteSource, warnings: string[]): Promise<{ layout: FrameLayout; container: string }> {
  const source = new WindowedSource(file);
  const head = await source.read(0, 12);
  const kind = riffKind(head);
  if (!kind) throw new AurisError('E_UNSUPPORTED_FORMAT', `${source.name}: not a RIFF/WAVE file`);
  const bigEndian = kind === 'RIFX';
  const style: ChunkStyle = { sizeBytes: 4, bigEndian };
  const size64 = kind === 'RF64' || kind === 'BW64';
  let ds64: Ds64 | null = null;
  let fmt: WavFmt | null = null;
  let data: { start: number; bytes: number; declared: number } | null = null;
  let ranOff = false;
  let offset = 12;
  for (let n = 0; n < MAX_CHUNKS && !(fmt && data); n++) {
    const chunk: ChunkHeader | null = await readChunkHeader(source, offset, source.size, style);
    if (!chunk) break;
    let size = chunk.size;
    if (size64 && size === SIZE_UNSET && chunk.id !== 'data') size = ds64?.table.get(chunk.id) ?? size;
    if (chunk.id === 'ds64' && size64) {
      ds64 = parseDs64(await readChunkBody(source, chunk, 28, Math.min(size, 28 + 12 * 64)));
    } else if (chunk.id === 'fmt ') {
      if (fmt) warnings.push('second fmt chunk ignored');
      else fmt = parseFmt(await readChunkBody(source, chunk, 16, 40), bigEndian);
    } else if (chunk.id === 'data') {
      const room = source.size - chunk.bodyStart;
      let declared = size;
      if (size64 && size === SIZE_UNSET && !(ds64?.dataSize === 0 && room > 0)) {
        if (!ds64) throw new AurisError('E_CORRUPT', `${kind} data chunk refers to a ds64 chunk that is missing`);
        declared = ds64.dataSize;
      } else if (
        size === SIZE_UNSET ||
        (size === SOX_STREAMED_DATA_SIZE && size > room) ||
        (size === 0 && room > 0 && !looksLikeChunk(await source.read(chunk.bodyStart, 8), room, bigEndian))
      ) {
        // A streaming writer's header (ffmpeg to a pipe: 0xFFFFFFFF, or an all-zero ds64 in RF64).
        warnings.push(`data chunk size is 0x${size.toString(16)}${size64 ? ' with a ds64 size of 0' : ''} (a streaming writer's header); the data runs to the end of the file`);
        declared = room;
      }
      data = { start: chunk.bodyStart, bytes: Math.min(declared, room), declared };
      if (declared >= room) break; // runs to the end of the file: nothing can follow
      size = declared;
    }
    offset = nextChunkOffset(chunk.bodyStart, size);
    if (offset > source.size) ranOff = true;
  }
  if (!fmt || !data) {
    const what = !fmt ? 'fmt' : 'data';
    throw new AurisError(ranOff || !data ? 'E_TRUNCATED' : 'E_CORRUPT', `${source.name}: WAV has no ${what} chunk${ranOff ? ' (the file ends inside a chunk)' : ''}`);
  }
  const format = fmt.encoding.kind === 'float'
    ? floatFormat(fmt.rate, fmt.channels, fmt.encoding.bytes === 4 ? 32 : 64)
    : pcmFormat(fmt.rate, fmt.channels, fmt.validBits);
  const frames = wholeFrames(data.bytes, fmt.frameBytes, warnings);
  const declaredFrames = Math.floor(data.declared / fmt.frameBytes);
  const layout: FrameLayout = {
    format,
    encoding: fmt.encoding,
    frameBytes: fmt.frameBytes,
    frames,
    declaredFrames: declaredFrames > frames ? declaredFrames : null,
    read: contiguousReader(file, data.start, fmt.frameBytes),
  };
  return { layout, container: kind === 'RIFX' || kind === 'RIFF' ? 'WAV' : kind };
}

/** Opens a WAV decoder on `source`. */
export async function openWav(source: ByteSource, options: DecoderOptions): Promise<Decoder> {
  const warnings: string[] = [];
  const parsed = await parseWav(source, warnings);
  return openFrameDecoder(parsed.layout, parsed.container, options, warnings);
}

export const wavPlugin: DecoderPlugin = {
  name: 'wav',
  extensions: ['wav', 'wave', 'rf64', 'bw64'],
  probe: (head) => riffKind(head) !== null,
  open: openWav,
};
