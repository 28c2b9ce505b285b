// The core API: the one object every front end (CLI, server + web app, MPD, MPRIS) receives.
// Calls go down and answer "done" (the promise resolves) or a typed AurisError whose `details`
// survive; events come up through `on()` and `idle()`. Nothing here is specific to one front end.
//
// Threads: every method is called on the main thread. Playback runs in the engine worker; the core
// keeps the queue and decides what plays next (modes, previous-track rule), and the engine plays
// the tracks it is given, gaplessly when the next one is preloaded in time.

import type { CoreEvent } from '../protocol/events.ts';
import type { OutputListingWire } from '../protocol/formats.ts';
import type { OutputVerifyRequest, OutputVerifyResult } from '../protocol/http.ts';
import type { ChangeFlag, Playable, PlayerStateWire, QueueItem, QueueSnapshot, SeekTarget } from '../protocol/player.ts';
import type { PlaybackModes, Settings, SettingsPatch } from '../protocol/settings.ts';

/**
 * What to add to the queue: a file path (absolute or relative to the working folder), a playable
 * (a CUE range of a file), or a library track by id (E_STATE when the core has no library).
 */
export type QueueSource = string | Partial<Playable> & { path: string } | { trackId: number };

/** Changes of the queue after a version: the entries added or moved since, with their positions (MPD's plchanges). */
export interface QueueChanges {
  readonly version: number;
  readonly length: number;
  readonly changed: readonly { readonly pos: number; readonly item: QueueItem }[];
}

export interface QueueApi {
  snapshot(): QueueSnapshot;
  /** Entries added or moved after `version` (all of them when the version is unknown or older than the log). */
  changesSince(version: number): QueueChanges;
  /** Adds at position `at` (default: the end); resolves with the new ids in order. E_NOT_FOUND for a missing file. */
  add(sources: readonly QueueSource[], at?: number): Promise<number[]>;
  /** Removes entries by id; E_NOT_FOUND when an id is not in the queue (nothing is removed then). */
  remove(ids: readonly number[]): void;
  /** Moves entry `id` to position `to` (0-based, in the queue after removal). */
  move(id: number, to: number): void;
  /** Swaps two entries. */
  swap(a: number, b: number): void;
  clear(): void;
  /** Shuffles positions [start, end) (default: all); the current entry keeps playing. */
  shuffle(start?: number, end?: number): void;
  /**
   * Plays only [startMs, endMs) of entry `id`'s file (endMs null: to its end), or the whole file
   * again when `range` is null (MPD's rangeid; for a CUE track too, as in MPD). The times become
   * source frames at the file's rate, rounded down as MPD does. E_STATE while the entry is being
   * heard (playing or paused), E_INVALID_ARGUMENT for an end not after the start or a start past
   * the file's end; an end at or past the file's end means "to the end".
   */
  setRange(id: number, range: { readonly startMs: number; readonly endMs: number | null } | null): Promise<void>;
  /** MPD's prio: 0..255. */
  setPriority(ids: readonly number[], priority: number): void;
  /** Id at a position, or E_NOT_FOUND. */
  idAt(pos: number): number;
  modes(): PlaybackModes;
  /** Changes the modes (persisted with the settings). */
  setModes(patch: Partial<PlaybackModes>): Promise<void>;
}

export interface PlayerApi {
  state(): PlayerStateWire;
  /** Plays entry `id` from its start (or the current entry; resumes when paused). E_NOT_FOUND for an unknown id. */
  play(id?: number): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  togglePause(): Promise<void>;
  /** Stops; the current entry stays current, so `play()` starts it again. */
  stop(): Promise<void>;
  /** The next entry by the modes; at the end of the queue, stops (E_STATE when nothing plays). */
  next(): Promise<void>;
  /** Within 3 s of a track's start: the entry before; later: the start of this one. */
  previous(): Promise<void>;
  /** Seeks the current entry (or entry `id`, which becomes current). */
  seek(target: SeekTarget, id?: number): Promise<void>;
}

export interface VolumeApi {
  get(): number;
  /** Sets the level in dB (-120..0), live: the device's own volume when it has one, never a device reopen. */
  set(db: number): Promise<void>;
}

export interface OutputsApi {
  /** Every output with its capabilities; the one in use is not probed again (it would look busy). */
  list(): Promise<OutputListingWire[]>;
  /** Chooses the output and its mode (persisted); playback moves to it at the audible position. */
  select(name: string, mode?: 'exclusive' | 'shared'): Promise<void>;
  /**
   * Plays a one-second test signal into an output (default: the settings' output and mode; the
   * other playback settings as they are) and resolves with what the driver negotiated, the
   * verdict and the proof, bit-perfect or not. Rejects with the output's error when it cannot play
   * it, and E_STATE while Auris plays to that output. Verifies run one at a time.
   */
  verify(request?: OutputVerifyRequest): Promise<OutputVerifyResult>;
}

export interface SettingsApi {
  get(): Settings;
  /** Validates (E_INVALID_ARGUMENT naming the key), persists atomically, then applies; resolves with the new settings. */
  update(patch: SettingsPatch): Promise<Settings>;
}

export type CoreListener = (event: CoreEvent) => void;

/**
 * Change flags collected from the moment the watcher is made (MPD keeps them per client between
 * idle commands). `wait` resolves at once when a wanted flag is pending, else at the next one; the
 * flags it returns are cleared. An abort signal ends a wait with an empty list (MPD's noidle).
 */
export interface ChangeWatcher {
  wait(only?: readonly ChangeFlag[], signal?: AbortSignal): Promise<ChangeFlag[]>;
  /** Pending flags, cleared (no wait). */
  take(only?: readonly ChangeFlag[]): ChangeFlag[];
  close(): void;
}

export interface AurisCore {
  readonly queue: QueueApi;
  readonly player: PlayerApi;
  readonly volume: VolumeApi;
  readonly outputs: OutputsApi;
  readonly settings: SettingsApi;
  /** Typed events; returns the unsubscribe function. */
  on(listener: CoreListener): () => void;
  /** A per-client collector of change flags (MPD's idle, the web app's refresh). */
  watchChanges(): ChangeWatcher;
  /** One-shot: resolves with the next change flags (at least one), restricted to `only` when given. */
  idle(only?: readonly ChangeFlag[], signal?: AbortSignal): Promise<ChangeFlag[]>;
  /** Stops playback, saves state, ends the workers. */
  close(): Promise<void>;
}
