// Connection and reflection commands: password, ping, close, idle, commands/notcommands,
// tagtypes (enable/disable/clear/all), urlhandlers, decoders, config (refused on TCP, as MPD
// refuses it to non-local clients) and binarylimit.

import { ACK, MpdError } from '../ack.ts';
import { parseUnsigned } from '../args.ts';
import { ALL_PERMISSIONS, PERMISSION, type CommandContext, type CommandSpec } from '../context.ts';
import { ALL_IDLE, idleBit } from '../idle.ts';
import { ANNOUNCED_TAGS, parseTagName, type MpdTag } from '../tags.ts';

const { NONE, READ, ADMIN } = PERMISSION;

/**
 * The decoders Auris has (src/decoders), with the suffixes and MIME types they take. Stated here
 * because src/mpd may not import src/decoders; test/mpd checks it against the decoder registry.
 */
export const DECODERS: readonly { plugin: string; suffixes: string[]; mime: string[] }[] = [
  { plugin: 'flac', suffixes: ['flac'], mime: ['audio/flac', 'audio/x-flac'] },
  { plugin: 'pcm', suffixes: ['wav', 'wave', 'aif', 'aiff', 'aifc'], mime: ['audio/wav', 'audio/x-wav', 'audio/aiff', 'audio/x-aiff'] },
  { plugin: 'dsd', suffixes: ['dsf', 'dff'], mime: ['audio/x-dsf', 'audio/x-dff'] },
  { plugin: 'mpg123', suffixes: ['mp3'], mime: ['audio/mpeg'] },
  { plugin: 'vorbis', suffixes: ['ogg', 'oga'], mime: ['audio/ogg', 'application/ogg'] },
  { plugin: 'opus', suffixes: ['opus'], mime: ['audio/opus'] },
];

function password(ctx: CommandContext, args: string[]): void {
  const expected = ctx.frontend.password;
  if (expected === '' || args[0] !== expected) throw new MpdError(ACK.PASSWORD, 'incorrect password');
  ctx.client.permission = ALL_PERMISSIONS;
}

function idle(_ctx: CommandContext, args: string[]): { idle: number } {
  let bits = 0;
  for (const a of args) {
    const bit = idleBit(a);
    if (bit === 0) throw new MpdError(ACK.ARG, `Unrecognized idle event: ${a}`);
    bits |= bit;
  }
  return { idle: bits === 0 ? ALL_IDLE : bits };
}

function tagtypes(ctx: CommandContext, args: string[]): void {
  const mask = ctx.client.tagMask;
  if (args.length === 0) {
    for (const t of ANNOUNCED_TAGS) if (mask.has(t)) ctx.r.kv('tagtype', t);
    return;
  }
  const [verb, ...names] = args as [string, ...string[]];
  const parse = (): MpdTag[] => {
    if (names.length === 0) throw new MpdError(ACK.ARG, 'Not enough arguments');
    return names.map((n) => {
      const t = parseTagName(n);
      if (t === null) throw new MpdError(ACK.ARG, `Unknown tag type: ${n}`);
      return t;
    });
  };
  if (verb === 'clear') mask.clear();
  else if (verb === 'all') ANNOUNCED_TAGS.forEach((t) => mask.add(t));
  else if (verb === 'enable') parse().forEach((t) => mask.add(t));
  else if (verb === 'disable') parse().forEach((t) => mask.delete(t));
  else throw new MpdError(ACK.ARG, 'Unknown sub command');
}

function binaryLimit(ctx: CommandContext, args: string[]): void {
  // MPD's ceiling: its output buffer (8 MiB) less 4096.
  const value = parseUnsigned(args[0]!, 8192 * 1024 - 4096);
  if (value < 64) throw new MpdError(ACK.ARG, 'Value too small');
  ctx.client.binaryLimit = value;
}

function decoders(ctx: CommandContext): void {
  for (const d of DECODERS) {
    ctx.r.kv('plugin', d.plugin);
    for (const s of d.suffixes) ctx.r.kv('suffix', s);
    for (const m of d.mime) ctx.r.kv('mime_type', m);
  }
}

/** `commands` and `notcommands` read the table they are part of; it is handed in by commands/index.ts. */
export function connectionCommands(table: () => readonly CommandSpec[]): CommandSpec[] {
  const allowed = (ctx: CommandContext, c: CommandSpec): boolean => (c.permission & ctx.client.permission) === c.permission;
  return [
    { name: 'password', permission: NONE, min: 1, max: 1, run: password },
    { name: 'ping', permission: NONE, min: 0, max: 0, run: () => undefined },
    { name: 'close', permission: NONE, min: -1, max: -1, run: () => 'close' },
    { name: 'idle', permission: READ, min: 0, max: -1, run: idle },
    { name: 'commands', permission: NONE, min: 0, max: 0, run: (ctx) => table().filter((c) => allowed(ctx, c)).forEach((c) => ctx.r.kv('command', c.name)) },
    { name: 'notcommands', permission: NONE, min: 0, max: 0, run: (ctx) => table().filter((c) => !allowed(ctx, c)).forEach((c) => ctx.r.kv('command', c.name)) },
    { name: 'tagtypes', permission: NONE, min: 0, max: -1, run: tagtypes },
    { name: 'urlhandlers', permission: READ, min: 0, max: 0, run: () => undefined },
    { name: 'decoders', permission: READ, min: 0, max: 0, run: decoders },
    { name: 'config', permission: ADMIN, min: 0, max: 0, run: () => { throw new MpdError(ACK.PERMISSION, 'Command only permitted to local clients'); } },
    { name: 'binarylimit', permission: NONE, min: 1, max: 1, run: binaryLimit },
  ];
}
