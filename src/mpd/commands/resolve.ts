// From a client's uri to library tracks. Only the library answers: a uri never reaches the file
// system, so no client can name a file outside the library (absolute paths, `..`, URLs and file:
// uris are refused as MPD refuses them to TCP clients).

import type { QueueSource } from '../../core/api.ts';
import { ACK, MpdError } from '../ack.ts';
import type { CommandContext } from '../context.ts';
import type { LibraryCursor, LibraryTrack } from '../database.ts';

/**
 * Tracks fetched per library query while a response streams. The library pages with OFFSET, so
 * each page sorts the whole selection again: large pages keep a 10,000-track listing to a few queries.
 */
export const PAGE = 2000;

/** A relative library uri without `.`/`..` segments; '' and '/' are the root. Throws MPD's errors. */
export function checkUri(uri: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) || uri.startsWith('file:')) throw new MpdError(ACK.NO_EXIST, 'Unsupported URI scheme');
  if (uri.startsWith('/') && uri !== '/') throw new MpdError(ACK.PERMISSION, 'Access denied');
  const clean = uri.replace(/\/+$/, '');
  if (clean.split('/').some((seg) => seg === '..' || seg === '.' || (seg === '' && clean !== ''))) throw new MpdError(ACK.ARG, 'Malformed URI');
  return clean;
}

/** The track with exactly this uri, or null. */
export function trackByUri(ctx: CommandContext, uri: string): LibraryTrack | null {
  return ctx.library().trackByUri(uri);
}

/** Calls `each` with every track under a folder uri ('' = all), in uri order, a page at a time. */
export async function forEachTrackUnder(ctx: CommandContext, base: string, each: (t: LibraryTrack) => void | Promise<void>): Promise<void> {
  const lib = ctx.library();
  const filter = base === '' ? null : { base };
  for (let after: LibraryCursor | null = null; ;) {
    const page = lib.findTracksPage(filter, { sort: 'uri', limit: PAGE, after });
    for (const t of page.items) await each(t);
    if (!page.next) return;
    after = page.next;
  }
}

/** The tracks a uri names: one file, or (when `recursive`) every track under a folder. E_NOT_FOUND as MPD's 50. */
export async function resolveUri(ctx: CommandContext, raw: string, recursive: boolean): Promise<LibraryTrack[]> {
  const uri = checkUri(raw);
  if (uri !== '') {
    const t = trackByUri(ctx, uri);
    if (t) return [t];
  }
  if (!recursive) throw new MpdError(ACK.NO_EXIST, 'No such song');
  const out: LibraryTrack[] = [];
  await forEachTrackUnder(ctx, uri, (t) => {
    out.push(t);
  });
  if (out.length === 0 && uri !== '') throw new MpdError(ACK.NO_EXIST, 'No such directory');
  return out;
}

/** A library track as the core queues it: by id (the core takes its file, CUE range and tags from the library). */
export function playableOf(_ctx: CommandContext, t: LibraryTrack): QueueSource {
  return { trackId: t.id };
}
