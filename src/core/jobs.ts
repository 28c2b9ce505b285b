// The job service: analysis (DR, loudness, authenticity...) and integrity checks (verify) on ONE
// pool of worker threads (job-worker.ts, one per core by default), so an album or a library is
// processed on every core while the main thread stays free (playback, UI, protocol). The core
// owns one (`core.jobs`); the library's "analyse the library" job runs on it at low priority; a
// command-line run makes its own, and its main thread, with nothing else to do, can take a share
// of the work (useCallingThread).
//
// Priorities: `normal` jobs (a user waiting for an album's DR) go first; `low` jobs (the library's
// background analysis) run one at a time. While the engine plays (`busy`), the whole service runs
// one job at a time, so a playing engine keeps the other cores.
//
// Workers start from the TypeScript sources under tsx (tests, checkouts) and from dist/ when
// compiled (src/util/workers.ts).

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { AnalyserRequest, FileAnalysis } from '../analysis/run.ts';
import type { FrameRange } from './analysis-source.ts';
import { AurisError, asAurisError, type ErrorCode } from '../util/errors.ts';
import { siblingModule, startWorker } from '../util/workers.ts';
import type { JobMessage } from './job-worker.ts';
import type { JobRequest, ProgressListener, runJob } from './job-run.ts';
import { failedVerify, type VerifyResult } from './verify-file.ts';

export type { ProgressListener } from './job-run.ts';

/** `normal` first; `low` (background work) one at a time. */
export type JobPriority = 'normal' | 'low';

export interface JobServiceOptions {
  /** Threads that work at once; default: available cores. */
  readonly size?: number;
  /**
   * The calling thread runs jobs too, as one of `size` (block by block, between its awaits): one
   * worker fewer to start, ~100 ms of CPU that a short command-line run otherwise spends on a
   * second isolate. Only for a thread with nothing else to do: never under playback or a server.
   */
  readonly useCallingThread?: boolean;
  /** True while the engine plays: the service then runs one job at a time. Also settable later (setBusy). */
  readonly busy?: () => boolean;
  /** A worker idle this long stops (a long-lived service holds no idle isolates); default: never. */
  readonly idleStopMs?: number;
}

/** Options of one job. */
export interface JobOptions {
  readonly priority?: JobPriority;
  /** Aborting removes the job if it has not started (it rejects with E_STATE); a started job runs to its end. */
  readonly signal?: AbortSignal;
}

/** Background jobs running at once at most. */
export const LOW_PRIORITY_AT_ONCE = 1;

interface Pending {
  readonly id: number;
  readonly job: JobRequest;
  readonly priority: JobPriority;
  readonly onProgress: ProgressListener | undefined;
  resolve(r: unknown): void;
  reject(e: unknown): void;
}

interface Slot {
  readonly worker: Worker;
  job: Pending | null;
  idleTimer: NodeJS.Timeout | null;
}

type WorkerMessage =
  | { type: 'progress'; id: number; frames: number; total: number | null }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; error: { code: ErrorCode; message: string; details: Record<string, unknown> } };

/** The worker entry point next to this module, with this module's extension (.ts under tsx, .js in dist/). */
export function workerUrl(): URL {
  return siblingModule(import.meta.url, './job-worker');
}

export class JobService {
  readonly size: number;
  /** Workers at most: `size`, less the calling thread when it takes part. */
  private readonly maxWorkers: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private busy: () => boolean;
  /** The calling thread's job under way, when it takes part. */
  private local: { job: Pending; done: Promise<void> } | null = null;
  private localRunner: Promise<typeof runJob> | null = null;
  /** Exits of the workers stopped so far. */
  private readonly exits: Promise<number>[] = [];
  /** Set by finish(): resolves once the last worker has stopped. */
  private finished: { readonly promise: Promise<void>; resolve(): void } | null = null;

  constructor(private readonly options: JobServiceOptions = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.maxWorkers = this.size - (options.useCallingThread ? 1 : 0);
    this.busy = options.busy ?? (() => false);
  }

  /** Says when the engine plays (the core sets this once it exists). */
  setBusy(busy: () => boolean): void {
    this.busy = busy;
  }

  /**
   * Analyses one file on the next free worker; with `options.range`, only those frames (a CUE
   * track). Rejects with the analysis's AurisError. A damaged file rejects with its damage too,
   * unless `options.damaged` is 'measure': then the results measure what decoded and
   * `FileAnalysis.damaged` says what did not (the command line's rule: print both, exit 1).
   */
  async analyse(
    path: string, requests: readonly AnalyserRequest[], onProgress?: ProgressListener,
    options: JobOptions & { readonly range?: FrameRange; readonly damaged?: 'fail' | 'measure' } = {},
  ): Promise<FileAnalysis> {
    const a = await this.run<FileAnalysis>({ kind: 'analyse', path, requests, ...(options.range ? { range: options.range } : {}) }, onProgress, options);
    if (a.damaged && options.damaged !== 'measure') throw new AurisError(a.damaged.code as ErrorCode, a.damaged.message, { path });
    return a;
  }

  /**
   * Verifies one file's integrity (decodes it completely in strict mode). Never rejects for the
   * file's sake: a failure, a worker that died on it included, is in the result; a closed service
   * or a cancelled job rejects with E_STATE.
   */
  async verify(path: string, options: JobOptions = {}): Promise<VerifyResult> {
    try {
      return await this.run<VerifyResult>({ kind: 'verify', path }, undefined, options);
    } catch (e) {
      const err = asAurisError(e);
      if (err.code === 'E_STATE') throw err;
      return failedVerify(path, err);
    }
  }

  /** Jobs waiting and running. */
  get pending(): number {
    return this.queue.length + this.running().length;
  }

  /** Workers started so far (up to `size`, or one fewer with the calling thread). */
  get started(): number {
    return this.slots.length;
  }

  /**
   * Starts the workers for `jobs` jobs at once (default: as many as the service runs at once) now
   * rather than with the first jobs, so that their start-up (a fresh isolate, the decoders)
   * overlaps what the caller does meanwhile; with the calling thread taking part, it takes one of
   * the jobs and its decoders start loading too. Jobs start the other workers when more run at
   * once. Idle workers keep no process alive.
   */
  warm(jobs = this.size): void {
    if (this.closed) return;
    const workers = Math.min(this.maxWorkers, jobs - (this.options.useCallingThread ? 1 : 0));
    while (this.slots.length < workers) this.startSlot().worker.unref();
    if (this.options.useCallingThread) void this.runner().catch(() => {}); // a failure shows with the first job
  }

  /**
   * Takes no more jobs (they reject with E_STATE) and completes the ones given, stopping each
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
    for (const p of this.queue.splice(0)) p.reject(new AurisError('E_STATE', 'the job service was closed'));
    await this.local?.done;
    for (const s of [...this.slots]) {
      s.job?.reject(new AurisError('E_STATE', 'the job service was closed'));
      s.job = null;
      this.stop(s);
    }
    await Promise.all(this.exits);
    this.finished?.resolve();
  }

  private run<T>(job: JobRequest, onProgress: ProgressListener | undefined, options: JobOptions): Promise<T> {
    if (this.closed) return Promise.reject(new AurisError('E_STATE', 'the job service is closed'));
    const { signal, priority = 'normal' } = options;
    if (signal?.aborted) return Promise.reject(cancelled(job));
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, job, priority, onProgress, resolve: resolve as (r: unknown) => void, reject };
      this.queue.push(pending);
      signal?.addEventListener('abort', () => {
        const i = this.queue.indexOf(pending);
        if (i < 0) return; // started (or done): it runs to its end
        this.queue.splice(i, 1);
        reject(cancelled(job));
      }, { once: true });
      this.dispatch();
    });
  }

  /** The jobs running now. */
  private running(): Pending[] {
    const jobs = this.slots.flatMap((s) => (s.job ? [s.job] : []));
    if (this.local) jobs.push(this.local.job);
    return jobs;
  }

  /** Index in the queue of the job to start next, or -1 when none may start now (priorities, `busy`). */
  private nextIndex(): number {
    if (this.queue.length === 0) return -1;
    const running = this.running();
    if (running.length >= (this.busy() ? 1 : this.size)) return -1;
    const normal = this.queue.findIndex((p) => p.priority === 'normal');
    if (normal >= 0) return normal;
    return running.filter((p) => p.priority === 'low').length < LOW_PRIORITY_AT_ONCE ? 0 : -1;
  }

  private startSlot(): Slot {
    const worker = startWorker(workerUrl());
    const slot: Slot = { worker, job: null, idleTimer: null };
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onCrash(slot, e));
    worker.on('exit', (code) => { if (code !== 0 && this.slots.includes(slot)) this.onCrash(slot, new Error(`worker exited with code ${code}`)); });
    this.slots.push(slot);
    return slot;
  }

  /** Terminates a slot's worker; a worker out of `slots` is one the service stopped, not a crash. */
  private stop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    this.exits.push(slot.worker.terminate());
  }

  /** runJob, loaded on first use (the decoders load on this thread only if it runs jobs). */
  private runner(): Promise<typeof runJob> {
    this.localRunner ??= import('./job-run.ts').then((m) => m.runJob);
    return this.localRunner;
  }

  /** Runs `job` on the calling thread, as a worker would (job-worker.ts), then takes the next. */
  private runLocally(job: Pending): void {
    const done = (async () => {
      try {
        job.resolve(await (await this.runner())(job.job, job.onProgress));
      } catch (e) {
        job.reject(asAurisError(e));
      }
    })().finally(() => {
      this.local = null;
      if (!this.closed || this.finished) this.dispatch(); // a finishing service still runs its queue
    });
    this.local = { job, done };
  }

  private dispatch(): void {
    for (;;) {
      const i = this.nextIndex();
      if (i < 0) break;
      if (this.options.useCallingThread && this.local === null) {
        this.runLocally(this.queue.splice(i, 1)[0]!);
        continue;
      }
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.maxWorkers) slot = this.startSlot();
      if (!slot) break;
      const job = this.queue.splice(i, 1)[0]!;
      slot.job = job;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.worker.postMessage({ id: job.id, job: job.job } satisfies JobMessage);
    }
    const finished = this.finished;
    if (finished && this.queue.length === 0) {
      for (const s of this.slots.filter((x) => x.job === null)) this.stop(s);
      if (this.slots.length === 0 && this.local === null) void Promise.all(this.exits).then(() => finished.resolve());
    }
    // Idle workers keep the process alive only while there is work; a long-lived service stops them after a while.
    for (const s of this.slots) {
      if (s.job !== null) {
        s.worker.ref();
        continue;
      }
      s.worker.unref();
      if (this.options.idleStopMs !== undefined && s.idleTimer === null) {
        s.idleTimer = setTimeout(() => { if (s.job === null) this.stop(s); }, this.options.idleStopMs);
        s.idleTimer.unref();
      }
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
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.job?.reject(new AurisError('E_INTERNAL', `a job worker failed on ${slot.job.job.path}: ${e.message}`, { path: slot.job.job.path }));
    slot.job = null;
    this.dispatch();
  }
}

function cancelled(job: JobRequest): AurisError {
  return new AurisError('E_STATE', `the ${job.kind} job for ${job.path} was cancelled`, { path: job.path, cancelled: true });
}
