// The core's line to the engine: commands go down with a sequence number and resolve when the
// engine acknowledges them (or reject with its typed error); events come up to one listener.
//
// `worker` runs the engine on its own thread (the product: decoding and DSP never wait on the
// server or the UI); `in-process` runs the same Player on the calling thread (tests, and tools
// that have nothing else to run). The Player's modules (decoders, DSP, outputs) load only for
// `in-process`: in `worker` mode they live in the worker, and loading them here too cost the
// process their memory twice.

import type { Worker } from 'node:worker_threads';
import type { Player } from '../engine/player.ts';
import type { EngineCommand, EngineEvent, WireError } from '../engine/protocol.ts';
import { AurisError, ERROR_CODES, type ErrorCode } from '../util/errors.ts';
import { siblingModule, startWorker } from '../util/workers.ts';

export type EngineMode = 'worker' | 'in-process';

/** Distributive Omit: keeps each command's own fields. */
type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;
export type EngineRequest = WithoutSeq<EngineCommand>;

export class EngineLink {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: AurisError) => void }>();
  private readonly post: (command: EngineCommand) => void;
  private readonly finish: () => Promise<void>;
  private closed = false;
  /** Why the engine is gone (its worker crashed or exited); every later request fails with it at once. */
  private lost: AurisError | null = null;

  /** `workerModule` replaces the engine's worker module (a test starts one that crashes). */
  constructor(mode: EngineMode, private readonly onEvent: (event: EngineEvent) => void, workerModule?: URL) {
    const deliver = (event: EngineEvent): void => {
      if (event.type === 'ack') {
        const w = this.waiting.get(event.seq);
        this.waiting.delete(event.seq);
        if (w && event.error) w.reject(fromWire(event.error));
        else w?.resolve();
        return;
      }
      this.onEvent(event);
    };
    if (mode === 'in-process') {
      // Commands sent before the Player's modules have loaded wait, in order.
      let player: Player | null = null;
      const pending: EngineCommand[] = [];
      const started = import('../engine/player.ts').then(({ Player: PlayerClass }) => {
        player = new PlayerClass(deliver);
        for (const c of pending.splice(0)) player.handle(c);
        return player;
      });
      this.post = (c) => { if (player) player.handle(c); else pending.push(c); };
      this.finish = async () => (await started).closed();
    } else {
      const worker: Worker = startWorker(workerModule ?? siblingModule(import.meta.url, '../engine/worker'));
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.on('message', deliver);
      // A crash (an uncaught error) or an exit nobody asked for: the engine is gone. Waiting
      // commands fail, later ones fail at once, and the listener hears it, instead of a front end
      // waiting forever for an acknowledgement that cannot come.
      const lose = (why: string): void => {
        if (this.closed || this.lost) return;
        this.lost = new AurisError('E_INTERNAL', `engine worker ${why}`);
        this.failAll(this.lost);
        this.onEvent({ type: 'error', error: { code: 'E_INTERNAL', message: this.lost.message } });
      };
      worker.on('error', (e) => lose(`failed: ${e.message}`));
      worker.on('exit', (code) => lose(`stopped (exit code ${code})`));
      this.post = (c) => worker.postMessage(c);
      this.finish = async () => {
        const timer = setTimeout(() => void worker.terminate(), 5000);
        await exited;
        clearTimeout(timer);
      };
    }
  }

  /** Sends a command; resolves once the engine has applied it, rejects with its error. */
  request(command: EngineRequest): Promise<void> {
    if (this.closed) return Promise.reject(new AurisError('E_STATE', 'the engine has shut down'));
    if (this.lost) return Promise.reject(this.lost);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.post({ ...command, seq } as EngineCommand);
    });
  }

  /** Sends a command without waiting for its acknowledgement (answers to need-next). */
  send(command: EngineRequest): void {
    if (!this.closed && !this.lost) this.post(command as EngineCommand);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.lost) this.post({ type: 'shutdown' });
    await this.finish();
    this.failAll(new AurisError('E_STATE', 'the engine has shut down'));
  }

  private failAll(e: AurisError): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}

/** An engine error back as an AurisError, its code and details kept. */
export function fromWire(e: WireError): AurisError {
  const code = (e.code in ERROR_CODES ? e.code : 'E_INTERNAL') as ErrorCode;
  return new AurisError(code, e.message, { ...(e.details ?? {}) });
}
