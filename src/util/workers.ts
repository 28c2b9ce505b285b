// Starting worker threads from TypeScript sources (tests, `node --import tsx`) and from compiled
// dist/ alike. Node 20 does not run `--import` loaders inside workers, so a worker whose module is
// a .ts file starts from a tiny bootstrap that registers tsx in that thread first.

import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The module `name` (without extension) next to the calling module: `.ts` in sources, `.js` in dist/. */
export function siblingModule(callerUrl: string, name: string): URL {
  const ext = callerUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${name}${ext}`, callerUrl);
}

/** Starts a worker running `moduleUrl` (an ES module); `workerData` and the message port work as usual. */
export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  // tsx is resolved from here, not from the worker's (an eval'd module's) current folder: a
  // worker started while the process's cwd is outside the checkout must still find it.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `
    import(${JSON.stringify(tsxApi)})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); })
      .catch((e) => { setImmediate(() => { throw e; }); });
  `;
  return new Worker(bootstrap, { ...options, eval: true });
}
