// The byte stream that carries a DSD track to the device as DoP or native DSD (which transport is
// chosen, and why, is the plan's: src/engine/plan.ts).
//
// The packer lives with the output stream, not with a track: DoP markers and partial native
// words continue across a gapless join, exactly as one long DSD stream would. Its buffers are
// reused from call to call (src/engine/scratch.ts): what `pack` returns is valid until the next
// `pack`, long enough for the output to copy it.

import { packInt, unpackInt, type Container } from '../audio/pack.ts';
import {
  DOP_MARKERS, DSD_SILENCE_BYTE, DopEncoder, nativeDsdWordBytes, packNativeDsd, type NativeDsdFormat,
} from '../audio/dop.ts';
import type { OutputContainer } from '../outputs/interface.ts';
import { AurisError } from '../util/errors.ts';
import { byteScratch, int32Scratch } from './scratch.ts';

/** Device bytes for the output, and the DSD bytes (byte-interleaved, MSB-first) they carry. */
export interface PackedDsd {
  readonly device: Uint8Array;
  readonly dsd: Uint8Array;
}

const EMPTY: PackedDsd = { device: new Uint8Array(0), dsd: new Uint8Array(0) };

/**
 * The DSD byte stream of one output session, packed for the device as DoP or native DSD. Every
 * chunk of device bytes is read back to DSD bytes (checking DoP markers continue), so what the
 * proof hashes is what the device gets, not what the packer was given. Up to one DoP frame or one
 * native word per channel waits inside for the next bytes (or `flush`).
 */
export class DsdStreamPacker {
  private readonly dop: DopEncoder | null;
  /** DoP: the marker the next device frame must carry (index into DOP_MARKERS). */
  private expectMarker = 0;
  /** Bytes waiting to complete a DoP frame or a native word, byte-interleaved: the first heldLength of `held`. */
  private readonly held: Uint8Array;
  private heldLength = 0;
  private readonly words = int32Scratch();
  private readonly device = byteScratch();
  private readonly dsd = byteScratch();
  /** Native DSD: the held bytes followed by the new ones. */
  private readonly joined = byteScratch();

  constructor(readonly channels: number, readonly container: OutputContainer, transport: 'dop' | 'native') {
    this.dop = transport === 'dop' ? new DopEncoder(channels) : null;
    if (this.dop && container !== 'S24_3LE' && container !== 'S24_LE' && container !== 'S32_LE') {
      throw new AurisError('E_INTERNAL', `DoP needs a 24-bit container, the output took ${container}`);
    }
    this.held = new Uint8Array(this.dop ? channels : channels * nativeDsdWordBytes(container as NativeDsdFormat));
  }

  /** DSD frames (bytes per channel) waiting inside for the next call. */
  heldBytes(): Uint8Array {
    return this.held.subarray(0, this.heldLength);
  }

  /** Packs byte-interleaved DSD; returns the device bytes and the DSD bytes read back from them. */
  pack(bytes: Uint8Array): PackedDsd {
    const ch = this.channels;
    if (bytes.length === 0) return EMPTY;
    if (this.dop) {
      const words = this.dop.encode(bytes, this.words.take(this.dop.framesFor(bytes.length / ch) * ch));
      // The encoder holds one DSD frame when the running count is odd: keep a copy for the proof.
      const total = this.heldLength / ch + bytes.length / ch;
      this.heldLength = total % 2 === 1 ? ch : 0;
      if (this.heldLength > 0) this.held.set(bytes.subarray(bytes.length - ch));
      return this.fromWords(words);
    }
    const f = this.container as NativeDsdFormat;
    const all = this.joined.take(this.heldLength + bytes.length);
    all.set(this.heldBytes());
    all.set(bytes, this.heldLength);
    const whole = all.length - (all.length % this.held.length);
    this.heldLength = all.length - whole;
    this.held.set(all.subarray(whole));
    return this.fromNative(all.subarray(0, whole), f);
  }

  /** End of the stream: what is held, completed with DSD silence (0x69). */
  flush(): PackedDsd {
    if (this.dop) {
      this.heldLength = 0;
      const out = this.fromWords(this.dop.flush());
      this.expectMarker = 0;
      return out;
    }
    if (this.heldLength === 0) return EMPTY;
    const padded = new Uint8Array(this.held.length).fill(DSD_SILENCE_BYTE);
    padded.set(this.heldBytes());
    this.heldLength = 0;
    return this.fromNative(padded, this.container as NativeDsdFormat);
  }

  private fromNative(bytes: Uint8Array, f: NativeDsdFormat): PackedDsd {
    if (bytes.length === 0) return EMPTY;
    const device = packNativeDsd(bytes, this.channels, f, this.device.take(bytes.length));
    return { device, dsd: unpackNativeDsd(device, this.channels, f, this.dsd.take(device.length)) };
  }

  private fromWords(words: Int32Array): PackedDsd {
    if (words.length === 0) return EMPTY;
    const container = this.container as Container;
    const device = packInt(words, 24, container, this.device.take(words.length * (container === 'S24_3LE' ? 3 : 4)));
    // Read back from the device bytes into the words' own buffer: the encoder's words are no longer needed.
    const read = unpackInt(device, 24, container, words);
    const { dsd, next } = unpackDop(read, this.channels, this.expectMarker, this.dsd.take(read.length * 2));
    this.expectMarker = next;
    return { device, dsd };
  }
}

/**
 * DSD bytes carried by DoP words (24-bit, right-justified): each frame's older byte then newer
 * byte per channel, into `out` when given (2 bytes per word). Throws E_INTERNAL when a marker is
 * not the expected one (`firstMarker` indexes DOP_MARKERS); returns the index the next frame must carry.
 */
export function unpackDop(words: Int32Array, channels: number, firstMarker: number, out?: Uint8Array): { dsd: Uint8Array; next: number } {
  const frames = words.length / channels;
  const dsd = out ? out.subarray(0, frames * 2 * channels) : new Uint8Array(frames * 2 * channels);
  if (dsd.length < frames * 2 * channels) throw new AurisError('E_INVALID_ARGUMENT', 'output buffer too small');
  let m = firstMarker;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      const w = words[f * channels + c]!;
      if (((w >> 16) & 0xff) !== DOP_MARKERS[m]) {
        throw new AurisError('E_INTERNAL', `DoP frame ${f} channel ${c} carries marker 0x${((w >> 16) & 0xff).toString(16)}, expected 0x${DOP_MARKERS[m]!.toString(16)}`);
      }
      dsd[2 * f * channels + c] = (w >> 8) & 0xff;
      dsd[(2 * f + 1) * channels + c] = w & 0xff;
    }
    m ^= 1;
  }
  return { dsd, next: m };
}

/** Byte-interleaved DSD read back from ALSA's native layout `f` (the inverse of packNativeDsd), into `out` when given. */
export function unpackNativeDsd(device: Uint8Array, channels: number, f: NativeDsdFormat, out?: Uint8Array): Uint8Array {
  const w = nativeDsdWordBytes(f);
  const dst = out ? out.subarray(0, device.length) : new Uint8Array(device.length);
  if (dst.length < device.length) throw new AurisError('E_INVALID_ARGUMENT', 'output buffer too small');
  if (w === 1) {
    dst.set(device);
    return dst;
  }
  const little = f.endsWith('_LE');
  const frameBytes = channels * w;
  for (let base = 0; base < device.length; base += frameBytes) {
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < w; k++) dst[base + k * channels + c] = device[base + c * w + (little ? w - 1 - k : k)]!;
    }
  }
  return dst;
}
