// Stored playlists, kept by the library: list, load (with range and position), save, edit.
// An edit reads the playlist, changes its list of uris and saves it whole.

import { ACK, MpdError } from '../ack.ts';
import { parseInsertPosition, parseRange, parseUnsigned } from '../args.ts';
import { PERMISSION, type CommandContext, type CommandSpec } from '../context.ts';
import { entryUri, isoSeconds, printTrack } from '../records.ts';
import { checkUri, playableOf, resolveUri, trackByUri } from './resolve.ts';

const { READ, ADD, CONTROL } = PERMISSION;

/** MPD's rule for playlist names (spl_valid_name): no '/', no newline, not empty. */
function checkName(name: string): string {
  if (name === '' || /[/\n\r]/.test(name)) throw new MpdError(ACK.ARG, 'Bad playlist name');
  return name;
}

function exists(ctx: CommandContext, name: string): boolean {
  return ctx.library().playlist(name) !== null;
}

/** The uris of a stored playlist, or MPD's "No such playlist". */
function uris(ctx: CommandContext, name: string): string[] {
  const p = ctx.library().playlist(checkName(name));
  if (!p) throw new MpdError(ACK.NO_EXIST, 'No such playlist');
  return p.entries.map((e) => e.uri);
}

function listPlaylists(ctx: CommandContext): void {
  for (const p of ctx.library().playlists()) {
    ctx.r.kv('playlist', p.name);
    ctx.r.kv('Last-Modified', isoSeconds(p.modifiedAt));
  }
}

function listPlaylist(ctx: CommandContext, args: string[]): void {
  for (const u of uris(ctx, args[0]!)) ctx.r.kv('file', u);
}

async function listPlaylistInfo(ctx: CommandContext, args: string[]): Promise<void> {
  for (const u of uris(ctx, args[0]!)) {
    const t = trackByUri(ctx, u);
    if (t) printTrack(ctx.r, t, ctx.uriOf(t), ctx.client.tagMask);
    else ctx.r.kv('file', u);
    await ctx.r.flushIfFull();
  }
}

async function load(ctx: CommandContext, args: string[]): Promise<void> {
  const list = uris(ctx, args[0]!);
  const range = args.length > 1 ? parseRange(args[1]!) : { start: 0, end: Infinity };
  if (range.start > list.length) throw new MpdError(ACK.ARG, 'Bad range');
  const at = args.length > 2 ? parseInsertPosition(args[2]!, ctx.core.player.state().currentPos, ctx.core.queue.snapshot().items.length) : undefined;
  const playables = [];
  for (const u of list.slice(range.start, Math.min(range.end, list.length))) {
    const t = trackByUri(ctx, u);
    // Entries whose file left the library are skipped, as MPD skips songs it cannot find.
    if (t) playables.push(playableOf(ctx, t));
  }
  if (playables.length > 0) await ctx.core.queue.add(playables, at);
}

function save(ctx: CommandContext, args: string[]): void {
  const name = checkName(args[0]!);
  if (exists(ctx, name)) throw new MpdError(ACK.EXIST, 'Playlist already exists');
  ctx.library().savePlaylist(name, ctx.core.queue.snapshot().items.map(entryUri));
  ctx.frontend.raise('stored_playlist');
}

function rm(ctx: CommandContext, args: string[]): void {
  uris(ctx, args[0]!);
  ctx.library().deletePlaylist(args[0]!);
  ctx.frontend.raise('stored_playlist');
}

function rename(ctx: CommandContext, args: string[]): void {
  uris(ctx, args[0]!);
  const to = checkName(args[1]!);
  if (exists(ctx, to)) throw new MpdError(ACK.EXIST, 'Playlist already exists');
  ctx.library().renamePlaylist(args[0]!, to);
  ctx.frontend.raise('stored_playlist');
}

async function playlistAdd(ctx: CommandContext, args: string[]): Promise<void> {
  const name = checkName(args[0]!);
  const list = exists(ctx, name) ? uris(ctx, name) : [];
  const added = (await resolveUri(ctx, checkUri(args[1]!), true)).map((t) => ctx.uriOf(t));
  const at = args.length > 2 ? parseUnsigned(args[2]!, list.length) : list.length;
  list.splice(at, 0, ...added);
  ctx.library().savePlaylist(name, list);
  ctx.frontend.raise('stored_playlist');
}

function playlistDelete(ctx: CommandContext, args: string[]): void {
  const list = uris(ctx, args[0]!);
  const range = parseRange(args[1]!);
  if (range.start >= list.length) throw new MpdError(ACK.ARG, 'Bad song index');
  list.splice(range.start, Math.min(range.end, list.length) - range.start);
  ctx.library().savePlaylist(args[0]!, list);
  ctx.frontend.raise('stored_playlist');
}

function playlistMove(ctx: CommandContext, args: string[]): void {
  const list = uris(ctx, args[0]!);
  const from = parseUnsigned(args[1]!);
  const to = parseUnsigned(args[2]!);
  if (from >= list.length || to >= list.length) throw new MpdError(ACK.ARG, 'Bad song index');
  const [moved] = list.splice(from, 1);
  list.splice(to, 0, moved!);
  ctx.library().savePlaylist(args[0]!, list);
  ctx.frontend.raise('stored_playlist');
}

function playlistClear(ctx: CommandContext, args: string[]): void {
  uris(ctx, args[0]!);
  ctx.library().savePlaylist(args[0]!, []);
  ctx.frontend.raise('stored_playlist');
}

export const PLAYLIST_COMMANDS: CommandSpec[] = [
  { name: 'listplaylists', permission: READ, min: 0, max: 0, run: listPlaylists },
  { name: 'listplaylist', permission: READ, min: 1, max: 1, run: listPlaylist },
  { name: 'listplaylistinfo', permission: READ, min: 1, max: 1, run: listPlaylistInfo },
  { name: 'load', permission: ADD, min: 1, max: 3, run: load },
  { name: 'save', permission: CONTROL, min: 1, max: 1, run: save },
  { name: 'rm', permission: CONTROL, min: 1, max: 1, run: rm },
  { name: 'rename', permission: CONTROL, min: 2, max: 2, run: rename },
  { name: 'playlistadd', permission: CONTROL, min: 2, max: 3, run: playlistAdd },
  { name: 'playlistdelete', permission: CONTROL, min: 2, max: 2, run: playlistDelete },
  { name: 'playlistmove', permission: CONTROL, min: 3, max: 3, run: playlistMove },
  { name: 'playlistclear', permission: CONTROL, min: 1, max: 1, run: playlistClear },
];
