// One FLAC frame (RFC 9639 section 9): header, one subframe per channel, inter-channel
// decorrelation, byte padding and CRC-16. Decodes synchronously from a byte range into reusable
// per-channel Int32Arrays; never reads outside that range (BitUnderflow when it would need to).

import { AurisError } from '../../../util/errors.ts';
import { BitReader } from './bit-reader.ts';
import { crc16 } from './crc.ts';
import { LEFT_SIDE, MID_SIDE, SIDE_RIGHT, type FrameHeader } from './frame-header.ts';
import { lpcFitsInt32, restoreFixed, restoreFixedWide, restoreLpcDouble, restoreLpcInt, restoreLpcWide } from './predict.ts';

export const MAX_LPC_ORDER = 32;

function corrupt(message: string): never {
  throw new AurisError('E_CORRUPT', message);
}

/** Decodes frames; the samples of the last decoded frame stay in `channels` until the next decode. */
export class FrameDecoder {
  private readonly reader = new BitReader();
  /** Decoded samples per channel, valid for [0, blockSize) of the last frame. */
  channels: Int32Array[] = [];
  /** A 33-bit side channel (32-bit audio) before decorrelation. */
  private wide = new Float64Array(0);
  private readonly coefs = new Int32Array(MAX_LPC_ORDER);
  private capacity = 0;
  /** True when the last frame's CRC-16 matched. */
  crcOk = true;

  private ensureCapacity(blockSize: number, channels: number): void {
    if (blockSize > this.capacity) {
      this.capacity = Math.max(blockSize, 4608);
      this.channels = [];
      this.wide = new Float64Array(0);
    }
    while (this.channels.length < channels) this.channels.push(new Int32Array(this.capacity));
  }

  /**
   * Decodes the frame whose header `h` (with resolved `bits`) starts at `b[at]`; `end` bounds the
   * readable bytes. Returns the offset just past the frame. Throws BitUnderflow when the frame runs
   * past `end`, AurisError E_CORRUPT on impossible content. A CRC-16 mismatch sets `crcOk` false.
   */
  decode(b: Uint8Array, at: number, end: number, h: FrameHeader, bits: number): number {
    const n = h.blockSize;
    const nch = h.channels;
    this.ensureCapacity(n, nch);
    const r = this.reader;
    r.reset(b, at + h.length, end);
    const a = h.channelAssignment;
    let wideChannel = -1;
    for (let ch = 0; ch < nch; ch++) {
      const isSide = (a === LEFT_SIDE && ch === 1) || (a === SIDE_RIGHT && ch === 0) || (a === MID_SIDE && ch === 1);
      const sbits = isSide ? bits + 1 : bits;
      if (sbits === 33) {
        if (this.wide.length < this.capacity) this.wide = new Float64Array(this.capacity);
        wideChannel = ch;
      }
      this.decodeSubframe(n, sbits, this.channels[ch]!, sbits === 33 ? this.wide : null);
    }
    if (r.alignToByte() !== 0) corrupt('frame padding bits are not zero');
    const crcAt = r.bytePosition();
    const stored = r.readBits(16);
    this.crcOk = crc16(b, at, crcAt) === stored;
    if (a >= LEFT_SIDE) this.decorrelate(a, n, bits, wideChannel);
    return crcAt + 2;
  }

  private decodeSubframe(n: number, bits: number, out: Int32Array, wide: Float64Array | null): void {
    const r = this.reader;
    const head = r.readBits(8);
    if (head & 0x80) corrupt('subframe padding bit is set');
    const type = (head >> 1) & 0x3f;
    let wasted = 0;
    if (head & 1) {
      wasted = r.readUnary() + 1;
      if (wasted >= bits) corrupt(`subframe has ${wasted} wasted bits of ${bits}`);
    }
    const sbits = bits - wasted;
    // A 33-bit side channel decodes into doubles unless wasted bits bring it to 32 or fewer.
    const target = sbits === 33 ? wide : null;
    if (type === 0) {
      const v = r.readSigned(sbits);
      if (target) target.fill(v, 0, n);
      else out.fill(v, 0, n);
    } else if (type === 1) {
      if (target) for (let i = 0; i < n; i++) target[i] = r.readSigned(33);
      else for (let i = 0; i < n; i++) out[i] = r.readSigned(sbits);
    } else if (type >= 8 && type <= 12) {
      const order = type - 8;
      if (order > n) corrupt(`fixed predictor order ${order} exceeds block size ${n}`);
      if (target) {
        for (let i = 0; i < order; i++) target[i] = r.readSigned(33);
        this.decodeResidual(out, n, order);
        restoreFixedWide(out, target, n, order);
      } else {
        for (let i = 0; i < order; i++) out[i] = r.readSigned(sbits);
        this.decodeResidual(out, n, order);
        restoreFixed(out, n, order);
      }
    } else if (type >= 32) {
      const order = type - 31;
      if (order > n) corrupt(`LPC order ${order} exceeds block size ${n}`);
      if (target) for (let i = 0; i < order; i++) target[i] = r.readSigned(33);
      else for (let i = 0; i < order; i++) out[i] = r.readSigned(sbits);
      const precisionCode = r.readBits(4);
      if (precisionCode === 15) corrupt('LPC coefficient precision code 15 is invalid');
      const precision = precisionCode + 1;
      const shift = r.readSigned(5);
      if (shift < 0) corrupt(`LPC shift ${shift} is negative`);
      const c = this.coefs;
      for (let i = 0; i < order; i++) c[i] = r.readSigned(precision);
      this.decodeResidual(out, n, order);
      if (target) restoreLpcWide(out, target, n, c, order, shift);
      else if (lpcFitsInt32(sbits, precision, order)) restoreLpcInt(out, n, c, order, shift);
      else restoreLpcDouble(out, n, c, order, shift);
    } else {
      corrupt(`reserved subframe type ${type}`);
    }
    // A 33-bit channel that was decoded at 32 bits or fewer moves to `wide`, shifted by its wasted bits.
    if (wide && !target) {
      const scale = 2 ** wasted;
      for (let i = 0; i < n; i++) wide[i] = out[i]! * scale;
    } else if (wasted > 0 && !target) {
      for (let i = 0; i < n; i++) out[i] = out[i]! << wasted;
    }
  }

  /** Residual section (section 9.2.7) into out[order..n). */
  private decodeResidual(out: Int32Array, n: number, order: number): void {
    const r = this.reader;
    const method = r.readBits(2);
    if (method > 1) corrupt(`reserved residual coding method ${method}`);
    const paramBits = method === 0 ? 4 : 5;
    const escape = method === 0 ? 15 : 31;
    const partitionOrder = r.readBits(4);
    const partitions = 1 << partitionOrder;
    const perPartition = n >> partitionOrder;
    if (perPartition << partitionOrder !== n) corrupt(`block size ${n} is not divisible into ${partitions} partitions`);
    if (perPartition < order) corrupt(`partition of ${perPartition} samples is shorter than predictor order ${order}`);
    let i = order;
    for (let p = 0; p < partitions; p++) {
      const count = p === 0 ? perPartition - order : perPartition;
      const k = r.readBits(paramBits);
      if (k === escape) {
        const rawBits = r.readBits(5);
        if (rawBits === 0) out.fill(0, i, i + count);
        else for (let j = 0; j < count; j++) out[i + j] = r.readSigned(rawBits);
      } else {
        r.readRice(out, i, count, k);
      }
      i += count;
    }
  }

  /** Undoes stereo decorrelation (section 4.2) in place into channels 0 and 1. */
  private decorrelate(a: number, n: number, bits: number, wideChannel: number): void {
    const left = this.channels[0]!;
    const right = this.channels[1]!;
    if (wideChannel >= 0) {
      this.decorrelateWide(a, n);
      return;
    }
    if (a === LEFT_SIDE) {
      for (let i = 0; i < n; i++) right[i] = left[i]! - right[i]!;
    } else if (a === SIDE_RIGHT) {
      for (let i = 0; i < n; i++) left[i] = left[i]! + right[i]!;
    } else if (bits <= 30) {
      for (let i = 0; i < n; i++) {
        const side = right[i]!;
        const mid = (left[i]! << 1) | (side & 1);
        left[i] = (mid + side) >> 1;
        right[i] = (mid - side) >> 1;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const side = right[i]!;
        const mid = left[i]! * 2 + (side & 1);
        left[i] = Math.floor((mid + side) / 2);
        right[i] = Math.floor((mid - side) / 2);
      }
    }
  }

  /** Decorrelation when the side channel has 33 bits and sits in `wide`. */
  private decorrelateWide(a: number, n: number): void {
    const left = this.channels[0]!;
    const right = this.channels[1]!;
    const side = this.wide;
    if (a === LEFT_SIDE) {
      for (let i = 0; i < n; i++) right[i] = left[i]! - side[i]!;
    } else if (a === SIDE_RIGHT) {
      for (let i = 0; i < n; i++) left[i] = right[i]! + side[i]!;
    } else {
      for (let i = 0; i < n; i++) {
        const s = side[i]!;
        const mid = left[i]! * 2 + (s - 2 * Math.floor(s / 2));
        left[i] = Math.floor((mid + s) / 2);
        right[i] = Math.floor((mid - s) / 2);
      }
    }
  }
}
