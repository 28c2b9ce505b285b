// Packing samples into byte layouts: the device containers ALSA and WASAPI take, and the layout
// FLAC's MD5 is computed over. Pure functions; every byte is tested in test/audio/pack.test.ts.

import type { IntBlock, FloatBlock } from './block.ts';
import type { AudioFormat } from './format.ts';
import { isIntegerKind } from './format.ts';
import { AurisError } from '../util/errors.ts';

/**
 * Device containers, named as ALSA names them. WASAPI's WAVEFORMATEXTENSIBLE maps onto the same
 * layouts: 16/16 = S16_LE, 24/24 = S24_3LE, 24-in-32 = S32_LE with 24 valid bits, 32/32 = S32_LE.
 */
export type Container = 'S8' | 'S16_LE' | 'S24_3LE' | 'S24_LE' | 'S32_LE' | 'FLOAT_LE' | 'FLOAT64_LE';

export const CONTAINERS: readonly Container[] = ['S8', 'S16_LE', 'S24_3LE', 'S24_LE', 'S32_LE', 'FLOAT_LE', 'FLOAT64_LE'];

interface ContainerShape {
  /** Bytes per sample in memory. */
  readonly bytes: number;
  /** Significant bits of the container (S24_LE: 24 of 32). */
  readonly bits: number;
  readonly float: boolean;
}

const SHAPES: Record<Container, ContainerShape> = {
  S8: { bytes: 1, bits: 8, float: false },
  S16_LE: { bytes: 2, bits: 16, float: false },
  S24_3LE: { bytes: 3, bits: 24, float: false },
  S24_LE: { bytes: 4, bits: 24, float: false },
  S32_LE: { bytes: 4, bits: 32, float: false },
  FLOAT_LE: { bytes: 4, bits: 32, float: true },
  FLOAT64_LE: { bytes: 8, bits: 64, float: true },
};

export function containerShape(c: Container): ContainerShape {
  return SHAPES[c];
}

/** Bytes of one frame of `channels` channels in container `c`. */
export function frameBytes(c: Container, channels: number): number {
  return SHAPES[c].bytes * channels;
}

/** True when integer samples of `validBits` bits fit container `c` without losing a bit. */
export function intFitsContainer(validBits: number, c: Container): boolean {
  const s = SHAPES[c];
  return !s.float && validBits <= s.bits;
}

/**
 * Packs integer samples into an integer container, left-justified: a sample of `validBits` bits
 * goes to the top of the container's significant bits (`sample << (bits - validBits)`), so a 24-bit
 * sample in S32_LE is `sample << 8` with a zero low byte and a 16-bit sample in S24_3LE is
 * `sample << 8`. S24_LE keeps its 24 significant bits in the low three bytes, sign-extended into
 * the fourth. Never loses a bit: a depth larger than the container is E_FORMAT_REFUSED.
 */
export function packInt(samples: Int32Array, validBits: number, c: Container, out?: Uint8Array): Uint8Array {
  const s = SHAPES[c];
  if (s.float) throw new AurisError('E_FORMAT_REFUSED', `packInt writes integer containers; ${c} is float`);
  if (!intFitsContainer(validBits, c)) {
    throw new AurisError('E_FORMAT_REFUSED', `${validBits}-bit samples do not fit ${c} without losing bits`, { validBits, container: c });
  }
  const n = samples.length;
  const dst = out ?? new Uint8Array(n * s.bytes);
  if (dst.length < n * s.bytes) throw new AurisError('E_INVALID_ARGUMENT', 'output buffer too small');
  const shift = s.bits - validBits;
  switch (c) {
    case 'S8':
      for (let i = 0; i < n; i++) dst[i] = (samples[i]! << shift) & 0xff;
      break;
    case 'S16_LE':
      for (let i = 0, o = 0; i < n; i++, o += 2) {
        const v = samples[i]! << shift;
        dst[o] = v & 0xff;
        dst[o + 1] = (v >> 8) & 0xff;
      }
      break;
    case 'S24_3LE':
      for (let i = 0, o = 0; i < n; i++, o += 3) {
        const v = samples[i]! << shift;
        dst[o] = v & 0xff;
        dst[o + 1] = (v >> 8) & 0xff;
        dst[o + 2] = (v >> 16) & 0xff;
      }
      break;
    case 'S24_LE':
    case 'S32_LE': {
      const view = new DataView(dst.buffer, dst.byteOffset, n * 4);
      for (let i = 0; i < n; i++) view.setInt32(i * 4, samples[i]! << shift, true);
      break;
    }
  }
  return dst;
}

/** Packs float samples into FLOAT_LE or FLOAT64_LE. FLOAT_LE rounds to float32 (exact for f32 sources). */
export function packFloat(samples: Float64Array, c: Container, out?: Uint8Array): Uint8Array {
  const s = SHAPES[c];
  if (!s.float) throw new AurisError('E_FORMAT_REFUSED', `packFloat writes float containers; ${c} is integer`);
  const n = samples.length;
  const dst = out ?? new Uint8Array(n * s.bytes);
  const view = new DataView(dst.buffer, dst.byteOffset, n * s.bytes);
  if (c === 'FLOAT_LE') for (let i = 0; i < n; i++) view.setFloat32(i * 4, samples[i]!, true);
  else for (let i = 0; i < n; i++) view.setFloat64(i * 8, samples[i]!, true);
  return dst;
}

/** Reads sample `i` of container `c` as a left-justified Int32 (S24_LE sign-extended from its 24 bits). */
function readContainerInt(bytes: Uint8Array, view: DataView, i: number, c: Container): number {
  switch (c) {
    case 'S8': return (bytes[i]! << 24) >> 24;
    case 'S16_LE': return view.getInt16(i * 2, true);
    case 'S24_3LE': { const o = i * 3; return ((bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16)) << 8) >> 8; }
    case 'S24_LE': return (view.getInt32(i * 4, true) << 8) >> 8;
    default: return view.getInt32(i * 4, true);
  }
}

/** Checks that `validBits`-bit integer samples can be read back from container `c` holding `length` bytes; returns the sample count. */
function readableSamples(length: number, validBits: number, c: Container): number {
  const s = SHAPES[c];
  if (s.float || !intFitsContainer(validBits, c)) throw new AurisError('E_FORMAT_REFUSED', `cannot unpack ${validBits}-bit samples from ${c}`);
  if (length % s.bytes !== 0) throw new AurisError('E_INVALID_ARGUMENT', `${length} bytes is not a whole number of ${c} samples`);
  return length / s.bytes;
}

function paddingError(i: number, validBits: number, c: Container): AurisError {
  return new AurisError('E_CORRUPT', `sample ${i} has non-zero padding below its ${validBits} valid bits in ${c}`);
}

/**
 * Inverse of packInt: reads container `c` holding `validBits`-bit samples back to right-justified
 * Int32 values, into `out` when given (it must hold them all). Throws E_CORRUPT when the low
 * padding bits are not zero, because then the bytes were not made by packInt from `validBits`-bit
 * samples.
 */
export function unpackInt(bytes: Uint8Array, validBits: number, c: Container, out?: Int32Array): Int32Array {
  const n = readableSamples(bytes.length, validBits, c);
  if (out && out.length < n) throw new AurisError('E_INVALID_ARGUMENT', 'output buffer too small');
  const dst = out ? out.subarray(0, n) : new Int32Array(n);
  const shift = SHAPES[c].bits - validBits;
  const mask = shift === 0 ? 0 : (1 << shift) - 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < n; i++) {
    const v = readContainerInt(bytes, view, i, c);
    if ((v & mask) !== 0) throw paddingError(i, validBits, c);
    dst[i] = v >> shift;
  }
  return dst;
}

/**
 * FLAC's MD5 layout (see packMd5Layout) of the `validBits`-bit samples in container bytes, read
 * back in one pass: every `stride`-th sample (stride 2: one channel of each pair a mono sample was
 * duplicated into). Writes into `out` when given (it must be long enough) and returns the bytes
 * written. Throws E_CORRUPT on non-zero padding bits, as unpackInt does.
 */
export function md5LayoutFromContainer(bytes: Uint8Array, validBits: number, c: Container, out?: Uint8Array, stride = 1): Uint8Array {
  const total = readableSamples(bytes.length, validBits, c);
  if (!Number.isInteger(stride) || stride < 1 || total % stride !== 0) throw new AurisError('E_INVALID_ARGUMENT', `${total} samples do not split into groups of ${stride}`);
  const n = total / stride;
  const b = md5BytesPerSample(validBits);
  if (out && out.length < n * b) throw new AurisError('E_INVALID_ARGUMENT', 'output buffer too small');
  const dst = out ? out.subarray(0, n * b) : new Uint8Array(n * b);
  const shift = SHAPES[c].bits - validBits;
  const mask = shift === 0 ? 0 : (1 << shift) - 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0, o = 0; i < n; i++) {
    const at = i * stride;
    const v = readContainerInt(bytes, view, at, c);
    if ((v & mask) !== 0) throw paddingError(at, validBits, c);
    const r = v >> shift;
    for (let k = 0; k < b; k++) dst[o++] = (r >> (8 * k)) & 0xff;
  }
  return dst;
}

/** Bytes per sample in FLAC's MD5 layout: ceil(bits / 8). */
export function md5BytesPerSample(bits: number): number {
  return Math.ceil(bits / 8);
}

/**
 * FLAC's MD5 layout (RFC 9639 section 8.2): every sample as signed little-endian, right-justified,
 * in ceil(bits/8) bytes, interleaved. Also the `.raw` output of `auris decode`.
 */
export function packMd5Layout(samples: Int32Array, bits: number, out?: Uint8Array): Uint8Array {
  const b = md5BytesPerSample(bits);
  const n = samples.length;
  const dst = out ?? new Uint8Array(n * b);
  switch (b) {
    case 1:
      for (let i = 0; i < n; i++) dst[i] = samples[i]! & 0xff;
      break;
    case 2:
      for (let i = 0, o = 0; i < n; i++, o += 2) { const v = samples[i]!; dst[o] = v & 0xff; dst[o + 1] = (v >> 8) & 0xff; }
      break;
    case 3:
      for (let i = 0, o = 0; i < n; i++, o += 3) { const v = samples[i]!; dst[o] = v & 0xff; dst[o + 1] = (v >> 8) & 0xff; dst[o + 2] = (v >> 16) & 0xff; }
      break;
    default:
      for (let i = 0, o = 0; i < n; i++, o += 4) { const v = samples[i]!; dst[o] = v & 0xff; dst[o + 1] = (v >> 8) & 0xff; dst[o + 2] = (v >> 16) & 0xff; dst[o + 3] = (v >>> 24) & 0xff; }
  }
  return dst;
}

/** Bytes of a block in FLAC's MD5 layout (see blockMd5Bytes). */
export function blockMd5Length(block: IntBlock | FloatBlock): number {
  return block.samples.length * (block.kind === 'int' ? md5BytesPerSample(block.format.validBits) : block.format.validBits === 32 ? 4 : 8);
}

/**
 * The MD5-layout bytes of a block: integer samples as above, float samples as their IEEE bytes.
 * Written into `out` when given (at least blockMd5Length bytes); returns exactly the block's bytes.
 */
export function blockMd5Bytes(block: IntBlock | FloatBlock, out?: Uint8Array): Uint8Array {
  const length = blockMd5Length(block);
  if (out && out.length < length) throw new AurisError('E_INVALID_ARGUMENT', 'output buffer too small');
  const dst = out?.subarray(0, length);
  if (block.kind === 'int') return packMd5Layout(block.samples, block.format.validBits, dst);
  return packFloat(block.samples, block.format.validBits === 32 ? 'FLOAT_LE' : 'FLOAT64_LE', dst);
}

/** The lossless container choices for a format, best first, as an engine offers them to a device. */
export function containersFor(format: AudioFormat): Container[] {
  if (format.sample === 'f32') return ['FLOAT_LE'];
  if (format.sample === 'f64') return ['FLOAT64_LE'];
  if (!isIntegerKind(format.sample)) return [];
  const exact: Container = format.sample === 's8' ? 'S8' : format.sample === 's16' ? 'S16_LE' : format.sample === 's24' ? 'S24_3LE' : 'S32_LE';
  const order: Container[] = [exact];
  if (format.sample === 's24') order.push('S24_LE', 'S32_LE');
  for (const c of ['S16_LE', 'S24_3LE', 'S24_LE', 'S32_LE'] as const) {
    if (!order.includes(c) && intFitsContainer(format.validBits, c)) order.push(c);
  }
  return order;
}

/** Integer samples to float in [-1, 1): value / 2^(bits-1). Exact in Float64. Writes into `into` when it is long enough. */
export function intToFloat(samples: Int32Array, bits: number, into?: Float64Array): Float64Array {
  const scale = 1 / 2 ** (bits - 1);
  const out = into && into.length >= samples.length ? into.subarray(0, samples.length) : new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * scale;
  return out;
}
