// Song records as MPD prints them (src/SongPrint.cxx, src/queue/QueuePrint.cxx): `file` first,
// then Last-Modified, Format, the tags the client has enabled, Time and duration; queue entries add
// Pos, Id and (when not 0) Prio.

import type { QueueItem } from '../protocol/player.ts';
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

export function trackTags(t: LibraryTrack): TagValues {
  const v: TagValues = {};
  const put = (k: MpdTag, x: string | number | null): void => {
    if (x !== null && x !== '') v[k] = cleanValue(String(x));
  };
  put('Title', t.title);
  put('Artist', t.artist);
  put('AlbumArtist', t.albumArtist);
  put('Album', t.album);
  put('Track', t.trackNumber);
  put('Disc', t.discNumber);
  put('Date', t.date);
  put('Genre', t.genre);
  put('Composer', t.composer);
  put('MUSICBRAINZ_ARTISTID', t.mbArtistId);
  put('MUSICBRAINZ_ALBUMID', t.mbAlbumId);
  put('MUSICBRAINZ_ALBUMARTISTID', t.mbAlbumArtistId);
  put('MUSICBRAINZ_TRACKID', t.mbTrackId);
  return v;
}

export function itemTags(item: QueueItem): TagValues {
  const v: TagValues = {};
  const put = (k: MpdTag, x: string | number | null): void => {
    if (x !== null && x !== '') v[k] = cleanValue(String(x));
  };
  put('Title', item.tags.title);
  put('Artist', item.tags.artist);
  put('AlbumArtist', item.tags.albumArtist);
  put('Album', item.tags.album);
  put('Track', item.tags.trackNumber);
  put('Disc', item.tags.discNumber);
  put('Date', item.tags.date);
  put('Genre', item.tags.genre);
  return v;
}

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

export function printQueueItem(r: Response, item: QueueItem, pos: number, mask: ReadonlySet<MpdTag>): void {
  r.kv('file', cleanValue(entryUri(item)));
  printTags(r, itemTags(item), mask);
  printDuration(r, item.durationMs === null ? null : item.durationMs / 1000);
  r.kv('Pos', pos);
  r.kv('Id', item.id);
  if (item.priority > 0) r.kv('Prio', item.priority);
}
