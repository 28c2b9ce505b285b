// The DSP chain: prepared filters opened in order on a stream's format, identity stages dropped,
// integer PCM converted to float only when some stage really works on the samples, and a final
// stage that delivers the output format (quantiser with dither for integer output, clip meter for
// float output). A chain whose every filter is identity hands integer blocks through untouched.

import type { AudioBlock, FloatBlock, IntBlock } from '../audio/block.ts';
import type { AudioFormat } from '../audio/format.ts';
import { floatFormat, formatToString, isFloatKind, isIntegerKind, pcmFormat, sameFormat } from '../audio/format.ts';
import type { StageReport } from '../protocol/signal-path.ts';
import { AurisError } from '../util/errors.ts';
import { ClipCounter, type ClipStats } from './clip.ts';
import type { OpenFilter, PreparedFilter } from './interface.ts';
import { float64Format, isIntegerPcm, stageReport } from './interface.ts';
import { openQuantiser, type Quantiser } from './dither/quantiser.ts';
import type { DitherMode } from './dither/shaping.ts';

/** What the chain must deliver. */
export interface ChainOptions {
  /**
   * Output sample format: integer `bits` or float. Default: the input's own (an integer source
   * comes back at its depth, a float source as f64).
   */
  readonly output?: { readonly kind: 'int'; readonly bits: number } | { readonly kind: 'float'; readonly bits: 32 | 64 };
  /** Dither for integer output after processing; default 'tpdf'. Never applied on a bit-perfect path. */
  readonly dither?: DitherMode;
  /** PRNG seed for the dither (reproducible output). */
  readonly seed?: number;
}

/** An open chain for one stream. Same threading and ownership rules as OpenFilter. */
export interface FilterChain {
  readonly inputFormat: AudioFormat;
  readonly outputFormat: AudioFormat;
  /** The stages that run, in order (identity filters already dropped). */
  readonly stages: readonly OpenFilter[];
  /**
   * Reports of the stages that change samples or the format, in order; empty on a bit-perfect
   * path. Read anew on each access: a stage's report may change as it runs (DSD->PCM counts clips).
   */
  readonly reports: readonly StageReport[];
  /** True when blocks pass through unchanged (no stage at all). */
  readonly bitPerfect: boolean;
  /** Total delay of the stages in output frames (approximate across rate changes). */
  readonly latencyFrames: number;
  process(block: AudioBlock): AudioBlock;
  /** End of stream: the tails of every stage pushed through the stages after it, or null. */
  flush(): AudioBlock | null;
  reset(): void;
  /** Clipped samples and peaks per channel at the output stage (zero when the path is bit-perfect). */
  clipStats(): ClipStats;
}

/**
 * Exact conversion to f64: integers x = s / 2^(bits-1), into one reused buffer (valid until the
 * next call); f32 blocks (already Float64Array values) are only relabelled.
 */
function toFloat64Stage(input: AudioFormat): OpenFilter {
  const output = float64Format(input);
  const scale = 1 / 2 ** (input.validBits - 1);
  let buffer = new Float64Array(0);
  return {
    inputFormat: input,
    outputFormat: output,
    identity: false,
    report: stageReport('filter', 'To 64-bit float', input, output, true, isIntegerKind(input.sample) ? `exact: s / 2^${input.validBits - 1}` : 'exact'),
    latencyFrames: 0,
    process(block) {
      if (!sameFormat(block.format, input)) throw refused(input, block.format);
      if (block.kind === 'float') return { ...block, format: output };
      if (block.kind !== 'int') throw refused(input, block.format);
      const s = block.samples;
      if (buffer.length !== s.length) buffer = new Float64Array(s.length);
      for (let i = 0; i < s.length; i++) buffer[i] = s[i]! * scale;
      return { kind: 'float', format: output, frames: block.frames, samples: buffer } satisfies FloatBlock;
    },
    flush: () => null,
    reset: () => undefined,
  };
}

/** True for PCM that the chain converts to f64 before a PCM filter (integers and f32). */
function needsFloat64(f: AudioFormat): boolean {
  return isIntegerPcm(f) || f.sample === 'f32';
}

/** Zero-padding an integer source to a wider integer output: bit-perfect (a packing, not a change). */
function widenStage(input: AudioFormat, bits: number): OpenFilter {
  const output = pcmFormat(input.rate, input.channels, bits);
  const shift = bits - input.validBits;
  let buffer = new Int32Array(0);
  return {
    inputFormat: input,
    outputFormat: output,
    identity: false,
    report: { ...stageReport('packing', `Zero-pad to ${bits}-bit`, input, output, true, `${input.validBits}-bit samples << ${shift}`), changesSamples: false },
    latencyFrames: 0,
    process(block) {
      if (block.kind !== 'int' || !sameFormat(block.format, input)) throw refused(input, block.format);
      const s = block.samples;
      if (buffer.length !== s.length) buffer = new Int32Array(s.length);
      for (let i = 0; i < s.length; i++) buffer[i] = s[i]! << shift;
      return { kind: 'int', format: output, frames: block.frames, samples: buffer } satisfies IntBlock;
    },
    flush: () => null,
    reset: () => undefined,
  };
}

/**
 * Float output: counts clips (|x| > 1), saturates, rounds to f32 when asked. `exact` says the
 * values reaching it are an untouched integer source that float holds exactly (a format change only).
 */
function floatOutStage(input: AudioFormat, bits: 32 | 64, clips: ClipCounter, exact = false): OpenFilter {
  const output = floatFormat(input.rate, input.channels, bits);
  const channels = input.channels;
  return {
    inputFormat: input,
    outputFormat: output,
    identity: false,
    report: exact
      ? { ...stageReport('packing', `To ${bits}-bit float`, input, output, true, 'exact'), changesSamples: false }
      : stageReport('filter', 'Clip detection', input, output, false, bits === 32 ? 'saturate at +-1, round to float32' : 'saturate at +-1'),
    latencyFrames: 0,
    process(block) {
      if (block.kind !== 'float' || !sameFormat(block.format, input)) throw refused(input, block.format);
      const x = block.samples;
      for (let i = 0; i < x.length; i++) {
        let v = x[i]!;
        if (clips.note(i % channels, v)) v = v > 0 ? 1 : -1;
        x[i] = bits === 32 ? Math.fround(v) : v;
      }
      return { kind: 'float', format: output, frames: block.frames, samples: x } satisfies FloatBlock;
    },
    flush: () => null,
    reset: () => undefined,
  };
}

function refused(expected: AudioFormat, got: AudioFormat): AurisError {
  return new AurisError('E_FORMAT_REFUSED', `stage opened on ${formatToString(expected)} got a block of ${formatToString(got)}`);
}

/** Joins blocks of one format into a new block (copies). */
export function concatBlocks(blocks: readonly AudioBlock[]): AudioBlock | null {
  const parts = blocks.filter((b) => b.frames > 0);
  if (parts.length === 0) return null;
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const total = parts.reduce((n, b) => n + b.frames, 0) * first.format.channels;
  switch (first.kind) {
    case 'int': {
      const s = new Int32Array(total);
      let o = 0;
      for (const b of parts as IntBlock[]) { s.set(b.samples, o); o += b.samples.length; }
      return { kind: 'int', format: first.format, frames: total / first.format.channels, samples: s };
    }
    case 'float': {
      const s = new Float64Array(total);
      let o = 0;
      for (const b of parts as FloatBlock[]) { s.set(b.samples, o); o += b.samples.length; }
      return { kind: 'float', format: first.format, frames: total / first.format.channels, samples: s };
    }
    case 'dsd': {
      const s = new Uint8Array(total);
      let o = 0;
      for (const b of parts) if (b.kind === 'dsd') { s.set(b.bytes, o); o += b.bytes.length; }
      return { kind: 'dsd', format: first.format, frames: total / first.format.channels, bytes: s };
    }
  }
}

function copyBlock(b: AudioBlock): AudioBlock {
  switch (b.kind) {
    case 'int': return { ...b, samples: b.samples.slice() };
    case 'float': return { ...b, samples: b.samples.slice() };
    case 'dsd': return { ...b, bytes: b.bytes.slice() };
  }
}

/**
 * Opens `filters` in order on `input`. Each PCM filter is opened on the f64 form of the current
 * format; identity filters are dropped. The integer -> float conversion is inserted before the
 * first filter that is not identity; at the end the output stage delivers `options.output`:
 * quantiser (with dither) for integer output after any processing or a depth reduction, zero
 * padding for a wider integer output of an untouched integer source, clip detection for float.
 */
export function buildChain(filters: readonly PreparedFilter[], input: AudioFormat, options: ChainOptions = {}): FilterChain {
  const stages: OpenFilter[] = [];
  const conversions = new Set<OpenFilter>(); // exact conversions to f64: not reported as stages
  const toFloat = (f: AudioFormat): OpenFilter => { const s = toFloat64Stage(f); conversions.add(s); return s; };
  let fmt = input;
  for (const prepared of filters) {
    const openOn = needsFloat64(fmt) ? float64Format(fmt) : fmt;
    const f = prepared.open(openOn);
    if (f.identity) continue;
    if (needsFloat64(fmt)) stages.push(toFloat(fmt));
    stages.push(f);
    fmt = f.outputFormat;
  }
  const processed = stages.length > 0;
  const want = options.output ?? (
    isIntegerKind(input.sample) ? { kind: 'int' as const, bits: input.validBits }
    : input.sample === 'f32' ? { kind: 'float' as const, bits: 32 as const }
    : { kind: 'float' as const, bits: 64 as const });
  let clips = new ClipCounter(input.channels, -1, 1);
  let quantiser: Quantiser | null = null;

  if (fmt.sample !== 'dsd') {
    if (isIntegerKind(fmt.sample)) {
      if (want.kind === 'int' && want.bits > fmt.validBits) {
        stages.push(widenStage(fmt, want.bits));
      } else if (want.kind === 'int' && want.bits < fmt.validBits) {
        // A depth reduction needs dither even with no other processing (section 3.4).
        stages.push(toFloat(fmt));
        quantiser = openQuantiser(float64Format(fmt), { bits: want.bits, dither: options.dither ?? 'tpdf', seed: options.seed });
        stages.push(quantiser);
      } else if (want.kind === 'float') {
        stages.push(toFloat(fmt));
        clips = new ClipCounter(fmt.channels, -1, 1);
        stages.push(floatOutStage(float64Format(fmt), want.bits, clips, !processed && (want.bits === 64 || fmt.validBits <= 24)));
      }
    } else if (isFloatKind(fmt.sample)) {
      const f64 = float64Format(fmt);
      if (want.kind === 'int') {
        if (fmt.sample === 'f32') stages.push(toFloat(fmt));
        quantiser = openQuantiser(f64, { bits: want.bits, dither: options.dither ?? 'tpdf', seed: options.seed });
        stages.push(quantiser);
      } else if (processed || want.bits !== fmt.validBits) {
        if (fmt.sample === 'f32') stages.push(toFloat(fmt));
        clips = new ClipCounter(fmt.channels, -1, 1);
        stages.push(floatOutStage(f64, want.bits, clips));
      }
    }
  }
  const outputFormat = stages.length > 0 ? stages[stages.length - 1]!.outputFormat : input;
  const reported = stages.filter((s) => !conversions.has(s));
  const q = quantiser;

  const chain: FilterChain = {
    inputFormat: input,
    outputFormat,
    stages,
    get reports() { return reported.map((s) => s.report); },
    bitPerfect: stages.length === 0,
    latencyFrames: stages.reduce((n, s) => n + s.latencyFrames, 0),
    process(block) {
      if (stages.length === 0) {
        if (!sameFormat(block.format, input)) throw refused(input, block.format);
        return block;
      }
      let b = block;
      for (const s of stages) b = s.process(b);
      return b;
    },
    flush() {
      const tails: AudioBlock[] = [];
      for (let i = 0; i < stages.length; i++) {
        let tail = stages[i]!.flush();
        for (let j = i + 1; tail && j < stages.length; j++) tail = stages[j]!.process(tail);
        if (tail && tail.frames > 0) tails.push(copyBlock(tail));
      }
      return concatBlocks(tails);
    },
    reset() {
      for (const s of stages) s.reset();
    },
    clipStats: () => (q ? q.clipStats() : clips.stats()),
  };
  return chain;
}
