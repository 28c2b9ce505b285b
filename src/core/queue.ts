// The play queue: entries with stable ids, a version that changes with every edit, and the rules
// for what plays next under the modes (repeat, random, single, consume) and priorities.
//
// Versions work as MPD's do: every edit bumps `version`, and each entry records the version at
// which it was added or last changed position, so `changesSince(v)` lists exactly the entries a
// client must re-read. Random mode keeps an order (a permutation of the ids) made when random is
// switched on and kept across edits; priorities pull entries forward in that order (MPD's prio).

import type { ReplayGain } from '../decoders/tags.ts';
import type { QueueItem, QueueSnapshot, ItemTags, Playable } from '../protocol/player.ts';
import type { PlaybackModes } from '../protocol/settings.ts';
import { PlaybackModesSchema } from '../protocol/settings.ts';
import { AurisError } from '../util/errors.ts';
import type { QueueChanges } from './api.ts';

/** What an entry is made of before it gets an id. */
export interface NewEntry {
  readonly playable: Playable;
  readonly tags: ItemTags;
  readonly durationMs: number | null;
  /** Source frames per second (the file's rate; DSD counts byte frames), when known: what turns frames into seconds and back. */
  readonly framesPerSecond?: number | null;
  /** The file's ReplayGain tags, null when it has none. */
  readonly replayGain?: ReplayGain | null;
}

/** A new range of an entry's file: source frames, the length it plays, and the rate they were worked out at. */
export interface EntryRange {
  readonly startFrame: number;
  readonly endFrame: number | null;
  readonly durationMs: number | null;
  readonly framesPerSecond: number;
}

interface Entry extends NewEntry {
  readonly id: number;
  priority: number;
  changedAt: number;
}

/** The source of randomness (tests pass a seeded one). */
export type Random = () => number;

export class Queue {
  private items: Entry[] = [];
  private nextId = 1;
  private versionNumber = 1;
  private modeState: PlaybackModes = PlaybackModesSchema.parse({});
  /** Random mode: the play order as ids (every id once). */
  private order: number[] = [];

  constructor(private readonly random: Random = Math.random) {}

  get version(): number {
    return this.versionNumber;
  }

  get length(): number {
    return this.items.length;
  }

  snapshot(): QueueSnapshot {
    return { version: this.versionNumber, items: this.items.map(itemOf), modes: { ...this.modeState } };
  }

  changesSince(version: number): QueueChanges {
    const changed: { pos: number; item: QueueItem }[] = [];
    this.items.forEach((e, pos) => {
      if (version < 0 || e.changedAt > version || version > this.versionNumber) changed.push({ pos, item: itemOf(e) });
    });
    return { version: this.versionNumber, length: this.items.length, changed };
  }

  get(id: number): QueueItem {
    return itemOf(this.entry(id));
  }

  /** What the core keeps about an entry beyond its item: its rate and ReplayGain tags. */
  details(id: number): { readonly framesPerSecond: number | null; readonly replayGain: ReplayGain | null } {
    const e = this.entry(id);
    return { framesPerSecond: e.framesPerSecond ?? null, replayGain: e.replayGain ?? null };
  }

  has(id: number): boolean {
    return this.items.some((e) => e.id === id);
  }

  positionOf(id: number): number {
    return this.items.findIndex((e) => e.id === id);
  }

  idAt(pos: number): number {
    const e = this.items[pos];
    if (!e) throw new AurisError('E_NOT_FOUND', `no queue entry at position ${pos} (the queue has ${this.items.length})`, { pos, length: this.items.length });
    return e.id;
  }

  /** Inserts entries at `at` (default: the end); returns their ids. */
  add(entries: readonly NewEntry[], at = this.items.length): number[] {
    if (!Number.isInteger(at) || at < 0 || at > this.items.length) {
      throw new AurisError('E_INVALID_ARGUMENT', `position ${at} is outside the queue (0..${this.items.length})`, { at, length: this.items.length });
    }
    const added = entries.map((n) => ({ ...n, id: this.nextId++, priority: 0, changedAt: 0 }));
    this.edit(() => {
      this.items.splice(at, 0, ...added);
      for (const e of added) this.order.splice(this.order.length === 0 ? 0 : 1 + Math.floor(this.random() * this.order.length), 0, e.id);
    });
    return added.map((e) => e.id);
  }

  /** Removes entries; E_NOT_FOUND (and nothing removed) when one is not in the queue. */
  remove(ids: readonly number[]): void {
    for (const id of ids) this.entry(id);
    const gone = new Set(ids);
    this.edit(() => {
      this.items = this.items.filter((e) => !gone.has(e.id));
      this.order = this.order.filter((id) => !gone.has(id));
    });
  }

  move(id: number, to: number): void {
    const from = this.positionOf(this.entry(id).id);
    if (!Number.isInteger(to) || to < 0 || to >= this.items.length) {
      throw new AurisError('E_INVALID_ARGUMENT', `position ${to} is outside the queue (0..${this.items.length - 1})`, { to, length: this.items.length });
    }
    if (from === to) return;
    this.edit(() => {
      const [e] = this.items.splice(from, 1);
      this.items.splice(to, 0, e!);
    });
  }

  swap(a: number, b: number): void {
    const pa = this.positionOf(this.entry(a).id);
    const pb = this.positionOf(this.entry(b).id);
    if (pa === pb) return;
    this.edit(() => {
      const t = this.items[pa]!;
      this.items[pa] = this.items[pb]!;
      this.items[pb] = t;
    });
  }

  clear(): void {
    if (this.items.length === 0) return;
    this.edit(() => {
      this.items = [];
      this.order = [];
    });
  }

  /** Shuffles positions [start, end); the entry `keepFirst` (the one playing), when inside, moves to `start`. */
  shuffle(start = 0, end = this.items.length, keepFirst: number | null = null): void {
    if (start < 0 || end > this.items.length || start > end) {
      throw new AurisError('E_INVALID_ARGUMENT', `range ${start}:${end} is outside the queue (0..${this.items.length})`, { start, end });
    }
    this.edit(() => {
      const part = this.items.slice(start, end);
      shuffleInPlace(part, this.random);
      const k = part.findIndex((e) => e.id === keepFirst);
      if (k > 0) part.unshift(...part.splice(k, 1));
      this.items.splice(start, end - start, ...part);
    });
  }

  /** Changes the part of its file that entry `id` plays (MPD's rangeid); the entry counts as changed for plchanges. */
  setRange(id: number, range: EntryRange): void {
    const pos = this.positionOf(this.entry(id).id);
    const e = this.items[pos]!;
    this.versionNumber++;
    this.items[pos] = {
      ...e, playable: { ...e.playable, startFrame: range.startFrame, endFrame: range.endFrame },
      durationMs: range.durationMs, framesPerSecond: range.framesPerSecond, changedAt: this.versionNumber,
    };
  }

  setPriority(ids: readonly number[], priority: number): void {
    if (!Number.isInteger(priority) || priority < 0 || priority > 255) throw new AurisError('E_INVALID_ARGUMENT', `priority must be 0..255, not ${priority}`, { priority });
    const entries = ids.map((id) => this.entry(id));
    this.versionNumber++;
    for (const e of entries) {
      e.priority = priority;
      e.changedAt = this.versionNumber;
    }
  }

  modes(): PlaybackModes {
    return { ...this.modeState };
  }

  /** Changes modes; switching random on makes a new order starting at `current`. */
  setModes(patch: Partial<PlaybackModes>, current: number | null = null): void {
    const wasRandom = this.modeState.random;
    this.modeState = PlaybackModesSchema.parse({ ...this.modeState, ...patch });
    if (this.modeState.random && !wasRandom) this.reorder(current);
  }

  /**
   * The entry that follows `id` when it ends on its own (`auto`) or when the user asks for the
   * next one: single stops after the track (or repeats it with repeat), repeat wraps around,
   * random follows the order with priorities first. Null at the end.
   */
  following(id: number | null, auto: boolean): number | null {
    if (this.items.length === 0) return null;
    if (id === null || !this.has(id)) return this.first();
    if (auto && this.modeState.single !== 'off') return this.modeState.repeat ? id : null;
    const sequence = this.sequence();
    const i = sequence.indexOf(id);
    const prioritised = this.modeState.random ? this.highestPriorityAfter(sequence, i) : null;
    if (prioritised !== null) return prioritised;
    if (i + 1 < sequence.length) return sequence[i + 1]!;
    return this.modeState.repeat ? sequence[0]! : null;
  }

  /** The entry before `id` in play order (wrapping with repeat), or null. */
  preceding(id: number): number | null {
    const sequence = this.sequence();
    const i = sequence.indexOf(id);
    if (i > 0) return sequence[i - 1]!;
    return i === 0 && this.modeState.repeat ? sequence[sequence.length - 1]! : null;
  }

  /** The first entry in play order. */
  first(): number | null {
    return this.sequence()[0] ?? null;
  }

  /** After single 'oneshot' stopped playback once, it goes back to off. */
  endOneshot(): boolean {
    if (this.modeState.single !== 'oneshot') return false;
    this.modeState = { ...this.modeState, single: 'off' };
    return true;
  }

  private sequence(): number[] {
    return this.modeState.random ? this.order : this.items.map((e) => e.id);
  }

  private highestPriorityAfter(sequence: readonly number[], i: number): number | null {
    let best: Entry | null = null;
    for (let k = i + 1; k < sequence.length; k++) {
      const e = this.entry(sequence[k]!);
      if (e.priority > 0 && (!best || e.priority > best.priority)) best = e;
    }
    if (best) {
      // Played now: its priority is spent, as in MPD.
      best.priority = 0;
      return best.id;
    }
    return null;
  }

  private reorder(current: number | null): void {
    const ids = this.items.map((e) => e.id).filter((id) => id !== current);
    shuffleInPlace(ids, this.random);
    this.order = current !== null && this.has(current) ? [current, ...ids] : ids;
  }

  private entry(id: number): Entry {
    const e = this.items.find((x) => x.id === id);
    if (!e) throw new AurisError('E_NOT_FOUND', `no queue entry with id ${id}`, { id });
    return e;
  }

  /** Runs an edit, bumps the version and marks every entry that is new or at a new position. */
  private edit(change: () => void): void {
    const before = new Map(this.items.map((e, pos) => [e.id, pos]));
    change();
    this.versionNumber++;
    this.items.forEach((e, pos) => {
      if (before.get(e.id) !== pos) e.changedAt = this.versionNumber;
    });
  }
}

function itemOf(e: Entry): QueueItem {
  return { ...e.playable, id: e.id, priority: e.priority, changedAt: e.changedAt, tags: e.tags, durationMs: e.durationMs, rangeMs: rangeMsOf(e) };
}

/** An entry's range in ms of its file, rounded (frames worked out from whole ms come back as those ms); null for the whole file or an unknown rate. */
function rangeMsOf(e: Entry): QueueItem['rangeMs'] {
  const { startFrame, endFrame } = e.playable;
  const fps = e.framesPerSecond ?? null;
  if ((startFrame === 0 && endFrame === null) || fps === null || fps <= 0) return null;
  const ms = (frame: number): number => Math.round((frame * 1000) / fps);
  return { startMs: ms(startFrame), endMs: endFrame === null ? null : ms(endFrame) };
}

function shuffleInPlace<T>(a: T[], random: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
