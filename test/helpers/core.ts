// Driving a real core in tests: the engine in-process, settings in a temporary file, events collected.

import path from 'node:path';
import { startCore, type Core } from '../../src/core/index.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';
import type { SettingsPatch } from '../../src/protocol/settings.ts';
import { tempDir } from './tmp.ts';

/** The player settings tests use, by the engine's names. */
export interface PlaySettings {
  readonly output: string;
  readonly mode?: 'exclusive' | 'shared';
  readonly bufferMs?: number;
  readonly volumeDb?: number;
  readonly volumeControl?: string;
  readonly eqPreset?: string | null;
  readonly eqAutoPreamp?: boolean;
  readonly crossfeed?: boolean;
  readonly missingRate?: 'resample' | 'skip';
  readonly dsd?: 'auto' | 'native' | 'dop' | 'pcm';
  readonly releaseAfterPauseMs?: number;
  readonly downmix?: 'refuse' | 'stereo';
}

export function patchOf(s: PlaySettings): SettingsPatch {
  const output: NonNullable<SettingsPatch['output']> = { name: s.output, mode: s.mode ?? 'exclusive' };
  if (s.bufferMs !== undefined) output.bufferMs = s.bufferMs;
  if (s.volumeControl !== undefined) output.volumeControl = s.volumeControl;
  if (s.missingRate !== undefined) output.missingRate = s.missingRate;
  if (s.dsd !== undefined) output.dsd = s.dsd;
  if (s.downmix !== undefined) output.downmix = s.downmix;
  if (s.releaseAfterPauseMs !== undefined) output.releaseAfterPauseMs = s.releaseAfterPauseMs;
  const patch: SettingsPatch = { output };
  if (s.volumeDb !== undefined) patch.volumeDb = s.volumeDb;
  if (s.eqPreset !== undefined) patch.dsp = { eqPreset: s.eqPreset, eqEnabled: true, ...(s.eqAutoPreamp !== undefined ? { eqAutoPreamp: s.eqAutoPreamp } : {}) };
  if (s.crossfeed) patch.dsp = { ...patch.dsp, crossfeed: true };
  return patch;
}

/** A core with its own settings file and the engine on this thread, plus every event it sends. */
export async function testCore(settings?: PlaySettings, options: { engine?: 'worker' | 'in-process'; dataDir?: string } = {}): Promise<{ core: Core; events: CoreEvent[] }> {
  const dataDir = options.dataDir ?? tempDir('auris-core-');
  const core = await startCore({ settingsFile: path.join(dataDir, 'settings.json'), settings: settings ? patchOf(settings) : undefined, engine: options.engine ?? 'in-process' });
  const events: CoreEvent[] = [];
  core.on((e) => events.push(e));
  return { core, events };
}

/** Resolves when an event matching `match` has come (looking at those already collected too). */
export function nextEvent<T extends CoreEvent>(core: Core, events: CoreEvent[], match: (e: CoreEvent) => e is T, from = 0): Promise<T> {
  const seen = events.slice(from).find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const off = core.on((e) => {
      if (match(e)) { off(); resolve(e); }
    });
  });
}

export const isEnd = (e: CoreEvent): e is Extract<CoreEvent, { type: 'queue-end' | 'error' }> => e.type === 'queue-end' || e.type === 'error';

/**
 * Queues `paths`, plays them through a core until the queue ends (or an error), and returns every
 * event; `during` runs right after play starts (a seek, a volume change).
 */
export async function playAll(settings: PlaySettings, paths: readonly string[], during?: (core: Core) => Promise<void>): Promise<CoreEvent[]> {
  const { core, events } = await testCore(settings);
  try {
    await core.queue.add(paths);
    const ended = nextEvent(core, events, isEnd);
    await core.player.play();
    if (during) await during(core);
    await ended;
  } finally {
    await core.close();
  }
  return events;
}

/** The events of one type, typed. */
export const ofType = <T extends CoreEvent['type']>(events: CoreEvent[], type: T) => events.filter((e): e is Extract<CoreEvent, { type: T }> => e.type === type);

/** Polls `f` every 10 ms until it is true; fails after `ms`. */
export async function until(f: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
