// One FLAC frame (RFC 9639 section 9): header, one subframe per channel, inter-channel
// decorrelation, byte padding and CRC-16. Decodes synchronously from a byte range of its kernel's
// window into the kernel's per-channel buffers; never reads outside that range (BitUnderflow when
// it would need to). Headers are read here; residuals, prediction, decorrelation and the CRC run in
// the kernel (kernel.ts), except for 33-bit side channels (32-bit audio), which stay in doubles.

import { AurisError } from '../../../util/errors.ts';
import { BitReader, BitUnderflow, RiceOverflow } from './bit-reader.ts';
import { LEFT_SIDE, MID_SIDE, SIDE_RIGHT, type FrameHeader } from './frame-header.ts';
import { COEF_BASE, MAX_ORDER, RESIDUAL_OVERFLOW, RESIDUAL_UNDERFLOW, type FlacKernel } from './kernel.ts';
import { restoreFixedWide, restoreLpcWide } from './predict.ts';

function corrupt(message: string): never {
  throw new AurisError('E_CORRUPT', message);
}

/** Decodes frames; the samples of the last decoded frame stay in `samples` until the next decode. */
export class FrameDecoder {
  private readonly reader = new BitReader();
  private channelViews: Int32Array[] = [];
  private interleavedView: Int32Array = new Int32Array(0);
  /** The LPC coefficients the kernel reads (COEF_BASE). */
  private coefView: Int32Array = new Int32Array(0);
  private viewGeneration = -1;
  /** A 33-bit side channel (32-bit audio) before decorrelation. */
  private wide = new Float64Array(0);
  /** True when the last frame's CRC-16 matched. */
  crcOk = true;

  constructor(readonly kernel: FlacKernel) {}

  /** Per-channel buffers of the frame being decoded (views of the kernel's memory). */
  private get channels(): Int32Array[] {
    if (this.viewGeneration !== this.kernel.generation) this.refreshViews();
    return this.channelViews;
  }

  /** The last decoded frame's samples, interleaved, valid for [0, blockSize x channels) (a view of the kernel's memory). */
  get samples(): Int32Array {
    if (this.viewGeneration !== this.kernel.generation) this.refreshViews();
    return this.interleavedView;
  }

  private refreshViews(): void {
    this.channelViews = this.channelViews.map((_, c) => this.kernel.channel(c));
    this.interleavedView = this.kernel.interleaved();
    this.coefView = this.kernel.ints.subarray(COEF_BASE >> 2, (COEF_BASE >> 2) + MAX_ORDER);
    this.viewGeneration = this.kernel.generation;
  }

  /**
   * Decodes the frame whose header `h` (with resolved `bits`) starts at `b[at]`; `end` bounds the
   * readable bytes, and `b` is a view of the kernel's memory (its window). Returns the offset just
   * past the frame. Throws BitUnderflow when the frame runs past `end`, AurisError E_CORRUPT on
   * impossible content. A CRC-16 mismatch sets `crcOk` false.
   */
  decode(b: Uint8Array, at: number, end: number, h: FrameHeader, bits: number): number {
    const n = h.blockSize;
    const nch = h.channels;
    const channels = this.channels;
    while (channels.length < nch) channels.push(this.kernel.channel(channels.length));
    const r = this.reader;
    r.reset(b, at + h.length, end);
    const a = h.channelAssignment;
    let wideChannel = -1;
    for (let ch = 0; ch < nch; ch++) {
      const isSide = (a === LEFT_SIDE && ch === 1) || (a === SIDE_RIGHT && ch === 0) || (a === MID_SIDE && ch === 1);
      const sbits = isSide ? bits + 1 : bits;
      if (sbits === 33) {
        if (this.wide.length < n) this.wide = new Float64Array(Math.max(n, 4608));
        wideChannel = ch;
      }
      this.decodeSubframe(n, sbits, ch, sbits === 33 ? this.wide : null, end + b.byteOffset);
    }
    if (r.alignToByte() !== 0) corrupt('frame padding bits are not zero');
    const crcAt = r.bytePosition();
    const stored = r.readBits(16);
    this.crcOk = this.kernel.crc16(b.byteOffset + at, b.byteOffset + crcAt) === stored;
    this.interleave(a, n, bits, wideChannel, nch);
    return crcAt + 2;
  }

  /** Subframe of channel `ch`; `endAddress` is the kernel address of the first byte it may not read. */
  private decodeSubframe(n: number, bits: number, ch: number, wide: Float64Array | null, endAddress: number): void {
    const out = this.channels[ch]!;
    const address = this.kernel.channelAddress(ch);
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
        this.decodeResidual(address, n, order, endAddress);
        restoreFixedWide(out, target, n, order);
      } else {
        for (let i = 0; i < order; i++) out[i] = r.readSigned(sbits);
        this.decodeResidual(address, n, order, endAddress);
        this.kernel.fixed[order]!(address, n);
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
      const c = this.coefView; // current: decode() renewed the views before the first subframe
      for (let i = 0; i < order; i++) c[i] = r.readSigned(precision);
      this.decodeResidual(address, n, order, endAddress);
      if (target) restoreLpcWide(out, target, n, c, order, shift);
      else this.kernel.lpc[order]!(address, n, shift);
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

  /** Residual section (section 9.2.7) into the channel at kernel address `out`, samples [order, n). */
  private decodeResidual(out: number, n: number, order: number, endAddress: number): void {
    const r = this.reader;
    const method = r.readBits(2);
    if (method > 1) corrupt(`reserved residual coding method ${method}`);
    const partitionOrder = r.readBits(4);
    const perPartition = n >> partitionOrder;
    if (perPartition << partitionOrder !== n) corrupt(`block size ${n} is not divisible into ${1 << partitionOrder} partitions`);
    if (perPartition < order) corrupt(`partition of ${perPartition} samples is shorter than predictor order ${order}`);
    const base = r.buffer.byteOffset * 8;
    const next = this.kernel.residual(base + r.bitPosition(), endAddress, out + 4 * order, n, order, partitionOrder, method === 0 ? 4 : 5);
    if (next === RESIDUAL_UNDERFLOW) throw new BitUnderflow();
    if (next === RESIDUAL_OVERFLOW) throw new RiceOverflow();
    r.seekBit(next - base);
  }

  /** Undoes stereo decorrelation (section 4.2) on the way into the interleaved frame. */
  private interleave(a: number, n: number, bits: number, wideChannel: number, channels: number): void {
    const k = this.kernel;
    const left = k.channelAddress(0);
    const right = k.channelAddress(1);
    if (wideChannel >= 0) {
      this.decorrelateWide(a, n);
      k.independent2(left, right, n);
    } else if (a === LEFT_SIDE) k.leftSide(left, right, n);
    else if (a === SIDE_RIGHT) k.sideRight(left, right, n);
    else if (a === MID_SIDE && bits > 30) {
      k.midSide64(left, right, n);
      k.independent2(left, right, n);
    } else if (a === MID_SIDE) k.midSide32(left, right, n);
    else if (channels === 2) k.independent2(left, right, n);
    else k.interleave(channels, n);
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
