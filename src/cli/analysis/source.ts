// The analysis workers' way into files: `openAnalysisSource(path)` opens a file with the decoder
// registry (src/analysis may not import decoders; the pool imports this module by URL).

import { stat } from 'node:fs/promises';
import type { AnalysisSource } from '../../analysis/run.ts';
import { openFile } from '../../decoders/registry.ts';
import { containerBits, isFloatKind } from '../../audio/format.ts';

/** Codec label as foobar's DR log prints it. */
function codecLabel(codec: string, float: boolean): string {
  if (float) return 'PCM (floating-point)';
  return codec === 'IEEE float' ? 'PCM (floating-point)' : codec;
}

export async function openAnalysisSource(path: string): Promise<AnalysisSource> {
  // The stream MD5 proves nothing the analysers need (frame CRCs still catch damage), and it costs
  // a fifth of a FLAC decode; `auris verify` and `auris info --verify` keep checking it.
  const file = await openFile(path, { integrity: 'strict', verifyMd5: false });
  const { decoder } = file;
  const f = decoder.format;
  let bitrate = decoder.info.bitrate;
  const total = decoder.info.totalFrames;
  if (bitrate === null && total && f.sample !== 'dsd') {
    const size = (await stat(path)).size;
    bitrate = Math.round((size * 8) / (total / f.rate));
  }
  if (bitrate === null && f.sample !== 'dsd') bitrate = f.rate * f.channels * containerBits(f.sample);
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
