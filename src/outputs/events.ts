// A tiny typed listener list for OpenOutput.on/off, shared by the outputs.
import type { OutputEvent, OutputListener } from './interface.ts';

export class OutputEvents {
  private readonly listeners = new Map<OutputEvent, Set<OutputListener>>();

  on(event: OutputEvent, listener: OutputListener): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
  }

  off(event: OutputEvent, listener: OutputListener): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Calls every listener; a listener that throws does not stop the others. */
  emit(event: OutputEvent, detail: number | Error): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) {
      try {
        l(detail);
      } catch {
        // listeners must not break the device event path
      }
    }
  }
}
