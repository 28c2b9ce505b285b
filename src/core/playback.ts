// Playback: the front ends' handle on the engine. Starts the engine worker, sends it commands and
// hands its events to listeners. Calls go down, events come up.

import type { Worker } from 'node:worker_threads';
import type { EngineCommand, EngineEvent, EngineSettings } from '../engine/protocol.ts';
import { siblingModule, startWorker } from '../util/workers.ts';

export type EngineListener = (event: EngineEvent) => void;

export class Playback {
  private readonly worker: Worker;
  private readonly listeners = new Set<EngineListener>();
  private readonly exited: Promise<void>;

  constructor(settings: Partial<EngineSettings> = {}) {
    this.worker = startWorker(siblingModule(import.meta.url, '../engine/worker'));
    this.worker.on('message', (event: EngineEvent) => {
      for (const l of this.listeners) l(event);
    });
    this.worker.on('error', (e) => {
      const event: EngineEvent = { type: 'error', error: { code: 'E_INTERNAL', message: `engine worker failed: ${e.message}` } };
      for (const l of this.listeners) l(event);
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    if (Object.keys(settings).length > 0) this.send({ type: 'configure', settings });
  }

  send(command: EngineCommand): void {
    this.worker.postMessage(command);
  }

  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first event for which `match` is true. */
  waitFor<T extends EngineEvent>(match: (e: EngineEvent) => e is T): Promise<T> {
    return new Promise((resolve) => {
      const off = this.on((e) => {
        if (match(e)) { off(); resolve(e); }
      });
    });
  }

  /** Stops playback, ends the worker and waits for it. */
  async close(): Promise<void> {
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
