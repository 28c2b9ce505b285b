// Change flags: raised by the core when something a front end shows has changed, collected per
// watcher (MPD's idle keeps them per client) and coalesced.

import type { ChangeFlag } from '../protocol/player.ts';
import type { ChangeWatcher } from './api.ts';

export class ChangeHub {
  private readonly watchers = new Set<Collector>();

  /** Raises flags for every watcher; `onRaise` runs after them (the core sends the 'changed' event). */
  constructor(private readonly onRaise: (flags: ChangeFlag[]) => void = () => undefined) {}

  raise(...flags: ChangeFlag[]): void {
    if (flags.length === 0) return;
    for (const w of this.watchers) w.add(flags);
    this.onRaise([...new Set(flags)]);
  }

  watch(): ChangeWatcher {
    const c = new Collector(() => this.watchers.delete(c));
    this.watchers.add(c);
    return c;
  }
}

class Collector implements ChangeWatcher {
  private readonly pending = new Set<ChangeFlag>();
  private waiter: { only: ReadonlySet<ChangeFlag> | null; resolve: (flags: ChangeFlag[]) => void } | null = null;

  constructor(private readonly onClose: () => void) {}

  add(flags: readonly ChangeFlag[]): void {
    for (const f of flags) this.pending.add(f);
    const w = this.waiter;
    if (!w) return;
    const got = this.take(w.only ? [...w.only] : undefined);
    if (got.length > 0) {
      this.waiter = null;
      w.resolve(got);
    }
  }

  take(only?: readonly ChangeFlag[]): ChangeFlag[] {
    const out: ChangeFlag[] = [];
    for (const f of this.pending) {
      if (!only || only.includes(f)) out.push(f);
    }
    for (const f of out) this.pending.delete(f);
    return out;
  }

  wait(only?: readonly ChangeFlag[], signal?: AbortSignal): Promise<ChangeFlag[]> {
    const now = this.take(only);
    if (now.length > 0 || signal?.aborted) return Promise.resolve(now);
    if (this.waiter) this.waiter.resolve([]);
    return new Promise((resolve) => {
      const waiter = { only: only ? new Set(only) : null, resolve };
      this.waiter = waiter;
      signal?.addEventListener('abort', () => {
        if (this.waiter === waiter) {
          this.waiter = null;
          resolve([]);
        }
      }, { once: true });
    });
  }

  close(): void {
    this.waiter?.resolve([]);
    this.waiter = null;
    this.onClose();
  }
}
