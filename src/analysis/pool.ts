// A pool of analysis workers (worker_threads, one per core by default), so an album or a library is
// analysed on every core while the main thread stays free (playback, UI, protocol). A command-line
// run, whose main thread has nothing else to do, can have it analyse too (useCallingThread).
//
// Workers start from the TypeScript sources under tsx (tests, checkouts) and from dist/ when
// compiled: the worker file is resolved next to this module with this module's own extension.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { analyseSource, type AnalyserRequest, type FileAnalysis, type OpenAnalysisSource } from './run.ts';
import { AurisError, asAurisError, type ErrorCode } from '../util/errors.ts';

export interface PoolOptions {
  /** URL (href) of a module exporting `openAnalysisSource(path)`; see run.ts. */
  readonly sourceModule: string;
  /** Threads that analyse at once; default: available cores. */
  readonly size?: number;
  /**
   * The calling thread analyses too, as one of `size` (block by block, between its awaits): one
   * worker fewer to start, ~100 ms of CPU that a short command-line run otherwise spends on a
   * second isolate. Only for a thread with nothing else to do: never under playback or a server.
   */
  readonly useCallingThread?: boolean;
}

/** Progress of one job: frames decoded so far and the total when the file states it. */
export type ProgressListener = (frames: number, total: number | null) => void;

interface Pending {
  readonly id: number;
  readonly path: string;
  readonly requests: readonly AnalyserRequest[];
  readonly onProgress: ProgressListener | undefined;
  resolve(r: FileAnalysis): void;
  reject(e: unknown): void;
}

interface Slot {
  worker: Worker;
  job: Pending | null;
}

type WorkerMessage =
  | { type: 'progress'; id: number; frames: number; total: number | null }
  | { type: 'done'; id: number; result: FileAnalysis }
  | { type: 'error'; id: number; error: { code: ErrorCode; message: string; details: Record<string, unknown> } };

/** The worker entry point next to this module, with this module's extension (.ts under tsx, .js in dist/). */
export function workerUrl(): URL {
  const ext = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker${ext}`, import.meta.url);
}

export class AnalysisPool {
  readonly size: number;
  /** Workers at most: `size`, less the calling thread when it takes part. */
  private readonly maxWorkers: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** The calling thread's job under way, when it takes part. */
  private local: Promise<void> | null = null;
  private openLocally: Promise<OpenAnalysisSource> | null = null;
  /** Exits of the workers stopped so far. */
  private readonly exits: Promise<number>[] = [];
  /** Set by finish(): resolves once the last worker has stopped. */
  private finished: { readonly promise: Promise<void>; resolve(): void } | null = null;

  constructor(private readonly options: PoolOptions) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.maxWorkers = this.size - (options.useCallingThread ? 1 : 0);
  }

  /** Analyses one file on the next free worker. Rejects with the worker's AurisError. */
  analyse(path: string, requests: readonly AnalyserRequest[], onProgress?: ProgressListener): Promise<FileAnalysis> {
    if (this.closed) return Promise.reject(new AurisError('E_STATE', 'the analysis pool is closed'));
    return new Promise<FileAnalysis>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, path, requests, onProgress, resolve, reject });
      this.dispatch();
    });
  }

  /** Workers started so far (up to `size`, or one fewer with the calling thread). */
  get started(): number {
    return this.slots.length;
  }

  /**
   * Starts the workers for `jobs` jobs at once (default: as many as the pool runs at once) now
   * rather than with the first jobs, so that their start-up (a fresh isolate, the decoders)
   * overlaps what the caller does meanwhile; with the calling thread taking part, it takes one of
   * the jobs and its decoders start loading too. Jobs start the other workers when more run at
   * once. Idle workers keep no process alive.
   */
  warm(jobs = this.size): void {
    if (this.closed) return;
    const workers = Math.min(this.maxWorkers, jobs - (this.options.useCallingThread ? 1 : 0));
    while (this.slots.length < workers) this.startWorker().worker.unref();
    if (this.options.useCallingThread) void this.localOpener().catch(() => {}); // a failure shows with the first job
  }

  /**
   * Takes no more jobs (analyse rejects with E_STATE) and completes the ones given, stopping each
   * worker as soon as none is left for it: its exit (a torn-down isolate, 10-25 ms after an album)
   * overlaps the others' last jobs instead of following them. Resolves once every worker has ended
   * and the calling thread's job is done.
   */
  finish(): Promise<void> {
    if (!this.finished) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => { resolve = r; });
      this.finished = { promise, resolve };
      this.closed = true;
      this.dispatch();
    }
    return this.finished.promise;
  }

  /** Stops every worker (and waits for the calling thread's job); pending jobs are rejected with E_STATE. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new AurisError('E_STATE', 'the analysis pool was closed'));
    await this.local;
    for (const s of [...this.slots]) {
      s.job?.reject(new AurisError('E_STATE', 'the analysis pool was closed'));
      s.job = null;
      this.stop(s);
    }
    await Promise.all(this.exits);
    this.finished?.resolve();
  }

  /** Terminates a slot's worker; a worker out of `slots` is one the pool stopped, not a crash. */
  private stop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.exits.push(slot.worker.terminate());
  }

  private startWorker(): Slot {
    const url = workerUrl();
    const workerData = { sourceModule: this.options.sourceModule };
    // A .ts worker registers tsx itself before importing the worker module: loader flags
    // (--import tsx) given to the parent do not reach a worker's entry module on Node 20.
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData })
      : new Worker(url, { workerData });
    const slot: Slot = { worker, job: null };
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onCrash(slot, e));
    worker.on('exit', (code) => { if (code !== 0 && this.slots.includes(slot)) this.onCrash(slot, new Error(`worker exited with code ${code}`)); });
    this.slots.push(slot);
    return slot;
  }

  private localOpener(): Promise<OpenAnalysisSource> {
    this.openLocally ??= import(this.options.sourceModule).then((m: { openAnalysisSource: OpenAnalysisSource }) => m.openAnalysisSource);
    return this.openLocally;
  }

  /** Runs `job` on the calling thread, as a worker would (worker.ts), then takes the next. */
  private runLocally(job: Pending): void {
    this.local = (async () => {
      try {
        const source = await (await this.localOpener())(job.path);
        try {
          job.resolve(await analyseSource(job.path, source, job.requests, job.onProgress));
        } finally {
          await source.close();
        }
      } catch (e) {
        job.reject(asAurisError(e));
      }
    })().finally(() => {
      this.local = null;
      if (!this.closed || this.finished) this.dispatch(); // a finishing pool still runs its queue
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      if (this.options.useCallingThread && this.local === null) {
        this.runLocally(this.queue.shift()!);
        continue;
      }
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.maxWorkers) slot = this.startWorker();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, path: job.path, requests: job.requests });
    }
    const finished = this.finished;
    if (finished && this.queue.length === 0) {
      for (const s of this.slots.filter((x) => x.job === null)) this.stop(s);
      if (this.slots.length === 0 && this.local === null) void Promise.all(this.exits).then(() => finished.resolve());
    }
    // Idle workers keep the process alive only while there is work.
    for (const s of this.slots) {
      if (s.job === null) s.worker.unref();
      else s.worker.ref();
    }
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    if (m.type === 'progress') {
      job.onProgress?.(m.frames, m.total);
      return;
    }
    slot.job = null;
    if (m.type === 'done') job.resolve(m.result);
    else job.reject(new AurisError(m.error.code, m.error.message, m.error.details));
    this.dispatch();
  }

  private onCrash(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.job?.reject(new AurisError('E_INTERNAL', `analysis worker failed on ${slot.job.path}: ${e.message}`, { path: slot.job.path }));
    slot.job = null;
    this.dispatch();
  }
}
