// How the job service opens a file for analysis: `openAnalysisSource(path)` opens it with the
// decoder registry (src/analysis may not import decoders, so the layer that runs analysis jobs,
// the core, opens the files). DSD is measured through DSD->PCM at its default settings (0 dB
// gain, so the SACD 0 dB level is -6 dBFS as on every SACD player's analogue output), since the
// analysers take PCM.

import { stat } from 'node:fs/promises';
import type { AnalysisSource } from '../analysis/run.ts';
import { floatBlock, type FloatBlock } from '../audio/block.ts';
import { floatFormat, framesPerSecond, isFloatKind, containerBits } from '../audio/format.ts';
import type { Decoder } from '../decoders/interface.ts';
import { openFile, type OpenedFile } from '../decoders/registry.ts';
import { DSD_TO_PCM_DEFAULTS, DsdToPcm } from '../dsp/plugins/dsd2pcm/convert.ts';

/**
 * Codec label as foobar's DR log prints it: "PCM (floating-point)" for float PCM only; a lossy
 * codec that decodes to floats (MP3, AAC, Vorbis, Opus) keeps its own name.
 */
function codecLabel(codec: string, float: boolean): string {
  if (codec === 'IEEE float' || (float && codec === 'PCM')) return 'PCM (floating-point)';
  return codec;
}

/** Opens `path` for the analysers (see AnalysisSource in src/analysis/run.ts); the caller closes it. */
export async function openAnalysisSource(path: string): Promise<AnalysisSource> {
  // The stream MD5 proves nothing the analysers need (frame CRCs still catch damage), and it costs
  // a fifth of a FLAC decode; `auris verify` and `auris info --verify` keep checking it.
  const file = await openFile(path, { integrity: 'strict', verifyMd5: false });
  const { decoder } = file;
  const f = decoder.format;
  let bitrate = decoder.info.bitrate;
  const total = decoder.info.totalFrames;
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
    read: (maxFrames, reuse) => decoder.read(maxFrames, reuse),
    close: () => file.close(),
  };
}

/** A DSD file as the f64 PCM of the default DSD->PCM conversion, in blocks of at most the frames asked for. */
function dsdAsPcm(file: OpenedFile, bitrate: number | null): AnalysisSource {
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
    close: () => file.close(),
  };
}
