// A minimal WebAssembly binary writer for kernels generated at run time (DSP, decoders, analysis):
// no toolchain, no binary in the repository. A kernel is written as a sequence of instructions
// (the helpers below encode the few the kernels use, SIMD f64x2 included) and compiled
// synchronously. Node 20's V8 runs WASM SIMD (not relaxed SIMD). Encodings follow the WebAssembly
// core spec, binary format.

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

const simd = (op: number): number[] => [0xfd, ...uleb(op)];

/** The instructions the kernels use. Memory offsets are byte offsets added to the address. */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  i32GtU: [0x4b],
  i32Store: (offset: number) => [0x36, 2, ...uleb(offset)],
  if: [0x04, 0x40],
  else: [0x05],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  v128Load: (offset: number) => [...simd(0), 3, ...uleb(offset)],
  v128Store: (offset: number) => [...simd(11), 3, ...uleb(offset)],
  /** Loads one f64 and puts it in both lanes. */
  v128Load64Splat: (offset: number) => [...simd(10), 3, ...uleb(offset)],
  f64x2Add: simd(240),
  f64x2Sub: simd(241),
  f64x2Mul: simd(242),
};

/** One exported function: parameter types, extra locals (type per local), body without `end`. */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly locals: readonly number[];
  readonly body: readonly number[];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/** Encodes a module importing memory `env.memory` and exporting `functions` (no results). */
export function encodeModule(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((p) => [p])), 0]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, 1]];
  const bodies = functions.map((f) => {
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]!++;
      else runs.push([1, t]);
    }
    const code = [...vector(runs.map(([count, t]) => [...uleb(count!), t!])), ...f.body, ...op.end];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(bodies)),
  ]);
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
