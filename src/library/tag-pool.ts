// The scanner's tag readers: a few worker threads (tag-worker.ts) that read files' facts off the
// main thread, fed in batches (one message per batch, not per file: a message costs ~30 µs, a
// FLAC header read ~50 µs). They also list the scanner's folders (list()): blocking stats in a
// worker cost a tenth of the main thread's promise-based ones, and leave it free to write rows.

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { TrackFacts } from '../decoders/track-facts.ts';
import { AurisError, type ErrorCode } from '../util/errors.ts';
import type { WalkedFile, WalkProblem } from '../util/walk.ts';
import { siblingModule, startWorker } from '../util/workers.ts';

/** An embedded cover: its SHA-1 and, the first time a worker meets it, its bytes. */
export interface CoverRef {
  readonly hash: string;
  readonly mime: string;
  readonly bytes: Uint8Array | null;
}

/** One file's outcome: its facts (cover replaced by `cover`), or its error. */
export type TagResult =
  | { readonly ok: true; readonly facts: TrackFacts; readonly cover: CoverRef | null }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** A listed item as it crosses threads: a file (WalkedFile), or a problem with its error as data. */
export type ListedItem = WalkedFile | { readonly kind: 'problem'; readonly path: string; readonly code: ErrorCode; readonly message: string; readonly details: Record<string, unknown> };

export type TagRequest =
  | { readonly type: 'read'; readonly id: number; readonly paths: readonly string[] }
  | { readonly type: 'list'; readonly id: number; readonly path: string; readonly extensions: readonly string[] }
  | { readonly type: 'reset' };

type Work = Exclude<TagRequest, { type: 'reset' }>;

interface Slot {
  readonly worker: Worker;
  busy: boolean;
}

interface Job {
  readonly request: Work;
  resolve(r: unknown): void;
  reject(e: unknown): void;
}

export class TagReaderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<number, { job: Job; slot: Slot }>();
  private nextId = 1;
  private closed = false;

  /**
   * `size`: worker threads. Default: one core fewer than the machine has, at most 3, at least 1:
   * the main thread, which writes the rows, is the busier side (a FLAC header read is ~50 µs, its
   * rows ~200 µs), so a worker per core only competes with it.
   */
  constructor(readonly size = Math.max(1, Math.min(3, availableParallelism() - 1))) {}

  /** Reads the facts of `paths` on the next free worker; results in the same order. */
  read(paths: readonly string[]): Promise<TagResult[]> {
    return this.submit({ type: 'read', id: this.nextId++, paths });
  }

  /** The files under `folder` with one of `extensions` and the problems met, as walkFilesSync yields them, in order. */
  async list(folder: string, extensions: ReadonlySet<string>): Promise<(WalkedFile | WalkProblem)[]> {
    const items = await this.submit<ListedItem[]>({ type: 'list', id: this.nextId++, path: folder, extensions: [...extensions] });
    return items.map((i) => (i.kind === 'file' ? i : { kind: 'problem', path: i.path, error: new AurisError(i.code, i.message, i.details) }));
  }

  private submit<T>(request: Work): Promise<T> {
    if (this.closed) return Promise.reject(new AurisError('E_STATE', 'the tag reader pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve: resolve as (r: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Forgets which covers were sent (call at the start of each scan: the database may have lost them). */
  reset(): void {
    for (const s of this.slots) s.worker.postMessage({ type: 'reset' } satisfies TagRequest);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new AurisError('E_STATE', 'the tag reader pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
    for (const { job } of this.running.values()) job.reject(new AurisError('E_STATE', 'the tag reader pool closed'));
    this.running.clear();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.start();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.busy = true;
      slot.worker.ref();
      this.running.set(job.request.id, { job, slot });
      slot.worker.postMessage(job.request satisfies TagRequest);
    }
  }

  private start(): Slot {
    const worker = startWorker(siblingModule(import.meta.url, './tag-worker'));
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: { id: number; results: unknown }) => {
      const r = this.running.get(m.id);
      if (!r) return;
      this.running.delete(m.id);
      slot.busy = false;
      worker.unref();
      r.job.resolve(m.results);
      this.dispatch();
    });
    const crashed = (e: unknown): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      for (const [id, r] of this.running) {
        if (r.slot !== slot) continue;
        this.running.delete(id);
        r.job.reject(new AurisError('E_INTERNAL', `a tag reader thread failed: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e }));
      }
      this.dispatch();
    };
    worker.on('error', crashed);
    worker.on('exit', (code) => { if (code !== 0) crashed(new Error(`exit code ${code}`)); });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}
