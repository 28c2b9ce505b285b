// Streaming rational polyphase resampler (dsp.md 4.2): interleaved float64 in, interleaved float64
// out, any channel count. Output sample m sits at input time m*M/L exactly (integer phase
// accumulator, no drift); output 0 is aligned with input 0 and the total output length of a stream
// is round(inputFrames * L / M), so nothing needs trimming and gapless joins stay sample-accurate.
//
// The dot products run in a WebAssembly SIMD kernel generated for the design's tap count
// (src/util/wasm.ts): channels go in pairs, one per f64x2 lane, so each coefficient load and each
// instruction serves both; a lone last channel has a silent partner. The history lives in the
// kernel's memory. Each lane sums taps k = j mod 4 in accumulator j, then (a0 + a1) + (a2 + a3):
// a channel's result never depends on its partner or on the block split.

import { AurisError } from '../../../util/errors.ts';
import { I32, V128, WasmKernel, compileModule, encodeModule, op } from '../../../util/wasm.ts';
import type { WasmFunction } from '../../../util/wasm.ts';
import type { PolyphaseDesign } from './design.ts';

/** Input frames taken into the history buffer per step; bounds memory whatever the block size. */
const CHUNK_FRAMES = 8192;

/** Output frames one kernel call writes at most (its output area). */
const KERNEL_OUT_FRAMES = 4096;


/**
 * Kernel `run(hist, coef, out, limit, pos, phase, filled, up, whole, rest, state)`: from output
 * `m = 0`, while m < limit and pos + taps <= filled, writes the f64x2 output m at out + 16m as
 * sum_k hist[pos + k] * coef[phase * taps + k] (hist f64x2 pairs, coef f64) over the taps listed
 * for the phase (`taps[phase]`, or `taps[0]` for every phase when one list is given: the taps
 * left out are exact zeros), then steps the phase accumulator. Stores m, pos, phase as i32 at
 * state. The j-th listed tap goes to accumulator j mod 4; the sum is (a0 + a1) + (a2 + a3).
 */
function runFunction(length: number, taps: readonly (readonly number[])[]): WasmFunction {
  const [HIST, COEF, OUT, LIMIT, POS, PHASE, FILLED, UP, WHOLE, REST, STATE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [M, HP, CP] = [11, 12, 13];
  const ACC = 14; // four v128 accumulators, then the sum
  const SUM = 18;
  const b: number[] = [];
  const emit = (...parts: number[][]) => { for (const p of parts) b.push(...p); };
  const dot = (list: readonly number[]) => {
    list.forEach((k, j) => {
      const acc = ACC + (j % 4);
      if (j >= 4) emit(op.localGet(acc));
      emit(op.localGet(HP), op.v128Load(16 * k), op.localGet(CP), op.v128Load64Splat(8 * k), op.f64x2Mul);
      if (j >= 4) emit(op.f64x2Add);
      emit(op.localSet(acc));
    });
    const used = Math.min(4, list.length);
    emit(op.localGet(ACC));
    if (used >= 2) emit(op.localGet(ACC + 1), op.f64x2Add);
    if (used === 3) emit(op.localGet(ACC + 2), op.f64x2Add);
    if (used === 4) emit(op.localGet(ACC + 2), op.localGet(ACC + 3), op.f64x2Add, op.f64x2Add);
    emit(op.localSet(SUM));
  };
  emit(op.block, op.loop);
  emit(op.localGet(M), op.localGet(LIMIT), op.i32GeU, op.brIf(1));
  emit(op.localGet(POS), op.i32Const(length), op.i32Add, op.localGet(FILLED), op.i32GtU, op.brIf(1));
  emit(op.localGet(HIST), op.localGet(POS), op.i32Const(4), op.i32Shl, op.i32Add, op.localSet(HP));
  emit(op.localGet(COEF), op.localGet(PHASE), op.i32Const(length * 8), op.i32Mul, op.i32Add, op.localSet(CP));
  if (taps.length === 2) {
    emit(op.localGet(PHASE), op.if);
    dot(taps[1]!);
    emit(op.else);
    dot(taps[0]!);
    emit(op.end);
  } else {
    dot(taps[0]!);
  }
  emit(op.localGet(OUT), op.localGet(M), op.i32Const(4), op.i32Shl, op.i32Add, op.localGet(SUM), op.v128Store(0));
  emit(op.localGet(M), op.i32Const(1), op.i32Add, op.localSet(M));
  emit(op.localGet(POS), op.localGet(WHOLE), op.i32Add, op.localSet(POS));
  emit(op.localGet(PHASE), op.localGet(REST), op.i32Add, op.localTee(PHASE), op.localGet(UP), op.i32GeU, op.if);
  emit(op.localGet(PHASE), op.localGet(UP), op.i32Sub, op.localSet(PHASE), op.localGet(POS), op.i32Const(1), op.i32Add, op.localSet(POS));
  emit(op.end, op.br(0), op.end, op.end);
  emit(op.localGet(STATE), op.localGet(M), op.i32Store(0));
  emit(op.localGet(STATE), op.localGet(POS), op.i32Store(4));
  emit(op.localGet(STATE), op.localGet(PHASE), op.i32Store(8));
  return { name: 'run', params: new Array<number>(11).fill(I32), locals: [I32, I32, I32, V128, V128, V128, V128, V128], body: b };
}

/** Compiled kernels by tap pattern (a process uses a handful of designs). */
const modules = new Map<string, object>();

/**
 * The kernel for `design`: with one or two phases (2:1, 1:2 stages, half-band filters) the taps
 * that are exactly zero in a phase are left out; larger banks use every tap.
 */
function kernelModule(design: PolyphaseDesign): object {
  const { taps, up, coefs } = design;
  const all = Array.from({ length: taps }, (_, k) => k);
  const lists = up <= 2 ? Array.from({ length: up }, (_, p) => all.filter((k) => coefs[p * taps + k] !== 0)) : [all];
  for (const l of lists) if (l.length === 0) l.push(0); // a phase of zeros still writes its (zero) output
  const key = `${taps}:${lists.map((l) => l.join(',')).join('/')}`;
  let m = modules.get(key);
  if (!m) {
    m = compileModule(encodeModule([runFunction(taps, lists)]));
    modules.set(key, m);
  }
  return m;
}

type RunFn = (hist: number, coef: number, out: number, limit: number, pos: number, phase: number, filled: number, up: number, whole: number, rest: number, state: number) => void;

export class PolyphaseResampler {
  readonly channels: number;
  readonly design: PolyphaseDesign;
  /** Per channel pair, f64x2 frames in the kernel's memory: taps-1 of past plus up to CHUNK_FRAMES new ones. */
  private readonly history: Float64Array[];
  private readonly historyAt: number[];
  private readonly kernel: WasmKernel;
  private readonly runKernel: RunFn;
  private readonly stateAt: number;
  private readonly outAt: number;
  /** The kernel's state slot (m, pos, phase) and its output pairs. */
  private readonly state: Int32Array;
  private readonly pairOut: Float64Array;
  private readonly capacity: number;
  /** Valid samples in each history buffer. */
  private filled = 0;
  /** History index of the first tap of the next output. */
  private pos = 0;
  /** Phase (0..L-1) of the next output. */
  private phase = 0;
  private framesIn = 0;
  private framesOut = 0;
  private out = new Float64Array(0);
  private readonly zeros: Float64Array;
  private readonly leadIn: number;
  private readonly leadOut: number;
  private readonly firstN0: number;
  private readonly firstPhase: number;
  private readonly zerosBefore: number;

  /**
   * `leadIn` input frames at the start of the stream lie before time 0 (times -leadIn..-1), and
   * `leadOut` outputs are produced before output 0 (times -leadOut..-1); both 0 for a stream on its
   * own. A cascade uses them so a later stage sees the earlier stage's pre-ringing as its history,
   * exactly as a single filter would.
   */
  constructor(design: PolyphaseDesign, channels: number, options: { leadIn?: number; leadOut?: number } = {}) {
    if (!Number.isInteger(channels) || channels < 1) throw new AurisError('E_INVALID_ARGUMENT', `bad channel count ${channels}`);
    this.design = design;
    this.channels = channels;
    this.leadIn = options.leadIn ?? 0;
    this.leadOut = options.leadOut ?? 0;
    // Time of the first output, -leadOut * M / L input samples = firstN0 + firstPhase / L.
    const startNum = -this.leadOut * design.down;
    this.firstN0 = Math.floor(startNum / design.up);
    this.firstPhase = startNum - this.firstN0 * design.up;
    this.zerosBefore = Math.max(0, design.taps / 2 - 1 - this.leadIn - this.firstN0);
    this.capacity = design.taps + CHUNK_FRAMES + this.zerosBefore;
    // Kernel memory: coefficients, state slot, pair histories, output pairs (fixed: views stay valid).
    const pairs = Math.ceil(channels / 2);
    this.stateAt = Math.ceil((design.coefs.length * 8) / 16) * 16;
    const historyBytes = this.capacity * 16;
    this.outAt = this.stateAt + 16 + pairs * historyBytes;
    this.kernel = new WasmKernel(kernelModule(design), this.outAt + KERNEL_OUT_FRAMES * 16);
    this.runKernel = this.kernel.exports['run'] as RunFn;
    const buffer = this.kernel.memory.buffer;
    new Float64Array(buffer, 0, design.coefs.length).set(design.coefs);
    this.state = new Int32Array(buffer, this.stateAt, 4);
    this.historyAt = Array.from({ length: pairs }, (_, i) => this.stateAt + 16 + i * historyBytes);
    this.history = this.historyAt.map((at) => new Float64Array(buffer, at, 2 * this.capacity));
    this.pairOut = new Float64Array(buffer, this.outAt, 2 * KERNEL_OUT_FRAMES);
    this.zeros = new Float64Array(Math.min(CHUNK_FRAMES, design.taps) * channels);
    this.reset();
  }

  /** Input frames of look-ahead the filter needs before an output can be produced (taps/2). */
  get lookahead(): number {
    return this.design.taps / 2;
  }

  /** Clears all state (for a seek or a new stream); the next input frame is time 0 again. */
  reset(): void {
    // History starts with zeros standing for the inputs before the first one given; the first
    // output's first tap is input firstN0 - taps/2 + 1 (input -leadIn sits at index zerosBefore).
    // Only the filled part is ever read (the rest is written first), so only it needs zeros.
    this.filled = this.zerosBefore;
    for (const h of this.history) h.fill(0, 0, 2 * this.filled);
    this.pos = this.firstN0 - this.design.taps / 2 + 1 + this.leadIn + this.zerosBefore;
    this.phase = this.firstPhase;
    this.framesIn = 0;
    this.framesOut = 0;
  }

  /**
   * Resamples `frames` interleaved frames of `input`. Returns the output frames that are complete
   * so far, interleaved; the array is a view of an internal buffer valid until the next call.
   */
  process(input: Float64Array, frames = input.length / this.channels): Float64Array {
    if (!Number.isInteger(frames) || frames < 0 || frames * this.channels > input.length) {
      throw new AurisError('E_INVALID_ARGUMENT', `process: ${frames} frames do not fit an input of ${input.length} samples`);
    }
    // Outputs possible: everything the history can hold plus the new frames, and the lead-out.
    const maxOut = Math.ceil(((frames + this.capacity) * this.design.up) / this.design.down) + 2 + this.leadOut;
    this.ensureOut(maxOut * this.channels);
    let produced = 0;
    let offset = 0;
    while (offset < frames) {
      const n = Math.min(frames - offset, this.capacity - this.filled);
      this.append(input, offset, n);
      offset += n;
      this.framesIn += n;
      produced = this.run(produced, Infinity);
      this.compact();
    }
    this.framesOut += produced;
    return this.out.subarray(0, produced * this.channels);
  }

  /**
   * Ends the stream: feeds the look-ahead of zeros and returns the last output frames, so the stream
   * totals round(inputFrames * L / M) (plus leadOut, minus leadIn), or `totalFrames` outputs from
   * time 0 when given (the last stage of a cascade uses it to hit the length of the whole
   * conversion; at most a few frames from its own). Then resets, ready for a new stream.
   */
  flush(totalFrames?: number): Float64Array {
    const real = Math.max(0, this.framesIn - this.leadIn);
    const target = this.leadOut + (totalFrames ?? Math.round((real * this.design.up) / this.design.down));
    let remaining = target - this.framesOut;
    this.ensureOut((Math.max(remaining, 0) + 2) * this.channels);
    let produced = 0;
    // Enough zeros for the look-ahead and for every output still asked for.
    let zerosLeft = this.design.taps + Math.ceil(((Math.max(remaining, 0) + 2) * this.design.down) / this.design.up);
    while (remaining > 0 && zerosLeft > 0) {
      const n = Math.min(zerosLeft, this.capacity - this.filled, this.zeros.length / this.channels);
      this.append(this.zeros, 0, n);
      zerosLeft -= n;
      const before = produced;
      produced = this.run(produced, produced + remaining);
      remaining -= produced - before;
      this.compact();
    }
    const result = this.out.subarray(0, produced * this.channels);
    this.reset();
    return result;
  }

  private ensureOut(samples: number): void {
    if (this.out.length < samples) this.out = new Float64Array(Math.max(samples, this.out.length * 2));
  }

  private append(input: Float64Array, frameOffset: number, frames: number): void {
    const ch = this.channels;
    if (ch === 2) {
      // A stereo frame is already the f64x2 pair the kernel reads: one copy.
      this.history[0]!.set(input.subarray(2 * frameOffset, 2 * (frameOffset + frames)), 2 * this.filled);
      this.filled += frames;
      return;
    }
    for (let c = 0; c < ch; c++) {
      const h = this.history[c >> 1]!;
      let j = frameOffset * ch + c;
      const end = 2 * (this.filled + frames);
      for (let i = 2 * this.filled + (c & 1); i < end; i += 2, j += ch) h[i] = input[j]!;
    }
    this.filled += frames;
  }

  /** Drops history before the next output's first tap so new input fits. */
  private compact(): void {
    const keep = this.filled - this.pos;
    if (this.pos === 0) return;
    for (const h of this.history) h.copyWithin(0, 2 * this.pos, 2 * this.filled);
    this.filled = keep;
    this.pos = 0;
  }

  /**
   * Computes outputs while the history holds all their taps (and the count is below `limit`),
   * writing interleaved from output frame `start`. Returns the new output frame count.
   */
  private run(start: number, limit: number): number {
    const { up, down } = this.design;
    const whole = Math.floor(down / up);
    const rest = down % up;
    const ch = this.channels;
    const out = this.out;
    limit = Math.min(limit, out.length / ch); // never write past the buffer (typed arrays drop it silently)
    let count = start;
    while (count < limit) {
      const n = Math.min(limit - count, KERNEL_OUT_FRAMES);
      let made = 0, pos = this.pos, phase = this.phase;
      for (let p = 0; p < this.history.length; p++) {
        this.runKernel(this.historyAt[p]!, 0, this.outAt, n, this.pos, this.phase, this.filled, up, whole, rest, this.stateAt);
        made = this.state[0]!; pos = this.state[1]!; phase = this.state[2]!;
        const pairOut = this.pairOut;
        const a = 2 * p;
        if (a + 1 < ch) {
          if (ch === 2) out.set(pairOut.subarray(0, 2 * made), 2 * count);
          else for (let i = 0, o = count * ch + a; i < made; i++, o += ch) { out[o] = pairOut[2 * i]!; out[o + 1] = pairOut[2 * i + 1]!; }
        } else {
          for (let i = 0, o = count * ch + a; i < made; i++, o += ch) out[o] = pairOut[2 * i]!;
        }
      }
      this.pos = pos;
      this.phase = phase;
      count += made;
      if (made < n) break;
    }
    return count;
  }
}
