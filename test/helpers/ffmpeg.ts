// Many ffmpeg conversions in one process: ffmpeg takes a second or so to start on a small CI
// machine, so tests batch their encodes and decodes instead of spawning it per file.

import { run } from './tools.ts';

/** One conversion: the options before its `-i input`, and the options before its output file. */
export interface FfmpegJob {
  readonly input: string;
  readonly inputArgs?: readonly string[];
  readonly output: string;
  readonly outputArgs: readonly string[];
}

/** Runs every job in one ffmpeg process (input k mapped to output k); throws when ffmpeg fails. */
export function ffmpegBatch(jobs: readonly FfmpegJob[]): void {
  if (jobs.length === 0) return;
  const args = ['-v', 'error', '-y'];
  for (const j of jobs) args.push(...(j.inputArgs ?? []), '-i', j.input);
  jobs.forEach((j, k) => args.push('-map', `${k}:a`, ...j.outputArgs, j.output));
  run('ffmpeg', args);
}

/** Decodes files with ffmpeg to raw interleaved samples: `s32le` (left-justified integers) or `f64le`. */
export function ffmpegDecodeRaw(files: readonly { file: string; raw: 's32le' | 'f64le' }[]): void {
  ffmpegBatch(files.map(({ file, raw }) => ({ input: file, output: `${file}.${raw}`, outputArgs: ['-c:a', `pcm_${raw}`, '-f', raw] })));
}
