// Stickers on songs (MPD's sticker get|set|delete|list|find), stored in the library database.
// Only the "song" type exists, as in MPD 0.23.

import { ACK, MpdError } from '../ack.ts';
import { PERMISSION, type CommandContext, type CommandSpec } from '../context.ts';
import { checkUri, trackByUri } from './resolve.ts';

function songUri(ctx: CommandContext, raw: string): string {
  const uri = checkUri(raw);
  if (!trackByUri(ctx, uri)) throw new MpdError(ACK.NO_EXIST, 'No such song');
  return uri;
}

async function sticker(ctx: CommandContext, args: string[]): Promise<void> {
  const [verb, type] = [args[0]!, args[1]!];
  const lib = ctx.library();
  const n = args.length;
  if (type !== 'song') throw new MpdError(ACK.ARG, 'unknown sticker domain');
  if (verb === 'get' && n === 4) {
    const value = lib.getSticker(songUri(ctx, args[2]!), args[3]!);
    if (value === null) throw new MpdError(ACK.NO_EXIST, 'no such sticker');
    ctx.r.kv('sticker', `${args[3]}=${value}`);
  } else if (verb === 'set' && n === 5) {
    lib.setSticker(songUri(ctx, args[2]!), args[3]!, args[4]!);
    ctx.frontend.raise('sticker');
  } else if (verb === 'delete' && (n === 3 || n === 4)) {
    const uri = songUri(ctx, args[2]!);
    if (n === 4 && (lib.getSticker(uri, args[3]!)) === null) throw new MpdError(ACK.NO_EXIST, 'no such sticker');
    lib.deleteSticker(uri, args[3]);
    ctx.frontend.raise('sticker');
  } else if (verb === 'list' && n === 3) {
    for (const s of lib.listStickers(songUri(ctx, args[2]!))) ctx.r.kv('sticker', `${s.name}=${s.value}`);
  } else if (verb === 'find' && (n === 4 || n === 6)) {
    const base = checkUri(args[2]!);
    const name = args[3]!;
    let test = (_v: string): boolean => true;
    if (n === 6) {
      const [op, want] = [args[4]!, args[5]!];
      if (op === '=') test = (v) => v === want;
      else if (op === '<') test = (v) => v < want;
      else if (op === '>') test = (v) => v > want;
      else throw new MpdError(ACK.ARG, 'bad operator');
    }
    for (const hit of lib.findStickers(base, name)) {
      if (!test(hit.value)) continue;
      ctx.r.kv('file', hit.uri);
      ctx.r.kv('sticker', `${name}=${hit.value}`);
      await ctx.r.flushIfFull();
    }
  } else throw new MpdError(ACK.ARG, 'bad request');
}

export const STICKER_COMMANDS: CommandSpec[] = [
  { name: 'sticker', permission: PERMISSION.ADMIN, min: 3, max: -1, run: sticker },
];
