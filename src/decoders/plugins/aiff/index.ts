// AIFF and AIFF-C decoder (Apple AIFF 1.3 and AIFF-C draft 1991): big-endian PCM of 1..32 bits
// left-justified in whole bytes, the 80-bit extended sample rate, SSND offset and block size, and
// the AIFF-C compression types NONE/twos (big-endian), sowt (little-endian), raw (8-bit unsigned),
// in24/in32, fl32/FL32 and fl64/FL64 (IEEE float). Other chunks (NAME, ANNO, ID3, MARK...) are skipped.

import { floatFormat, pcmFormat } from '../../../audio/format.ts';
import type { ByteSource } from '../../../util/byte-source.ts';
import { AurisError } from '../../../util/errors.ts';
import { AIFF_CHUNKS, MAX_CHUNKS, nextChunkOffset, readChunkBody, readChunkHeader, viewOf } from '../../chunks.ts';
import type { Decoder, DecoderOptions, DecoderPlugin } from '../../interface.ts';
import {
  contiguousReader, fourcc, openFrameDecoder, wholeFrames,
  type FrameLayout, type SampleEncoding,
} from '../../interleaved.ts';

/** The SSND size sox writes when it cannot seek back (output to a pipe): "length unknown". */
const SOX_STREAMED_SSND_SIZE = 0x7f000008;

/** Highest sample rate accepted from the 80-bit field; anything above is a corrupt header. */
const MAX_RATE = 100_000_000;

interface Comm {
  readonly channels: number;
  readonly frames: number;
  readonly bits: number;
  readonly rate: number;
  readonly compression: string;
}

function formType(head: Uint8Array): 'AIFF' | 'AIFC' | null {
  if (head.length < 12 || fourcc(head, 0) !== 'FORM') return null;
  const t = fourcc(head, 8);
  return t === 'AIFF' || t === 'AIFC' ? t : null;
}

/**
 * The 80-bit IEEE 754 extended value at `offset` (sign, 15-bit exponent, 64-bit mantissa with an
 * explicit integer bit) as an integer sample rate. Non-integer rates are rounded with a warning.
 */
export function readExtendedRate(bytes: Uint8Array, offset: number, warnings: string[]): number {
  const v = viewOf(bytes);
  const signExp = v.getUint16(offset, false);
  const mantissa = v.getBigUint64(offset + 2, false);
  const exp = (signExp & 0x7fff) - 16383 - 63;
  if (signExp & 0x8000 || mantissa === 0n || exp > 0) throw new AurisError('E_CORRUPT', 'AIFF sample rate is not a positive value below 2^64');
  if (exp < -127) throw new AurisError('E_CORRUPT', 'AIFF sample rate is below 1 Hz');
  const whole = mantissa >> BigInt(-exp);
  const rest = mantissa - (whole << BigInt(-exp));
  let rate = Number(whole);
  if (rest !== 0n) {
    const half = exp === 0 ? 0n : 1n << BigInt(-exp - 1);
    if (rest >= half) rate += 1;
    warnings.push(`AIFF sample rate is not a whole number; rounded to ${rate} Hz`);
  }
  if (rate < 1 || rate > MAX_RATE) throw new AurisError('E_CORRUPT', `AIFF sample rate ${rate} Hz is out of range`);
  return rate;
}

function parseComm(body: Uint8Array, aifc: boolean, warnings: string[]): Comm {
  const v = viewOf(body);
  const channels = v.getInt16(0, false);
  const frames = v.getUint32(2, false);
  const bits = v.getInt16(6, false);
  const rate = readExtendedRate(body, 8, warnings);
  const compression = aifc ? fourcc(body, 18) : 'NONE';
  if (channels < 1 || channels > 255) throw new AurisError('E_CORRUPT', `AIFF declares ${channels} channels`);
  return { channels, frames, bits, rate, compression };
}

/** The sample encoding and true depth for a COMM chunk, or a typed refusal. */
function encodingFor(comm: Comm): { encoding: SampleEncoding; validBits: number } {
  const { bits } = comm;
  const intOf = (bigEndian: boolean, unsigned = false): { encoding: SampleEncoding; validBits: number } => {
    if (bits < 1 || bits > 32) throw new AurisError('E_CORRUPT', `AIFF declares ${bits} bits per sample`);
    return { encoding: { kind: 'int', bytes: Math.ceil(bits / 8) as 1 | 2 | 3 | 4, bigEndian, unsigned }, validBits: bits };
  };
  switch (comm.compression) {
    case 'NONE': case 'twos': return intOf(true);
    case 'sowt': return intOf(false);
    case 'in24': return { encoding: { kind: 'int', bytes: 3, bigEndian: true, unsigned: false }, validBits: 24 };
    case 'in32': return { encoding: { kind: 'int', bytes: 4, bigEndian: true, unsigned: false }, validBits: 32 };
    case 'raw ':
      if (bits !== 8) throw new AurisError('E_UNSUPPORTED_FEATURE', `AIFF-C 'raw ' with ${bits} bits`);
      return intOf(true, true);
    case 'fl32': case 'FL32': return { encoding: { kind: 'float', bytes: 4, bigEndian: true }, validBits: 32 };
    case 'fl64': case 'FL64': return { encoding: { kind: 'float', bytes: 8, bigEndian: true }, validBits: 64 };
    default:
      throw new AurisError('E_UNSUPPORTED_FEATURE', `AIFF-C compression '${comm.compression}' is not decoded`, { compression: comm.compression });
  }
}

/** Parses an AIFF/AIFF-C header into a frame layout. */
export async function parseAiff(source: ByteSource, warnings: string[]): Promise<{ layout: FrameLayout; container: string }> {
  const kind = formType(await source.read(0, 12));
  if (!kind) throw new AurisError('E_UNSUPPORTED_FORMAT', `${source.name}: not an AIFF/AIFF-C file`);
  let comm: Comm | null = null;
  let ssnd: { start: number; bytes: number; declared: number; size: number } | null = null;
  let ranOff = false;
  let offset = 12;
  for (let n = 0; n < MAX_CHUNKS && !(comm && ssnd); n++) {
    const chunk = await readChunkHeader(source, offset, source.size, AIFF_CHUNKS);
    if (!chunk) break;
    if (chunk.id === 'COMM') {
      comm = parseComm(await readChunkBody(source, chunk, kind === 'AIFC' ? 22 : 18), kind === 'AIFC', warnings);
    } else if (chunk.id === 'SSND') {
      // Read offset/blockSize even when the size is 0: a streaming writer's unknown length.
      const v = viewOf(await readChunkBody(source, { ...chunk, size: Math.max(chunk.size, 8) }, 8));
      const dataOffset = v.getUint32(0, false);
      const start = chunk.bodyStart + 8 + dataOffset;
      const declared = Math.max(0, chunk.size - 8 - dataOffset);
      ssnd = { start, bytes: Math.max(0, Math.min(declared, source.size - start)), declared, size: chunk.size };
    }
    offset = nextChunkOffset(chunk.bodyStart, chunk.size);
    if (offset > source.size) ranOff = true;
  }
  if (!comm) throw new AurisError(ranOff ? 'E_TRUNCATED' : 'E_CORRUPT', `${source.name}: AIFF has no COMM chunk`);
  const { encoding, validBits } = encodingFor(comm);
  const frameBytes = (encoding.kind === 'dsd' ? 1 : encoding.bytes) * comm.channels;
  if (!ssnd) {
    if (comm.frames > 0) throw new AurisError('E_TRUNCATED', `${source.name}: AIFF has no SSND chunk for its ${comm.frames} frames`);
    ssnd = { start: source.size, bytes: 0, declared: 0, size: 0 };
  }
  // Writers that cannot seek back leave "unknown" sizes: ffmpeg 0 frames in an empty SSND, sox
  // its own placeholder. The sound data then runs to the end of the file.
  const room = Math.max(0, source.size - ssnd.start);
  const streamed = room > 0 && ((ssnd.size === 0 && comm.frames === 0) || (ssnd.size === SOX_STREAMED_SSND_SIZE && ssnd.declared > room));
  if (streamed) {
    warnings.push(`SSND size is 0x${ssnd.size.toString(16)} (a streaming writer's header); the data runs to the end of the file`);
    ssnd = { ...ssnd, bytes: room, declared: room };
    comm = { ...comm, frames: Math.floor(room / frameBytes) };
  }
  const present = wholeFrames(Math.min(ssnd.bytes, comm.frames * frameBytes), frameBytes, warnings);
  if (ssnd.declared < comm.frames * frameBytes && ssnd.start + ssnd.declared <= source.size) {
    warnings.push(`COMM declares ${comm.frames} frames but the SSND chunk holds ${Math.floor(ssnd.declared / frameBytes)}`);
  }
  const format = encoding.kind === 'float' ? floatFormat(comm.rate, comm.channels, encoding.bytes === 4 ? 32 : 64) : pcmFormat(comm.rate, comm.channels, validBits);
  const layout: FrameLayout = {
    format,
    encoding,
    frameBytes,
    frames: present,
    declaredFrames: comm.frames > present && ssnd.start + ssnd.declared > source.size ? comm.frames : null,
    read: contiguousReader(source, ssnd.start, frameBytes),
  };
  return { layout, container: kind };
}

/** Opens an AIFF/AIFF-C decoder on `source`. */
export async function openAiff(source: ByteSource, options: DecoderOptions): Promise<Decoder> {
  const warnings: string[] = [];
  const parsed = await parseAiff(source, warnings);
  return openFrameDecoder(parsed.layout, parsed.container, options, warnings);
}

export const aiffPlugin: DecoderPlugin = {
  name: 'aiff',
  extensions: ['aif', 'aiff', 'aifc'],
  probe: (head) => formType(head) !== null,
  open: openAiff,
};
