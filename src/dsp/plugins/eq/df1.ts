// Direct Form I biquad cascades over interleaved blocks, in place (dsp.md section 1.3), run by a
// WebAssembly SIMD kernel built at load time (src/util/wasm.ts): two channels share one f64x2 lane
// pair, so one instruction filters both, and a pass runs several sections so their recursions
// (each a serial multiply-add chain) overlap. Each lane computes exactly the scalar DF1 sum
// y = b0*x + b1*x1 + b2*x2 - a1*y1 - a2*y2 in that order (dsp.md 1.2), in float64, so a channel's result does
// not depend on its partner or on the block split.
//
// Layout: coefficients k[5s..5s+4] = b0 b1 b2 a1 a2 of section s; state st[4s..4s+3] = x1 x2 y1 y2
// (section s+1's x1 x2 equal section s's y1 y2).

import { I32, V128, WasmKernel, compileModule, encodeModule, op } from '../../../util/wasm.ts';
import type { WasmFunction } from '../../../util/wasm.ts';

/** Below this, IIR state is flushed to zero at the end of a block (section 0, denormals). */
const DENORMAL = 1e-300;

/** Sections per pass over the block: measured fastest on x64 among 1..5 and 10 (10-band PEQ, 768 kHz). */
const SECTIONS_PER_PASS = 5;

const flush = (v: number) => (Math.abs(v) < DENORMAL ? 0 : v);

/** Coefficients of a section that passes its input unchanged (pads the shorter channel of a pair). */
const IDENTITY = [1, 0, 0, 0, 0];

/**
 * Kernel `passS(data, end, stride, coef, hist)`: runs S sections over the f64x2 frames at byte
 * addresses data, data+stride, ... < end, in place. coef: 5S f64x2 (b0 b1 b2 a1 a2 per section);
 * hist: S+1 pairs (v[n-1], v[n-2]) of f64x2, the input's then each section's output history,
 * read at the start and written back at the end.
 */
function passFunction(sections: number): WasmFunction {
  const [DATA, END, STRIDE, COEF, HIST] = [0, 1, 2, 3, 4];
  const coefLocal = (s: number, j: number) => 5 + 5 * s + j;
  const p1 = (j: number) => 5 + 5 * sections + 2 * j;
  const p2 = (j: number) => p1(j) + 1;
  const v = (j: number) => 5 + 5 * sections + 2 * (sections + 1) + j;
  const body: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const p of parts) {
      if (typeof p === 'number') body.push(p);
      else body.push(...p);
    }
  };
  for (let s = 0; s < sections; s++) for (let j = 0; j < 5; j++) emit(op.localGet(COEF), op.v128Load(16 * (5 * s + j)), op.localSet(coefLocal(s, j)));
  for (let j = 0; j <= sections; j++) {
    emit(op.localGet(HIST), op.v128Load(32 * j), op.localSet(p1(j)));
    emit(op.localGet(HIST), op.v128Load(32 * j + 16), op.localSet(p2(j)));
  }
  emit(op.block, op.loop);
  emit(op.localGet(DATA), op.localGet(END), op.i32GeU, op.brIf(1));
  emit(op.localGet(DATA), op.v128Load(0), op.localSet(v(0)));
  const term = (c: number, x: number) => [op.localGet(c), op.localGet(x), op.f64x2Mul];
  for (let s = 0; s < sections; s++) {
    emit(...term(coefLocal(s, 0), v(s)));
    emit(...term(coefLocal(s, 1), p1(s)), op.f64x2Add);
    emit(...term(coefLocal(s, 2), p2(s)), op.f64x2Add);
    emit(...term(coefLocal(s, 3), p1(s + 1)), op.f64x2Sub);
    emit(...term(coefLocal(s, 4), p2(s + 1)), op.f64x2Sub);
    emit(op.localSet(v(s + 1)));
  }
  for (let j = 0; j <= sections; j++) emit(op.localGet(p1(j)), op.localSet(p2(j)), op.localGet(v(j)), op.localSet(p1(j)));
  emit(op.localGet(DATA), op.localGet(v(sections)), op.v128Store(0));
  emit(op.localGet(DATA), op.localGet(STRIDE), op.i32Add, op.localSet(DATA), op.br(0), op.end, op.end);
  for (let j = 0; j <= sections; j++) {
    emit(op.localGet(HIST), op.localGet(p1(j)), op.v128Store(32 * j));
    emit(op.localGet(HIST), op.localGet(p2(j)), op.v128Store(32 * j + 16));
  }
  const locals = new Array<number>(5 * sections + 2 * (sections + 1) + sections + 1).fill(V128);
  return { name: `pass${sections}`, params: [I32, I32, I32, I32, I32], locals, body };
}

type PassFn = (data: number, end: number, stride: number, coef: number, hist: number) => void;

let kernel: { wasm: WasmKernel; passes: PassFn[] } | null = null;

/** The kernel instance (one per thread, built on first use). */
function getKernel(): { wasm: WasmKernel; passes: PassFn[] } {
  if (!kernel) {
    const fns = Array.from({ length: SECTIONS_PER_PASS }, (_, i) => passFunction(i + 1));
    const wasm = new WasmKernel(compileModule(encodeModule(fns)));
    kernel = { wasm, passes: fns.map((f) => wasm.exports[f.name] as PassFn) };
  }
  return kernel;
}

/**
 * Runs every channel's cascade over the interleaved block `x` (C channels) in place. `coef[ch]`
 * and `state[ch]` follow the layout above; channels may have different numbers of sections.
 */
export function runCascades(x: Float64Array, C: number, coef: readonly Float64Array[], state: readonly Float64Array[]): void {
  const frames = Math.floor(x.length / C);
  if (frames === 0) return;
  const { wasm, passes } = getKernel();
  for (let a = 0; a < C; a += 2) {
    const b = a + 1 < C ? a + 1 : -1;
    const ka = coef[a]!, sa = state[a]!;
    const kb = b >= 0 ? coef[b]! : null, sb = b >= 0 ? state[b]! : null;
    const na = ka.length / 5, nb = kb ? kb.length / 5 : 0;
    const n = Math.max(na, nb);
    if (n === 0) continue;
    const passCount = Math.ceil(n / SECTIONS_PER_PASS);
    // Memory: coefficients (5n f64x2), histories (per pass S+1 pairs of f64x2), the frames.
    const coefAt = 0;
    const histAt = coefAt + 80 * n;
    const dataAt = histAt + passCount * 32 * (SECTIONS_PER_PASS + 1);
    wasm.ensure(dataAt + 16 * frames);
    const mem = new Float64Array(wasm.memory.buffer);
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < 5; j++) {
        mem[(coefAt >> 3) + 2 * (5 * s + j)] = s < na ? ka[5 * s + j]! : IDENTITY[j]!;
        mem[(coefAt >> 3) + 2 * (5 * s + j) + 1] = kb && s < nb ? kb[5 * s + j]! : IDENTITY[j]!;
      }
    }
    // History j of a pass starting at s0: j = 0 the input of s0 (x1 x2), else the output of s0+j-1.
    const histIndex = (s: number, j: number) => (j === 0 ? 4 * s : 4 * (s + j - 1) + 2);
    for (let p = 0; p < passCount; p++) {
      const s0 = p * SECTIONS_PER_PASS;
      const m = Math.min(SECTIONS_PER_PASS, n - s0);
      const h = (histAt >> 3) + p * 4 * (SECTIONS_PER_PASS + 1);
      for (let j = 0; j <= m; j++) {
        const last = j === 0 ? s0 : s0 + j - 1;
        const i = histIndex(s0, j);
        mem[h + 4 * j] = last < na ? sa[i]! : 0;
        mem[h + 4 * j + 2] = last < na ? sa[i + 1]! : 0;
        mem[h + 4 * j + 1] = sb && last < nb ? sb[i]! : 0;
        mem[h + 4 * j + 3] = sb && last < nb ? sb[i + 1]! : 0;
      }
    }
    const d = dataAt >> 3;
    if (C === 2) mem.set(x.subarray(0, 2 * frames), d);
    else for (let i = 0, j = a; i < frames; i++, j += C) { mem[d + 2 * i] = x[j]!; mem[d + 2 * i + 1] = b >= 0 ? x[j + 1]! : 0; }
    const end = dataAt + 16 * frames;
    for (let p = 0; p < passCount; p++) {
      const s0 = p * SECTIONS_PER_PASS;
      const m = Math.min(SECTIONS_PER_PASS, n - s0);
      passes[m - 1]!(dataAt, end, 16, coefAt + 80 * s0, histAt + p * 32 * (SECTIONS_PER_PASS + 1));
    }
    if (C === 2) x.set(mem.subarray(d, d + 2 * frames));
    else for (let i = 0, j = a; i < frames; i++, j += C) { x[j] = mem[d + 2 * i]!; if (b >= 0) x[j + 1] = mem[d + 2 * i + 1]!; }
    for (let p = 0; p < passCount; p++) {
      const s0 = p * SECTIONS_PER_PASS;
      const m = Math.min(SECTIONS_PER_PASS, n - s0);
      const h = (histAt >> 3) + p * 4 * (SECTIONS_PER_PASS + 1);
      for (let j = 0; j <= m; j++) {
        const last = j === 0 ? s0 : s0 + j - 1;
        // The output history of section s is also the input history of section s+1.
        const targets = j === 0 ? [4 * s0] : [4 * last + 2, 4 * (last + 1)];
        for (const i of targets) {
          if (last < na && i + 1 < sa.length) { sa[i] = flush(mem[h + 4 * j]!); sa[i + 1] = flush(mem[h + 4 * j + 2]!); }
          if (sb && last < nb && i + 1 < sb.length) { sb[i] = flush(mem[h + 4 * j + 1]!); sb[i + 1] = flush(mem[h + 4 * j + 3]!); }
        }
      }
    }
  }
}
