// One job of the job service (jobs.ts), run where it lands: on a worker thread (job-worker.ts) or
// on the calling thread. A job is plain data, so it crosses the thread boundary as it is.

import { analyseSource, type AnalyserRequest, type FileAnalysis } from '../analysis/run.ts';
import { analyserPlugin } from '../analysis/registry.ts';
import { openAnalysisSource, type FrameRange } from './analysis-source.ts';
import { verifyFile, type VerifyResult } from './verify-file.ts';

/** What a job does: analyse a file (or a range of it: a CUE track) with the named analysers, or verify its integrity. */
export type JobRequest =
  | { readonly kind: 'analyse'; readonly path: string; readonly requests: readonly AnalyserRequest[]; readonly range?: FrameRange }
  | { readonly kind: 'verify'; readonly path: string };

/** A job's result, by kind. */
export type JobResult<R extends JobRequest> = R extends { kind: 'analyse' } ? FileAnalysis : VerifyResult;

/** Progress of one job: frames decoded so far and the total when the file states it. */
export type ProgressListener = (frames: number, total: number | null) => void;

/**
 * Runs `job` to its end. Throws the analysis's AurisError (a verify never throws: its failures are
 * in its result). `onProgress` is called after each analysed block.
 */
export async function runJob(job: JobRequest, onProgress?: ProgressListener): Promise<FileAnalysis | VerifyResult> {
  if (job.kind === 'verify') return verifyFile(job.path);
  // The analysers' modules load while the file opens (and its decoder's modules load): on a fresh
  // worker the two graphs load together, ~4 ms sooner to the first block. A failure here is
  // analyseSource's to report.
  for (const r of job.requests) analyserPlugin(r.name).catch(() => undefined);
  const source = await openAnalysisSource(job.path, job.range);
  try {
    return await analyseSource(job.path, source, job.requests, onProgress);
  } finally {
    await source.close();
  }
}
