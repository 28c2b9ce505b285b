// M3U and M3U8 playlists: one path or URL per line, '#' lines are comments or #EXTINF. Paths are
// written relative to the playlist's folder with '/' separators, so a playlist keeps working when
// the music and the playlist move together (to another disk, or another OS).

import path from 'node:path';

/** An entry of a playlist file: an absolute path (resolved against the playlist's folder), or a URL as written. */
export type M3uEntry = { readonly kind: 'path'; readonly path: string } | { readonly kind: 'url'; readonly url: string };

/**
 * Parses playlist text. `.m3u` files are Latin-1 by tradition and `.m3u8` UTF-8; the caller decodes
 * (decodePlaylist). Windows separators in a path are accepted everywhere.
 */
export function parseM3u(text: string, playlistDir: string): M3uEntry[] {
  const out: M3uEntry[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^[a-z][a-z0-9+.-]+:\/\//i.test(line)) {
      if (line.toLowerCase().startsWith('file://')) out.push({ kind: 'path', path: path.resolve(decodeURIComponent(new URL(line).pathname)) });
      else out.push({ kind: 'url', url: line });
      continue;
    }
    const native = line.split(/[\\/]/).join(path.sep);
    out.push({ kind: 'path', path: path.isAbsolute(native) || /^[a-z]:[\\/]/i.test(line) ? path.resolve(native) : path.resolve(playlistDir, native) });
  }
  return out;
}

/** UTF-8 when the bytes are valid UTF-8 (every .m3u8, most modern .m3u), else Latin-1. */
export function decodePlaylist(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

export interface M3uItem {
  readonly path: string;
  /** Seconds, for #EXTINF; null writes -1. */
  readonly duration: number | null;
  readonly artist: string | null;
  readonly title: string | null;
}

/** Extended M3U text (UTF-8 by the caller) with paths relative to `playlistDir`. */
export function formatM3u(items: readonly M3uItem[], playlistDir: string): string {
  const lines = ['#EXTM3U'];
  for (const it of items) {
    const label = [it.artist, it.title].filter((s) => s).join(' - ') || path.basename(it.path);
    lines.push(`#EXTINF:${it.duration === null ? -1 : Math.round(it.duration)},${label.replace(/[\r\n]/g, ' ')}`);
    lines.push(path.relative(playlistDir, it.path).split(path.sep).join('/'));
  }
  return `${lines.join('\n')}\n`;
}
