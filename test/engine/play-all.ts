// Driving an in-process Player in tests: run commands until the queue ends, collect the events.

import { Player } from '../../src/engine/player.ts';
import type { EngineCommand, EngineEvent } from '../../src/engine/protocol.ts';

/** Runs a player over `commands` until the queue ends (or an engine error); returns every event. */
export async function playAll(commands: EngineCommand[]): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  let done!: () => void;
  const ended = new Promise<void>((r) => { done = r; });
  const player = new Player((e) => {
    events.push(e);
    if (e.type === 'queue-end' || e.type === 'error') done();
  });
  for (const c of commands) player.handle(c);
  await ended;
  player.handle({ type: 'shutdown' });
  await player.closed();
  return events;
}

/** The events of one type, typed. */
export const ofType = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
