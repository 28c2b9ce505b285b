// One stream of CoreEvents for the WebSocket clients: the core's own, the library's (until the core
// forwards them itself: scan progress as `scan`, database and playlist changes as change flags),
// and the server's (a scan it started failed).

import type { AurisCore } from '../core/api.ts';
import type { LibraryEvent, LibraryService } from '../core/library.ts';
import type { CoreEvent } from '../protocol/events.ts';

export type EventSink = (event: CoreEvent) => void;

/** A library event as the wire's CoreEvent, or null for one the clients need not see. */
export function wireOfLibraryEvent(e: LibraryEvent): CoreEvent | null {
  switch (e.type) {
    case 'scan-progress': {
      const p = e.progress;
      return {
        type: 'scan', phase: p.phase === 'done' ? 'done' : 'progress', done: p.read, total: p.phase === 'listing' ? null : p.toRead,
        message: p.phase === 'listing' ? `listing files: ${p.listed}` : `reading tags: ${p.read} of ${p.toRead}${p.errors > 0 ? `, ${p.errors} unreadable` : ''}`,
      };
    }
    case 'scan-done': {
      const sum = (k: 'added' | 'changed' | 'removed' | 'errors') => e.results.reduce((n, r) => n + r[k], 0);
      const listed = e.results.reduce((n, r) => n + r.listed, 0);
      return { type: 'scan', phase: 'done', done: listed, total: listed, message: `files: ${sum('added')} added, ${sum('changed')} changed, ${sum('removed')} removed, ${sum('errors')} unreadable` };
    }
    case 'database-changed': return { type: 'changed', flags: ['database'] };
    case 'playlist-changed': return { type: 'changed', flags: ['stored_playlist'] };
    default: return null;
  }
}

export class EventHub {
  private readonly sinks = new Set<EventSink>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(core: AurisCore, library: LibraryService | null) {
    this.unsubscribe.push(core.on((e) => this.emit(e)));
    if (library) {
      this.unsubscribe.push(library.on((e) => {
        const wire = wireOfLibraryEvent(e);
        if (wire) this.emit(wire);
      }));
    }
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
    for (const off of this.unsubscribe.splice(0)) off();
    this.sinks.clear();
  }
}
