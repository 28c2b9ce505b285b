// A pool of analysis workers (worker_threads, one per core by default), so an album or a library is
// analysed on every core while the main thread stays free (playback, UI, protocol).
//
// Workers start from the TypeScript sources under tsx (tests, checkouts) and from dist/ when
// compiled: the worker file is resolved next to this module with this module's own extension.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalyserRequest, FileAnalysis } from './run.ts';
import { AurisError, type ErrorCode } from '../util/errors.ts';

export interface PoolOptions {
  /** URL (href) of a module exporting `openAnalysisSource(path)`; see run.ts. */
  readonly sourceModule: string;
  /** Workers to start; default: available cores. */
  readonly size?: number;
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
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.size = Math.max(1, options.size ?? availableParallelism());
  }

  /** Analyses one file on the next free worker. Rejects with the worker's AurisError. */
  analyse(path: string, requests: readonly AnalyserRequest[], onProgress?: ProgressListener): Promise<FileAnalysis> {
    if (this.closed) return Promise.reject(new AurisError('E_STATE', 'the analysis pool is closed'));
    return new Promise<FileAnalysis>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, path, requests, onProgress, resolve, reject });
      this.dispatch();
    });
  }

  /** Workers started so far (up to `size`). */
  get started(): number {
    return this.slots.length;
  }

  /**
   * Starts every worker now rather than with the first jobs, so that their start-up (a fresh
   * isolate, the decoders) overlaps what the caller does meanwhile. Idle workers keep no process alive.
   */
  warm(): void {
    if (this.closed) return;
    while (this.slots.length < this.size) this.startWorker().worker.unref();
  }

  /** Stops every worker; pending jobs are rejected with E_STATE. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new AurisError('E_STATE', 'the analysis pool was closed'));
    await Promise.all(this.slots.map(async (s) => {
      s.job?.reject(new AurisError('E_STATE', 'the analysis pool was closed'));
      s.job = null;
      await s.worker.terminate();
    }));
    this.slots.length = 0;
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
    worker.on('exit', (code) => { if (!this.closed && code !== 0) this.onCrash(slot, new Error(`worker exited with code ${code}`)); });
    this.slots.push(slot);
    return slot;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.startWorker();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, path: job.path, requests: job.requests });
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
