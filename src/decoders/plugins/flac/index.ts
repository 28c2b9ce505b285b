// FLAC decoder plugin (RFC 9639), written here: see decoder.ts for what it checks and how it seeks.
// The decoder (and its WebAssembly kernel) loads with the first file opened: a process that only
// lists the formats, as the CLI's main thread does while analysis workers decode, does not pay for it.

import type { DecoderPlugin } from '../../interface.ts';
import { parseFrameHeader } from './frame-header.ts';
import { id3v2Size } from './metadata.ts';

export type { FlacDecoder, FlacDetails } from './decoder.ts';
export type { FlacStreamInfo, SeekPoint, VorbisComment, PictureInfo, MetadataBlockInfo } from './metadata.ts';

function hasMarkerAt(head: Uint8Array, at: number): boolean {
  return at + 4 <= head.length && head[at] === 0x66 && head[at + 1] === 0x4c && head[at + 2] === 0x61 && head[at + 3] === 0x43;
}

export const flacPlugin: DecoderPlugin = {
  name: 'flac',
  extensions: ['flac', 'fla'],
  /** "fLaC" at the start or after an ID3v2 tag, or a frame header whose CRC-8 matches at the start. */
  probe(head) {
    if (hasMarkerAt(head, 0)) return true;
    const id3 = id3v2Size(head);
    if (id3 > 0) return hasMarkerAt(head, id3);
    return typeof parseFrameHeader(head, 0, head.length) === 'object';
  },
  open: async (source, options) => (await import('./decoder.ts')).FlacDecoder.open(source, options),
};
