// How the job service opens a file for analysis: `openAnalysisSource(path)` opens it with the
// decoder registry (src/analysis may not import decoders, so the layer that runs analysis jobs,
// the core, opens the files). DSD is measured through DSD->PCM at its default settings (0 dB
// gain, so the SACD 0 dB level is -6 dBFS as on every SACD player's analogue output), since the
// analysers take PCM.

import { stat } from 'node:fs/promises';
import type { AnalysisSource } from '../analysis/run.ts';
import { floatBlock, sliceBlock, type FloatBlock } from '../audio/block.ts';
import { floatFormat, framesPerSecond, isFloatKind, containerBits } from '../audio/format.ts';
import type { Decoder } from '../decoders/interface.ts';
import { damageError } from '../decoders/damage.ts';
import { openFile, type OpenedFile } from '../decoders/registry.ts';
import { DSD_TO_PCM_DEFAULTS, DsdToPcm } from '../dsp/plugins/dsd2pcm/convert.ts';
import { AurisError } from '../util/errors.ts';

/**
 * Codec label as foobar's DR log prints it: "PCM (floating-point)" for float PCM only; a lossy
 * codec that decodes to floats (MP3, AAC, Vorbis, Opus) keeps its own name.
 */
function codecLabel(codec: string, float: boolean): string {
  if (codec === 'IEEE float' || (float && codec === 'PCM')) return 'PCM (floating-point)';
  return codec;
}

/** Frames [startFrame, endFrame) of a file (endFrame null: to its end): a CUE track. */
export interface FrameRange {
  readonly startFrame: number;
  readonly endFrame: number | null;
}

/**
 * Opens `path` for the analysers (see AnalysisSource in src/analysis/run.ts); the caller closes it.
 * With `range`, the source is that range alone, sample-exact (the decoder seeks to its start and
 * the last block is cut at its end), so a CUE track measures as the cut file would. DSD ranges are
 * refused (E_UNSUPPORTED_FEATURE): the converter's filter would need the audio before the cut.
 */
export async function openAnalysisSource(path: string, range?: FrameRange): Promise<AnalysisSource> {
  const whole = await openWholeSource(path);
  if (!range || (range.startFrame === 0 && range.endFrame === null)) return whole;
  try {
    if (whole.codec === 'DSD') throw new AurisError('E_UNSUPPORTED_FEATURE', `${path}: a range of a DSD file is not analysed`, { path });
    return await rangeOf(whole, range, path);
  } catch (e) {
    await whole.close();
    throw e;
  }
}

/** `source` (a PCM file just opened, at frame 0) cut to `range`. */
async function rangeOf(source: AnalysisSource & { seek(frame: number): Promise<number> }, range: FrameRange, path: string): Promise<AnalysisSource> {
  const start = await source.seek(range.startFrame);
  if (start !== range.startFrame) throw new AurisError('E_INVALID_ARGUMENT', `${path}: the range starts at frame ${range.startFrame}, past the end (${start})`, { path, ...range });
  const end = range.endFrame ?? source.totalFrames;
  let left = end === null ? Infinity : Math.max(0, end - start);
  return {
    ...source,
    totalFrames: end === null ? null : end - start,
    // Blocks are views cut at the range's end, so the decoder is not handed them back for reuse.
    async read(maxFrames) {
      if (left <= 0) return null;
      const block = await source.read(Math.min(maxFrames, left));
      if (!block || block.kind === 'dsd') return block;
      const frames = Math.min(block.frames, left);
      left -= frames;
      return frames === block.frames ? block : sliceBlock(block, 0, frames);
    },
  };
}

async function openWholeSource(path: string): Promise<AnalysisSource & { seek(frame: number): Promise<number> }> {
  // The stream MD5 proves nothing the analysers need (frame CRCs still catch damage), and it costs
  // a fifth of a FLAC decode; `auris verify` and `auris info --verify` keep checking it.
  // Lenient: damage is decoded past as every command does it (silence for a bad FLAC frame, a
  // dropped Ogg page...), measured as decoded, and named after the last block (damage()).
  const file = await openFile(path, { integrity: 'lenient', verifyMd5: false });
  const { decoder } = file;
  const f = decoder.format;
  let bitrate = decoder.info.bitrate;
  const total = decoder.info.totalFrames;
  let decoded = 0;
  let seeked = false;
  if (bitrate === null && total) {
    const size = (await stat(path)).size;
    bitrate = Math.round((size * 8) / (total / framesPerSecond(f)));
  }
  if (f.sample === 'dsd') return dsdAsPcm(file, bitrate);
  if (bitrate === null) bitrate = f.rate * f.channels * containerBits(f.sample);
  return {
    format: f,
    codec: codecLabel(decoder.info.codec, isFloatKind(f.sample)),
    bitrate,
    totalFrames: total,
    tags: decoder.tags ?? null,
    async read(maxFrames, reuse) {
      const block = await decoder.read(maxFrames, reuse);
      if (block && block.kind !== 'dsd') decoded += block.frames;
      return block;
    },
    damage() {
      // After a seek (a CUE range) only the places the decoder met count: a range ends before the file does.
      const e = damageError(path, decoder.integrity(), decoded, seeked ? null : total);
      return e ? { code: e.code, message: e.message } : null;
    },
    async seek(frame) {
      seeked = true;
      return decoder.seek(frame);
    },
    close: () => file.close(),
  };
}

/** A DSD file as the f64 PCM of the default DSD->PCM conversion, in blocks of at most the frames asked for. */
function dsdAsPcm(file: OpenedFile, bitrate: number | null): AnalysisSource & { seek(frame: number): Promise<number> } {
  const decoder: Decoder = file.decoder;
  const dsd = decoder.format;
  const settings = DSD_TO_PCM_DEFAULTS;
  const conv = new DsdToPcm(dsd.rate, dsd.channels, settings);
  const format = floatFormat(settings.rate, dsd.channels, 64);
  const ch = dsd.channels;
  // DSD frames (bytes per channel) per PCM frame: 2 for DSD64 to 176.4 kHz.
  const ratio = framesPerSecond(dsd) / settings.rate;
  let pending = new Float64Array(0);
  let ended = false;
  const total = decoder.info.totalFrames;
  return {
    format,
    codec: 'DSD',
    bitrate,
    totalFrames: total === null ? null : Math.round(total / ratio),
    tags: decoder.tags ?? null,
    async read(maxFrames): Promise<FloatBlock | null> {
      while (pending.length < maxFrames * ch && !ended) {
        const block = await decoder.read(Math.max(1, Math.ceil(maxFrames * ratio)));
        // The converter's output is valid until its next call: keep a copy.
        const more = block?.kind === 'dsd' ? conv.process(block.bytes) : conv.flush();
        if (!block) ended = true;
        const joined = new Float64Array(pending.length + more.length);
        joined.set(pending);
        joined.set(more, pending.length);
        pending = joined;
      }
      if (pending.length === 0) return null;
      const take = Math.min(pending.length, maxFrames * ch);
      const out = pending.slice(0, take);
      pending = pending.subarray(take);
      return floatBlock(format, out);
    },
    seek: () => Promise.reject(new AurisError('E_UNSUPPORTED_FEATURE', 'a DSD file converted for analysis cannot seek')),
    close: () => file.close(),
  };
}
