// Writing test files for the analysis tests, and analysing files in-process with the real decoders.
import { writeFileSync } from 'node:fs';
import { floatBlock, intBlock } from '../../src/audio/block.ts';
import { floatFormat, pcmFormat } from '../../src/audio/format.ts';
import { wavDataBytes, wavHeader, wavTrailer } from '../../src/audio/wav.ts';
import { analyseSource, type AnalyserRequest, type FileAnalysis } from '../../src/analysis/run.ts';
import { openAnalysisSource } from '../../src/core/analysis-source.ts';

/** Writes interleaved integer samples (`bits` bits) or float64 samples (bits 'f64' / 'f32') as a WAV file. */
export function writeWav(file: string, rate: number, channels: number, bits: number | 'f32' | 'f64', samples: Int32Array | Float64Array): void {
  const block = typeof bits === 'number'
    ? intBlock(pcmFormat(rate, channels, bits), samples as Int32Array)
    : floatBlock(floatFormat(rate, channels, bits === 'f32' ? 32 : 64), samples as Float64Array);
  const data = wavDataBytes(block);
  writeFileSync(file, Buffer.concat([wavHeader(block.format, data.length), data, wavTrailer(data.length)]));
}

/** Analyses a file in this thread with the decoder registry (the same path the workers take). */
export async function analyseFile(file: string, requests: AnalyserRequest[]): Promise<FileAnalysis> {
  const source = await openAnalysisSource(file);
  try {
    return await analyseSource(file, source, requests);
  } finally {
    await source.close();
  }
}

/** Copies a mono signal onto `channels` channels, interleaved. */
export function toChannels<T extends Int32Array | Float64Array>(x: T, channels: number): T {
  const out = new (x.constructor as { new (n: number): T })(x.length * channels);
  for (let i = 0; i < x.length; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = x[i]!;
  return out;
}
