// The music database commands: browsing (lsinfo, listall, listallinfo, listfiles), queries (find,
// search, list, count and the *add variants), update/rescan and cover art (albumart, readpicture
// with binary chunks of at most the client's binarylimit). Results stream a page at a time.

import { ACK, MpdError } from '../ack.ts';
import { parseInsertPosition, parseRange, parseUnsigned, type Range } from '../args.ts';
import { PERMISSION, type CommandContext, type CommandSpec } from '../context.ts';
import type { Library, LibraryCursor, LibraryFilter, LibrarySortKey, LibraryTrack } from '../database.ts';
import { isAurisError } from '../../util/errors.ts';
import { parseFilterArgs, toLibraryFilter } from '../filter.ts';
import { isoSeconds, printTrack, trackTags } from '../records.ts';
import { LIBRARY_TAG_OF, parseTagName, type MpdTag } from '../tags.ts';
import { PAGE, checkUri, forEachTrackUnder, playableOf, trackByUri } from './resolve.ts';

const { READ, ADD, CONTROL } = PERMISSION;

/**
 * listall / listallinfo: every track under a folder with a `directory:` line before the first
 * track of each folder. Tracks stream from the library a page at a time in uri order (one query
 * per page, not one per folder), so a folder's own tracks may follow its subfolders' (MPD lists
 * them first); clients rebuild the tree from the paths.
 */
function listAll(info: boolean): CommandSpec['run'] {
  return async (ctx, args) => {
    const uri = checkUri(args[0] ?? '');
    if (uri !== '') {
      const t = trackByUri(ctx, uri);
      if (t) {
        if (info) printTrack(ctx.r, t, ctx.uriOf(t), ctx.client.tagMask);
        else ctx.r.kv('file', ctx.uriOf(t));
        return;
      }
    }
    const printed = new Set<string>([uri]);
    let any = false;
    await forEachTrackUnder(ctx, uri, async (t) => {
      any = true;
      const file = ctx.uriOf(t);
      const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
      if (!printed.has(dir)) {
        // The folder and any parent not yet listed, outermost first.
        const missing: string[] = [];
        for (let d = dir; d !== '' && !printed.has(d); d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') missing.unshift(d);
        for (const d of missing) {
          ctx.r.kv('directory', d);
          printed.add(d);
        }
      }
      if (info) printTrack(ctx.r, t, file, ctx.client.tagMask);
      else ctx.r.kv('file', file);
      await ctx.r.flushIfFull();
    });
    // An unknown folder is MPD's "No such directory" (the library says E_NOT_FOUND).
    if (!any && uri !== '') folder(ctx, uri);
  };
}

/** A folder of the library; the top of a library without folders is empty, an unknown folder MPD's "No such directory". */
function folder(ctx: CommandContext, uri: string): ReturnType<Library['listFolder']> {
  try {
    return ctx.library().listFolder(uri);
  } catch (e) {
    if (!isAurisError(e, 'E_NOT_FOUND')) throw e;
    if (uri === '') return { folders: [], tracks: [], playlists: [] };
    throw new MpdError(ACK.NO_EXIST, 'No such directory');
  }
}

async function lsinfo(ctx: CommandContext, args: string[]): Promise<void> {
  const uri = checkUri(args[0] ?? '');
  if (uri !== '') {
    const t = trackByUri(ctx, uri);
    if (t) return printTrack(ctx.r, t, ctx.uriOf(t), ctx.client.tagMask);
  }
  const listing = folder(ctx, uri);
  for (const t of listing.tracks) {
    printTrack(ctx.r, t, ctx.uriOf(t), ctx.client.tagMask);
    await ctx.r.flushIfFull();
  }
  for (const f of listing.folders) ctx.r.kv('directory', f.uri);
  for (const p of listing.playlists) ctx.r.kv('playlist', p.uri);
  if (uri === '') {
    // MPD still lists the stored playlists at the root (deprecated, but clients read it).
    for (const p of ctx.library().playlists()) {
      ctx.r.kv('playlist', p.name);
      ctx.r.kv('Last-Modified', isoSeconds(p.modifiedAt));
    }
  }
}

async function listFiles(ctx: CommandContext, args: string[]): Promise<void> {
  const uri = checkUri(args[0] ?? '');
  const listing = folder(ctx, uri);
  for (const f of listing.folders) ctx.r.kv('directory', f.name);
  for (const t of listing.tracks) {
    ctx.r.kv('file', t.uri.slice(t.uri.lastIndexOf('/') + 1));
    ctx.r.kv('Last-Modified', isoSeconds(t.mtime));
  }
}

/** A sort tag as MPD's ParseSortTag reads it, as a library sort key. */
function sortKey(raw: string): LibrarySortKey {
  const desc = raw.startsWith('-');
  const name = desc ? raw.slice(1) : raw;
  let key: Exclude<LibrarySortKey, `-${string}`>;
  if (name === 'Last-Modified') key = 'modified';
  else {
    const tag = parseTagName(name);
    if (tag === null) throw new MpdError(ACK.ARG, `Unknown sort tag: ${name}`);
    key = LIBRARY_TAG_OF[tag] ?? 'uri';
  }
  return desc ? `-${key}` : key;
}

interface Selection {
  readonly filter: LibraryFilter;
  readonly sort: LibrarySortKey[];
  readonly window: Range;
}

/** Takes `window A:B` and `sort TAG` off the end of the arguments (in MPD's order), then the filter. */
function parseSelection(args: string[], foldCase: boolean): Selection {
  let window: Range = { start: 0, end: Infinity };
  let sort: LibrarySortKey[] = ['uri'];
  if (args.length >= 2 && args[args.length - 2] === 'window') {
    window = parseRange(args[args.length - 1]!);
    args = args.slice(0, -2);
  }
  if (args.length >= 2 && args[args.length - 2] === 'sort') {
    sort = [sortKey(args[args.length - 1]!), 'uri'];
    args = args.slice(0, -2);
  }
  return { filter: toLibraryFilter(parseFilterArgs(args, foldCase)), sort, window };
}

/** Calls `each` for every selected track, a page at a time. */
async function forEachSelected(ctx: CommandContext, sel: Selection, each: (t: LibraryTrack) => void | Promise<void>): Promise<void> {
  const lib = ctx.library();
  let offset = sel.window.start;
  let after: LibraryCursor | null = null; // keyset paging: each page costs the same wherever it is
  while (offset < sel.window.end) {
    const limit = Math.min(PAGE, sel.window.end - offset);
    const page = lib.findTracksPage(sel.filter, { sort: sel.sort, offset, limit, after });
    for (const t of page.items) await each(t);
    if (!page.next) return;
    offset += limit;
    after = page.next;
  }
}

function find(foldCase: boolean): CommandSpec['run'] {
  return async (ctx, args) => {
    const sel = parseSelection(args, foldCase);
    await forEachSelected(ctx, sel, async (t) => {
      printTrack(ctx.r, t, ctx.uriOf(t), ctx.client.tagMask);
      await ctx.r.flushIfFull();
    });
  };
}

function findAdd(foldCase: boolean): CommandSpec['run'] {
  return async (ctx, args) => {
    let at: number | undefined;
    if (args.length >= 2 && args[args.length - 2] === 'position') {
      at = parseInsertPosition(args[args.length - 1]!, ctx.core.player.state().currentPos, ctx.core.queue.snapshot().items.length);
      args = args.slice(0, -2);
    }
    const sel = parseSelection(args, foldCase);
    const tracks: LibraryTrack[] = [];
    await forEachSelected(ctx, sel, (t) => {
      tracks.push(t);
    });
    if (tracks.length > 0) await ctx.core.queue.add(tracks.map((t) => playableOf(ctx, t)), at);
  };
}

async function searchAddPl(ctx: CommandContext, args: string[]): Promise<void> {
  const name = args[0]!;
  let rest = args.slice(1);
  let at: number | null = null;
  if (rest.length >= 2 && rest[rest.length - 2] === 'position') {
    at = parseUnsigned(rest[rest.length - 1]!);
    rest = rest.slice(0, -2);
  }
  const sel = parseSelection(rest, true);
  const uris: string[] = [];
  await forEachSelected(ctx, sel, (t) => {
    uris.push(ctx.uriOf(t));
  });
  const lib = ctx.library();
  const existing = lib.playlist(name)?.entries.map((e) => e.uri) ?? [];
  const pos = at === null ? existing.length : Math.min(at, existing.length);
  existing.splice(pos, 0, ...uris);
  lib.savePlaylist(name, existing);
  ctx.frontend.raise('stored_playlist');
}

/** A tag's value on a track as `list`/`count` group it: with MPD's fallbacks, '' when absent. */
function groupValue(t: LibraryTrack, tag: MpdTag): string {
  const tags = trackTags(t);
  const column = LIBRARY_TAG_OF[tag];
  if (column === null) return '';
  const base: Record<string, MpdTag> = { artist: 'Artist', album: 'Album', albumArtist: 'AlbumArtist', composer: 'Composer' };
  const v = tags[base[column] ?? tag];
  if (v === undefined && column === 'albumArtist') return tags.Artist ?? '';
  return v ?? '';
}

function tagArg(s: string): MpdTag {
  const t = parseTagName(s);
  if (t === null) throw new MpdError(ACK.ARG, `Unknown tag type: ${s}`);
  return t;
}

interface Tree {
  readonly children: Map<string, Tree>;
}

/** MPD's list orders values by their bytes (a std::map of strings). */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function list(ctx: CommandContext, args: string[]): Promise<void> {
  const tagName = args[0]!;
  if (/^(file|filename)$/i.test(tagName)) {
    const sel: Selection = args.length > 1 ? parseSelection(args.slice(1), false) : { filter: { and: [] }, sort: ['uri'], window: { start: 0, end: Infinity } };
    return forEachSelected(ctx, sel, (t) => ctx.r.kv('file', ctx.uriOf(t)));
  }
  const tag = tagArg(tagName);
  let rest = args.slice(1);
  let filter: LibraryFilter = { and: [] };
  if (rest.length === 1 && !rest[0]!.startsWith('(')) {
    // Clients older than MPD 0.12: `list album ARTIST`.
    if (tag !== 'Album') throw new MpdError(ACK.ARG, 'should be "Album" for 3 arguments');
    filter = toLibraryFilter({ kind: 'tag', tag: 'Artist', op: 'eq', value: rest[0]!, foldCase: false });
    rest = [];
  }
  const order: MpdTag[] = [];
  while (rest.length >= 2 && rest[rest.length - 2] === 'group') {
    const g = tagArg(rest[rest.length - 1]!);
    if (g === tag || order.includes(g)) throw new MpdError(ACK.ARG, 'Conflicting group');
    order.push(g);
    rest = rest.slice(0, -2);
  }
  order.push(tag);
  if (rest.length > 0) filter = toLibraryFilter(parseFilterArgs(rest, false));
  const root: Tree = { children: new Map() };
  await forEachSelected(ctx, { filter, sort: ['uri'], window: { start: 0, end: Infinity } }, (t) => {
    let node = root;
    for (const g of order) {
      const v = groupValue(t, g);
      let next = node.children.get(v);
      if (!next) node.children.set(v, (next = { children: new Map() }));
      node = next;
    }
  });
  const print = async (node: Tree, depth: number): Promise<void> => {
    for (const key of [...node.children.keys()].sort(byBytes)) {
      ctx.r.kv(order[depth]!, key);
      if (depth + 1 < order.length) await print(node.children.get(key)!, depth + 1);
      await ctx.r.flushIfFull();
    }
  };
  await print(root, 0);
}

async function count(ctx: CommandContext, args: string[]): Promise<void> {
  let group: MpdTag | null = null;
  if (args.length >= 2 && args[args.length - 2] === 'group') {
    group = tagArg(args[args.length - 1]!);
    args = args.slice(0, -2);
  }
  const filter: LibraryFilter = args.length > 0 ? toLibraryFilter(parseFilterArgs(args, false)) : { and: [] };
  if (group === null) {
    const c = await ctx.library().countTracks(filter);
    ctx.r.kv('songs', c.songs);
    ctx.r.kv('playtime', Math.floor(c.playtime));
    return;
  }
  const groups = new Map<string, { songs: number; seconds: number }>();
  await forEachSelected(ctx, { filter, sort: ['uri'], window: { start: 0, end: Infinity } }, (t) => {
    const key = groupValue(t, group);
    const g = groups.get(key) ?? { songs: 0, seconds: 0 };
    g.songs++;
    g.seconds += t.duration ?? 0;
    groups.set(key, g);
  });
  for (const key of [...groups.keys()].sort(byBytes)) {
    const g = groups.get(key)!;
    ctx.r.kv(group, key);
    ctx.r.kv('songs', g.songs);
    ctx.r.kv('playtime', Math.floor(g.seconds));
  }
}

function update(force: boolean): CommandSpec['run'] {
  return async (ctx, args) => {
    if (args.length > 0) checkUri(args[0]!);
    const fe = ctx.frontend;
    const service = ctx.service();
    const job = ++fe.updateJob;
    fe.updating = true;
    ctx.r.kv('updating_db', job);
    // The scanner compares size and mtime; `rescan` (force) reads the same way until the library offers a forced re-read.
    void force;
    service.scan(args.length > 0 && args[0] !== '' ? { under: checkUri(args[0]!) } : {})
      .catch(() => undefined)
      .finally(() => {
        if (fe.updateJob === job) fe.updating = false;
      });
  };
}

/** albumart / readpicture: `size`, (`type`), then one binary chunk from `offset`. */
function art(withType: boolean): CommandSpec['run'] {
  return async (ctx, args) => {
    const uri = checkUri(args[0]!);
    const offset = parseUnsigned(args[1]!);
    const t = trackByUri(ctx, uri);
    if (!t) throw new MpdError(ACK.NO_EXIST, 'No such song');
    // albumart: the album's cover (the folder image, as MPD's cover.jpg/png; else an embedded one);
    // readpicture: the track's own embedded picture only, as MPD reads it from the file's tags.
    const lib = ctx.library();
    const image = withType ? (t.artId === null ? null : lib.art(t.artId)) : t.albumId === null ? null : lib.albumArt(t.albumId);
    if (!image) {
      // readpicture answers an empty success; albumart an error, as MPD does.
      if (withType) return;
      throw new MpdError(ACK.NO_EXIST, 'No file exists');
    }
    if (offset > image.bytes.length) throw new MpdError(ACK.ARG, withType ? 'Bad file offset' : 'Offset too large');
    ctx.r.kv('size', image.bytes.length);
    if (withType) ctx.r.kv('type', image.mime);
    const end = Math.min(image.bytes.length, offset + ctx.client.binaryLimit);
    ctx.r.binary(image.bytes.subarray(offset, end));
  };
}

export const DATABASE_COMMANDS: CommandSpec[] = [
  { name: 'lsinfo', permission: READ, min: 0, max: 1, run: lsinfo },
  { name: 'listall', permission: READ, min: 0, max: 1, run: listAll(false) },
  { name: 'listallinfo', permission: READ, min: 0, max: 1, run: listAll(true) },
  { name: 'listfiles', permission: READ, min: 0, max: 1, run: listFiles },
  { name: 'find', permission: READ, min: 1, max: -1, run: find(false) },
  { name: 'search', permission: READ, min: 1, max: -1, run: find(true) },
  { name: 'findadd', permission: ADD, min: 1, max: -1, run: findAdd(false) },
  { name: 'searchadd', permission: ADD, min: 1, max: -1, run: findAdd(true) },
  { name: 'searchaddpl', permission: CONTROL, min: 2, max: -1, run: searchAddPl },
  { name: 'list', permission: READ, min: 1, max: -1, run: list },
  { name: 'count', permission: READ, min: 1, max: -1, run: count },
  { name: 'update', permission: CONTROL, min: 0, max: 1, run: update(false) },
  { name: 'rescan', permission: CONTROL, min: 0, max: 1, run: update(true) },
  { name: 'albumart', permission: READ, min: 2, max: 2, run: art(false) },
  { name: 'readpicture', permission: READ, min: 2, max: 2, run: art(true) },
];
