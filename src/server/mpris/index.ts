// MPRIS (Media Player Remote Interfacing Specification 2.2) on the D-Bus session bus: the Linux
// desktop's media keys, its media controls and `playerctl` drive the core, and see the track's
// metadata, art and position. The sound comes from the server process, not from a page, so the
// server is where the desktop must find the player.
//
// Only what the core can do is advertised: no track list, no playlists, no rate other than 1.
// Properties are read on demand from the core; changes are signalled (PropertiesChanged) when a
// core event changes what a property reads, never more often.

import dbus from 'dbus-next';
import type { AurisCore } from '../../core/api.ts';
import type { CoreEvent } from '../../protocol/events.ts';
import type { PlayerStateWire, QueueItem } from '../../protocol/player.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';

const { Interface } = dbus.interface;
const { Variant, DBusError } = dbus;

const OBJECT_PATH = '/org/mpris/MediaPlayer2';
const ROOT_IFACE = 'org.mpris.MediaPlayer2';
const PLAYER_IFACE = 'org.mpris.MediaPlayer2.Player';
/** The track id MPRIS reserves for "no track". */
const NO_TRACK = '/org/mpris/MediaPlayer2/TrackList/NoTrack';

export interface MprisOptions {
  /** D-Bus address of the session bus (default: DBUS_SESSION_BUS_ADDRESS). */
  readonly busAddress?: string;
  /** Last part of the bus name, org.mpris.MediaPlayer2.<name> (default `auris`). */
  readonly name?: string;
  /** URL of a queue entry's cover art, if any (the server's /api/art route). */
  readonly artUrl?: (item: QueueItem) => string | null;
}

export interface MprisService {
  /** The bus name taken (org.mpris.MediaPlayer2.auris, or .auris.instance<pid> when another Auris holds that). */
  readonly busName: string;
  close(): Promise<void>;
}

function trackPath(id: number): string {
  return `/org/auris/queue/${id}`;
}

/** MPRIS metadata of a queue entry (xesam and mpris keys, each a variant). */
function metadataOf(item: QueueItem | null, artUrl: MprisOptions['artUrl']): Record<string, InstanceType<typeof Variant>> {
  if (item === null) return { 'mpris:trackid': new Variant('o', NO_TRACK) };
  const t = item.tags;
  const name = item.path.split(/[\\/]/).pop() ?? item.path;
  const m: Record<string, InstanceType<typeof Variant>> = {
    'mpris:trackid': new Variant('o', trackPath(item.id)),
    'xesam:title': new Variant('s', t.title ?? name),
    'xesam:url': new Variant('s', `file://${encodeURI(item.path)}`),
  };
  if (item.durationMs !== null) m['mpris:length'] = new Variant('x', BigInt(Math.round(item.durationMs * 1000)));
  if (t.artist !== null) m['xesam:artist'] = new Variant('as', [t.artist]);
  if (t.albumArtist !== null) m['xesam:albumArtist'] = new Variant('as', [t.albumArtist]);
  if (t.album !== null) m['xesam:album'] = new Variant('s', t.album);
  if (t.genre !== null) m['xesam:genre'] = new Variant('as', [t.genre]);
  if (t.trackNumber !== null) m['xesam:trackNumber'] = new Variant('i', t.trackNumber);
  if (t.discNumber !== null) m['xesam:discNumber'] = new Variant('i', t.discNumber);
  if (t.date !== null) m['xesam:contentCreated'] = new Variant('s', t.date);
  const art = artUrl?.(item) ?? null;
  if (art !== null) m['mpris:artUrl'] = new Variant('s', art);
  return m;
}

const STATUS = { playing: 'Playing', paused: 'Paused', stopped: 'Stopped', 'waiting-for-device': 'Paused' } as const;

/** Runs a core command for a D-Bus method; its failure becomes a D-Bus error with the code in the name. */
async function command(run: () => Promise<void> | void): Promise<void> {
  try {
    await run();
  } catch (e) {
    const err = asAurisError(e);
    throw new DBusError(`org.auris.Error.${err.code}`, err.message);
  }
}

/** dB (<= 0) to MPRIS's linear volume (0..1) and back; -120 dB and below is 0. */
function dbToLinear(db: number): number {
  return db <= -120 ? 0 : 10 ** (db / 20);
}
function linearToDb(v: number): number {
  return v <= 0 ? -120 : Math.max(-120, Math.min(0, 20 * Math.log10(v)));
}

class RootInterface extends Interface {
  get CanQuit(): boolean { return false; }
  get CanRaise(): boolean { return false; }
  get HasTrackList(): boolean { return false; }
  get Identity(): string { return 'Auris'; }
  get SupportedUriSchemes(): string[] { return []; }
  get SupportedMimeTypes(): string[] { return []; }
  Raise(): void {}
  Quit(): void {}
}
RootInterface.configureMembers({
  properties: {
    CanQuit: { signature: 'b', access: 'read' }, CanRaise: { signature: 'b', access: 'read' },
    HasTrackList: { signature: 'b', access: 'read' }, Identity: { signature: 's', access: 'read' },
    SupportedUriSchemes: { signature: 'as', access: 'read' }, SupportedMimeTypes: { signature: 'as', access: 'read' },
  },
  methods: { Raise: {}, Quit: {} },
});

class PlayerInterface extends Interface {
  constructor(private readonly core: AurisCore, private readonly artUrl: MprisOptions['artUrl']) {
    super(PLAYER_IFACE);
  }

  private state(): PlayerStateWire {
    return this.core.player.state();
  }

  /** The current queue entry, or null. */
  currentItem(): QueueItem | null {
    const id = this.state().currentId;
    return id === null ? null : this.core.queue.snapshot().items.find((x) => x.id === id) ?? null;
  }

  get PlaybackStatus(): string { return STATUS[this.state().status]; }
  get LoopStatus(): string {
    const m = this.core.queue.modes();
    return !m.repeat ? 'None' : m.single === 'off' ? 'Playlist' : 'Track';
  }
  set LoopStatus(value: string) {
    const modes = { None: { repeat: false, single: 'off' }, Track: { repeat: true, single: 'on' }, Playlist: { repeat: true, single: 'off' } } as const;
    if (!Object.hasOwn(modes, value)) throw new DBusError('org.freedesktop.DBus.Error.InvalidArgs', `LoopStatus is None, Track or Playlist, not ${value}`);
    // A setter cannot wait; the core applies modes at once and a failure shows in its events.
    this.core.queue.setModes(modes[value as keyof typeof modes]).catch(() => {});
  }
  get Rate(): number { return 1; }
  set Rate(_v: number) {}
  get Shuffle(): boolean { return this.core.queue.modes().random; }
  set Shuffle(value: boolean) { this.core.queue.setModes({ random: value }).catch(() => {}); }
  get Metadata(): Record<string, InstanceType<typeof Variant>> { return metadataOf(this.currentItem(), this.artUrl); }
  get Volume(): number { return dbToLinear(this.core.volume.get()); }
  set Volume(value: number) {
    this.core.volume.set(linearToDb(value)).catch(() => {});
  }
  get Position(): bigint { return BigInt(Math.round(this.state().positionMs * 1000)); }
  get MinimumRate(): number { return 1; }
  get MaximumRate(): number { return 1; }
  get CanGoNext(): boolean { return this.state().nextId !== null; }
  get CanGoPrevious(): boolean { return this.state().currentId !== null; }
  /** Something to play: a current entry, or any entry in the queue (play starts the first). */
  get CanPlay(): boolean {
    if (this.state().currentId !== null) return true;
    try {
      this.core.queue.idAt(0);
      return true;
    } catch {
      return false;
    }
  }
  get CanPause(): boolean { return this.CanPlay; }
  get CanSeek(): boolean { return this.state().currentId !== null; }
  get CanControl(): boolean { return true; }

  Next(): Promise<void> { return command(() => this.core.player.next()); }
  Previous(): Promise<void> { return command(() => this.core.player.previous()); }
  Pause(): Promise<void> { return command(() => this.core.player.pause()); }
  PlayPause(): Promise<void> {
    return command(() => (this.state().status === 'stopped' ? this.core.player.play() : this.core.player.togglePause()));
  }
  Stop(): Promise<void> { return command(() => this.core.player.stop()); }
  Play(): Promise<void> {
    return command(() => (this.state().status === 'paused' ? this.core.player.resume() : this.core.player.play()));
  }
  /** Offset in microseconds from the current position. */
  Seek(offsetUs: bigint): Promise<void> {
    return command(() => this.core.player.seek({ relativeMs: Number(offsetUs) / 1000 }));
  }
  /** Absolute position of the named track; ignored when it is not the current one (the spec says so). */
  SetPosition(trackId: string, positionUs: bigint): Promise<void> {
    const current = this.state().currentId;
    if (current === null || trackId !== trackPath(current) || positionUs < 0n) return Promise.resolve();
    return command(() => this.core.player.seek({ ms: Number(positionUs) / 1000 }));
  }
  OpenUri(uri: string): void {
    throw new DBusError('org.freedesktop.DBus.Error.NotSupported', `Auris plays from its library; it does not open ${uri}`);
  }
  Seeked(positionUs: bigint): bigint { return positionUs; }
}
PlayerInterface.configureMembers({
  properties: {
    PlaybackStatus: { signature: 's', access: 'read' }, LoopStatus: { signature: 's', access: 'readwrite' },
    Rate: { signature: 'd', access: 'readwrite' }, Shuffle: { signature: 'b', access: 'readwrite' },
    Metadata: { signature: 'a{sv}', access: 'read' }, Volume: { signature: 'd', access: 'readwrite' },
    Position: { signature: 'x', access: 'read' }, MinimumRate: { signature: 'd', access: 'read' },
    MaximumRate: { signature: 'd', access: 'read' }, CanGoNext: { signature: 'b', access: 'read' },
    CanGoPrevious: { signature: 'b', access: 'read' }, CanPlay: { signature: 'b', access: 'read' },
    CanPause: { signature: 'b', access: 'read' }, CanSeek: { signature: 'b', access: 'read' },
    CanControl: { signature: 'b', access: 'read' },
  },
  methods: {
    Next: {}, Previous: {}, Pause: {}, PlayPause: {}, Stop: {}, Play: {},
    Seek: { inSignature: 'x' }, SetPosition: { inSignature: 'ox' }, OpenUri: { inSignature: 's' },
  },
  signals: { Seeked: { signature: 'x' } },
});

/** Properties whose value follows the player state, compared after each state event. */
const STATE_PROPS = ['PlaybackStatus', 'CanGoNext', 'CanGoPrevious', 'CanPlay', 'CanPause', 'CanSeek'] as const;

/**
 * Publishes the core on the session bus. E_STATE when there is no session bus or the name cannot
 * be taken (the caller goes on without media keys).
 */
export async function startMpris(core: AurisCore, options: MprisOptions = {}): Promise<MprisService> {
  const address = options.busAddress ?? process.env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) throw new AurisError('E_STATE', 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)', {});
  const bus = dbus.sessionBus({ busAddress: address });
  // The bus answers Hello ('connect') or fails ('error'); a bus that never answers is given up.
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
    bus.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    bus.once('error', (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  // A bus that goes away later is the desktop's business; playback goes on without media keys.
  bus.on('error', () => {});
  const root = new RootInterface(ROOT_IFACE);
  const player = new PlayerInterface(core, options.artUrl);
  let busName = `org.mpris.MediaPlayer2.${options.name ?? 'auris'}`;
  try {
    await connected;
    bus.export(OBJECT_PATH, root);
    bus.export(OBJECT_PATH, player);
    const reply = await bus.requestName(busName, dbus.NameFlag.DO_NOT_QUEUE);
    if (reply !== dbus.RequestNameReply.PRIMARY_OWNER && reply !== dbus.RequestNameReply.ALREADY_OWNER) {
      busName = `${busName}.instance${process.pid}`;
      await bus.requestName(busName, dbus.NameFlag.DO_NOT_QUEUE);
    }
  } catch (e) {
    bus.disconnect();
    throw new AurisError('E_STATE', `the D-Bus session bus refused Auris: ${(e as Error).message}`, { address }, { cause: e });
  }

  // What each property read when last signalled; a state event signals only what changed.
  const last = new Map<string, unknown>();
  let lastTrack: number | null = null;
  let lastPosition: { ms: number; at: number; status: string } | null = null;
  const signalChanged = (names: readonly string[]): void => {
    const changed: Record<string, unknown> = {};
    for (const n of names) {
      const value = (player as unknown as Record<string, unknown>)[n];
      const key = n === 'Metadata' ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) : value;
      if (last.get(n) !== key) {
        last.set(n, key);
        changed[n] = value;
      }
    }
    if (Object.keys(changed).length > 0) Interface.emitPropertiesChanged(player, changed, []);
  };
  const onEvent = (e: CoreEvent): void => {
    if (e.type === 'state') {
      const s = e.state;
      const props: string[] = [...STATE_PROPS];
      if (s.currentId !== lastTrack) {
        lastTrack = s.currentId;
        props.push('Metadata');
      }
      signalChanged(props);
      // A jump of the position (a seek) is signalled; playing on is not (clients extrapolate).
      const now = Date.now();
      if (lastPosition !== null && s.currentId === lastTrack) {
        const expected = lastPosition.ms + (lastPosition.status === 'playing' ? now - lastPosition.at : 0);
        if (Math.abs(s.positionMs - expected) > 1000) player.Seeked(BigInt(Math.round(s.positionMs * 1000)));
      }
      lastPosition = { ms: s.positionMs, at: now, status: s.status };
    } else if (e.type === 'changed') {
      const props: string[] = [];
      if (e.flags.includes('options')) props.push('LoopStatus', 'Shuffle');
      if (e.flags.includes('mixer')) props.push('Volume');
      if (e.flags.includes('queue')) props.push('Metadata', 'CanGoNext', 'CanPlay', 'CanPause');
      signalChanged(props);
    }
  };
  signalChanged([...STATE_PROPS, 'Metadata', 'LoopStatus', 'Shuffle', 'Volume']);
  lastTrack = core.player.state().currentId;
  const off = core.on(onEvent);

  return {
    busName,
    async close() {
      off();
      try {
        await bus.releaseName(busName);
      } catch {
        // the bus is gone already
      }
      bus.disconnect();
    },
  };
}
