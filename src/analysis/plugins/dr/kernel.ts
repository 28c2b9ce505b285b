// The DR meter's per-sample loop for interleaved integers as WebAssembly SIMD kernels
// (src/util/wasm.ts), one function per channel count (1 to KERNEL_MAX_CHANNELS): channels 2k and
// 2k+1 share the two lanes of pair k, and a frame is one step for all pairs. Each channel's sum of
// squares is added in the same order and with the same IEEE operations as the JavaScript loop of
// meter.ts (convert to f64, multiply, add), so the sums are bit-identical; the peaks are the
// largest and smallest integers. A channel's sum is one serial chain of f64 additions (its
// rounding must not change), so the loop runs at the latency of an addition per frame whatever
// the channel count: about 2.5x the JavaScript loop for stereo, more for more channels.
//
// Memory (two pages): [0, 64) the running sums (f64, channel c at 8c), [64, 128) the largest and
// [128, 192) the smallest samples (i32x4 per pair, lanes 0 and 1), then a chunk of samples from
// SAMPLES_BASE, copied in by JavaScript (the kernel cannot read the block where it is).

import { I32, V128, WASM_PAGE, WasmKernel, compileModule, encodeModule, op, type WasmFunction } from '../../../util/wasm.ts';

/** Channel counts above this (four lane pairs, twelve vector registers) use the JavaScript loop. */
export const KERNEL_MAX_CHANNELS = 8;

const SUMS = 0;
const HIGHS = 64;
const LOWS = 128;
const SAMPLES_BASE = 192;
/**
 * Bytes of samples per kernel call (two pages of memory): a FLAC block of 8192 stereo frames goes
 * in with one copy and one call; the copy and the reads stay in the core's caches.
 */
const CHUNK_BYTES = 2 * WASM_PAGE - SAMPLES_BASE;

/**
 * run(frames) for `channels` channels: adds `frames` frames at SAMPLES_BASE to the sums and
 * lowers/raises the extremes, reading and writing both in memory around the loop.
 */
function runFunction(channels: number): WasmFunction {
  const pairs = Math.ceil(channels / 2);
  const frames = 0;
  const [p, stop] = [1, 2];
  const sum = (k: number) => 3 + 3 * k;
  const high = (k: number) => 4 + 3 * k;
  const low = (k: number) => 5 + 3 * k;
  const [v, f] = [3 + 3 * pairs, 4 + 3 * pairs];
  const { localGet: get, localSet: set, localTee: tee, i32Const } = op;
  const body: number[][] = [];
  for (let k = 0; k < pairs; k++) {
    body.push(i32Const(0), op.v128Load(SUMS + 16 * k), set(sum(k)));
    body.push(i32Const(0), op.v128Load(HIGHS + 16 * k), set(high(k)));
    body.push(i32Const(0), op.v128Load(LOWS + 16 * k), set(low(k)));
  }
  body.push(i32Const(SAMPLES_BASE), set(p));
  body.push(get(frames), i32Const(4 * channels), op.i32Mul, i32Const(SAMPLES_BASE), op.i32Add, set(stop));
  body.push(op.block, op.loop, get(p), get(stop), op.i32GeU, op.brIf(1));
  for (let k = 0; k < pairs; k++) {
    // The last pair of an odd count holds one channel; its zero lane adds +0 and compares with 0.
    const load = 2 * k + 1 < channels ? op.v128Load64Zero(8 * k) : op.v128Load32Zero(8 * k);
    body.push(get(p), load, tee(v), op.f64x2ConvertLowI32x4S, tee(f), get(f), op.f64x2Mul, get(sum(k)), op.f64x2Add, set(sum(k)));
    body.push(get(high(k)), get(v), op.i32x4MaxS, set(high(k)));
    body.push(get(low(k)), get(v), op.i32x4MinS, set(low(k)));
  }
  body.push(get(p), i32Const(4 * channels), op.i32Add, set(p), op.br(0), op.end, op.end);
  for (let k = 0; k < pairs; k++) {
    body.push(i32Const(0), get(sum(k)), op.v128Store(SUMS + 16 * k));
    body.push(i32Const(0), get(high(k)), op.v128Store(HIGHS + 16 * k));
    body.push(i32Const(0), get(low(k)), op.v128Store(LOWS + 16 * k));
  }
  return { name: 'run', params: [I32], locals: [I32, I32, ...new Array<number>(3 * pairs + 2).fill(V128)], body };
}

/**
 * The accumulator for one channel count, one per thread (drKernel()). It keeps no state between
 * calls: the sums and peaks live in the caller's arrays, and a call runs to its end synchronously,
 * so any number of meters of the thread share it.
 */
export class DrKernel {
  private readonly run: (frames: number) => void;
  private readonly sums: Float64Array;
  private readonly extremes: Int32Array;
  private readonly samples: Int32Array;
  /** Samples per kernel call: whole frames. */
  private readonly chunk: number;

  constructor(private readonly channels: number) {
    const kernel = new WasmKernel(compileModule(encodeModule([runFunction(channels)])), SAMPLES_BASE + CHUNK_BYTES);
    this.run = kernel.exports.run as (frames: number) => void;
    const buffer = kernel.memory.buffer;
    this.sums = new Float64Array(buffer, SUMS, channels);
    this.extremes = new Int32Array(buffer, HIGHS, (SAMPLES_BASE - HIGHS) / 4);
    this.chunk = Math.floor(CHUNK_BYTES / 4 / channels) * channels;
    this.samples = new Int32Array(buffer, SAMPLES_BASE, this.chunk);
  }

  /**
   * Adds frames [from, from + frames) of the interleaved integers `x` to `sumSq` (per channel, in
   * place) and raises `peak` to their largest magnitudes.
   */
  accumulate(x: Int32Array, from: number, frames: number, sumSq: Float64Array, peak: Float64Array): void {
    const C = this.channels;
    this.sums.set(sumSq);
    this.extremes.fill(0);
    const end = (from + frames) * C;
    for (let at = from * C; at < end; ) {
      const n = Math.min(end - at, this.chunk);
      this.samples.set(at === 0 && n === x.length ? x : x.subarray(at, at + n));
      this.run(n / C);
      at += n;
    }
    sumSq.set(this.sums);
    const e = this.extremes;
    const lows = (LOWS - HIGHS) / 4;
    for (let c = 0; c < C; c++) {
      const lane = 4 * (c >> 1) + (c & 1);
      peak[c] = Math.max(peak[c]!, e[lane]!, -e[lows + lane]!);
    }
  }
}

const kernels: (DrKernel | undefined)[] = [];

/** The thread's kernel for `channels` channels, made on first use; null above KERNEL_MAX_CHANNELS. */
export function drKernel(channels: number): DrKernel | null {
  if (channels < 1 || channels > KERNEL_MAX_CHANNELS) return null;
  return (kernels[channels] ??= new DrKernel(channels));
}
