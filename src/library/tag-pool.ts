// The scanner's tag readers: a few worker threads (tag-worker.ts) that read files' facts off the
// main thread, fed in batches (one message per batch, not per file: a message costs ~30 µs, a
// FLAC header read ~50 µs). They also list the scanner's folders (list()): blocking stats in a
// worker cost a tenth of the main thread's promise-based ones, and leave it free to write rows.

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { TrackFacts } from '../decoders/track-facts.ts';
import type { ReplayGain } from '../decoders/tags.ts';
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

// What crosses the thread boundary: plain arrays, not objects. Structured clone rebuilds an object
// with many keys property by property (~6 µs for a file's facts on the receiving thread); an array of
// the same values clones ~8x faster, and rebuilding the object from it in JS costs little.

/** A file's facts as an array, in the order of toWire's literal (the cover travels apart, as a CoverRef). */
type FactsTuple = unknown[];

/** One file's outcome on the wire: [1, facts, cover] or [0, code, message]. */
export type WireResult = readonly [1, FactsTuple, CoverRef | null] | readonly [0, ErrorCode, string];

/** A listed item on the wire: [path, size, mtimeMs, dev, ino] for a file, or a problem with its error as data. */
export type WireListed = readonly [string, number, number, number, number] | { readonly path: string; readonly code: ErrorCode; readonly message: string; readonly details: Record<string, unknown> };

/** TagResult to its wire form (in the worker). fromWire reads the same order; a test round-trips real files. */
export function toWire(r: TagResult): WireResult {
  if (!r.ok) return [0, r.code, r.message];
  const f = r.facts;
  const t = f.tags;
  return [1, [
    f.codec, f.container, f.lossless, f.rate, f.bits, f.channels, f.totalFrames, f.duration, f.bitrate, f.md5, f.cuesheet,
    t.title, t.artist, t.albumArtist, t.album, t.trackNumber, t.trackText, t.trackTotal, t.discNumber, t.discTotal, t.date, t.genre, t.composer,
    t.compilation, t.mbTrackId, t.mbAlbumId, t.mbArtistId, t.mbAlbumArtistId, t.replayGain,
  ], r.cover];
}

/** The TagResult of a wire form: object literals (built by dynamic keys, V8 made them dictionaries at ~8 µs a file). */
function fromWire(w: WireResult): TagResult {
  if (w[0] === 0) return { ok: false, code: w[1], message: w[2] };
  const v = w[1];
  let i = 0;
  const n = (): number | null => v[i++] as number | null;
  const sn = (): string | null => v[i++] as string | null;
  // In toWire's order (object literals, nested ones included, evaluate left to right).
  const facts: TrackFacts = {
    codec: v[i++] as string, container: v[i++] as string, lossless: v[i++] as boolean, rate: n(), bits: n(), channels: n(), totalFrames: n(),
    duration: n(), bitrate: n(), md5: sn(), cuesheet: sn(),
    tags: {
      title: sn(), artist: sn(), albumArtist: sn(), album: sn(), trackNumber: n(), trackText: sn(), trackTotal: n(), discNumber: n(), discTotal: n(), date: sn(),
      genre: sn(), composer: sn(), compilation: v[i++] as boolean, mbTrackId: sn(), mbAlbumId: sn(), mbArtistId: sn(), mbAlbumArtistId: sn(),
      replayGain: v[i++] as ReplayGain | null,
    },
    cover: null,
  };
  return { ok: true, facts, cover: w[2] };
}

/** A walk item to its wire form (in the worker). */
export function listedToWire(item: WalkedFile | WalkProblem): WireListed {
  return item.kind === 'file'
    ? [item.path, item.size, item.mtimeMs, item.dev, item.ino]
    : { path: item.path, code: item.error.code, message: item.error.message, details: { ...item.error.details } };
}

function listedFromWire(w: WireListed): WalkedFile | WalkProblem {
  if (isFileTuple(w)) return { kind: 'file', path: w[0], size: w[1], mtimeMs: w[2], dev: w[3], ino: w[4] };
  return { kind: 'problem', path: w.path, error: new AurisError(w.code, w.message, w.details) };
}

function isFileTuple(w: WireListed): w is readonly [string, number, number, number, number] {
  return Array.isArray(w);
}

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
  async read(paths: readonly string[]): Promise<TagResult[]> {
    return (await this.submit<WireResult[]>({ type: 'read', id: this.nextId++, paths })).map(fromWire);
  }

  /** The files under `folder` with one of `extensions` and the problems met, as walkFilesSync yields them, in order. */
  async list(folder: string, extensions: ReadonlySet<string>): Promise<(WalkedFile | WalkProblem)[]> {
    return (await this.submit<WireListed[]>({ type: 'list', id: this.nextId++, path: folder, extensions: [...extensions] })).map(listedFromWire);
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
