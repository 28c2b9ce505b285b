// The byte stream that carries a DSD track to the device as DoP or native DSD (which transport is
// chosen, and why, is the plan's: src/engine/plan.ts).
//
// The packer lives with the output stream, not with a track: DoP markers and partial native
// words continue across a gapless join, exactly as one long DSD stream would.

import { packInt, unpackInt, type Container } from '../audio/pack.ts';
import {
  DOP_MARKERS, DSD_SILENCE_BYTE, DopEncoder, nativeDsdWordBytes, packNativeDsd, type NativeDsdFormat,
} from '../audio/dop.ts';
import type { OutputContainer } from '../outputs/interface.ts';
import { AurisError } from '../util/errors.ts';

/** Device bytes for the output, and the DSD bytes (byte-interleaved, MSB-first) they carry. */
export interface PackedDsd {
  readonly device: Uint8Array;
  readonly dsd: Uint8Array;
}

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
  /** Bytes waiting to complete a DoP frame or a native word, byte-interleaved. */
  private held: Uint8Array = new Uint8Array(0);

  constructor(readonly channels: number, readonly container: OutputContainer, transport: 'dop' | 'native') {
    this.dop = transport === 'dop' ? new DopEncoder(channels) : null;
    if (this.dop && container !== 'S24_3LE' && container !== 'S24_LE' && container !== 'S32_LE') {
      throw new AurisError('E_INTERNAL', `DoP needs a 24-bit container, the output took ${container}`);
    }
  }

  /** DSD frames (bytes per channel) waiting inside for the next call. */
  heldBytes(): Uint8Array {
    return this.held;
  }

  /** Packs byte-interleaved DSD; returns the device bytes and the DSD bytes read back from them. */
  pack(bytes: Uint8Array): PackedDsd {
    const ch = this.channels;
    if (bytes.length === 0) return { device: new Uint8Array(0), dsd: new Uint8Array(0) };
    if (this.dop) {
      const words = this.dop.encode(bytes);
      // The encoder holds one DSD frame when the running count is odd: keep a copy for the proof.
      const total = this.held.length / ch + bytes.length / ch;
      this.held = total % 2 === 1 ? bytes.slice(bytes.length - ch) : new Uint8Array(0);
      return this.fromWords(words);
    }
    const w = nativeDsdWordBytes(this.container as NativeDsdFormat);
    const all = new Uint8Array(this.held.length + bytes.length);
    all.set(this.held);
    all.set(bytes, this.held.length);
    const whole = all.length - (all.length % (ch * w));
    this.held = all.slice(whole);
    const device = packNativeDsd(all.subarray(0, whole), ch, this.container as NativeDsdFormat);
    return { device, dsd: unpackNativeDsd(device, ch, this.container as NativeDsdFormat) };
  }

  /** End of the stream: what is held, completed with DSD silence (0x69). */
  flush(): PackedDsd {
    const ch = this.channels;
    if (this.dop) {
      this.held = new Uint8Array(0);
      const words = this.dop.flush();
      const out = this.fromWords(words);
      this.expectMarker = 0;
      return out;
    }
    if (this.held.length === 0) return { device: new Uint8Array(0), dsd: new Uint8Array(0) };
    const w = nativeDsdWordBytes(this.container as NativeDsdFormat);
    const padded = new Uint8Array(ch * w).fill(DSD_SILENCE_BYTE);
    padded.set(this.held);
    this.held = new Uint8Array(0);
    const device = packNativeDsd(padded, ch, this.container as NativeDsdFormat);
    return { device, dsd: unpackNativeDsd(device, ch, this.container as NativeDsdFormat) };
  }

  private fromWords(words: Int32Array): PackedDsd {
    const device = packInt(words, 24, this.container as Container);
    const read = unpackInt(device, 24, this.container as Container);
    const { dsd, next } = unpackDop(read, this.channels, this.expectMarker);
    this.expectMarker = next;
    return { device, dsd };
  }
}

/**
 * DSD bytes carried by DoP words (24-bit, right-justified): each frame's older byte then newer
 * byte per channel. Throws E_INTERNAL when a marker is not the expected one (`firstMarker` indexes
 * DOP_MARKERS); returns the index the next frame must carry.
 */
export function unpackDop(words: Int32Array, channels: number, firstMarker: number): { dsd: Uint8Array; next: number } {
  const frames = words.length / channels;
  const dsd = new Uint8Array(frames * 2 * channels);
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

/** Byte-interleaved DSD read back from ALSA's native layout `f` (the inverse of packNativeDsd). */
export function unpackNativeDsd(device: Uint8Array, channels: number, f: NativeDsdFormat): Uint8Array {
  const w = nativeDsdWordBytes(f);
  if (w === 1) return device.slice();
  const little = f.endsWith('_LE');
  const out = new Uint8Array(device.length);
  const frameBytes = channels * w;
  for (let base = 0; base < device.length; base += frameBytes) {
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < w; k++) out[base + k * channels + c] = device[base + c * w + (little ? w - 1 - k : k)]!;
    }
  }
  return out;
}
