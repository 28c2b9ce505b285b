// The DR meter's per-sample loop for interleaved stereo integers as a WebAssembly SIMD kernel
// (src/util/wasm.ts): one frame per step, the two channels in the two lanes. Each channel's sum of
// squares is added in the same order and with the same IEEE operations as the JavaScript loop of
// meter.ts (convert to f64, multiply, add), so the sums are bit-identical; the peaks are the
// largest and smallest integers. About 2.5x faster than the JavaScript loop once warm, and without
// its warm-up in each analysis worker.
//
// Memory: [0, 16) the two running sums (f64), [16, 32) the largest and [32, 48) the smallest sample
// of each channel in the last run (i32 lanes 0 and 1), then the samples from SAMPLES_BASE.

import { I32, V128, WasmKernel, compileModule, encodeModule, op, type WasmFunction } from '../../../util/wasm.ts';

const SUMS = 0;
const HIGHS = 16;
const LOWS = 32;
const SAMPLES_BASE = 64;

/**
 * stereo(from, frames): adds frames [from, from + frames) at SAMPLES_BASE to the sums, and stores
 * their extreme samples (the extremes start from 0, as the meter's do).
 */
function stereoFunction(): WasmFunction {
  const [from, frames] = [0, 1];
  const [p, stop] = [2, 3];
  const [sum, high, low, v, f] = [4, 5, 6, 7, 8];
  const { localGet: get, localSet: set, localTee: tee, i32Const } = op;
  return {
    name: 'stereo',
    params: [I32, I32],
    locals: [I32, I32, V128, V128, V128, V128, V128],
    body: [
      i32Const(0), op.v128Load(SUMS), set(sum),
      i32Const(0), op.i32x4Splat, tee(high), set(low),
      get(from), i32Const(3), op.i32Shl, i32Const(SAMPLES_BASE), op.i32Add, set(p),
      get(frames), i32Const(3), op.i32Shl, get(p), op.i32Add, set(stop),
      op.block, op.loop,
      get(p), get(stop), op.i32GeU, op.brIf(1),
      get(p), op.v128Load64Zero(0), tee(v), op.f64x2ConvertLowI32x4S, tee(f), get(f), op.f64x2Mul, get(sum), op.f64x2Add, set(sum),
      get(high), get(v), op.i32x4MaxS, set(high),
      get(low), get(v), op.i32x4MinS, set(low),
      get(p), i32Const(8), op.i32Add, set(p),
      op.br(0), op.end, op.end,
      i32Const(0), get(sum), op.v128Store(SUMS),
      i32Const(0), get(high), op.v128Store(HIGHS),
      i32Const(0), get(low), op.v128Store(LOWS),
    ],
  };
}

let compiled: object | null = null;

/**
 * The stereo accumulator of a thread (stereoKernel()). It keeps no state between calls: a meter
 * loads a block and runs over all of it within one synchronous push, with the sums in its own arrays.
 */
export class StereoKernel {
  private readonly kernel: WasmKernel;
  private readonly run: (from: number, frames: number) => void;
  private sums!: Float64Array;
  private extremes!: Int32Array;
  private samples!: Int32Array;

  constructor() {
    compiled ??= compileModule(encodeModule([stereoFunction()]));
    this.kernel = new WasmKernel(compiled, SAMPLES_BASE + 8 * 8192);
    this.run = this.kernel.exports.stereo as (from: number, frames: number) => void;
    this.views();
  }

  private views(): void {
    const buffer = this.kernel.memory.buffer;
    this.sums = new Float64Array(buffer, SUMS, 2);
    this.extremes = new Int32Array(buffer, HIGHS, 12);
    this.samples = new Int32Array(buffer, SAMPLES_BASE);
  }

  /** Copies `frames` interleaved stereo frames in, so that `accumulate` can run over parts of them. */
  load(x: Int32Array, frames: number): void {
    if (frames * 2 > this.samples.length) {
      this.kernel.ensure(SAMPLES_BASE + frames * 8);
      this.views();
    }
    this.samples.set(x.subarray(0, frames * 2));
  }

  /**
   * Adds loaded frames [from, from + n) to `sumSq` (both channels, in place) and raises `peak` to
   * their largest magnitudes.
   */
  accumulate(from: number, n: number, sumSq: Float64Array, peak: Float64Array): void {
    this.sums[0] = sumSq[0]!;
    this.sums[1] = sumSq[1]!;
    this.run(from, n);
    sumSq[0] = this.sums[0]!;
    sumSq[1] = this.sums[1]!;
    const e = this.extremes;
    peak[0] = Math.max(peak[0]!, e[0]!, -e[4]!);
    peak[1] = Math.max(peak[1]!, e[1]!, -e[5]!);
  }
}

let shared: StereoKernel | null = null;

/** The thread's stereo kernel, made on first use (one memory for every meter of the thread). */
export function stereoKernel(): StereoKernel {
  shared ??= new StereoKernel();
  return shared;
}
