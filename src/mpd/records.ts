// Song records as MPD prints them (src/SongPrint.cxx, src/queue/QueuePrint.cxx): `file` first,
// then Last-Modified, Format, the tags the client has enabled, Time and duration; queue entries add
// Pos, Id and (when not 0) Prio.

import type { QueueItem } from '../protocol/player.ts';
import type { CommandContext } from './context.ts';
import type { LibraryTrack } from './database.ts';
import type { Response } from './response.ts';
import { PRINT_ORDER, cleanValue, type MpdTag, type TagValues } from './tags.ts';

/** ISO 8601 in UTC without fractions, as MPD prints Last-Modified. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** MPD's audio format string: rate:bits:channels, `f` for lossy/float sources, dsdN for DSD. */
export function formatString(t: { codec: string; rate: number | null; bits: number | null; channels: number | null }): string | null {
  if (t.rate === null || t.channels === null) return null;
  if (/dsd|dsf|dff/i.test(t.codec)) return `dsd${Math.round(t.rate / 44100)}:${t.channels}`;
  return `${t.rate}:${t.bits ?? 'f'}:${t.channels}`;
}

/** Auris's tag fields (a library track's, a queue item's) and the MPD tag each one is. */
const FIELD_TAGS = [
  ['title', 'Title'], ['artist', 'Artist'], ['albumArtist', 'AlbumArtist'], ['album', 'Album'],
  ['trackNumber', 'Track'], ['discNumber', 'Disc'], ['date', 'Date'], ['genre', 'Genre'], ['composer', 'Composer'],
  ['mbArtistId', 'MUSICBRAINZ_ARTISTID'], ['mbAlbumId', 'MUSICBRAINZ_ALBUMID'],
  ['mbAlbumArtistId', 'MUSICBRAINZ_ALBUMARTISTID'], ['mbTrackId', 'MUSICBRAINZ_TRACKID'],
] as const;

type TagFields = Partial<Record<(typeof FIELD_TAGS)[number][0], string | number | null>>;

/** The MPD tags of whatever carries Auris's tag fields; empty values are left out. */
export function tagValues(fields: TagFields): TagValues {
  const v: TagValues = {};
  for (const [field, tag] of FIELD_TAGS) {
    const x = fields[field];
    if (x !== null && x !== undefined && x !== '') v[tag as MpdTag] = cleanValue(String(x));
  }
  return v;
}

export const trackTags = (t: LibraryTrack): TagValues => tagValues(t);
export const itemTags = (item: QueueItem): TagValues => tagValues(item.tags);

export function printTags(r: Response, tags: TagValues, mask: ReadonlySet<MpdTag>): void {
  for (const k of PRINT_ORDER) {
    const v = tags[k];
    if (v !== undefined && mask.has(k)) r.kv(k, v);
  }
}

function printDuration(r: Response, seconds: number | null): void {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return;
  r.kv('Time', Math.round(seconds));
  r.kv('duration', seconds.toFixed(3));
}

/** The uri a client sees for a queue entry: its library uri, else its path. */
export function entryUri(item: { uri: string | null; path: string }): string {
  return item.uri ?? item.path;
}

/** A library track's record; `uri` is the one the client sees (ctx.uriOf). */
export function printTrack(r: Response, t: LibraryTrack, uri: string, mask: ReadonlySet<MpdTag>): void {
  r.kv('file', cleanValue(uri));
  r.kv('Last-Modified', isoSeconds(t.mtime));
  const f = formatString(t);
  if (f) r.kv('Format', f);
  printTags(r, trackTags(t), mask);
  printDuration(r, t.duration);
}

/** Whole ms as MPD prints a song time: seconds, a dot, three digits. */
function msText(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

/** `Range: START-END` (or `START-` when open) for an entry that plays part of its file, as MPD's PrintRange. */
function printRange(r: Response, range: QueueItem['rangeMs']): void {
  if (!range) return;
  if (range.endMs !== null && range.endMs > 0) r.kv('Range', `${msText(range.startMs)}-${msText(range.endMs)}`);
  else if (range.startMs > 0) r.kv('Range', `${msText(range.startMs)}-`);
}

/**
 * A queue entry's record. With its library track (`track`), it has what MPD prints for a song of
 * its database: Last-Modified, Format and every tag; the length is the entry's (its range's).
 */
export function printQueueItem(r: Response, item: QueueItem, pos: number, mask: ReadonlySet<MpdTag>, track: LibraryTrack | null = null): void {
  r.kv('file', cleanValue(entryUri(item)));
  printRange(r, item.rangeMs);
  if (track) {
    r.kv('Last-Modified', isoSeconds(track.mtime));
    const f = formatString(track);
    if (f) r.kv('Format', f);
  }
  printTags(r, track ? trackTags(track) : itemTags(item), mask);
  printDuration(r, item.durationMs === null ? null : item.durationMs / 1000);
  r.kv('Pos', pos);
  r.kv('Id', item.id);
  if (item.priority > 0) r.kv('Prio', item.priority);
}

/** Prints a queue entry for a command, with its library track's record when it came from the library. */
export function printEntry(ctx: CommandContext, item: QueueItem, pos: number): void {
  const track = item.trackId !== null ? ctx.frontend.library?.library.track(item.trackId) ?? null : null;
  printQueueItem(ctx.r, item, pos, ctx.client.tagMask, track);
}
