// A pool of worker threads that verifies many files in parallel (one worker per core). A worker
// that dies takes only its current file down: that file is reported failed and a new worker
// takes its place, so a corrupt file never stops the batch.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { VerifyJob } from './verify-worker.ts';
import type { VerifyResult } from './verify-file.ts';

/**
 * A new verify worker: the script next to this module with this module's own extension (.ts when
 * run through tsx, .js from dist/). A .ts worker starts from a small bootstrap that registers tsx in
 * its own thread first (Node 20 does not carry `--import tsx` hooks into workers reliably, and
 * bin/auris.js registers tsx in-process, where there is no flag to carry).
 */
function newWorker(): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./verify-worker.js', import.meta.url));
  const script = new URL('./verify-worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * Verifies `paths` with up to `size` workers (default: the number of cores), calling `onResult`
 * as each file finishes (in completion order). Resolves with all results in input order.
 */
export function verifyInPool(paths: readonly string[], onResult: (r: VerifyResult, done: number) => void, size = availableParallelism()): Promise<VerifyResult[]> {
  const results: VerifyResult[] = new Array<VerifyResult>(paths.length);
  if (paths.length === 0) return Promise.resolve(results);
  let next = 0;
  let done = 0;
  return new Promise((resolve) => {
    const finish = (id: number, r: VerifyResult, worker: Worker | null) => {
      results[id] = r;
      done++;
      onResult(r, done);
      if (worker) feed(worker); // the next file, or terminate when none is left
      if (done === paths.length) resolve(results);
    };
    const feed = (worker: Worker) => {
      if (next >= paths.length) {
        void worker.terminate();
        return;
      }
      const job: VerifyJob = { id: next, path: paths[next]! };
      next++;
      current.set(worker, job);
      worker.postMessage(job);
    };
    const current = new Map<Worker, VerifyJob>();
    const start = () => {
      const worker = newWorker();
      worker.on('message', (m: { id: number; result: VerifyResult }) => {
        current.delete(worker);
        finish(m.id, m.result, worker);
      });
      const died = (why: string) => {
        const job = current.get(worker);
        current.delete(worker);
        if (!job) return;
        finish(job.id, {
          path: job.path, ok: false, codec: null, frames: 0, md5: null, crcErrors: 0, warnings: [],
          error: { code: 'E_INTERNAL', message: `${job.path}: the verify worker died (${why})` },
        }, null);
        if (next < paths.length) start();
      };
      worker.on('error', (e) => died(e.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
      feed(worker);
    };
    for (let i = 0; i < Math.min(size, paths.length); i++) start();
  });
}
