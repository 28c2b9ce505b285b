// Running analysers over a whole stream: the loop the core's job service runs (on its workers or
// the calling thread) and in-process callers use.
//
// Analysis does not open files itself (decoders are a sibling layer): a caller from a higher layer
// hands it an AnalysisSource (the core's is src/core/analysis-source.ts).

import type { FloatBlock, IntBlock } from '../audio/block.ts';
import type { AudioFormat } from '../audio/format.ts';
import { sameFormat } from '../audio/format.ts';
import { analysisChunk, type Analyser } from './interface.ts';
import { analyserPlugin } from './registry.ts';
import type { BasicTags } from '../protocol/tags.ts';
import { AurisError } from '../util/errors.ts';

/** What analysis needs from an opened file: its format, facts for reports, and its blocks in order. */
export interface AnalysisSource {
  readonly format: AudioFormat;
  /** Codec label for logs ("FLAC", "PCM", "PCM (floating-point)"...). */
  readonly codec: string;
  /** Average bitrate in bits per second, or null. */
  readonly bitrate: number | null;
  readonly totalFrames: number | null;
  /** The track's tags when the decoder had them at hand (FLAC), else null. */
  readonly tags: BasicTags | null;
  /**
   * Next block of at most `maxFrames` frames, or null at the end. DSD blocks are refused by the
   * analysers. `reuse` is the previous block, which the source may overwrite (Decoder.read).
   */
  read(maxFrames: number, reuse?: IntBlock | FloatBlock): Promise<IntBlock | FloatBlock | { kind: 'dsd' } | null>;
  /**
   * After the last block: what the decoder found damaged, as one error naming each place (the
   * rule every command follows: what could be decoded was measured, the damage is said), or null.
   */
  damage?(): { readonly code: string; readonly message: string } | null;
  close(): Promise<void>;
}

/** One analysis to run: the registry name and its options. */
export interface AnalyserRequest {
  readonly name: string;
  readonly options?: Record<string, unknown>;
}

/** Everything measured on one file. `results[name]` is the plugin's result. */
export interface FileAnalysis {
  readonly path: string;
  readonly format: AudioFormat;
  readonly codec: string;
  readonly bitrate: number | null;
  readonly frames: number;
  /** The source's tags, or null when the caller has to read them (AnalysisSource.tags). */
  readonly tags: BasicTags | null;
  readonly results: Readonly<Record<string, unknown>>;
  /** The file is damaged: the results measure what could be decoded, this says what was not. */
  readonly damaged?: { readonly code: string; readonly message: string } | null;
}

export const READ_FRAMES = 65536;

/**
 * Streams `source` through the requested analysers and returns their results. `onProgress` gets
 * the frames read so far (and the total when known) after each block. Closes nothing: the caller
 * owns the source.
 */
export async function analyseSource(
  path: string,
  source: AnalysisSource,
  requests: readonly AnalyserRequest[],
  onProgress?: (frames: number, total: number | null) => void,
): Promise<FileAnalysis> {
  const plugins = await Promise.all(requests.map((r) => analyserPlugin(r.name)));
  const analysers: Analyser<unknown>[] = requests.map((r, i) => plugins[i]!.create(source.format, r.options as never));
  let frames = 0;
  // Blocks are consumed before the next read, so one sample array and one float array serve the
  // whole stream: fresh megabyte arrays per block cost more in page faults than the analysis.
  let previous: IntBlock | FloatBlock | undefined;
  let scratch = new Float64Array(0);
  for (;;) {
    const block = await source.read(READ_FRAMES, previous);
    if (!block) break;
    if (block.kind === 'dsd') throw new AurisError('E_UNSUPPORTED_FEATURE', `${path}: DSD is not analysed; convert it to PCM first`, { path });
    if (!sameFormat(block.format, source.format)) {
      throw new AurisError('E_UNSUPPORTED_FEATURE', `${path}: the format changes mid-stream; analysis needs one format per file`, { path });
    }
    if (block.kind === 'int' && scratch.length < block.samples.length) scratch = new Float64Array(block.samples.length);
    const chunk = analysisChunk(block, scratch);
    for (let i = 0; i < analysers.length; i++) analysers[i]!.push(chunk);
    previous = block;
    frames += block.frames;
    onProgress?.(frames, source.totalFrames);
  }
  const results: Record<string, unknown> = {};
  requests.forEach((r, i) => (results[r.name] = analysers[i]!.finish()));
  const damaged = source.damage?.() ?? null;
  return { path, format: source.format, codec: source.codec, bitrate: source.bitrate, frames, tags: source.tags, results, damaged };
}
