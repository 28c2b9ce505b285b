// The hot loops of FLAC decoding as a WebAssembly kernel generated at load time (src/util/wasm.ts):
// Rice-coded residuals (RFC 9639 section 9.2.7), fixed and LPC prediction restore (9.2.5, 9.2.6),
// stereo decorrelation (4.2) fused with interleaving, and the frame CRC-16 (9.3). They are written
// here rather than in JavaScript because a 64-bit bit cache, 64-bit products, SIMD and unchecked
// loads make them about twice as fast (the JavaScript versions decoded 24-bit audio at about 2.5x
// libFLAC's CPU time).
//
// Each decoder owns one kernel instance and its memory, laid out as:
//   [0, 4096)               CRC-16 tables: a byte followed by 0..7 zero bytes (8 x 256 u16)
//   [4096, 4224)            LPC coefficients (32 x i32, c[j] multiplies x[i-1-j])
//   [CHANNEL_BASE, ...)     8 channel buffers of MAX_BLOCK i32 samples
//   [INTERLEAVED_BASE, ...) the decoded frame, interleaved (8 x MAX_BLOCK i32)
//   [WINDOW_BASE, ...)      the decoder's window over the file, grown on demand
// The frame decoder reads headers with its JavaScript BitReader over the same bytes and hands the
// kernel byte addresses and bit positions; samples are read through Int32Array views.

import { I32, I64, V128, WASM_PAGE, WasmKernel, compileModule, encodeModule, op, type Code, type WasmFunction } from '../../../util/wasm.ts';
import { crc16Tables } from './crc.ts';

const CRC_BASE = 0;
/** CRC-16 tables: a byte followed by 0..CRC_SLICES-1 zero bytes; the kernel takes CRC_SLICES bytes per step. */
export const CRC_SLICES = 8;
export const COEF_BASE = 4096;
export const MAX_ORDER = 32;
/** Largest FLAC block (a 16-bit field holding the size less one: 65536, a multiple of the SIMD width) and channel count. */
export const MAX_BLOCK = 65536;
export const MAX_CHANNELS = 8;
export const CHANNEL_BASE = 8192;
export const INTERLEAVED_BASE = CHANNEL_BASE + MAX_CHANNELS * MAX_BLOCK * 4;
export const WINDOW_BASE = INTERLEAVED_BASE + MAX_CHANNELS * MAX_BLOCK * 4;

/** Results of `residual` below zero. */
export const RESIDUAL_UNDERFLOW = -1;
export const RESIDUAL_OVERFLOW = -2;

// ---- code generation ----

const { localGet: get, localSet: set, localTee: tee, i32Const, i64Const } = op;

/** `if (cond) { body }` where `cond` leaves an i32 on the stack. */
const when = (cond: Code, ...body: Code[]): Code => [cond, op.if, body, op.end];

/** `if (cond) { yes } else { no }`. */
const either = (cond: Code, yes: Code, no: Code): Code => [cond, op.if, yes, op.else, no, op.end];

/** `cond ? yes : no` where both leave one i32. */
const choose = (cond: Code, yes: Code, no: Code): Code => [cond, op.ifI32, yes, op.else, no, op.end];

/** `while (!exit) { body }`: `exit` leaves an i32 that ends the loop when non-zero. */
const until = (exit: Code, ...body: Code[]): Code => [op.block, op.loop, exit, op.brIf(1), body, op.br(0), op.end, op.end];

/** `local += value` (i32). */
const addTo = (local: number, value: Code): Code => [get(local), value, op.i32Add, set(local)];

/**
 * The residual section's partitions, from the first partition parameter on (the caller read the
 * coding method and partition order, and checked them).
 *
 * residual(bitAddr, end, out, n, order, partitionOrder, paramBits) -> bit address after the last
 * residual, RESIDUAL_UNDERFLOW when the data runs past byte address `end` (never read), or
 * RESIDUAL_OVERFLOW when a Rice code does not fit 32 bits. Residuals are stored from byte address
 * `out` (the channel's sample `order`), un-zigzagged; the partitions hold n >> partitionOrder
 * samples each, the first `order` fewer.
 *
 * The bit cache is 64 bits, left-aligned, holding at most 63 valid bits, with every bit below the
 * valid ones zero: a code whose unary part, stop bit and k low bits are all in the cache (the usual
 * case) is then taken with one count of leading zeros and two shifts.
 */
function residualFunction(): WasmFunction {
  const [bitAddr, end, out, n, order, partitionOrder, paramBits] = [0, 1, 2, 3, 4, 5, 6];
  const [pos, bits, p, count, stop, k, q, escape, partitions, perPartition, raw, word, z, total] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const [cache, v, k64, kRest] = [21, 22, 23, 24];
  const locals = [...new Array<number>(14).fill(I32), I64, I64, I64, I64];

  const underflow = [i32Const(RESIDUAL_UNDERFLOW), op.return];
  // Byte by byte while a whole byte fits (at most 63 valid bits) and `end` allows.
  const refillBytes = until(
    [get(bits), i32Const(55), op.i32GtU, get(pos), get(end), op.i32GeU, op.i32Or],
    [get(cache), get(pos), op.i32Load8U(0), op.i64ExtendI32U, i32Const(56), get(bits), op.i32Sub, op.i64ExtendI32U, op.i64Shl, op.i64Or, set(cache)],
    addTo(pos, i32Const(1)),
    addTo(bits, i32Const(8)),
  );
  // Below 32 valid bits: 32 more at once (a big-endian load: bytes swapped with two rotations).
  const refill = when(
    [get(bits), i32Const(32), op.i32LtU],
    either(
      [get(pos), i32Const(4), op.i32Add, get(end), op.i32LeU],
      [
        get(pos), op.i32LoadUnaligned(0), tee(word), i32Const(8), op.i32Rotl, i32Const(0x00ff00ff), op.i32And,
        get(word), i32Const(8), op.i32Rotr, i32Const(0xff00ff00 | 0), op.i32And, op.i32Or,
        op.i64ExtendI32U, i32Const(32), get(bits), op.i32Sub, op.i64ExtendI32U, op.i64Shl, get(cache), op.i64Or, set(cache),
        addTo(pos, i32Const(4)),
        addTo(bits, i32Const(32)),
      ],
      refillBytes,
    ),
  );
  /** Reads `nBits` (a local, 1..32) bits into local `into`. */
  const readBits = (nBits: number, into: number): Code => [
    when([get(bits), get(nBits), op.i32LtU], refillBytes, when([get(bits), get(nBits), op.i32LtU], underflow)),
    get(cache), i64Const(64), get(nBits), op.i64ExtendI32U, op.i64Sub, op.i64ShrU, op.i32WrapI64, set(into),
    get(cache), get(nBits), op.i64ExtendI32U, op.i64Shl, set(cache),
    get(bits), get(nBits), op.i32Sub, set(bits),
  ];
  /** The unary quotient into `q` when it may run past the cache: zeros up to the next one bit, consumed. */
  const unary = [
    i32Const(0), set(q),
    until(
      [get(cache), op.i64Eqz, op.i32Eqz],
      addTo(q, get(bits)), i32Const(0), set(bits),
      when([get(pos), get(end), op.i32GeU], underflow),
      refillBytes,
    ),
    get(cache), op.i64Clz, op.i32WrapI64, tee(raw), get(q), op.i32Add, set(q),
    get(cache), get(raw), op.i64ExtendI32U, op.i64Shl, i64Const(1), op.i64Shl, set(cache),
    get(bits), get(raw), i32Const(1), op.i32Add, op.i32Sub, set(bits),
  ];
  /** Stores the i32 on the stack at `out`, un-zigzagged, and advances `out`. */
  const storeZigzag = [
    tee(raw), i32Const(1), op.i32ShrU, i32Const(0), get(raw), i32Const(1), op.i32And, op.i32Sub, op.i32Xor, set(raw),
    get(out), get(raw), op.i32Store(0),
    addTo(out, i32Const(4)),
  ];
  const outDone = [get(out), get(stop), op.i32GeU];
  // z = leading zeros; the whole code (z zeros, the stop bit, k bits) is in the cache when z + 1 + k <= bits.
  const fastPath = (kBits: Code): Code => [
    get(cache), op.i64Clz, op.i32WrapI64, tee(z), i32Const(1), op.i32Add, kBits, op.i32Add, tee(total), get(bits), op.i32LeU,
  ];
  const consumeTotal = [get(cache), get(total), op.i64ExtendI32U, op.i64Shl, set(cache), get(bits), get(total), op.i32Sub, set(bits)];

  const riceK0 = until(outDone, refill, choose(fastPath(i32Const(0)), [consumeTotal, get(z)], [unary, get(q)]), storeZigzag);
  const riceK = until(
    outDone,
    refill,
    either(
      fastPath(get(k)),
      [
        get(z), op.i64ExtendI32U, get(k64), op.i64Shl,
        get(cache), get(z), i32Const(1), op.i32Add, op.i64ExtendI32U, op.i64Shl, get(kRest), op.i64ShrU, op.i64Or, set(v),
        consumeTotal,
      ],
      [
        unary,
        when([get(bits), get(k), op.i32LtU], refillBytes, when([get(bits), get(k), op.i32LtU], underflow)),
        get(q), op.i64ExtendI32U, get(k64), op.i64Shl, get(cache), get(kRest), op.i64ShrU, op.i64Or, set(v),
        get(cache), get(k64), op.i64Shl, set(cache), get(bits), get(k), op.i32Sub, set(bits),
      ],
    ),
    when([get(v), i64Const(0xffffffff), op.i64GtU], i32Const(RESIDUAL_OVERFLOW), op.return),
    get(v), op.i32WrapI64,
    storeZigzag,
  );
  // An escaped partition (k = 5 on entry): a 5-bit sample width (k from then on), then the samples
  // as signed numbers of that width, or all zero for width 0.
  const escaped = [
    readBits(k, raw),
    either(
      [get(raw), tee(k), op.i32Eqz],
      until(outDone, get(out), i32Const(0), op.i32Store(0), addTo(out, i32Const(4))),
      until(
        outDone,
        readBits(k, raw),
        get(out), get(raw), i32Const(32), get(k), op.i32Sub, tee(word), op.i32Shl, get(word), op.i32ShrS, op.i32Store(0),
        addTo(out, i32Const(4)),
      ),
    ),
  ];

  const body = [
    // Start mid-byte: the first byte's bits before bitAddr are dropped.
    get(bitAddr), i32Const(3), op.i32ShrU, set(pos),
    when(
      [get(bitAddr), i32Const(7), op.i32And, tee(raw)],
      when([get(pos), get(end), op.i32GeU], underflow),
      get(pos), op.i32Load8U(0), op.i64ExtendI32U, i32Const(56), get(raw), op.i32Add, op.i64ExtendI32U, op.i64Shl, set(cache),
      i32Const(8), get(raw), op.i32Sub, set(bits),
      addTo(pos, i32Const(1)),
    ),
    i32Const(1), get(partitionOrder), op.i32Shl, set(partitions),
    get(n), get(partitionOrder), op.i32ShrU, set(perPartition),
    i32Const(1), get(paramBits), op.i32Shl, i32Const(1), op.i32Sub, set(escape),
    get(perPartition), get(order), op.i32Sub, set(count),
    until(
      [get(p), get(partitions), op.i32GeU],
      readBits(paramBits, k),
      get(out), get(count), i32Const(2), op.i32Shl, op.i32Add, set(stop),
      either(
        [get(k), get(escape), op.i32Eq],
        [i32Const(5), set(k), escaped],
        either(
          [get(k), op.i32Eqz],
          riceK0,
          [get(k), op.i64ExtendI32U, set(k64), i64Const(64), get(k64), op.i64Sub, set(kRest), riceK],
        ),
      ),
      get(perPartition), set(count),
      addTo(p, i32Const(1)),
    ),
    get(pos), i32Const(3), op.i32Shl, get(bits), op.i32Sub,
  ];
  return { name: 'residual', params: new Array<number>(7).fill(I32), locals, body, results: [I32] };
}

/**
 * lpc<N>(x, n, shift) for N = 1..UNROLLED_ORDERS: x[i] += (Σ_j c[j]·x[i-1-j]) >> shift for i in
 * [N, n), c at COEF_BASE, in exact 64-bit sums (any depth up to 32 bits and precision up to 15 bits
 * fits), stores wrapping to int32 as libFLAC's. The last N samples stay in locals and the newest
 * one's product is added last, so the loop-carried chain is one multiply, one add and the shift.
 */
function lpcFunction(order: number): WasmFunction {
  const [x, n, shift] = [0, 1, 2];
  const [p, stop, value] = [3, 4, 5];
  const sh = 6;
  const coef = (j: number) => 7 + j;
  const hist = (j: number) => 7 + order + j - 1; // hist(1) is x[i-1]
  const locals = [I32, I32, I32, I64, ...new Array<number>(2 * order).fill(I64)];
  const init: Code[] = [];
  for (let j = 0; j < order; j++) init.push([i32Const(0), op.i64Load32S(COEF_BASE + 4 * j), set(coef(j))]);
  for (let j = 1; j <= order; j++) init.push([get(x), op.i64Load32S(4 * (order - j)), set(hist(j))]);
  const sum: Code[] = [get(coef(order - 1)), get(hist(order)), op.i64Mul];
  for (let j = order - 2; j >= 0; j--) sum.push(get(coef(j)), get(hist(j + 1)), op.i64Mul, op.i64Add);
  const shiftHistory: Code[] = [];
  for (let j = order; j >= 2; j--) shiftHistory.push(get(hist(j - 1)), set(hist(j)));
  const body = [
    init,
    get(shift), op.i64ExtendI32U, set(sh),
    get(x), i32Const(4 * order), op.i32Add, set(p),
    get(x), get(n), i32Const(2), op.i32Shl, op.i32Add, set(stop),
    until(
      [get(p), get(stop), op.i32GeU],
      get(p), sum, get(sh), op.i64ShrS, op.i32WrapI64, get(p), op.i32Load(0), op.i32Add, tee(value), op.i32Store(0),
      shiftHistory,
      get(value), op.i64ExtendI32S, set(hist(1)),
      addTo(p, i32Const(4)),
    ),
  ];
  return { name: `lpc${order}`, params: [I32, I32, I32], locals, body };
}

/**
 * Orders with a function of their own: libFLAC's encoder goes up to 12 within the subset that
 * players must support; orders 13..32 (--lax files) share `lpcAny`, which loops over the taps.
 * Unrolling all 32 cost ~10 ms of code generation per thread for orders that are rarely met.
 */
export const UNROLLED_ORDERS = 12;

/** lpcAny(x, n, shift, order): lpc<N> for any order 1..32, the sum in a loop. */
function lpcAnyFunction(): WasmFunction {
  const [x, n, shift, order] = [0, 1, 2, 3];
  const [p, stop, j, tap] = [4, 5, 6, 7];
  const [sum] = [8];
  return {
    name: 'lpcAny',
    params: [I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I64],
    body: [
      get(x), get(order), i32Const(2), op.i32Shl, op.i32Add, set(p),
      get(x), get(n), i32Const(2), op.i32Shl, op.i32Add, set(stop),
      until(
        [get(p), get(stop), op.i32GeU],
        i64Const(0), set(sum), i32Const(0), set(j), get(p), set(tap),
        until(
          [get(j), get(order), op.i32GeU],
          addTo(tap, i32Const(-4)),
          get(sum), get(j), i32Const(2), op.i32Shl, op.i64Load32S(COEF_BASE), get(tap), op.i64Load32S(0), op.i64Mul, op.i64Add, set(sum),
          addTo(j, i32Const(1)),
        ),
        get(p), get(sum), get(shift), op.i64ExtendI32U, op.i64ShrS, op.i32WrapI64, get(p), op.i32Load(0), op.i32Add, op.i32Store(0),
        addTo(p, i32Const(4)),
      ),
    ],
  };
}

/** fixed<N>(x, n): the fixed predictors of order 1..4 in wrapping int32 arithmetic (the same values as exact sums stored to int32). */
function fixedFunction(order: number): WasmFunction {
  const [x, n] = [0, 1];
  const [p, stop, value, h1, h2, h3, h4] = [2, 3, 4, 5, 6, 7, 8];
  const hist = [h1, h2, h3, h4].slice(0, order);
  const times = (h: number, c: number): Code => [get(h), i32Const(c), op.i32Mul];
  const prediction: Code = [
    [],
    get(h1),
    [times(h1, 2), get(h2), op.i32Sub],
    [get(h1), get(h2), op.i32Sub, i32Const(3), op.i32Mul, get(h3), op.i32Add],
    [get(h1), get(h3), op.i32Add, i32Const(4), op.i32Mul, times(h2, 6), op.i32Sub, get(h4), op.i32Sub],
  ][order]!;
  const shiftHistory: Code[] = [];
  for (let j = order - 1; j >= 1; j--) shiftHistory.push(get(hist[j - 1]!), set(hist[j]!));
  const body = [
    hist.map((h, j) => [get(x), op.i32Load(4 * (order - 1 - j)), set(h)]),
    get(x), i32Const(4 * order), op.i32Add, set(p),
    get(x), get(n), i32Const(2), op.i32Shl, op.i32Add, set(stop),
    until(
      [get(p), get(stop), op.i32GeU],
      get(p), get(p), op.i32Load(0), prediction, op.i32Add, tee(value), op.i32Store(0),
      shiftHistory,
      get(value), set(h1),
      addTo(p, i32Const(4)),
    ),
  ];
  return { name: `fixed${order}`, params: [I32, I32], locals: new Array<number>(7).fill(I32), body };
}

/** Byte lanes that interleave the low (or high) two i32 lanes of two vectors: a0 b0 a1 b1 (a2 b2 a3 b3). */
const ZIP_LOW = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const ZIP_HIGH = ZIP_LOW.map((l) => l + 8);

/**
 * Stereo frames into INTERLEAVED_BASE, four frames per step (n is rounded up: the buffers have room
 * and the samples past n are never read), with the decorrelation on the way: <name>(left, right, n)
 * where left and right are the channel byte addresses. independent2: as they are; leftSide: right =
 * left - side; sideRight: left = side + right; midSide32: from mid and side in int32 arithmetic
 * (depths up to 30 bits; 31 and 32 bits go through midSide64 first).
 */
function stereoFunctions(): WasmFunction[] {
  const [left, right, n] = [0, 1, 2];
  const [i, stop, o] = [3, 4, 5];
  const [a, b, mid] = [6, 7, 8];
  const make = (name: string, leftOut: Code, rightOut: Code): WasmFunction => ({
    name,
    params: [I32, I32, I32],
    locals: [I32, I32, I32, V128, V128, V128],
    body: [
      get(n), i32Const(2), op.i32Shl, set(stop),
      i32Const(INTERLEAVED_BASE), set(o),
      until(
        [get(i), get(stop), op.i32GeU],
        get(left), get(i), op.i32Add, op.v128Load(0), set(a),
        get(right), get(i), op.i32Add, op.v128Load(0), set(b),
        leftOut, set(mid), rightOut, set(b), get(mid), set(a),
        get(o), get(a), get(b), op.i8x16Shuffle(ZIP_LOW), op.v128Store(0),
        get(o), get(a), get(b), op.i8x16Shuffle(ZIP_HIGH), op.v128Store(16),
        addTo(i, i32Const(16)),
        addTo(o, i32Const(32)),
      ),
    ],
  });
  const one = [i32Const(1), op.i32x4Splat];
  // mid = (a << 1) | (side & 1); left = (mid + side) >> 1, right = (mid - side) >> 1. `mid` holds the left result meanwhile.
  const midOf = [get(a), i32Const(1), op.i32x4Shl, get(b), one, op.v128And, op.v128Or];
  return [
    make('independent2', get(a), get(b)),
    make('leftSide', get(a), [get(a), get(b), op.i32x4Sub]),
    make('sideRight', [get(a), get(b), op.i32x4Add], get(b)),
    make('midSide32', [midOf, get(b), op.i32x4Add, i32Const(1), op.i32x4ShrS], [midOf, get(b), op.i32x4Sub, i32Const(1), op.i32x4ShrS]),
  ];
}

/** midSide64(left, right, n): mid/side to left/right in place, exact in 64 bits (31- and 32-bit audio). */
function midSide64Function(): WasmFunction {
  const [left, right, n] = [0, 1, 2];
  const [i, stop] = [3, 4];
  const [mid, side] = [5, 6];
  const store = (base: number, value: Code): Code => [get(base), get(i), op.i32Add, value, op.i32Store(0)];
  return {
    name: 'midSide64',
    params: [I32, I32, I32],
    locals: [I32, I32, I64, I64],
    body: [
      get(n), i32Const(2), op.i32Shl, set(stop),
      until(
        [get(i), get(stop), op.i32GeU],
        get(right), get(i), op.i32Add, op.i32Load(0), op.i64ExtendI32S, set(side),
        get(left), get(i), op.i32Add, op.i32Load(0), op.i64ExtendI32S, i64Const(1), op.i64Shl, get(side), i64Const(1), op.i64And, op.i64Or, set(mid),
        store(left, [get(mid), get(side), op.i64Add, i64Const(1), op.i64ShrS, op.i32WrapI64]),
        store(right, [get(mid), get(side), op.i64Sub, i64Const(1), op.i64ShrS, op.i32WrapI64]),
        addTo(i, i32Const(4)),
      ),
    ],
  };
}

/** interleave(channels, n): any channel count (1..8) into INTERLEAVED_BASE, one sample at a time. */
function interleaveFunction(): WasmFunction {
  const [channels, n] = [0, 1];
  const [c, src, dst, stop, stride] = [2, 3, 4, 5, 6];
  return {
    name: 'interleave',
    params: [I32, I32],
    locals: [I32, I32, I32, I32, I32],
    body: [
      get(channels), i32Const(2), op.i32Shl, set(stride),
      until(
        [get(c), get(channels), op.i32GeU],
        i32Const(CHANNEL_BASE), get(c), i32Const(MAX_BLOCK * 4), op.i32Mul, op.i32Add, set(src),
        get(src), get(n), i32Const(2), op.i32Shl, op.i32Add, set(stop),
        i32Const(INTERLEAVED_BASE), get(c), i32Const(2), op.i32Shl, op.i32Add, set(dst),
        until(
          [get(src), get(stop), op.i32GeU],
          get(dst), get(src), op.i32Load(0), op.i32Store(0),
          addTo(src, i32Const(4)),
          addTo(dst, get(stride)),
        ),
        addTo(c, i32Const(1)),
      ),
    ],
  };
}

/** crc16(start, end): CRC-16 of bytes [start, end), CRC_SLICES bytes per table step (see crc.ts). */
function crcFunction(): WasmFunction {
  const [start, end] = [0, 1];
  const [crc, whole] = [2, 3];
  const table = (t: number, index: Code): Code => [index, i32Const(1), op.i32Shl, op.i32Load16U(CRC_BASE + 512 * t)];
  const byte = (offset: number): Code => [get(start), op.i32Load8U(offset)];
  const last = CRC_SLICES - 1;
  const step: Code[] = [
    table(last, [get(crc), i32Const(8), op.i32ShrU, byte(0), op.i32Xor]),
    table(last - 1, [get(crc), i32Const(0xff), op.i32And, byte(1), op.i32Xor]), op.i32Xor,
  ];
  for (let j = 2; j < CRC_SLICES; j++) step.push(table(last - j, byte(j)), op.i32Xor);
  const body = [
    get(end), get(end), get(start), op.i32Sub, i32Const(CRC_SLICES - 1), op.i32And, op.i32Sub, set(whole),
    until([get(start), get(whole), op.i32GeU], step, set(crc), addTo(start, i32Const(CRC_SLICES))),
    until(
      [get(start), get(end), op.i32GeU],
      get(crc), i32Const(8), op.i32Shl, i32Const(0xffff), op.i32And,
      table(0, [get(crc), i32Const(8), op.i32ShrU, byte(0), op.i32Xor]), op.i32Xor, set(crc),
      addTo(start, i32Const(1)),
    ),
    get(crc),
  ];
  return { name: 'crc16', params: [I32, I32], locals: [I32, I32], body, results: [I32] };
}

let compiled: object | null = null;

/** The module, generated and compiled on first use (a few milliseconds) and shared by every kernel of the thread. */
function flacModule(): object {
  compiled ??= compileModule(encodeModule([
    residualFunction(),
    ...Array.from({ length: UNROLLED_ORDERS }, (_, i) => lpcFunction(i + 1)),
    lpcAnyFunction(),
    ...[1, 2, 3, 4].map(fixedFunction),
    ...stereoFunctions(),
    midSide64Function(),
    interleaveFunction(),
    crcFunction(),
  ]));
  return compiled;
}

/** Generates and compiles the module now (a player warms it while idle, so the first FLAC it plays does not wait). */
export function prepareFlacModule(): void {
  flacModule();
}

type Fn<A extends number[], R = void> = (...args: A) => R;
type Exports = Record<string, Fn<number[], number>>;
type Stereo = Fn<[left: number, right: number, n: number]>;

/** One decoder's kernel: its memory, typed views of it, and the functions above. */
export class FlacKernel {
  private readonly kernel: WasmKernel;
  /** Views of the whole memory; replaced when the memory grows (the old ones are detached). */
  bytes!: Uint8Array;
  ints!: Int32Array;
  /** Bumped when the memory grows: views taken of an older generation are detached. */
  generation = 0;

  readonly residual: Fn<[bitAddr: number, end: number, out: number, n: number, order: number, partitionOrder: number, paramBits: number], number>;
  /** lpc[order](x, n, shift) for order 1..32, coefficients at COEF_BASE. */
  readonly lpc: readonly Fn<[x: number, n: number, shift: number]>[];
  /** fixed[order](x, n) for order 0..4. */
  readonly fixed: readonly Fn<[x: number, n: number]>[];
  readonly independent2: Stereo;
  readonly leftSide: Stereo;
  readonly sideRight: Stereo;
  readonly midSide32: Stereo;
  /** In place: follow with independent2. */
  readonly midSide64: Stereo;
  readonly interleave: Fn<[channels: number, n: number]>;
  readonly crc16: Fn<[start: number, end: number], number>;

  /** A kernel whose memory holds a window of `windowBytes` to begin with. */
  constructor(windowBytes: number) {
    this.kernel = new WasmKernel(flacModule(), WINDOW_BASE + windowBytes);
    const e = this.kernel.exports as Exports;
    this.residual = e.residual!;
    const lpcAny = e.lpcAny!;
    this.lpc = [
      () => {},
      ...Array.from({ length: MAX_ORDER }, (_, i): Fn<[number, number, number]> =>
        i < UNROLLED_ORDERS ? e[`lpc${i + 1}`]! : (x, n, shift) => lpcAny(x, n, shift, i + 1)),
    ];
    this.fixed = [() => {}, e.fixed1!, e.fixed2!, e.fixed3!, e.fixed4!];
    this.independent2 = e.independent2!;
    this.leftSide = e.leftSide!;
    this.sideRight = e.sideRight!;
    this.midSide32 = e.midSide32!;
    this.midSide64 = e.midSide64!;
    this.interleave = e.interleave!;
    this.crc16 = e.crc16!;
    this.refreshViews();
    new Uint16Array(this.kernel.memory.buffer, CRC_BASE, CRC_SLICES * 256).set(crc16Tables(CRC_SLICES));
  }

  private refreshViews(): void {
    this.bytes = new Uint8Array(this.kernel.memory.buffer);
    this.ints = new Int32Array(this.kernel.memory.buffer);
  }

  /** Channel `c`'s sample buffer (MAX_BLOCK samples) as a view of the current memory. */
  channel(c: number): Int32Array {
    const at = (CHANNEL_BASE >> 2) + c * MAX_BLOCK;
    return this.ints.subarray(at, at + MAX_BLOCK);
  }

  /** Byte address of channel `c`'s first sample. */
  channelAddress(c: number): number {
    return CHANNEL_BASE + c * MAX_BLOCK * 4;
  }

  /** The interleaved frame area (MAX_CHANNELS x MAX_BLOCK samples) as a view of the current memory. */
  interleaved(): Int32Array {
    return this.ints.subarray(INTERLEAVED_BASE >> 2, (INTERLEAVED_BASE >> 2) + MAX_CHANNELS * MAX_BLOCK);
  }

  /**
   * The window: a view of at least `length` bytes at WINDOW_BASE, whose contents survive growth.
   * Growing detaches every view taken before (bytes, ints, channels, earlier windows).
   */
  window(length: number): Uint8Array {
    const need = WINDOW_BASE + length;
    if (need > this.kernel.memory.buffer.byteLength) {
      this.kernel.ensure(Math.ceil(need / WASM_PAGE) * WASM_PAGE);
      this.refreshViews();
      this.generation++;
    }
    return this.bytes.subarray(WINDOW_BASE);
  }
}
