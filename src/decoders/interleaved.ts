// The shared engine of the uncompressed decoders (WAV, AIFF/AIFC, DSF, DSDIFF): a stream of
// fixed-size frames at known byte positions. A container plugin parses its header into a
// `FrameLayout`; this module reads, converts, seeks and reports truncation the same way for all.

import { dsdBlock, floatBlock, intBlock, type AudioBlock } from '../audio/block.ts';
import { lengthToString, pcmFormat, type AudioFormat } from '../audio/format.ts';
import type { ByteSource } from '../util/byte-source.ts';
import { AurisError } from '../util/errors.ts';
import type { Decoder, DecoderOptions, IntegrityReport, StreamInfo } from './interface.ts';
import { DamageLog } from './damage.ts';

/** How one sample is stored in the file. */
export type SampleEncoding =
  /** Two's-complement integer in `bytes` bytes, left-justified; `unsigned` (offset-binary) only for 1 byte. */
  | { readonly kind: 'int'; readonly bytes: 1 | 2 | 3 | 4; readonly bigEndian: boolean; readonly unsigned: boolean }
  | { readonly kind: 'float'; readonly bytes: 4 | 8; readonly bigEndian: boolean }
  /** Raw DSD bytes, MSB-first, one byte per channel per frame (already converted by the reader). */
  | { readonly kind: 'dsd' };

/**
 * Reads `count` frames starting at frame `start` and returns them as interleaved frame bytes in
 * the file's sample encoding (`count * frameBytes` bytes), or fewer bytes when the file ends early.
 * `into`, when given and large enough, may receive the bytes (the result is then a view of it).
 */
export type FrameReader = (start: number, count: number, into?: Uint8Array) => Promise<Uint8Array>;

/** Everything the shared decoder needs to know about a parsed file. */
export interface FrameLayout {
  /** Format of the stream; for integer PCM `validBits` is the true depth, at most the container's. */
  readonly format: AudioFormat;
  readonly encoding: SampleEncoding;
  /** Bytes of one interleaved frame as `read` returns them. */
  readonly frameBytes: number;
  /** Frames the file really holds (what will be decoded). */
  readonly frames: number;
  /** Frames the header declares, when more than the file holds (a truncated file), else null. */
  readonly declaredFrames: number | null;
  readonly read: FrameReader;
}

/** Most bytes converted per `read` call, so a huge `maxFrames` cannot allocate without bound. */
const MAX_READ_BYTES = 4 << 20;
/** Bytes of integer data scanned at open to confirm that padding bits below `validBits` are zero. */
const PAD_SCAN_BYTES = 64 << 20;

/** A reader of contiguous interleaved frames at `dataStart` (WAV, AIFF, DSDIFF). */
export function contiguousReader(source: ByteSource, dataStart: number, frameBytes: number): FrameReader {
  return async (start, count, into) => {
    const offset = dataStart + start * frameBytes;
    const length = count * frameBytes;
    if (!into || into.length < length || !source.readInto) return source.read(offset, length);
    return into.subarray(0, await source.readInto(offset, into.subarray(0, length)));
  };
}

/** Bits of the integer container of an encoding (0 for float and DSD). */
function intContainerBits(e: SampleEncoding): number {
  return e.kind === 'int' ? e.bytes * 8 : 0;
}

/**
 * Decodes integer samples from their container to right-justified container-depth Int32 values
 * (a 24-bit container gives -2^23..2^23-1). Offset-binary 8-bit (`unsigned`) becomes two's-complement.
 * Writes into `into` when it is long enough (the result is then a view of it).
 */
export function decodeIntContainer(bytes: Uint8Array, e: SampleEncoding & { kind: 'int' }, into?: Int32Array): Int32Array {
  const n = Math.floor(bytes.length / e.bytes);
  const out = into && into.length >= n ? into.subarray(0, n) : new Int32Array(n);
  const b = bytes;
  switch (e.bytes) {
    case 1:
      if (e.unsigned) for (let i = 0; i < n; i++) out[i] = b[i]! - 128;
      else for (let i = 0; i < n; i++) out[i] = (b[i]! << 24) >> 24;
      break;
    case 2:
      if (e.bigEndian) for (let i = 0, o = 0; i < n; i++, o += 2) out[i] = ((b[o]! << 24) | (b[o + 1]! << 16)) >> 16;
      else for (let i = 0, o = 0; i < n; i++, o += 2) out[i] = ((b[o + 1]! << 24) | (b[o]! << 16)) >> 16;
      break;
    case 3:
      if (e.bigEndian) for (let i = 0, o = 0; i < n; i++, o += 3) out[i] = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8)) >> 8;
      else for (let i = 0, o = 0; i < n; i++, o += 3) out[i] = ((b[o + 2]! << 24) | (b[o + 1]! << 16) | (b[o]! << 8)) >> 8;
      break;
    case 4:
      if (e.bigEndian) for (let i = 0, o = 0; i < n; i++, o += 4) out[i] = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
      else for (let i = 0, o = 0; i < n; i++, o += 4) out[i] = (b[o + 3]! << 24) | (b[o + 2]! << 16) | (b[o + 1]! << 8) | b[o]!;
      break;
  }
  return out;
}

/** Decodes IEEE float samples (32 or 64 bits, either byte order) to Float64 values, into `into` when it is long enough. */
export function decodeFloat(bytes: Uint8Array, e: SampleEncoding & { kind: 'float' }, into?: Float64Array): Float64Array {
  const n = Math.floor(bytes.length / e.bytes);
  const out = into && into.length >= n ? into.subarray(0, n) : new Float64Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const le = !e.bigEndian;
  if (e.bytes === 4) for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, le);
  else for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, le);
  return out;
}

/** True when every sample has zero bits below its top `validBits` (container-depth values in). */
function paddingIsZero(samples: Int32Array, padBits: number): boolean {
  if (padBits <= 0) return true;
  const mask = (1 << padBits) - 1;
  for (let i = 0; i < samples.length; i++) if ((samples[i]! & mask) !== 0) return false;
  return true;
}

/**
 * Confirms at open that the padding bits below `format.validBits` are zero in the first
 * PAD_SCAN_BYTES of the data. When they are not, the header's valid-bits value is wrong and the
 * stream is reported at its container depth instead, so no bit is ever dropped. Returns the
 * layout to use and, if it changed, a warning.
 */
export async function confirmValidBits(layout: FrameLayout): Promise<{ layout: FrameLayout; warning: string | null }> {
  const bits = intContainerBits(layout.encoding);
  if (layout.encoding.kind !== 'int' || layout.format.validBits >= bits) return { layout, warning: null };
  const padBits = bits - layout.format.validBits;
  const perRead = Math.max(1, Math.floor(MAX_READ_BYTES / layout.frameBytes));
  const limit = Math.min(layout.frames, Math.max(1, Math.floor(PAD_SCAN_BYTES / layout.frameBytes)));
  for (let f = 0; f < limit; f += perRead) {
    const bytes = await layout.read(f, Math.min(perRead, limit - f));
    if (!paddingIsZero(decodeIntContainer(bytes, layout.encoding), padBits)) {
      const format = pcmFormat(layout.format.rate, layout.format.channels, bits);
      return {
        layout: { ...layout, format },
        warning: `header says ${layout.format.validBits} valid bits but the low ${padBits} padding bits are not zero; decoding all ${bits} bits`,
      };
    }
    if (bytes.length < Math.min(perRead, limit - f) * layout.frameBytes) break;
  }
  return { layout, warning: null };
}

/** Codec name, bitrate and frame count of a layout, for StreamInfo. */
export function streamInfoFor(layout: FrameLayout, container: string): StreamInfo {
  const { format, encoding } = layout;
  const codec = encoding.kind === 'dsd' ? 'DSD' : encoding.kind === 'float' ? 'IEEE float' : 'PCM';
  const bitsPerFrame = encoding.kind === 'dsd' ? format.channels : encoding.bytes * 8 * format.channels;
  return {
    codec,
    container,
    lossless: true,
    totalFrames: layout.frames,
    bitrate: format.rate * bitsPerFrame,
    md5: null,
  };
}

/**
 * The Decoder of every uncompressed container. Frames are the layout's frames (for DSD one byte
 * per channel, i.e. 8 DSD samples). A file shorter than its header says is decoded up to its
 * last whole frame; then, in strict mode, the read that would end the stream throws E_TRUNCATED
 * once (lenient: it ends normally); both record a warning in integrity().
 */
export class FrameDecoder implements Decoder {
  format: AudioFormat;
  private position = 0;
  /** The file bytes of the last int/float read, refilled by the next (never handed out). */
  private scratch = new Uint8Array(0);
  private truncationReported = false;
  private closed = false;
  private readonly strict: boolean;
  private readonly log: DamageLog;

  constructor(
    private readonly layout: FrameLayout,
    readonly info: StreamInfo,
    options: DecoderOptions,
    warnings: readonly string[],
  ) {
    this.format = layout.format;
    this.strict = (options.integrity ?? 'strict') === 'strict';
    this.log = new DamageLog(warnings);
    const declared = layout.declaredFrames;
    if (declared !== null) {
      const f = layout.format;
      const missing = declared - layout.frames;
      this.log.damaged('E_TRUNCATED', `file is truncated: the header declares ${lengthToString(declared, f)}, the file holds ${lengthToString(layout.frames, f)} (${lengthToString(missing, f)} missing)`, null, missing);
    }
  }

  async read(maxFrames: number, reuse?: AudioBlock): Promise<AudioBlock | null> {
    this.checkOpen();
    if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new AurisError('E_INVALID_ARGUMENT', `maxFrames must be a positive integer, got ${maxFrames}`);
    const { layout } = this;
    if (this.position >= layout.frames) {
      if (layout.declaredFrames !== null && this.strict && !this.truncationReported) {
        this.truncationReported = true;
        throw new AurisError('E_TRUNCATED', `${this.info.container} file ends after ${lengthToString(layout.frames, layout.format)} of its ${lengthToString(layout.declaredFrames, layout.format)}`, {
          frames: layout.frames,
          declaredFrames: layout.declaredFrames,
        });
      }
      return null;
    }
    const count = Math.min(maxFrames, layout.frames - this.position, Math.max(1, Math.floor(MAX_READ_BYTES / layout.frameBytes)));
    const need = count * layout.frameBytes;
    // DSD blocks are the file bytes themselves, so only PCM reads refill the scratch buffer.
    let into: Uint8Array | undefined;
    if (layout.encoding.kind !== 'dsd') {
      if (this.scratch.length < need) this.scratch = new Uint8Array(need);
      into = this.scratch;
    }
    const bytes = await layout.read(this.position, count, into);
    if (bytes.length < need) {
      throw new AurisError('E_TRUNCATED', `${this.info.container} file ended while reading frame ${this.position}`, { frame: this.position });
    }
    const start = this.position;
    this.position += count;
    return this.convert(bytes, start, reuse);
  }

  /** The block of frames decoded from `bytes`, which start at frame `start`, written into `reuse`'s array when it fits. */
  private convert(bytes: Uint8Array, start: number, reuse: AudioBlock | undefined): AudioBlock {
    const e = this.layout.encoding;
    if (e.kind === 'dsd') return dsdBlock(this.format, bytes);
    if (e.kind === 'float') return floatBlock(this.format, decodeFloat(bytes, e, reuse?.kind === 'float' ? reuse.samples : undefined));
    const samples = decodeIntContainer(bytes, e, reuse?.kind === 'int' ? reuse.samples : undefined);
    const padBits = e.bytes * 8 - this.format.validBits;
    if (padBits > 0) {
      if (paddingIsZero(samples, padBits)) {
        for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! >> padBits;
      } else {
        // Past the part scanned at open the padding turned out to carry bits: keep them all,
        // announced as a format change (the block's format differs from the stream's).
        this.log.warn(`non-zero bits below the declared ${this.format.validBits} valid bits from frame ${start}; decoding all ${e.bytes * 8} bits`);
        this.format = pcmFormat(this.format.rate, this.format.channels, e.bytes * 8);
      }
    }
    return intBlock(this.format, samples);
  }

  async seek(frame: number): Promise<number> {
    this.checkOpen();
    if (!Number.isInteger(frame) || frame < 0) throw new AurisError('E_INVALID_ARGUMENT', `seek needs a frame number >= 0, got ${frame}`);
    this.position = Math.min(frame, this.layout.frames);
    return this.position;
  }

  integrity(): IntegrityReport {
    return this.log.report('absent', 0);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new AurisError('E_STATE', 'decoder is closed');
  }
}

/** Confirms the valid bits of a parsed layout (see confirmValidBits) and opens its decoder. */
export async function openFrameDecoder(parsed: FrameLayout, container: string, options: DecoderOptions, warnings: string[]): Promise<Decoder> {
  const { layout, warning } = await confirmValidBits(parsed);
  if (warning) warnings.push(warning);
  return new FrameDecoder(layout, streamInfoFor(layout, container), options, warnings);
}

/** Frames held by `available` data bytes, and a warning when a partial frame is left over. */
export function wholeFrames(availableBytes: number, frameBytes: number, warnings: string[]): number {
  const frames = Math.floor(availableBytes / frameBytes);
  const rest = availableBytes - frames * frameBytes;
  if (rest > 0) warnings.push(`${rest} bytes after the last whole frame ignored`);
  return frames;
}

/** Reads a chunk header's 4-character id at `offset` of `bytes` as a string. */
export function fourcc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
}
