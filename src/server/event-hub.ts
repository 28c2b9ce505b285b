// One stream of CoreEvents for the WebSocket clients: the core's own (its library's scans and
// changes included), and the server's (a scan it started, or one that failed).

import type { AurisCore } from '../core/api.ts';
import type { CoreEvent } from '../protocol/events.ts';

export type EventSink = (event: CoreEvent) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();
  private readonly unsubscribe: () => void;

  constructor(core: AurisCore) {
    this.unsubscribe = core.on((e) => this.emit(e));
  }

  /** Adds a sink; returns the function that removes it. */
  on(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit(event: CoreEvent): void {
    for (const s of this.sinks) s(event);
  }

  close(): void {
    this.unsubscribe();
    this.sinks.clear();
  }
}
