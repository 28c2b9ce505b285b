// The core: the one owner of the queue, the player, the outputs, volume and settings. Every front
// end (CLI, server and web app, MPD, MPRIS) drives Auris through this object (see api.ts).
//
// The engine plays tracks; the core decides which. It answers the engine's `need-next` with the
// entry that follows by the modes (so gapless hand-offs need no round trip at the join), turns
// next/previous/seek into `load` commands, and merges the engine's state into the player state.

import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { framesPerSecond } from '../audio/format.ts';
import { openFile } from '../decoders/registry.ts';
import type { ReplayGain } from '../decoders/tags.ts';
import { readTrackFacts } from '../decoders/track-facts.ts';
import type { EngineEvent, EngineSettings, EngineTrack, PlayerState as EngineState, TrackInfo } from '../engine/protocol.ts';
import type { CoreEvent, WireErrorShape } from '../protocol/events.ts';
import type { OutputListingWire } from '../protocol/formats.ts';
import { OutputVerifyRequestSchema, type OutputVerifyRequest, type OutputVerifyResult } from '../protocol/http.ts';
import type { ChangeFlag, ItemTags, Playable, PlayerStateWire, SeekTarget, TrackProofWire } from '../protocol/player.ts';
import { PlayableSchema, SeekSchema } from '../protocol/player.ts';
import { mergeSettings, SettingsPatchSchema, type PlaybackModes, type Settings, type SettingsPatch } from '../protocol/settings.ts';
import type { SignalPathReport } from '../protocol/signal-path.ts';
import { AurisError, asAurisError } from '../util/errors.ts';
import type {
  AurisCore, ChangeWatcher, CoreListener, OutputsApi, PlayerApi, QueueApi, QueueChanges, QueueSource, SettingsApi, VolumeApi,
} from './api.ts';
import { ChangeHub } from './changes.ts';
import { EngineLink, fromWire, type EngineMode } from './engine-link.ts';
import { JobService } from './jobs.ts';
import { verifyOutput } from './output-verify.ts';
import type { LibraryService } from './library.ts';
import { effectiveReplayGainMode, replayGainFor } from './replay-gain.ts';
import { Queue, type EntryRange, type NewEntry, type Random } from './queue.ts';
import type { SettingsStore } from './settings-store.ts';

/** `previous` within this many seconds of a track's start goes to the entry before; later, to the start of this one. */
export const PREVIOUS_RESTART_SECONDS = 3;

export interface CoreOptions {
  readonly store: SettingsStore;
  /** Settings applied for this run only, over the stored ones (command-line flags); not saved. */
  readonly overrides?: SettingsPatch;
  readonly engine?: EngineMode;
  /** Randomness for shuffle and random mode (tests pass a seeded one). */
  readonly random?: Random;
  /** The library the core owns (closed with it), or null for a core that plays files only. */
  readonly library?: LibraryService | null;
  /** The job service (analysis, verify) the core owns and closes; default: a new one. */
  readonly jobs?: JobService;
}

const NO_TAGS: ItemTags = { title: null, artist: null, album: null, albumArtist: null, trackNumber: null, discNumber: null, date: null, genre: null };

/** The output named '' in the settings: the system's default device. */
export function systemDefaultOutput(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'wasapi:' : 'alsa:default';
}

/** The engine's settings for the core's settings. */
export function engineSettingsOf(s: Settings): EngineSettings {
  return {
    output: s.output.name || systemDefaultOutput(),
    mode: s.output.mode,
    volumeDb: s.volumeDb,
    volumeControl: s.output.volumeControl,
    eqPreset: s.dsp.eqEnabled && s.dsp.eqPreset ? s.dsp.eqPreset : null,
    eqAutoPreamp: s.dsp.eqAutoPreamp,
    eqStamp: 0,
    crossfeed: s.dsp.crossfeed,
    missingRate: s.output.missingRate,
    bufferMs: s.output.bufferMs,
    releaseAfterPauseMs: s.output.releaseAfterPauseMs,
    dsd: s.output.dsd,
    downmix: s.output.downmix,
  };
}

export class Core implements AurisCore {
  readonly queue: QueueApi;
  readonly player: PlayerApi;
  readonly volume: VolumeApi;
  readonly outputs: OutputsApi;
  readonly settings: SettingsApi;
  /** The music library, when this core has one: front ends query `library.library` and call the service for scans and files. */
  readonly library: LibraryService | null;
  /** Analysis and verify jobs on one worker pool; it runs one job at a time while the engine plays. */
  readonly jobs: JobService;

  private readonly q: Queue;
  private readonly engine: EngineLink;
  private readonly engineMode: EngineMode;
  /** The last output verify (they run one after another). */
  private verifying: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<CoreListener>();
  private readonly changes: ChangeHub;
  private readonly store: SettingsStore;
  /** Saved settings, and the ones in force (with this run's overrides). */
  private saved: Settings;
  private current: Settings;
  private readonly overrides: SettingsPatch;
  /** The engine settings last sent (what a change is compared with). */
  private sentToEngine!: EngineSettings;
  /** The last settings save (saves are chained). */
  private saving: Promise<void> = Promise.resolve();

  /** The engine's last state, and when it came (to move the position on between states). */
  private engineState: EngineState = {
    status: 'stopped', currentId: null, positionFrames: 0, positionSeconds: 0, durationSeconds: null, underruns: 0, clippedSamples: 0, output: null,
  };
  private engineStateAt = 0;
  /** The entry that `play` starts; it stays current after stop and at the end of the queue. */
  private currentId: number | null = null;
  /** Track the engine is decoding (it asked what follows it). */
  private decodingId: number | null = null;
  private trackInfo = new Map<number, TrackInfo>();
  /** Signal path of each recent track, by queue id (the state shows the one being heard). */
  private readonly signalPaths = new Map<number, SignalPathReport>();
  private lastProof: { id: number; path: string; proof: TrackProofWire } | null = null;
  private message = '';
  private closed = false;

  constructor(options: CoreOptions) {
    this.store = options.store;
    this.saved = options.store.loaded;
    this.overrides = options.overrides ? validPatch(options.overrides) : {};
    this.current = mergeSettings(this.saved, this.overrides);
    this.q = new Queue(options.random);
    this.q.setModes(this.current.modes);
    this.changes = new ChangeHub((flags) => this.emit({ type: 'changed', flags }));
    this.engineMode = options.engine ?? 'worker';
    this.engine = new EngineLink(this.engineMode, (e) => this.onEngineEvent(e));
    this.sentToEngine = this.engineSettingsNow();
    this.engine.send({ type: 'configure', settings: this.sentToEngine });
    if (options.store.problem) this.message = options.store.problem.message;
    this.library = options.library ?? null;
    this.jobs = options.jobs ?? new JobService();
    this.jobs.setBusy(() => this.engineState.status === 'playing');
    this.library?.on((e) => {
      switch (e.type) {
        case 'scan-progress':
          this.changes.raise('update');
          this.emit({ type: 'scan', phase: 'progress', done: e.progress.read, total: e.progress.toRead, message: e.progress.phase });
          break;
        case 'scan-done':
          this.changes.raise('update', 'database');
          this.emit({ type: 'scan', phase: 'done', done: e.results.length, total: e.results.length, message: '' });
          break;
        case 'database-changed': this.changes.raise('database'); break;
        case 'playlist-changed': this.changes.raise('stored_playlist'); break;
        case 'sticker-changed': this.changes.raise('sticker'); break;
        default: break;
      }
    });
    this.queue = this.makeQueueApi();
    this.player = this.makePlayerApi();
    this.volume = {
      get: () => this.current.volumeDb,
      set: async (db) => { await this.settings.update({ volumeDb: db }); },
    };
    this.outputs = {
      list: () => this.listOutputs(),
      select: async (name, mode) => { await this.settings.update({ output: mode ? { name, mode } : { name } }); },
      verify: (request = {}) => this.verifyOutput(request),
    };
    this.settings = {
      get: () => this.current,
      update: (patch) => this.updateSettings(patch),
    };
  }

  /** The folder of the settings file: where this core keeps its own files (the EQ editor's preset). */
  get dataFolder(): string {
    return path.dirname(this.store.file);
  }

  /** Why the settings file could not be used at start (null when it was fine). */
  get settingsProblem(): AurisError | null {
    return this.store.problem;
  }

  on(listener: CoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watchChanges(): ChangeWatcher {
    return this.changes.watch();
  }

  async idle(only?: readonly ChangeFlag[], signal?: AbortSignal): Promise<ChangeFlag[]> {
    const w = this.changes.watch();
    try {
      return await w.wait(only, signal);
    } finally {
      w.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.engine.close();
    await this.library?.close();
    await this.jobs.close();
  }

  // ---- queue ---------------------------------------------------------------------------------

  private makeQueueApi(): QueueApi {
    const q = this.q;
    const edited = (): void => {
      this.changes.raise('queue');
      this.refreshPreload();
    };
    return {
      snapshot: () => q.snapshot(),
      changesSince: (v): QueueChanges => q.changesSince(v),
      add: async (sources, at) => {
        const entries = await Promise.all(sources.map((s) => this.entryOf(s)));
        const ids = q.add(entries, at);
        edited();
        return ids;
      },
      remove: (ids) => {
        q.remove(ids);
        const removedCurrent = this.currentId !== null && ids.includes(this.currentId);
        edited();
        if (removedCurrent) this.onCurrentRemoved();
      },
      move: (id, to) => { q.move(id, to); edited(); },
      swap: (a, b) => { q.swap(a, b); edited(); },
      clear: () => {
        q.clear();
        edited();
        this.onCurrentRemoved();
      },
      shuffle: (start, end) => { q.shuffle(start, end, this.currentId); edited(); },
      setPriority: (ids, priority) => { q.setPriority(ids, priority); edited(); },
      setRange: async (id, range) => {
        // Heard, or already being decoded behind the one heard (the gapless hand-off has begun): too late to change.
        const refuseIfHeard = (): void => {
          if (this.engineState.status !== 'stopped' && (this.audibleId() === id || this.decodingId === id)) {
            throw new AurisError('E_STATE', `queue entry ${id} is being played: its range cannot change until it stops`, { id });
          }
        };
        refuseIfHeard();
        const { path: file } = q.get(id);
        const probe = await probeFile(file);
        q.get(id); // still there?
        refuseIfHeard();
        q.setRange(id, rangeInFrames(range, probe));
        edited();
      },
      idAt: (pos) => q.idAt(pos),
      modes: () => q.modes(),
      setModes: async (patch: Partial<PlaybackModes>) => { await this.updateSettings({ modes: patch }); },
    };
  }

  /** A queue entry for a path or a playable: the file must exist; tags are read when they can be (a bad file is reported when it plays). */
  private async entryOf(source: QueueSource): Promise<NewEntry> {
    if (typeof source !== 'string' && 'trackId' in source && !('path' in source)) return this.libraryEntry(source.trackId);
    const given = typeof source === 'string' ? { path: source } : source;
    const playable: Playable = PlayableSchema.parse({ ...given, path: path.resolve(given.path) });
    let st;
    try {
      st = await stat(playable.path);
    } catch (e) {
      const err = asAurisError(e);
      throw new AurisError(err.code, `${playable.path}: ${err.code === 'E_NOT_FOUND' ? 'no such file' : err.message}`, { path: playable.path });
    }
    if (!st.isFile()) throw new AurisError('E_NOT_A_FILE', `${playable.path}: not a regular file`, { path: playable.path });
    let tags = NO_TAGS;
    let durationMs: number | null = null;
    let replayGain: ReplayGain | null = null;
    try {
      // The library's tag reader: FLAC, WAV, AIFF and DSD headers read directly (music-metadata,
      // ~5 MiB and slower, only for the other formats); no art: the library and the file serve it.
      const facts = await readTrackFacts(playable.path, { cover: false });
      const t = facts.tags;
      tags = { title: t.title, artist: t.artist, album: t.album, albumArtist: t.albumArtist, trackNumber: t.trackNumber, discNumber: t.discNumber, date: t.date, genre: t.genre };
      durationMs = facts.duration !== null ? facts.duration * 1000 : null;
      replayGain = t.replayGain;
    } catch {
      // Untagged or unreadable: the entry shows its file name; playing it reports what is wrong.
    }
    return { playable, tags, durationMs, replayGain };
  }

  /** A queue entry for a library track: its file (or CUE range) and the tags the library holds. */
  private libraryEntry(trackId: number): NewEntry {
    if (!this.library) throw new AurisError('E_STATE', 'this Auris has no library', { trackId });
    const t = this.library.library.track(trackId);
    if (!t) throw new AurisError('E_NOT_FOUND', `no library track with id ${trackId}`, { trackId });
    return {
      playable: { path: t.path, trackId: t.id, uri: this.library.library.publicUri(t), startFrame: t.startFrame ?? 0, endFrame: t.endFrame },
      tags: { title: t.title, artist: t.artist, album: t.album, albumArtist: t.albumArtist, trackNumber: t.trackNumber, discNumber: t.discNumber, date: t.date, genre: t.genre },
      durationMs: t.duration !== null ? t.duration * 1000 : null,
      framesPerSecond: t.rate,
      replayGain: { trackGainDb: t.rgTrackGain, trackPeak: t.rgTrackPeak, albumGainDb: t.rgAlbumGain, albumPeak: t.rgAlbumPeak },
    };
  }

  /** The current entry left the queue: play on with what followed it, or forget it when stopped. */
  private onCurrentRemoved(): void {
    if (this.currentId !== null && this.q.has(this.currentId)) return;
    const playing = this.engineState.status === 'playing' || this.engineState.status === 'paused';
    this.currentId = null;
    if (this.q.length === 0 || !playing) {
      if (playing) void this.engine.request({ type: 'stop' }).catch(() => undefined);
      this.changes.raise('player');
      return;
    }
    // The engine is still on a removed entry: go on with the first entry that is still queued after it.
    const engineId = this.engineState.currentId;
    const next = engineId !== null && this.q.has(engineId) ? engineId : this.q.first();
    if (next !== null) void this.loadEntry(next, 0, this.engineState.status === 'paused').catch((e) => this.emitError(e));
  }

  /** After a queue or mode change: tell the engine again what follows the track it decodes. */
  private refreshPreload(): void {
    const after = this.decodingId;
    if (after === null || this.engineState.status === 'stopped') return;
    const nextId = this.q.has(after) ? this.q.following(after, true) : null;
    this.engine.send({ type: 'preload', afterId: after, track: nextId === null ? null : this.engineTrack(nextId) });
  }

  /** What the engine plays for entry `id`: its file or range, and its ReplayGain under the settings now. */
  private engineTrack(id: number): EngineTrack {
    const item = this.q.get(id);
    const mode = effectiveReplayGainMode(this.current.replayGain.mode, this.q.modes().random);
    const gain = replayGainFor(this.q.details(id).replayGain, mode, this.current.replayGain);
    return { id, path: item.path, startFrame: item.startFrame, endFrame: item.endFrame, gain };
  }

  // ---- player --------------------------------------------------------------------------------

  private makePlayerApi(): PlayerApi {
    return {
      state: () => this.playerState(),
      play: async (id) => {
        if (id !== undefined) {
          this.q.get(id); // E_NOT_FOUND for an unknown id
          await this.loadEntry(id, 0, false);
          return;
        }
        const status = this.engineState.status;
        if (status === 'paused') return this.engine.request({ type: 'resume' });
        if (status === 'playing' || status === 'waiting-for-device') return;
        const start = this.currentId !== null && this.q.has(this.currentId) ? this.currentId : this.q.first();
        if (start === null) throw new AurisError('E_STATE', 'the queue is empty: add something to play first');
        await this.loadEntry(start, 0, false);
      },
      pause: () => this.engine.request({ type: 'pause' }),
      resume: () => this.engine.request({ type: 'resume' }),
      togglePause: async () => {
        if (this.engineState.status === 'stopped') return this.player.play();
        return this.engine.request({ type: 'toggle-pause' });
      },
      stop: async () => {
        await this.engine.request({ type: 'stop' });
        this.decodingId = null;
      },
      next: async () => {
        const from = this.audibleId();
        if (from === null) throw new AurisError('E_STATE', 'nothing is playing');
        const to = this.q.following(from, false);
        if (to === null) {
          await this.player.stop();
          return;
        }
        await this.loadEntry(to, 0, this.engineState.status === 'paused');
      },
      previous: async () => {
        const from = this.audibleId();
        if (from === null) throw new AurisError('E_STATE', 'nothing is playing');
        const restart = this.positionSeconds() > PREVIOUS_RESTART_SECONDS;
        const to = restart ? from : this.q.preceding(from) ?? from;
        await this.loadEntry(to, 0, this.engineState.status === 'paused');
      },
      seek: async (target: SeekTarget, id?: number) => {
        const t = SeekSchema.parse(target);
        const playing = this.engineState.status !== 'stopped' && this.engineState.currentId !== null;
        const on = id ?? this.audibleId();
        if (on === null) throw new AurisError('E_STATE', 'nothing is playing to seek in');
        this.q.get(on);
        if (playing && on === this.engineState.currentId) {
          if ('frame' in t) return this.engine.request({ type: 'seek', frame: t.frame });
          if ('ms' in t) return this.engine.request({ type: 'seek-time', seconds: t.ms / 1000 });
          return this.engine.request({ type: 'seek-relative', seconds: t.relativeMs / 1000 });
        }
        if ('relativeMs' in t) throw new AurisError('E_STATE', 'a relative seek needs a track that is playing');
        await this.engine.request({
          type: 'load', track: this.engineTrack(on), frame: 'frame' in t ? t.frame : 0, seconds: 'ms' in t ? t.ms / 1000 : undefined,
          paused: this.engineState.status === 'paused',
        });
        this.setCurrent(on);
      },
    };
  }

  private async loadEntry(id: number, frame: number, paused: boolean): Promise<void> {
    this.setCurrent(id);
    this.decodingId = null;
    await this.engine.request({ type: 'load', track: this.engineTrack(id), frame, paused });
  }

  private setCurrent(id: number | null): void {
    if (this.currentId === id) return;
    this.currentId = id;
    this.changes.raise('player');
  }

  /** The entry being heard, else the current one. */
  private audibleId(): number | null {
    const id = this.engineState.currentId;
    return id !== null && this.q.has(id) ? id : this.currentId !== null && this.q.has(this.currentId) ? this.currentId : null;
  }

  private positionSeconds(): number {
    const s = this.engineState;
    let pos = s.positionSeconds;
    if (s.status === 'playing' && this.engineStateAt > 0) pos += (Date.now() - this.engineStateAt) / 1000;
    return s.durationSeconds !== null ? Math.min(pos, s.durationSeconds) : pos;
  }

  private playerState(): PlayerStateWire {
    const s = this.engineState;
    const id = this.audibleId();
    const info = id !== null ? this.trackInfo.get(id) : undefined;
    const item = id !== null ? this.q.get(id) : null;
    const nextId = id !== null ? this.q.following(id, true) : this.q.first();
    // The engine says the duration while it decodes the track; in its last second (the next one
    // decoding) the track's own info still knows it; the tags' duration is the last resort.
    const decoded = info?.totalFrames != null ? (info.totalFrames / framesPerSecond(info.format)) * 1000 : null;
    const durationMs = s.durationSeconds !== null && s.currentId === id ? s.durationSeconds * 1000 : decoded ?? item?.durationMs ?? null;
    const live = s.currentId === id && s.status !== 'stopped';
    return {
      status: s.status,
      currentId: id,
      currentPos: id !== null ? this.q.positionOf(id) : -1,
      nextId: nextId === id && !this.q.modes().repeat ? null : nextId,
      positionMs: live ? this.positionSeconds() * 1000 : 0,
      positionFrames: live ? s.positionFrames : 0,
      durationMs,
      source: info ? { codec: info.codec, format: info.format, lossless: info.lossless } : null,
      output: s.output ? { ...s.output, container: String(s.output.container) } : null,
      signalPath: id !== null && this.signalPaths.has(id) ? pathWire(this.signalPaths.get(id)!) : null,
      lastProof: this.lastProof,
      volumeDb: this.current.volumeDb,
      underruns: s.underruns,
      clippedSamples: live ? s.clippedSamples : 0,
      message: this.message,
    };
  }

  // ---- engine events -------------------------------------------------------------------------

  private onEngineEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'need-next': {
        this.decodingId = e.afterId;
        const nextId = this.q.has(e.afterId) ? this.q.following(e.afterId, true) : null;
        this.engine.send({ type: 'preload', afterId: e.afterId, track: nextId === null ? null : this.engineTrack(nextId) });
        return;
      }
      case 'state': {
        const before = this.engineState;
        this.engineState = e.state;
        this.engineStateAt = Date.now();
        if (e.state.currentId !== null && e.state.currentId !== this.currentId && this.q.has(e.state.currentId)) this.setCurrent(e.state.currentId);
        if (before.status !== e.state.status) {
          if (e.state.status !== 'waiting-for-device') this.message = '';
          this.changes.raise('player');
        }
        this.emit({ type: 'state', state: this.playerState() });
        return;
      }
      case 'track-start':
        this.trackInfo.set(e.track.id, e.track);
        if (this.trackInfo.size > 64) this.trackInfo.delete(this.trackInfo.keys().next().value!);
        this.setSignalPath(e.track.id, e.signalPath);
        this.emit({
          type: 'track-start', id: e.track.id, path: e.track.path, signalPath: pathWire(e.signalPath),
          source: { codec: e.track.codec, format: e.track.format, lossless: e.track.lossless },
        });
        return;
      case 'signal-path':
        this.setSignalPath(e.id, e.signalPath);
        this.emit({ type: 'signal-path', id: e.id, signalPath: pathWire(e.signalPath) });
        return;
      case 'track-end':
        this.setSignalPath(e.track.id, e.signalPath);
        if (e.completed) {
          this.lastProof = { id: e.track.id, path: e.track.path, proof: e.proof };
          const trackId = this.q.has(e.track.id) ? this.q.get(e.track.id).trackId : null;
          if (trackId !== null) this.library?.library.recordPlay(trackId);
          this.changes.raise('proof');
          if (this.q.modes().consume && this.q.has(e.track.id)) {
            this.q.remove([e.track.id]);
            this.changes.raise('queue');
          }
        }
        this.emit({ type: 'track-end', id: e.track.id, path: e.track.path, signalPath: pathWire(e.signalPath), proof: e.proof, completed: e.completed });
        return;
      case 'track-error':
        this.emit({ type: 'track-error', id: e.id, path: e.path, error: wireOf(e.error) });
        return;
      case 'output-open':
        this.emit({ type: 'output-open', output: { ...e.output, container: String(e.output.container) }, reopened: e.reopened });
        return;
      case 'queue-end':
        this.decodingId = null;
        if (this.q.endOneshot()) this.changes.raise('options');
        this.changes.raise('player');
        this.emit({ type: 'queue-end', underruns: e.underruns });
        return;
      case 'device-lost':
        this.message = `device lost: ${e.error.message}; waiting for it to come back`;
        this.emit({ type: 'device-lost', error: wireOf(e.error), id: e.id, framesResent: e.framesResent });
        return;
      case 'device-back':
        this.message = '';
        this.emit({ type: 'device-back' });
        return;
      case 'underrun':
        this.emit({ type: 'underrun', count: e.count });
        return;
      case 'frames-lost':
        this.emit({ type: 'frames-lost', id: e.id, count: e.count });
        return;
      case 'warning':
        this.emit({ type: 'warning', message: e.message });
        return;
      case 'error':
        this.message = e.error.message;
        this.emit({ type: 'error', error: wireOf(e.error) });
        return;
      case 'ack':
        return;
    }
  }

  private setSignalPath(id: number, path: SignalPathReport): void {
    this.signalPaths.set(id, path);
    if (this.signalPaths.size > 64) this.signalPaths.delete(this.signalPaths.keys().next().value!);
    this.changes.raise('signal_path');
  }

  private emit(event: CoreEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A front end's listener failing must not stop the others or the core.
      }
    }
  }

  private emitError(e: unknown): void {
    const err = asAurisError(e);
    this.emit({ type: 'error', error: { code: err.code, message: err.message, details: { ...err.details } } });
  }

  // ---- settings and outputs ------------------------------------------------------------------

  /**
   * Validates a patch, applies it at once (the queue's modes, what `get()` answers), then persists
   * it and hands the engine what changed for it; resolves when both are done.
   */
  private async updateSettings(patch: SettingsPatch): Promise<Settings> {
    const valid = validPatch(patch);
    const before = this.current;
    this.saved = mergeSettings(this.saved, valid);
    this.current = mergeSettings(this.current, valid);
    const flags: ChangeFlag[] = ['settings'];
    if (valid.modes || valid.replayGain) {
      // A track that follows gets the new modes and ReplayGain; the one playing keeps its gain to its end.
      if (valid.modes) this.q.setModes(this.current.modes, this.currentId);
      flags.push('options');
      this.refreshPreload();
    }
    if (before.volumeDb !== this.current.volumeDb) flags.push('mixer');
    if (JSON.stringify(before.output) !== JSON.stringify(this.current.output)) flags.push('output');
    const engineBefore = this.sentToEngine;
    const engineAfter = this.engineSettingsNow();
    this.sentToEngine = engineAfter;
    const changed = Object.fromEntries(Object.entries(engineAfter).filter(([k, v]) => engineBefore[k as keyof EngineSettings] !== v)) as Partial<EngineSettings>;
    const configured = Object.keys(changed).length > 0 ? this.engine.request({ type: 'configure', settings: changed }) : Promise.resolve();
    // Saves run one after another, each writing the settings as they are by then (none is lost).
    const saving = this.saving.then(() => this.store.save(this.saved));
    this.saving = saving.then(() => undefined, () => undefined);
    // Front ends hear of the change at once (what get() answers has changed); the promise resolves when it is saved and applied.
    this.changes.raise(...flags);
    const [movedTo] = await Promise.all([saving, configured]);
    if (movedTo) this.emit({ type: 'warning', message: `the damaged settings file was kept as ${movedTo}` });
    return this.current;
  }

  /** The engine settings for the current settings, with the EQ preset file's modification time. */
  private engineSettingsNow(): EngineSettings {
    const e = engineSettingsOf(this.current);
    let eqStamp = 0;
    if (e.eqPreset) {
      try {
        eqStamp = statSync(e.eqPreset).mtimeMs;
      } catch {
        // A missing preset is reported when the engine loads it.
      }
    }
    return { ...e, eqStamp };
  }

  private async verifyOutput(request: OutputVerifyRequest): Promise<OutputVerifyResult> {
    const parsed = OutputVerifyRequestSchema.safeParse(request);
    if (!parsed.success) throw new AurisError('E_INVALID_ARGUMENT', `output verify: ${parsed.error.issues[0]!.message}`, { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) });
    const base = this.engineSettingsNow();
    const name = parsed.data.name ?? base.output;
    const mode = parsed.data.mode ?? base.mode;
    const held = this.engineState.status !== 'stopped' ? this.engineState.output?.name ?? base.output : null;
    if (held === name) throw new AurisError('E_STATE', `Auris is playing to ${name}: stop playback, then verify it`, { output: name });
    const run = this.verifying.then(() => verifyOutput(this.engineMode, { ...base, output: name, mode }, parsed.data.rate ?? 44100, parsed.data.bits ?? 16));
    this.verifying = run.catch(() => undefined);
    return run;
  }

  private async listOutputs(): Promise<OutputListingWire[]> {
    const selected = engineSettingsOf(this.current).output;
    // The output plugins load here, on first use: the engine's worker has its own copy, and a core that never lists outputs spares the memory.
    const { listOutputs } = await import('../outputs/registry.ts');
    const { outputs } = await listOutputs();
    const inUse = this.engineState.output?.name ?? null;
    const listed: OutputListingWire[] = outputs.map((o) => {
      const heldByUs = o.name === inUse && o.error?.code === 'E_DEVICE_BUSY';
      return {
        name: o.name,
        description: o.description,
        modes: [...o.modes],
        isDefault: o.isDefault,
        selected: o.name === selected,
        capabilities: o.capabilities ? {
          formats: o.capabilities.formats === 'any' ? 'any' : o.capabilities.formats.map((f) => ({ ...f, container: String(f.container), rates: [...f.rates] })),
          rateRange: o.capabilities.rateRange ? [o.capabilities.rateRange[0], o.capabilities.rateRange[1]] : null,
          hardwareVolume: o.capabilities.hardwareVolume,
        } : null,
        error: heldByUs ? null : o.error,
      };
    });
    if (!listed.some((o) => o.selected)) {
      listed.push({ name: selected, description: 'the output in the settings', modes: ['exclusive', 'shared'], isDefault: false, selected: true, capabilities: null, error: null });
    }
    return listed;
  }
}

/** A file's frames per second and length in frames (null: unknown), from its decoder's header. */
async function probeFile(file: string): Promise<{ framesPerSecond: number; totalFrames: number | null }> {
  const opened = await openFile(file);
  try {
    return { framesPerSecond: framesPerSecond(opened.decoder.format), totalFrames: opened.decoder.info.totalFrames };
  } finally {
    await opened.close();
  }
}

/**
 * A range in ms as source frames (rounded down, as MPD's SongTime::ToScale does), checked against
 * the file's length as MPD checks it: a start past the end is refused, an end at or past it means
 * "to the end".
 */
export function rangeInFrames(range: { readonly startMs: number; readonly endMs: number | null } | null, file: { framesPerSecond: number; totalFrames: number | null }): EntryRange {
  const fps = file.framesPerSecond;
  const total = file.totalFrames;
  const whole = { startFrame: 0, endFrame: null, durationMs: total === null ? null : (total * 1000) / fps, framesPerSecond: fps };
  if (range === null) return whole;
  const { startMs, endMs } = range;
  if (!Number.isFinite(startMs) || startMs < 0 || (endMs !== null && (!Number.isFinite(endMs) || endMs <= startMs))) {
    throw new AurisError('E_INVALID_ARGUMENT', `bad range ${startMs}:${endMs ?? ''} ms: the start must be >= 0 and the end after it`, { startMs, endMs });
  }
  const toFrame = (ms: number): number => Math.floor((ms * fps) / 1000);
  const startFrame = toFrame(startMs);
  if (total !== null && startFrame > total) {
    throw new AurisError('E_INVALID_ARGUMENT', `the range starts at ${startMs} ms, after the end of the file (${Math.floor((total * 1000) / fps)} ms)`, { startMs, totalFrames: total });
  }
  let endFrame = endMs === null ? null : toFrame(endMs);
  if (endFrame !== null && total !== null && endFrame >= total) endFrame = null;
  // The length in ms as MPD works it out (end - start), so clients show the times they set.
  const endAt = endFrame !== null ? endMs : whole.durationMs;
  return { startFrame, endFrame, durationMs: endAt === null ? null : endAt - startMs, framesPerSecond: fps };
}

/** The signal path as plain mutable data for the wire. */
function pathWire(sp: SignalPathReport): NonNullable<PlayerStateWire['signalPath']> {
  return { verdict: sp.verdict, reasons: [...sp.reasons], stages: sp.stages.map((x) => ({ ...x })) };
}

/**
 * The patch itself once the schema accepts it: E_INVALID_ARGUMENT naming the key otherwise. (The
 * parsed value is not used, since parsing a partial group fills in the defaults of the keys left out.)
 */
function validPatch(patch: SettingsPatch): SettingsPatch {
  const parsed = SettingsPatchSchema.safeParse(patch);
  if (parsed.success) return patch;
  const issue = parsed.error.issues[0]!;
  const key = issue.path.join('.');
  throw new AurisError('E_INVALID_ARGUMENT', `setting "${key}": ${issue.message}`, { key, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) });
}

function wireOf(e: { code: string; message: string; details?: Readonly<Record<string, unknown>> }): WireErrorShape {
  return { code: e.code, message: e.message, details: { ...(e.details ?? {}) } };
}

export { fromWire };
