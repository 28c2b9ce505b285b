// Status and playback commands: status, stats, currentsong, play..., seek..., volume, modes, ReplayGain.
// They map onto core.player, core.queue and core.volume; crossfade and MixRamp are refused because
// overlapping two tracks changes their samples.

import { REPLAY_GAIN_MODES } from '../../protocol/settings.ts';
import { isAurisError } from '../../util/errors.ts';
import { ACK, MpdError } from '../ack.ts';
import { parseBool, parseFloatArg, parseInt32, parseSongTime, parseUnsigned } from '../args.ts';
import { PERMISSION, type CommandContext, type CommandSpec } from '../context.ts';
import { printEntry } from '../records.ts';
import { dbToPercent, percentToDb } from '../volume.ts';

const { READ, PLAYER } = PERMISSION;

const STATE_NAME = { stopped: 'stop', playing: 'play', paused: 'pause', 'waiting-for-device': 'play' } as const;

function formatOfState(format: unknown): string | null {
  const f = format as { rate?: number; channels?: number; sample?: string; validBits?: number } | null;
  if (!f || typeof f.rate !== 'number' || typeof f.channels !== 'number') return null;
  if (f.sample === 'dsd') return `dsd${Math.round(f.rate / 44100)}:${f.channels}`;
  if (f.sample === 'f32' || f.sample === 'f64') return `${f.rate}:f:${f.channels}`;
  return `${f.rate}:${f.validBits ?? ''}:${f.channels}`;
}

function status(ctx: CommandContext): void {
  const { core, r } = ctx;
  const st = core.player.state();
  const snap = core.queue.snapshot();
  const modes = snap.modes;
  r.kv('volume', dbToPercent(core.volume.get()));
  r.kv('repeat', modes.repeat ? 1 : 0);
  r.kv('random', modes.random ? 1 : 0);
  r.kv('single', modes.single === 'on' ? '1' : modes.single === 'oneshot' ? 'oneshot' : '0');
  r.kv('consume', modes.consume ? 1 : 0);
  r.kv('partition', 'default');
  r.kv('playlist', snap.version);
  r.kv('playlistlength', snap.items.length);
  r.kv('mixrampdb', 0);
  r.kv('state', STATE_NAME[st.status]);
  if (st.currentPos >= 0 && st.currentId !== null) {
    r.kv('song', st.currentPos);
    r.kv('songid', st.currentId);
  }
  if (st.status !== 'stopped') {
    const elapsed = st.positionMs / 1000;
    const total = st.durationMs === null ? null : st.durationMs / 1000;
    r.kv('time', `${Math.round(elapsed)}:${total === null ? 0 : Math.round(total)}`);
    r.kv('elapsed', elapsed.toFixed(3));
    r.kv('bitrate', 0);
    if (total !== null) r.kv('duration', total.toFixed(3));
    const audio = formatOfState(st.source?.format);
    if (audio) r.kv('audio', audio);
  }
  if (ctx.frontend.updateJob > 0 && ctx.frontend.updating) r.kv('updating_db', ctx.frontend.updateJob);
  if (st.message !== '') r.kv('error', st.message);
  if (st.nextId !== null) {
    const pos = snap.items.findIndex((i) => i.id === st.nextId);
    if (pos >= 0) {
      r.kv('nextsong', pos);
      r.kv('nextsongid', st.nextId);
    }
  }
}

function stats(ctx: CommandContext): void {
  const { r } = ctx;
  const s = ctx.frontend.library ? ctx.frontend.library.library.stats() : null;
  r.kv('uptime', Math.floor((Date.now() - ctx.frontend.startedAt) / 1000));
  r.kv('playtime', Math.floor(ctx.frontend.playtimeMs() / 1000));
  if (s) {
    r.kv('artists', s.artists);
    r.kv('albums', s.albums);
    r.kv('songs', s.songs);
    r.kv('db_playtime', Math.round(s.playtime));
    if (s.dbUpdate !== null) r.kv('db_update', Math.floor(s.dbUpdate / 1000));
  }
}

function currentSong(ctx: CommandContext): void {
  const st = ctx.core.player.state();
  if (st.currentId === null) return;
  const item = ctx.core.queue.snapshot().items[st.currentPos];
  if (item) printEntry(ctx, item, st.currentPos);
}

/** The id at a queue position, or MPD's "Bad song index". */
export function idAtPos(ctx: CommandContext, pos: number): number {
  const items = ctx.core.queue.snapshot().items;
  const item = items[pos];
  if (pos < 0 || !item) throw new MpdError(ACK.ARG, 'Bad song index');
  return item.id;
}

/** Checks that an id is in the queue, else MPD's "No such song". */
export function requireId(ctx: CommandContext, id: number): number {
  if (!ctx.core.queue.snapshot().items.some((i) => i.id === id)) throw new MpdError(ACK.NO_EXIST, 'No such song');
  return id;
}

async function play(ctx: CommandContext, args: string[]): Promise<void> {
  const pos = args.length > 0 ? parseInt32(args[0]!) : -1;
  if (pos < 0) await ctx.core.player.play();
  else await ctx.core.player.play(idAtPos(ctx, pos));
}

async function playId(ctx: CommandContext, args: string[]): Promise<void> {
  const id = args.length > 0 ? parseInt32(args[0]!) : -1;
  if (id < 0) await ctx.core.player.play();
  else await ctx.core.player.play(requireId(ctx, id));
}

async function pause(ctx: CommandContext, args: string[]): Promise<void> {
  const status = ctx.core.player.state().status;
  // MPD: pause acts on a playing or paused player only; a stopped player stays stopped.
  if (status === 'stopped') return;
  if (args.length === 0) await ctx.core.player.togglePause();
  else if (parseBool(args[0]!)) {
    if (status !== 'paused') await ctx.core.player.pause();
  } else if (status === 'paused') await ctx.core.player.resume();
}

/** next/previous on a stopped player do nothing in MPD; the core says E_STATE. */
async function quietWhenStopped(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!isAurisError(e, 'E_STATE')) throw e;
  }
}

async function seek(ctx: CommandContext, args: string[]): Promise<void> {
  const id = idAtPos(ctx, parseUnsigned(args[0]!));
  const t = parseSongTime(args[1]!);
  await ctx.core.player.seek({ ms: t * 1000 }, id);
}

async function seekId(ctx: CommandContext, args: string[]): Promise<void> {
  const id = requireId(ctx, parseUnsigned(args[0]!));
  const t = parseSongTime(args[1]!);
  await ctx.core.player.seek({ ms: t * 1000 }, id);
}

async function seekCur(ctx: CommandContext, args: string[]): Promise<void> {
  const a = args[0]!;
  const st = ctx.core.player.state();
  if (st.status === 'stopped' || st.currentId === null) throw new MpdError(ACK.PLAYER_SYNC, 'Not playing');
  if (a.startsWith('+') || a.startsWith('-')) await ctx.core.player.seek({ relativeMs: parseFloatArg(a) * 1000 });
  else await ctx.core.player.seek({ ms: parseSongTime(a) * 1000 });
}

async function setVol(ctx: CommandContext, args: string[]): Promise<void> {
  await ctx.core.volume.set(percentToDb(parseUnsigned(args[0]!, 100)));
}

async function volumeChange(ctx: CommandContext, args: string[]): Promise<void> {
  const delta = parseInt32(args[0]!, -100, 100);
  const now = dbToPercent(ctx.core.volume.get());
  await ctx.core.volume.set(percentToDb(Math.max(0, Math.min(100, now + delta))));
}

async function single(ctx: CommandContext, args: string[]): Promise<void> {
  const a = args[0]!;
  const mode = a === '0' ? 'off' : a === '1' ? 'on' : a === 'oneshot' ? 'oneshot' : null;
  if (mode === null) throw new MpdError(ACK.ARG, 'Unrecognized single mode, expected 0, 1 or oneshot');
  await ctx.core.queue.setModes({ single: mode });
}

const BIT_PERFECT = 'breaks bit-perfect playback (overlapping two tracks changes the samples of both), so Auris does not offer it';

/** crossfade, mixrampdb, mixrampdelay: only "off" is accepted. */
function refuseMixing(name: string, offValue: (a: string) => boolean): CommandSpec['run'] {
  return (_ctx, args) => {
    if (offValue(args[0]!)) return;
    throw new MpdError(ACK.ARG, `${name} ${BIT_PERFECT}`);
  };
}

/** The ReplayGain mode, a setting of the core (saved, and applied from the next track on; `off` keeps the path bit-perfect). */
async function replayGainMode(ctx: CommandContext, args: string[]): Promise<void> {
  const mode = REPLAY_GAIN_MODES.find((m) => m === args[0]);
  if (!mode) throw new MpdError(ACK.ARG, 'Unrecognized replay gain mode');
  await ctx.core.settings.update({ replayGain: { mode } });
}

export const PLAYBACK_COMMANDS: CommandSpec[] = [
  { name: 'status', permission: READ, min: 0, max: 0, run: status },
  { name: 'stats', permission: READ, min: 0, max: 0, run: stats },
  { name: 'currentsong', permission: READ, min: 0, max: 0, run: currentSong },
  { name: 'clearerror', permission: PLAYER, min: 0, max: 0, run: () => undefined },
  { name: 'play', permission: PLAYER, min: 0, max: 1, run: play },
  { name: 'playid', permission: PLAYER, min: 0, max: 1, run: playId },
  { name: 'pause', permission: PLAYER, min: 0, max: 1, run: pause },
  { name: 'stop', permission: PLAYER, min: 0, max: 0, run: (ctx) => ctx.core.player.stop() },
  { name: 'next', permission: PLAYER, min: 0, max: 0, run: (ctx) => quietWhenStopped(() => ctx.core.player.next()) },
  { name: 'previous', permission: PLAYER, min: 0, max: 0, run: (ctx) => quietWhenStopped(() => ctx.core.player.previous()) },
  { name: 'seek', permission: PLAYER, min: 2, max: 2, run: seek },
  { name: 'seekid', permission: PLAYER, min: 2, max: 2, run: seekId },
  { name: 'seekcur', permission: PLAYER, min: 1, max: 1, run: seekCur },
  { name: 'setvol', permission: PLAYER, min: 1, max: 1, run: setVol },
  { name: 'volume', permission: PLAYER, min: 1, max: 1, run: volumeChange },
  { name: 'getvol', permission: READ, min: 0, max: 0, run: (ctx) => ctx.r.kv('volume', dbToPercent(ctx.core.volume.get())) },
  { name: 'random', permission: PLAYER, min: 1, max: 1, run: (ctx, a) => ctx.core.queue.setModes({ random: parseBool(a[0]!) }) },
  { name: 'repeat', permission: PLAYER, min: 1, max: 1, run: (ctx, a) => ctx.core.queue.setModes({ repeat: parseBool(a[0]!) }) },
  { name: 'consume', permission: PLAYER, min: 1, max: 1, run: (ctx, a) => ctx.core.queue.setModes({ consume: parseBool(a[0]!) }) },
  { name: 'single', permission: PLAYER, min: 1, max: 1, run: single },
  { name: 'crossfade', permission: PLAYER, min: 1, max: 1, run: refuseMixing('crossfade', (a) => parseUnsigned(a) === 0) },
  { name: 'mixrampdb', permission: PLAYER, min: 1, max: 1, run: refuseMixing('mixrampdb', (a) => parseFloatArg(a) === 0) },
  { name: 'mixrampdelay', permission: PLAYER, min: 1, max: 1, run: refuseMixing('mixrampdelay', (a) => a === 'nan' || parseFloatArg(a) <= 0) },
  { name: 'replay_gain_mode', permission: PLAYER, min: 1, max: 1, run: replayGainMode },
  { name: 'replay_gain_status', permission: READ, min: 0, max: 0, run: (ctx) => ctx.r.kv('replay_gain_mode', ctx.core.settings.get().replayGain.mode) },
];
