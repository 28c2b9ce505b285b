// A minimal WebAssembly binary writer for kernels generated at run time (DSP, decoders, analysis):
// no toolchain, no binary in the repository. A kernel is written as a sequence of instructions
// (the helpers below encode the few the kernels use, SIMD f64x2 included) and compiled
// synchronously. Node 20's V8 runs WASM SIMD (not relaxed SIMD). Encodings follow the WebAssembly
// core spec, binary format.

import { setFlagsFromString } from 'node:v8';

// V8 first compiles WebAssembly with its baseline compiler and, by default, optimises a function
// only once it has run for a while ("dynamic tiering"); a kernel then spends the first ~100 ms of
// a decode in code about half as fast. Kernels are small and hot from their first call, so every
// function is optimised in the background as soon as the module is compiled. The flag is
// process-wide and read when a module is compiled; setting it again (one call per thread) is harmless.
setFlagsFromString('--no-wasm-dynamic-tiering');

/** The part of the WebAssembly JS API the kernels use (the project's TS libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

/** A linear memory; `buffer` is replaced (old views detached) when it grows. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes of one WebAssembly page. */
export const WASM_PAGE = 65536;

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32 constants). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Signed LEB128 of an i64 constant given as a safe integer. */
export function sleb64(n: number): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];

/** The instructions the kernels use. Memory offsets are byte offsets added to the address. */
export const op = {
  // Local indices below 128 are one LEB128 byte: the common case skips the encoder.
  localGet: (i: number) => (i < 128 ? [0x20, i] : [0x20, ...uleb(i)]),
  localSet: (i: number) => (i < 128 ? [0x21, i] : [0x21, ...uleb(i)]),
  localTee: (i: number) => (i < 128 ? [0x22, i] : [0x22, ...uleb(i)]),
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  i32GtU: [0x4b],
  i32Store: (offset: number) => [0x36, 2, ...uleb(offset)],
  i64Const: (v: number) => [0x42, ...sleb64(v)],
  /** Loads with the natural alignment hint; an unaligned address is still valid, only slower on some machines. */
  i32Load: (offset: number) => [0x28, 2, ...uleb(offset)],
  /** i32.load with alignment hint 1 byte: for addresses that are usually unaligned. */
  i32LoadUnaligned: (offset: number) => [0x28, 0, ...uleb(offset)],
  i32Load8U: (offset: number) => [0x2d, 0, ...uleb(offset)],
  i32Load16U: (offset: number) => [0x2f, 1, ...uleb(offset)],
  i64Load32S: (offset: number) => [0x34, 2, ...uleb(offset)],
  return: [0x0f],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GtS: [0x4a],
  i32LeU: [0x4d],
  i32And: [0x71],
  i32Or: [0x72],
  i32Xor: [0x73],
  i32ShrS: [0x75],
  i32ShrU: [0x76],
  i32Rotl: [0x77],
  i32Rotr: [0x78],
  i64Eqz: [0x50],
  i64GtU: [0x56],
  i64Clz: [0x79],
  i64Add: [0x7c],
  i64Sub: [0x7d],
  i64Mul: [0x7e],
  i64And: [0x83],
  i64Or: [0x84],
  i64Shl: [0x86],
  i64ShrS: [0x87],
  i64ShrU: [0x88],
  i32WrapI64: [0xa7],
  i64ExtendI32S: [0xac],
  i64ExtendI32U: [0xad],
  if: [0x04, 0x40],
  /** An `if` whose branches each leave one i32. */
  ifI32: [0x04, I32],
  else: [0x05],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  v128Load: (offset: number) => [...simd(0), 3, ...uleb(offset)],
  v128Store: (offset: number) => [...simd(11), 3, ...uleb(offset)],
  /** Loads 4 bytes into lane 0 (of i32x4), zeroing the other lanes. */
  v128Load32Zero: (offset: number) => [...simd(92), 2, ...uleb(offset)],
  /** Loads 8 bytes into the low half, zeroing the high half. */
  v128Load64Zero: (offset: number) => [...simd(93), 3, ...uleb(offset)],
  /** Loads one f64 and puts it in both lanes. */
  v128Load64Splat: (offset: number) => [...simd(10), 3, ...uleb(offset)],
  /** Lanes of the two operands (bytes 0-15 from the first, 16-31 from the second) in the given order. */
  i8x16Shuffle: (lanes: readonly number[]) => [...simd(13), ...lanes],
  i32x4Splat: simd(17),
  v128And: simd(78),
  v128Or: simd(80),
  i32x4Shl: simd(171),
  i32x4ShrS: simd(172),
  i32x4Add: simd(174),
  i32x4Sub: simd(177),
  i32x4MinS: simd(182),
  i32x4MaxS: simd(184),
  f64x2Add: simd(240),
  f64x2Sub: simd(241),
  f64x2Mul: simd(242),
  /** The two low i32 lanes as f64 (exact). */
  f64x2ConvertLowI32x4S: simd(254),
};

/**
 * Instructions as bytes in nested arrays: kernels compose code from parts without copying them,
 * and encodeModule flattens it once (spreading arrays at every level cost ~20 ms per module in
 * code that runs once, before the JIT has seen it).
 */
export type Code = number | readonly Code[];

/** One exported function: parameter types, extra locals (type per local), body without `end`, result types (none by default). */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly locals: readonly number[];
  readonly body: Code;
  readonly results?: readonly number[];
}

/** Appends the bytes of `code` to `out`. */
function flatten(code: Code, out: number[]): void {
  if (typeof code === 'number') {
    out.push(code);
    return;
  }
  for (let i = 0; i < code.length; i++) flatten(code[i]!, out);
}

/** `out` += uleb(length of `content`), then `content`. */
function sized(out: number[], content: readonly number[]): void {
  flatten(uleb(content.length), out);
  for (let i = 0; i < content.length; i++) out.push(content[i]!);
}

function name(s: string): number[] {
  const out: number[] = [];
  sized(out, Array.from(new TextEncoder().encode(s)));
  return out;
}

/** Encodes a module importing memory `env.memory` and exporting `functions`. */
export function encodeModule(functions: readonly WasmFunction[]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, count: number, fill: (content: number[]) => void) => {
    const content = uleb(count);
    fill(content);
    out.push(id);
    sized(out, content);
  };
  section(1, functions.length, (c) => {
    for (const f of functions) {
      const results = f.results ?? [];
      flatten([0x60, uleb(f.params.length), f.params as number[], uleb(results.length), results as number[]], c);
    }
  });
  section(2, 1, (c) => flatten([name('env'), name('memory'), 0x02, 0x00, 1], c));
  section(3, functions.length, (c) => functions.forEach((_, i) => flatten(uleb(i), c)));
  section(7, functions.length, (c) => functions.forEach((f, i) => flatten([name(f.name), 0x00, uleb(i)], c)));
  section(10, functions.length, (c) => {
    for (const f of functions) {
      const runs: [number, number][] = [];
      for (const t of f.locals) {
        const last = runs[runs.length - 1];
        if (last && last[1] === t) last[0]++;
        else runs.push([1, t]);
      }
      const code: number[] = [];
      flatten([uleb(runs.length), runs.map(([count, t]) => [uleb(count), t]), f.body, op.end], code);
      sized(c, code);
    }
  });
  return Uint8Array.from(out);
}

/** A compiled kernel instance with its own growable memory of at least `bytes`. */
export class WasmKernel {
  readonly memory: WasmMemory;
  readonly exports: Record<string, unknown>;

  constructor(module: object, bytes = WASM_PAGE) {
    this.memory = new wasmApi.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE)) });
    this.exports = new wasmApi.Instance(module, { env: { memory: this.memory } }).exports;
  }

  /** Grows the memory to at least `bytes`; views taken before a growth are detached. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / WASM_PAGE));
  }
}

/** Compiles a module (synchronously; kernels are small). */
export function compileModule(bytes: Uint8Array): object {
  return new wasmApi.Module(bytes);
}
