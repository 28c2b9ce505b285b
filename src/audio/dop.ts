// DSD transport packing, pure byte math: DoP (DSD over PCM, open standard v1.1, dsp.md 6.4) and
// ALSA's native DSD containers (output-backends.md 2.6). Input everywhere is DSD as Auris carries
// it (block.ts): MSB-first, the first bit in time is bit 7, byte-interleaved per channel.

import { AurisError } from '../util/errors.ts';
import type { Container } from './pack.ts';
import { packInt } from './pack.ts';

/** DoP marker bytes; they alternate per PCM frame, the first frame of a stream carries 0x05. */
export const DOP_MARKERS: readonly [number, number] = [0x05, 0xfa];

/** DSD idle/silence byte (dsd2pcm's silence pattern); DoP idle is this wrapped in valid markers. */
export const DSD_SILENCE_BYTE = 0x69;

/** DSD bytes per channel in one DoP frame (16 DSD bits). */
export const DOP_BYTES_PER_FRAME = 2;

/** The DoP carrier rate for a DSD bit rate: DSD64 (2,822,400) -> 176,400 Hz. */
export function dopCarrierRate(dsdRate: number): number {
  if (!Number.isInteger(dsdRate) || dsdRate <= 0 || dsdRate % 16 !== 0) throw new AurisError('E_INVALID_ARGUMENT', `DSD rate ${dsdRate} is not a multiple of 16`);
  return dsdRate / 16;
}

function signed24(v: number): number {
  return (v << 8) >> 8;
}

/**
 * Streaming DoP encoder. Turns DSD bytes into 24-bit PCM words `marker<<16 | older<<8 | newer`,
 * held as right-justified, sign-extended Int32 (the IntBlock convention: a 0xFA marker makes the
 * word negative), so `packInt(words, 24, 'S24_3LE' | 'S32_LE')` writes the bytes DACs expect.
 * A lone trailing DSD frame waits for the next call; `flush` completes it with silence.
 */
export class DopEncoder {
  readonly channels: number;
  private marker = 0;
  private readonly pending: Uint8Array;
  private hasPending = false;

  constructor(channels: number) {
    if (!Number.isInteger(channels) || channels < 1) throw new AurisError('E_INVALID_ARGUMENT', `bad channel count ${channels}`);
    this.channels = channels;
    this.pending = new Uint8Array(channels);
  }

  /** PCM frames `encode` returns for `dsdFrames` more DSD frames (bytes per channel). */
  framesFor(dsdFrames: number): number {
    return (dsdFrames + (this.hasPending ? 1 : 0)) >> 1;
  }

  /**
   * Encodes byte-interleaved DSD (`bytes.length` a multiple of channels). Returns interleaved
   * 24-bit words, into `out` when given (it must hold framesFor(...) * channels words).
   */
  encode(bytes: Uint8Array, out?: Int32Array): Int32Array {
    const ch = this.channels;
    if (bytes.length % ch !== 0) throw new AurisError('E_INVALID_ARGUMENT', `${bytes.length} DSD bytes are not whole ${ch}-channel frames`);
    const frames = this.framesFor(bytes.length / ch);
    const dst = out ?? new Int32Array(frames * ch);
    if (dst.length < frames * ch) throw new AurisError('E_INVALID_ARGUMENT', 'output buffer too small');
    let i = 0;
    let o = 0;
    if (this.hasPending && bytes.length > 0) {
      const m = DOP_MARKERS[this.marker]! << 16;
      for (let c = 0; c < ch; c++) dst[o++] = signed24(m | (this.pending[c]! << 8) | bytes[c]!);
      this.marker ^= 1;
      i = ch;
      this.hasPending = false;
    }
    const twoFrames = 2 * ch;
    for (; i + twoFrames <= bytes.length; i += twoFrames) {
      const m = DOP_MARKERS[this.marker]! << 16;
      for (let c = 0; c < ch; c++) dst[o++] = signed24(m | (bytes[i + c]! << 8) | bytes[i + ch + c]!);
      this.marker ^= 1;
    }
    if (i < bytes.length) {
      this.pending.set(bytes.subarray(i, i + ch));
      this.hasPending = true;
    }
    return dst.subarray(0, o);
  }

  /** `frames` DoP frames of DSD silence (0x69) with markers continuing the sequence. */
  idle(frames: number): Int32Array {
    const ch = this.channels;
    const dst = new Int32Array(frames * ch);
    const fill = (DSD_SILENCE_BYTE << 8) | DSD_SILENCE_BYTE;
    for (let f = 0, o = 0; f < frames; f++) {
      const m = DOP_MARKERS[this.marker]! << 16;
      for (let c = 0; c < ch; c++) dst[o++] = signed24(m | fill);
      this.marker ^= 1;
    }
    return dst;
  }

  /** End of stream: the pending half frame completed with silence (0 or 1 frame). Then resets. */
  flush(): Int32Array {
    const ch = this.channels;
    let dst = new Int32Array(0);
    if (this.hasPending) {
      const pad = new Uint8Array(ch).fill(DSD_SILENCE_BYTE);
      dst = Int32Array.from(this.encode(pad));
    }
    this.reset();
    return dst;
  }

  /** Back to the start of a stream: next frame carries 0x05, nothing pending. */
  reset(): void {
    this.marker = 0;
    this.hasPending = false;
  }
}

/** One-shot DoP of a whole DSD stream into device bytes (S24_3LE, or 24-in-32 `S32_LE`). */
export function packDop(bytes: Uint8Array, channels: number, container: Extract<Container, 'S24_3LE' | 'S32_LE'>): Uint8Array {
  const enc = new DopEncoder(channels);
  const a = enc.encode(bytes);
  const b = enc.flush();
  const words = new Int32Array(a.length + b.length);
  words.set(a);
  words.set(b, a.length);
  return packInt(words, 24, container);
}

/**
 * True when interleaved 24-bit words (right-justified) carry DoP: the marker byte of every frame
 * alternates 0x05/0xFA and is the same across channels. Needs at least `minFrames` frames.
 */
export function isDop(words: Int32Array, channels: number, minFrames = 16): boolean {
  const frames = Math.floor(words.length / channels);
  if (frames < minFrames) return false;
  const first = (words[0]! >> 16) & 0xff;
  const at = DOP_MARKERS.indexOf(first);
  if (at < 0) return false;
  for (let f = 0; f < frames; f++) {
    const want = DOP_MARKERS[(at + f) & 1]!;
    for (let c = 0; c < channels; c++) if (((words[f * channels + c]! >> 16) & 0xff) !== want) return false;
  }
  return true;
}

/** ALSA native DSD sample formats. */
export type NativeDsdFormat = 'DSD_U8' | 'DSD_U16_LE' | 'DSD_U16_BE' | 'DSD_U32_LE' | 'DSD_U32_BE';

export const NATIVE_DSD_FORMATS: readonly NativeDsdFormat[] = ['DSD_U8', 'DSD_U16_LE', 'DSD_U16_BE', 'DSD_U32_LE', 'DSD_U32_BE'];

/** DSD bytes per channel in one sample word of `f`. */
export function nativeDsdWordBytes(f: NativeDsdFormat): 1 | 2 | 4 {
  return f === 'DSD_U8' ? 1 : f === 'DSD_U16_LE' || f === 'DSD_U16_BE' ? 2 : 4;
}

/** ALSA "frame" rate for a DSD bit rate in `f`: DSD64 as DSD_U32_BE is 88,200. */
export function nativeDsdRate(dsdRate: number, f: NativeDsdFormat): number {
  const div = 8 * nativeDsdWordBytes(f);
  if (!Number.isInteger(dsdRate) || dsdRate <= 0 || dsdRate % div !== 0) throw new AurisError('E_INVALID_ARGUMENT', `DSD rate ${dsdRate} does not divide into ${f} words`);
  return dsdRate / div;
}

/**
 * Packs byte-interleaved DSD into ALSA's native DSD layout `f`: each channel's word holds its next
 * 1/2/4 bytes with the oldest byte most significant, stored little- or big-endian. The input must
 * be whole words per channel (bytes.length a multiple of channels * word bytes); pad the end of a
 * stream with DSD_SILENCE_BYTE.
 */
export function packNativeDsd(bytes: Uint8Array, channels: number, f: NativeDsdFormat, out?: Uint8Array): Uint8Array {
  const w = nativeDsdWordBytes(f);
  if (!Number.isInteger(channels) || channels < 1) throw new AurisError('E_INVALID_ARGUMENT', `bad channel count ${channels}`);
  if (bytes.length % (channels * w) !== 0) {
    throw new AurisError('E_INVALID_ARGUMENT', `${bytes.length} DSD bytes are not whole ${f} frames of ${channels} channels`);
  }
  const dst = out ?? new Uint8Array(bytes.length);
  if (dst.length < bytes.length) throw new AurisError('E_INVALID_ARGUMENT', 'output buffer too small');
  if (w === 1) {
    dst.set(bytes);
    return dst;
  }
  const little = f.endsWith('_LE');
  const frameBytes = channels * w;
  for (let base = 0; base < bytes.length; base += frameBytes) {
    for (let c = 0; c < channels; c++) {
      const o = base + c * w;
      for (let k = 0; k < w; k++) {
        // k-th oldest byte of channel c in this word; big-endian puts it at k, little-endian at w-1-k.
        dst[o + (little ? w - 1 - k : k)] = bytes[base + k * channels + c]!;
      }
    }
  }
  return dst;
}
