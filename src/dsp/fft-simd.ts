// The radix-4 passes of src/util/fft.ts as a WebAssembly SIMD kernel (src/util/wasm.ts): two
// neighbouring butterflies (k, k+1) per f64x2 instruction, same operations in the same order per
// lane, so the result is bit-identical to the JS transform (its tested reference). The passes whose
// butterflies have no neighbour (span 4, span 2) run the JS passes on views of the same memory.
//
// Memory of one instance, B = 8 * maxSize bytes: twiddles cos [0, B), sin [B, 2B), cos3 [2B, 3B),
// sin3 [3B, 4B) (the tables of util/fft.ts), then `arrays` complex arrays, array i with its real
// part at 4B + 2iB and its imaginary part B later.

import { forwardRadix4Pass, inverseRadix4Pass, isPowerOfTwo, span2Pass, stageTwiddles } from '../util/fft.ts';
import { AurisError } from '../util/errors.ts';
import { I32, V128, WasmKernel, compileModule, encodeModule, op } from '../util/wasm.ts';
import type { WasmFunction } from '../util/wasm.ts';

type PassFn = (re: number, bytes: number, quarterBytes: number, w1: number, w2: number, w3: number) => void;

/** Builds the forward (DIF) or inverse (DIT) radix-4 pass for arrays whose imaginary part is `im` bytes after the real. */
function passFunction(name: string, inverse: boolean, im: number): WasmFunction {
  const params = ['re', 'bytes', 'q8', 'w1', 'w2', 'w3'];
  const ints = ['start', 'end', 'k', 'a0', 'a1', 'a2', 'a3', 't1', 't2', 't3'];
  const vecs = ['x0r', 'x0i', 'x1r', 'x1i', 'x2r', 'x2i', 'x3r', 'x3i', 'sr', 'si', 'dr', 'di', 'tr', 'ti', 'er', 'ei', 'ur', 'ui', 'vr', 'vi', 'w1r', 'w1i', 'w2r', 'w2i', 'w3r', 'w3i', 'br', 'bi', 'cr', 'ci'];
  const index = new Map<string, number>([...params, ...ints, ...vecs].map((n, i) => [n, i]));
  const g = (n: string): number[] => op.localGet(index.get(n)!);
  const set = (n: string, e: number[]): number[] => [...e, ...op.localSet(index.get(n)!)];
  const bin = (code: number[]) => (a: number[], b: number[]): number[] => [...a, ...b, ...code];
  const add = bin(op.f64x2Add), sub = bin(op.f64x2Sub), mul = bin(op.f64x2Mul);
  const iadd = bin(op.i32Add);
  const load = (addr: string, off: number): number[] => [...g(addr), ...op.v128Load(off)];
  const store = (addr: string, off: number, e: number[]): number[] => [...g(addr), ...e, ...op.v128Store(off)];
  const body: number[] = [];
  const emit = (...parts: number[][]) => { for (const p of parts) body.push(...p); };
  emit(set('end', iadd(g('re'), g('bytes'))), set('start', g('re')));
  emit(op.block, op.loop, g('start'), g('end'), op.i32GeU, op.brIf(1));
  emit(set('k', op.i32Const(0)));
  emit(op.block, op.loop, g('k'), g('q8'), op.i32GeU, op.brIf(1));
  emit(set('a0', iadd(g('start'), g('k'))), set('a1', iadd(g('a0'), g('q8'))), set('a2', iadd(g('a1'), g('q8'))), set('a3', iadd(g('a2'), g('q8'))));
  emit(set('t1', iadd(g('w1'), g('k'))), set('t2', iadd(g('w2'), g('k'))), set('t3', iadd(g('w3'), g('k'))));
  for (const j of ['0', '1', '2', '3']) emit(set(`x${j}r`, load(`a${j}`, 0)), set(`x${j}i`, load(`a${j}`, im)));
  // Twiddles: cos at t, the table's -sin at t + im (same spacing as the arrays).
  for (const j of ['1', '2', '3']) emit(set(`w${j}r`, load(`t${j}`, 0)), set(`w${j}i`, load(`t${j}`, im)));
  if (!inverse) {
    emit(set('sr', add(g('x0r'), g('x2r'))), set('si', add(g('x0i'), g('x2i'))), set('dr', sub(g('x0r'), g('x2r'))), set('di', sub(g('x0i'), g('x2i'))));
    emit(set('tr', add(g('x1r'), g('x3r'))), set('ti', add(g('x1i'), g('x3i'))), set('er', sub(g('x1r'), g('x3r'))), set('ei', sub(g('x1i'), g('x3i'))));
    emit(store('a0', 0, add(g('sr'), g('tr'))), store('a0', im, add(g('si'), g('ti'))));
    emit(set('ur', sub(g('sr'), g('tr'))), set('ui', sub(g('si'), g('ti'))));
    emit(store('a1', 0, sub(mul(g('ur'), g('w2r')), mul(g('ui'), g('w2i')))), store('a1', im, add(mul(g('ur'), g('w2i')), mul(g('ui'), g('w2r')))));
    emit(set('vr', add(g('dr'), g('ei'))), set('vi', sub(g('di'), g('er'))));
    emit(store('a2', 0, sub(mul(g('vr'), g('w1r')), mul(g('vi'), g('w1i')))), store('a2', im, add(mul(g('vr'), g('w1i')), mul(g('vi'), g('w1r')))));
    emit(set('vr', sub(g('dr'), g('ei'))), set('vi', add(g('di'), g('er'))));
    emit(store('a3', 0, sub(mul(g('vr'), g('w3r')), mul(g('vi'), g('w3i')))), store('a3', im, add(mul(g('vr'), g('w3i')), mul(g('vi'), g('w3r')))));
  } else {
    // B = x1 w^-2k, C = x2 w^-k, D = x3 w^-3k with c = cos, s = the table's -sin.
    emit(set('br', add(mul(g('x1r'), g('w2r')), mul(g('x1i'), g('w2i')))), set('bi', sub(mul(g('x1i'), g('w2r')), mul(g('x1r'), g('w2i')))));
    emit(set('cr', add(mul(g('x2r'), g('w1r')), mul(g('x2i'), g('w1i')))), set('ci', sub(mul(g('x2i'), g('w1r')), mul(g('x2r'), g('w1i')))));
    emit(set('dr', add(mul(g('x3r'), g('w3r')), mul(g('x3i'), g('w3i')))), set('di', sub(mul(g('x3i'), g('w3r')), mul(g('x3r'), g('w3i')))));
    emit(set('sr', add(g('x0r'), g('br'))), set('si', add(g('x0i'), g('bi'))), set('tr', sub(g('x0r'), g('br'))), set('ti', sub(g('x0i'), g('bi'))));
    emit(set('ur', add(g('cr'), g('dr'))), set('ui', add(g('ci'), g('di'))), set('vr', sub(g('cr'), g('dr'))), set('vi', sub(g('ci'), g('di'))));
    emit(store('a0', 0, add(g('sr'), g('ur'))), store('a0', im, add(g('si'), g('ui'))));
    emit(store('a2', 0, sub(g('sr'), g('ur'))), store('a2', im, sub(g('si'), g('ui'))));
    emit(store('a1', 0, sub(g('tr'), g('vi'))), store('a1', im, add(g('ti'), g('vr'))));
    emit(store('a3', 0, add(g('tr'), g('vi'))), store('a3', im, sub(g('ti'), g('vr'))));
  }
  emit(set('k', iadd(g('k'), op.i32Const(16))), op.br(0), op.end, op.end);
  emit(set('start', iadd(g('start'), [...g('q8'), ...op.i32Const(2), ...op.i32Shl])), op.br(0), op.end, op.end);
  return { name, params: params.map(() => I32), locals: [...ints.map(() => I32), ...vecs.map(() => V128)], body };
}

const modules = new Map<number, object>();

/**
 * Complex transforms of up to `maxSize` points (a power of two >= 4) on `arrays` complex arrays
 * held in the kernel's memory; `re(i)` / `im(i)` are views valid for the instance's life.
 */
export class SimdFft {
  readonly maxSize: number;
  private readonly kernel: WasmKernel;
  private readonly fwd: PassFn;
  private readonly inv: PassFn;
  private readonly views: { re: Float64Array; im: Float64Array; at: number }[];
  private readonly block: number;

  constructor(maxSize: number, arrays: number) {
    if (!isPowerOfTwo(maxSize) || maxSize < 4) throw new AurisError('E_INVALID_ARGUMENT', `SIMD FFT size must be a power of two >= 4, got ${maxSize}`);
    this.maxSize = maxSize;
    this.block = 8 * maxSize;
    let module = modules.get(maxSize);
    if (!module) {
      module = compileModule(encodeModule([passFunction('fwd', false, this.block), passFunction('inv', true, this.block)]));
      modules.set(maxSize, module);
    }
    this.kernel = new WasmKernel(module, this.block * (4 + 2 * arrays));
    this.fwd = this.kernel.exports['fwd'] as PassFn;
    this.inv = this.kernel.exports['inv'] as PassFn;
    const buffer = this.kernel.memory.buffer;
    const t = stageTwiddles(maxSize);
    const B = this.block;
    new Float64Array(buffer, 0, maxSize - 1).set(t.cos.subarray(0, maxSize - 1));
    new Float64Array(buffer, B, maxSize - 1).set(t.sin.subarray(0, maxSize - 1));
    new Float64Array(buffer, 2 * B, maxSize / 2).set(t.cos3.subarray(0, maxSize / 2));
    new Float64Array(buffer, 3 * B, maxSize / 2).set(t.sin3.subarray(0, maxSize / 2));
    this.views = Array.from({ length: arrays }, (_, i) => {
      const at = 4 * B + 2 * i * B;
      return { at, re: new Float64Array(buffer, at, maxSize), im: new Float64Array(buffer, at + B, maxSize) };
    });
  }

  re(i: number): Float64Array {
    return this.views[i]!.re;
  }

  im(i: number): Float64Array {
    return this.views[i]!.im;
  }

  /** forwardBitReversed of util/fft.ts on array i, first n points (n a power of two <= maxSize). */
  forward(i: number, n: number): void {
    const v = this.check(i, n);
    let size = n;
    for (; size >= 8; size >>= 2) this.pass(this.fwd, v.at, n, size);
    if (size === 4) forwardRadix4Pass(v.re, v.im, n, 4);
    else if (size === 2) span2Pass(v.re, v.im, n);
  }

  /** inverseBitReversed of util/fft.ts on array i, first n points. */
  inverse(i: number, n: number): void {
    const v = this.check(i, n);
    let size = 4;
    if ((Math.log2(n) & 1) === 1) {
      span2Pass(v.re, v.im, n);
      size = 8;
    } else if (n >= 4) {
      inverseRadix4Pass(v.re, v.im, n, 4);
      size = 16;
    }
    for (; size <= n; size <<= 2) this.pass(this.inv, v.at, n, size);
  }

  private check(i: number, n: number): { re: Float64Array; im: Float64Array; at: number } {
    const v = this.views[i];
    if (!v || !isPowerOfTwo(n) || n > this.maxSize) throw new AurisError('E_INVALID_ARGUMENT', `SIMD FFT: array ${i}, size ${n} (max ${this.maxSize})`);
    stageTwiddles(n); // the JS passes read the shared tables
    return v;
  }

  /** One radix-4 pass of span `size` (>= 8) over n points at byte address `at`. */
  private pass(fn: PassFn, at: number, n: number, size: number): void {
    const q = size >> 2;
    const B = this.block;
    fn(at, 8 * n, 8 * q, 8 * (2 * q - 1), 8 * (q - 1), 2 * B + 8 * (q - 1));
  }
}
