// Queue commands (MPD's "current playlist"): add, delete, move, swap, info, changes, priorities.
// Positions and ids map onto core.queue; library uris are resolved through the library.

import type { QueueItem } from '../../protocol/player.ts';
import { isAurisError } from '../../util/errors.ts';
import { ACK, MpdError } from '../ack.ts';
import { parseInsertPosition, parseMoveDestination, parseRange, parseTimeRange, parseUnsigned, type Range } from '../args.ts';
import { PERMISSION, type CommandContext, type CommandSpec } from '../context.ts';
import { matchEntry, parseFilterArgs } from '../filter.ts';
import { entryUri, itemTags, printEntry } from '../records.ts';
import { requireId } from './playback.ts';
import { resolveUri, playableOf } from './resolve.ts';

const { READ, ADD, PLAYER } = PERMISSION;

function items(ctx: CommandContext): readonly QueueItem[] {
  return ctx.core.queue.snapshot().items;
}

function currentPos(ctx: CommandContext): number {
  return ctx.core.player.state().currentPos;
}

async function add(ctx: CommandContext, args: string[]): Promise<void> {
  const queue = items(ctx);
  const at = args.length > 1 ? parseInsertPosition(args[1]!, currentPos(ctx), queue.length) : undefined;
  const tracks = await resolveUri(ctx, args[0]!, true);
  if (tracks.length === 0) return;
  await ctx.core.queue.add(tracks.map((t) => playableOf(ctx, t)), at);
}

async function addId(ctx: CommandContext, args: string[]): Promise<void> {
  const queue = items(ctx);
  const at = args.length > 1 ? parseInsertPosition(args[1]!, currentPos(ctx), queue.length) : undefined;
  const tracks = await resolveUri(ctx, args[0]!, false);
  const ids = await ctx.core.queue.add(tracks.map((t) => playableOf(ctx, t)), at);
  ctx.r.kv('Id', ids[0]!);
}

function deleteCmd(ctx: CommandContext, args: string[]): void {
  const queue = items(ctx);
  const range = parseRange(args[0]!);
  if (range.start >= queue.length || (range.end !== Infinity && range.end > queue.length)) throw new MpdError(ACK.ARG, 'Bad song index');
  ctx.core.queue.remove(queue.slice(range.start, Math.min(range.end, queue.length)).map((i) => i.id));
}

/** Puts the entries of `ids` (in their order) at positions to..to+n-1 by single moves. */
function moveBlock(ctx: CommandContext, ids: readonly number[], to: number): void {
  const order = items(ctx).map((i) => i.id).filter((id) => !ids.includes(id));
  order.splice(to, 0, ...ids);
  for (let pos = 0; pos < order.length; pos++) {
    const now = items(ctx);
    if (now[pos]?.id !== order[pos]) ctx.core.queue.move(order[pos]!, pos);
  }
}

function move(ctx: CommandContext, args: string[]): void {
  const queue = items(ctx);
  const range = parseRange(args[0]!);
  if (range.start >= queue.length || (range.end !== Infinity && range.end > queue.length)) throw new MpdError(ACK.ARG, 'Bad song index');
  const r = { start: range.start, end: Math.min(range.end, queue.length) };
  const to = parseMoveDestination(args[1]!, r, currentPos(ctx), queue.length);
  const ids = queue.slice(r.start, r.end).map((i) => i.id);
  if (ids.length === 1) ctx.core.queue.move(ids[0]!, to);
  else moveBlock(ctx, ids, to);
}

function moveId(ctx: CommandContext, args: string[]): void {
  const queue = items(ctx);
  const id = requireId(ctx, parseUnsigned(args[0]!));
  const pos = queue.findIndex((i) => i.id === id);
  const to = parseMoveDestination(args[1]!, { start: pos, end: pos + 1 }, currentPos(ctx), queue.length);
  ctx.core.queue.move(id, to);
}

function swap(ctx: CommandContext, args: string[]): void {
  const queue = items(ctx);
  const a = parseUnsigned(args[0]!);
  const b = parseUnsigned(args[1]!);
  if (a >= queue.length || b >= queue.length) throw new MpdError(ACK.ARG, 'Bad song index');
  ctx.core.queue.swap(queue[a]!.id, queue[b]!.id);
}

function swapId(ctx: CommandContext, args: string[]): void {
  ctx.core.queue.swap(requireId(ctx, parseUnsigned(args[0]!)), requireId(ctx, parseUnsigned(args[1]!)));
}

function shuffle(ctx: CommandContext, args: string[]): void {
  if (args.length === 0) return ctx.core.queue.shuffle();
  const queue = items(ctx);
  const range = parseRange(args[0]!);
  if (range.start > queue.length) throw new MpdError(ACK.ARG, 'Bad song index');
  ctx.core.queue.shuffle(range.start, Math.min(range.end, queue.length));
}

async function playlistInfo(ctx: CommandContext, args: string[]): Promise<void> {
  const queue = items(ctx);
  let range: Range = { start: 0, end: queue.length };
  if (args.length > 0) {
    const r = parseRange(args[0]!);
    if (r.end === r.start + 1 && r.start >= queue.length) throw new MpdError(ACK.ARG, 'Bad song index');
    if (r.start > queue.length) throw new MpdError(ACK.ARG, 'Bad song index');
    range = { start: r.start, end: Math.min(r.end, queue.length) };
  }
  for (let pos = range.start; pos < range.end; pos++) {
    printEntry(ctx, queue[pos]!, pos);
    await ctx.r.flushIfFull();
  }
}

async function playlistId(ctx: CommandContext, args: string[]): Promise<void> {
  const queue = items(ctx);
  if (args.length === 0) return playlistInfo(ctx, []);
  const id = parseUnsigned(args[0]!);
  const pos = queue.findIndex((i) => i.id === id);
  if (pos < 0) throw new MpdError(ACK.NO_EXIST, 'No such song');
  printEntry(ctx, queue[pos]!, pos);
}

function playlistMatch(foldCase: boolean): CommandSpec['run'] {
  return async (ctx, args) => {
    const filter = parseFilterArgs(args, foldCase);
    const queue = items(ctx);
    for (let pos = 0; pos < queue.length; pos++) {
      const item = queue[pos]!;
      if (matchEntry(filter, { uri: entryUri(item), tags: itemTags(item) })) printEntry(ctx, item, pos);
      await ctx.r.flushIfFull();
    }
  };
}

function changes(posIdOnly: boolean): CommandSpec['run'] {
  return async (ctx, args) => {
    const version = parseUnsigned(args[0]!);
    const range = args.length > 1 ? parseRange(args[1]!) : { start: 0, end: Infinity };
    const ch = ctx.core.queue.changesSince(version);
    for (const { pos, item } of ch.changed) {
      if (pos < range.start || pos >= range.end) continue;
      if (posIdOnly) {
        ctx.r.kv('cpos', pos);
        ctx.r.kv('Id', item.id);
      } else printEntry(ctx, item, pos);
      await ctx.r.flushIfFull();
    }
  };
}

function prio(ctx: CommandContext, args: string[]): void {
  const priority = parseUnsigned(args[0]!, 255);
  const queue = items(ctx);
  const ids: number[] = [];
  for (const a of args.slice(1)) {
    const r = parseRange(a);
    if (r.start >= queue.length || (r.end !== Infinity && r.end > queue.length)) throw new MpdError(ACK.ARG, 'Bad song index');
    for (let p = r.start; p < Math.min(r.end, queue.length); p++) ids.push(queue[p]!.id);
  }
  ctx.core.queue.setPriority(ids, priority);
}

function prioId(ctx: CommandContext, args: string[]): void {
  const priority = parseUnsigned(args[0]!, 255);
  ctx.core.queue.setPriority(args.slice(1).map((a) => requireId(ctx, parseUnsigned(a))), priority);
}

/**
 * rangeid ID START:END (MPD 0.19+): the part of the song to play, in seconds of its file; `:` plays
 * all of it again. Refused for the song being heard, as MPD refuses it (playing or paused).
 */
async function rangeId(ctx: CommandContext, args: string[]): Promise<void> {
  const id = parseUnsigned(args[0]!);
  const range = parseTimeRange(args[1]!);
  requireId(ctx, id);
  const st = ctx.core.player.state();
  if (st.status !== 'stopped' && st.currentId === id) throw new MpdError(ACK.PERMISSION, 'Cannot edit the current song');
  try {
    await ctx.core.queue.setRange(id, range.startMs === 0 && range.endMs === null ? null : range);
  } catch (e) {
    if (isAurisError(e, 'E_INVALID_ARGUMENT') && 'totalFrames' in e.details) throw new MpdError(ACK.ARG, 'Invalid start offset');
    throw e;
  }
}

function playlist(ctx: CommandContext): void {
  items(ctx).forEach((item, pos) => ctx.r.text(`${pos}:file: ${entryUri(item)}\n`));
}

export const QUEUE_COMMANDS: CommandSpec[] = [
  { name: 'add', permission: ADD, min: 1, max: 2, run: add },
  { name: 'addid', permission: ADD, min: 1, max: 2, run: addId },
  { name: 'delete', permission: PLAYER, min: 1, max: 1, run: deleteCmd },
  { name: 'deleteid', permission: PLAYER, min: 1, max: 1, run: (ctx, a) => ctx.core.queue.remove([requireId(ctx, parseUnsigned(a[0]!))]) },
  { name: 'move', permission: PLAYER, min: 2, max: 2, run: move },
  { name: 'moveid', permission: PLAYER, min: 2, max: 2, run: moveId },
  { name: 'clear', permission: PLAYER, min: 0, max: 0, run: (ctx) => ctx.core.queue.clear() },
  { name: 'shuffle', permission: PLAYER, min: 0, max: 1, run: shuffle },
  { name: 'swap', permission: PLAYER, min: 2, max: 2, run: swap },
  { name: 'swapid', permission: PLAYER, min: 2, max: 2, run: swapId },
  { name: 'playlist', permission: READ, min: 0, max: 0, run: playlist },
  { name: 'playlistinfo', permission: READ, min: 0, max: 1, run: playlistInfo },
  { name: 'playlistid', permission: READ, min: 0, max: 1, run: playlistId },
  { name: 'playlistfind', permission: READ, min: 1, max: -1, run: playlistMatch(false) },
  { name: 'playlistsearch', permission: READ, min: 1, max: -1, run: playlistMatch(true) },
  { name: 'plchanges', permission: READ, min: 1, max: 2, run: changes(false) },
  { name: 'plchangesposid', permission: READ, min: 1, max: 2, run: changes(true) },
  { name: 'prio', permission: PLAYER, min: 2, max: -1, run: prio },
  { name: 'prioid', permission: PLAYER, min: 2, max: -1, run: prioId },
  { name: 'rangeid', permission: ADD, min: 2, max: 2, run: rangeId },
];
