// A worker thread of the job service (jobs.ts). Runs one job at a time:
// { id, job: JobRequest } in; { type: 'progress' | 'done' | 'error', id, ... } out.

import { parentPort } from 'node:worker_threads';
import { runJob, type JobRequest } from './job-run.ts';
import { asAurisError } from '../util/errors.ts';

/** Message from the service: run this job. */
export interface JobMessage {
  readonly id: number;
  readonly job: JobRequest;
}

const PROGRESS_INTERVAL_MS = 200;
const port = parentPort;
if (port) {
  port.on('message', (m: JobMessage) => {
    void (async () => {
      let last = 0;
      try {
        const result = await runJob(m.job, (frames, total) => {
          const now = Date.now();
          if (now - last >= PROGRESS_INTERVAL_MS) {
            last = now;
            port.postMessage({ type: 'progress', id: m.id, frames, total });
          }
        });
        port.postMessage({ type: 'done', id: m.id, result });
      } catch (e) {
        const err = asAurisError(e);
        port.postMessage({ type: 'error', id: m.id, error: { code: err.code, message: err.message, details: err.details } });
      }
    })();
  });
}
