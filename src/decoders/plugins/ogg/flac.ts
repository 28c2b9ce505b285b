// FLAC in Ogg (the Ogg FLAC mapping, xiph.org "flac/ogg_mapping"): decoded by the native FLAC
// decoder over a virtual native FLAC stream. The first packet is 0x7F "FLAC", a version, a
// header count, then "fLaC" and the STREAMINFO block; each further header packet is one metadata
// block and each audio packet one FLAC frame. So "fLaC" + STREAMINFO + the other packets, in order,
// is a native FLAC stream: this source maps its bytes onto the checked pages of the Ogg file, and
// the FLAC decoder checks frame CRCs, the MD5 and the length as for any FLAC file.

import type { ByteSource } from '../../../util/byte-source.ts';
import { OggPageReader, isDamage } from './pages.ts';

/** Bytes of the first packet before "fLaC": 0x7F "FLAC", major and minor version, header count. */
const MAPPING_PREFIX = 9;
const READ_BYTES = 1 << 20;

/** A run of virtual bytes stored contiguously in the file. */
interface Span {
  readonly at: number;
  readonly fileOffset: number;
  readonly length: number;
}

/** What the pass over the pages found besides the spans. */
export interface OggFlacLayout {
  readonly source: ByteSource;
  /** Damage met (bad pages skipped, a page cut off at the end), for integrity warnings. */
  readonly damage: readonly string[];
}

/**
 * The native FLAC stream carried by logical stream `serial` of an Ogg file, as a ByteSource.
 * Reads every page once (CRC-checked; damaged pages are left out and named in `damage`).
 */
export async function oggFlacSource(file: ByteSource, serial: number): Promise<OggFlacLayout> {
  const reader = new OggPageReader();
  const spans: Span[] = [];
  const damage: string[] = [];
  let size = 0;
  let first = true;
  const add = (fileOffset: number, length: number) => {
    if (length <= 0) return;
    const last = spans[spans.length - 1];
    if (last && last.fileOffset + last.length === fileOffset) spans[spans.length - 1] = { ...last, length: last.length + length };
    else spans.push({ at: size, fileOffset, length });
    size += length;
  };
  const take = (items: ReturnType<OggPageReader['push']>) => {
    for (const item of items) {
      if (isDamage(item)) { damage.push(item.message); continue; }
      if (item.serial !== serial) continue;
      const bodyOffset = item.offset + item.bytes.length - item.body.length;
      // The mapping prefix is dropped from the first packet; everything else is FLAC as it is.
      const skip = first ? MAPPING_PREFIX : 0;
      first = false;
      add(bodyOffset + skip, item.body.length - skip);
    }
  };
  for (let at = 0; at < file.size; at += READ_BYTES) take(reader.push(await file.read(at, Math.min(READ_BYTES, file.size - at))));
  take(reader.end());
  return {
    damage,
    source: {
      name: file.name,
      size,
      async read(offset: number, length: number): Promise<Uint8Array> {
        const end = Math.min(size, offset + length);
        const out = new Uint8Array(Math.max(0, end - offset));
        let lo = 0;
        let hi = spans.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (spans[mid]!.at <= offset) lo = mid; else hi = mid - 1;
        }
        for (let i = lo, o = offset; o < end && i < spans.length; i++) {
          const s = spans[i]!;
          const from = o - s.at;
          const n = Math.min(s.length - from, end - o);
          out.set(await file.read(s.fileOffset + from, n), o - offset);
          o += n;
        }
        return out;
      },
      // The Ogg file is closed by whoever opened it.
      close: async () => {},
    },
  };
}
