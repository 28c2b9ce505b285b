// Analysis worker (worker_threads). Imports the source module named in workerData once, then runs
// one job at a time: { id, path, requests } in; { type: 'progress' | 'done' | 'error', id, ... } out.

import { parentPort, workerData } from 'node:worker_threads';
import { analyseSource, type AnalyserRequest, type OpenAnalysisSource } from './run.ts';
import { analyserPlugin } from './registry.ts';
import { asAurisError } from '../util/errors.ts';

interface Job {
  readonly id: number;
  readonly path: string;
  readonly requests: readonly AnalyserRequest[];
}

const PROGRESS_INTERVAL_MS = 200;
const port = parentPort;
if (port) {
  const { sourceModule } = workerData as { sourceModule: string };
  const mod = (await import(sourceModule)) as { openAnalysisSource: OpenAnalysisSource };
  port.on('message', (job: Job) => {
    void (async () => {
      let last = 0;
      try {
        // The analysers' modules load while the file opens (and its decoder's modules load): on a
        // fresh worker the two graphs load together, ~4 ms sooner to the first block. A failure
        // here is analyseSource's to report.
        for (const r of job.requests) analyserPlugin(r.name).catch(() => undefined);
        const source = await mod.openAnalysisSource(job.path);
        try {
          const result = await analyseSource(job.path, source, job.requests, (frames, total) => {
            const now = Date.now();
            if (now - last >= PROGRESS_INTERVAL_MS) {
              last = now;
              port.postMessage({ type: 'progress', id: job.id, frames, total });
            }
          });
          port.postMessage({ type: 'done', id: job.id, result });
        } finally {
          await source.close();
        }
      } catch (e) {
        const err = asAurisError(e);
        port.postMessage({ type: 'error', id: job.id, error: { code: err.code, message: err.message, details: err.details } });
      }
    })();
  });
}
