// INTERIM: an in-memory AurisCore for the server tests while `startCore` (src/core/index.ts) is not
// on main yet. It keeps a queue with stable ids, a player status and settings, and emits the events
// the real core emits for them; it plays nothing. Every test switches to the real core when it lands.

import { stat } from 'node:fs/promises';
import type { AurisCore, ChangeWatcher, CoreListener, QueueChanges, QueueSource } from '../../../src/core/api.ts';
import type { CoreEvent } from '../../../src/protocol/events.ts';
import type { OutputListingWire } from '../../../src/protocol/formats.ts';
import type { ChangeFlag, PlayerStateWire, QueueItem, SeekTarget } from '../../../src/protocol/player.ts';
import { DEFAULT_SETTINGS, SettingsPatchSchema, mergeSettings, type PlaybackModes, type Settings, type SettingsPatch } from '../../../src/protocol/settings.ts';
import { AurisError } from '../../../src/util/errors.ts';

export class InterimCore implements AurisCore {
  private items: QueueItem[] = [];
  private version = 1;
  private nextId = 1;
  private current: number | null = null;
  private status: PlayerStateWire['status'] = 'stopped';
  private positionMs = 0;
  private currentSettings: Settings;
  private readonly listeners = new Set<CoreListener>();

  constructor(settings: SettingsPatch = {}) {
    this.currentSettings = mergeSettings(DEFAULT_SETTINGS, settings);
  }

  private emit(flags: ChangeFlag[]): void {
    const events: CoreEvent[] = [{ type: 'changed', flags }];
    if (flags.includes('player') || flags.includes('queue')) events.push({ type: 'state', state: this.player.state() });
    for (const e of events) for (const l of this.listeners) l(e);
  }

  private find(id: number): number {
    const i = this.items.findIndex((x) => x.id === id);
    if (i < 0) throw new AurisError('E_NOT_FOUND', `no queue entry ${id}`, { id });
    return i;
  }

  private touched(): void {
    this.version++;
    this.emit(['queue']);
  }

  readonly queue = {
    snapshot: () => ({ version: this.version, items: this.items.map((x) => ({ ...x })), modes: { ...this.currentSettings.modes } }),
    changesSince: (v: number): QueueChanges => ({
      version: this.version,
      length: this.items.length,
      changed: this.items.map((item, pos) => ({ pos, item })).filter((c) => c.item.changedAt > v),
    }),
    add: async (sources: readonly QueueSource[], at?: number): Promise<number[]> => {
      const made: QueueItem[] = [];
      for (const s of sources) {
        const path = typeof s === 'string' ? s : s.path;
        const st = await stat(path).catch(() => null);
        if (!st?.isFile()) throw new AurisError('E_NOT_FOUND', `no such file: ${path}`, { path });
        made.push({
          path, trackId: null, uri: null, startFrame: 0, endFrame: null, id: this.nextId++, priority: 0, changedAt: this.version + 1,
          tags: { title: null, artist: null, album: null, albumArtist: null, trackNumber: null, discNumber: null, date: null, genre: null },
          durationMs: null,
        });
      }
      if (at !== undefined && at > this.items.length) throw new AurisError('E_INVALID_ARGUMENT', `position ${at} is past the end`, { at });
      this.items.splice(at ?? this.items.length, 0, ...made);
      if (this.current === null && made.length > 0) this.current = made[0]!.id;
      this.touched();
      return made.map((x) => x.id);
    },
    remove: (ids: readonly number[]): void => {
      for (const id of ids) this.find(id);
      this.items = this.items.filter((x) => !ids.includes(x.id));
      if (this.current !== null && ids.includes(this.current)) this.current = this.items[0]?.id ?? null;
      this.touched();
    },
    move: (id: number, to: number): void => {
      const [item] = this.items.splice(this.find(id), 1);
      this.items.splice(Math.min(to, this.items.length), 0, { ...item!, changedAt: this.version + 1 });
      this.touched();
    },
    swap: (a: number, b: number): void => {
      const i = this.find(a);
      const j = this.find(b);
      [this.items[i], this.items[j]] = [this.items[j]!, this.items[i]!];
      this.touched();
    },
    clear: (): void => {
      this.items = [];
      this.current = null;
      this.status = 'stopped';
      this.touched();
    },
    shuffle: (): void => {
      this.items.reverse();
      this.touched();
    },
    setPriority: (ids: readonly number[], priority: number): void => {
      for (const id of ids) this.items[this.find(id)]!.priority = priority;
      this.touched();
    },
    idAt: (pos: number): number => {
      const item = this.items[pos];
      if (!item) throw new AurisError('E_NOT_FOUND', `no queue entry at ${pos}`, { pos });
      return item.id;
    },
    modes: (): PlaybackModes => ({ ...this.currentSettings.modes }),
    setModes: (patch: Partial<PlaybackModes>): void => {
      this.currentSettings = mergeSettings(this.currentSettings, { modes: patch });
      this.emit(['options']);
    },
  };

  private setStatus(status: PlayerStateWire['status']): Promise<void> {
    this.status = status;
    this.emit(['player']);
    return Promise.resolve();
  }

  private step(by: number): Promise<void> {
    if (this.current === null) throw new AurisError('E_STATE', 'nothing plays', {});
    const next = this.items[this.find(this.current) + by];
    if (!next) return this.setStatus('stopped');
    this.current = next.id;
    this.positionMs = 0;
    return this.setStatus(this.status === 'stopped' ? 'stopped' : 'playing');
  }

  readonly player = {
    state: (): PlayerStateWire => {
      const pos = this.current === null ? -1 : this.items.findIndex((x) => x.id === this.current);
      return {
        status: this.status, currentId: this.current, currentPos: pos, nextId: this.items[pos + 1]?.id ?? null,
        positionMs: this.positionMs, positionFrames: 0, durationMs: null, source: null, output: null, signalPath: null,
        lastProof: null, volumeDb: this.currentSettings.volumeDb, underruns: 0, message: '',
      };
    },
    play: async (id?: number): Promise<void> => {
      if (id !== undefined) {
        this.find(id);
        this.current = id;
      }
      if (this.current === null) throw new AurisError('E_STATE', 'the queue is empty', {});
      return this.setStatus('playing');
    },
    pause: () => this.setStatus(this.status === 'playing' ? 'paused' : this.status),
    resume: () => this.setStatus(this.status === 'paused' ? 'playing' : this.status),
    togglePause: () => this.setStatus(this.status === 'playing' ? 'paused' : 'playing'),
    stop: () => this.setStatus('stopped'),
    next: async () => this.step(1),
    previous: async () => this.step(-1),
    seek: async (target: SeekTarget, id?: number): Promise<void> => {
      if (id !== undefined) this.current = this.items[this.find(id)]!.id;
      if ('ms' in target) this.positionMs = target.ms;
      else if ('relativeMs' in target) this.positionMs = Math.max(0, this.positionMs + target.relativeMs);
      this.emit(['player']);
    },
  };

  readonly volume = {
    get: () => this.currentSettings.volumeDb,
    set: async (db: number): Promise<void> => {
      await this.settings.update({ volumeDb: db });
      this.emit(['mixer']);
    },
  };

  readonly outputs = {
    list: async (): Promise<OutputListingWire[]> => ['null', 'null:unpaced'].map((name) => ({
      name, description: name, modes: ['exclusive'], isDefault: false, selected: this.currentSettings.output.name === name,
      capabilities: { formats: 'any', rateRange: null, hardwareVolume: false }, error: null,
    })),
    select: async (name: string, mode?: 'exclusive' | 'shared'): Promise<void> => {
      if (!(await this.outputs.list()).some((o) => o.name === name)) throw new AurisError('E_NOT_FOUND', `no output ${name}`, { name });
      await this.settings.update({ output: { name, ...(mode ? { mode } : {}) } });
      this.emit(['output']);
    },
  };

  readonly settings = {
    get: (): Settings => this.currentSettings,
    update: async (patch: SettingsPatch): Promise<Settings> => {
      const r = SettingsPatchSchema.safeParse(patch);
      if (!r.success) throw new AurisError('E_INVALID_ARGUMENT', r.error.issues[0]!.message, { key: r.error.issues[0]!.path.join('.') });
      this.currentSettings = mergeSettings(this.currentSettings, r.data);
      this.emit(['settings']);
      return this.currentSettings;
    },
  };

  on(listener: CoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watchChanges(): ChangeWatcher {
    throw new AurisError('E_STATE', 'the interim test core has no change watcher', {});
  }

  idle(): Promise<ChangeFlag[]> {
    return Promise.reject(new AurisError('E_STATE', 'the interim test core has no idle', {}));
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
