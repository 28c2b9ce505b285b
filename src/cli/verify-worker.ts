// Worker thread of `auris verify`: receives file paths, answers with a VerifyResult for each.
// Started from src/cli/verify-pool.ts as .ts (tests, through tsx) or .js (compiled dist/).

import { parentPort } from 'node:worker_threads';
import { verifyFile } from './verify-file.ts';

/** Message from the pool: verify this file. */
export interface VerifyJob {
  readonly id: number;
  readonly path: string;
}

const port = parentPort;
if (port) {
  port.on('message', (job: VerifyJob) => {
    void verifyFile(job.path).then((result) => port.postMessage({ id: job.id, result }));
  });
}
