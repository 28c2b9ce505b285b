// Just enough of the Ogg page layout (RFC 3533 section 6) to recognise a stream's codec from its
// first packet and to read the final granule position, from which the stream's length follows.

import type { ByteSource } from '../../../util/byte-source.ts';

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const PAGE_HEADER_BYTES = 27;

function isCaptureAt(b: Uint8Array, at: number): boolean {
  return at + 4 <= b.length && CAPTURE.every((c, i) => b[at + i] === c);
}

/** First bytes of the first packet of the page at offset 0, or null when `head` is not an Ogg page. */
export function firstPacket(head: Uint8Array): Uint8Array | null {
  if (!isCaptureAt(head, 0) || head.length < PAGE_HEADER_BYTES) return null;
  const segments = head[26]!;
  const start = PAGE_HEADER_BYTES + segments;
  if (start > head.length) return null;
  let length = 0;
  for (let i = 0; i < segments; i++) {
    length += head[PAGE_HEADER_BYTES + i]!;
    if (head[PAGE_HEADER_BYTES + i]! < 255) break;
  }
  return head.subarray(start, Math.min(head.length, start + length));
}

/** True when `packet` begins with the ASCII `magic` (bytes given as numbers for the binary prefixes). */
export function startsWith(packet: Uint8Array | null, magic: readonly number[]): boolean {
  return packet !== null && packet.length >= magic.length && magic.every((c, i) => packet[i] === c);
}

/** The serial number of the page at 0. */
function serialOf(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset + at + 14, 4).getUint32(0, true);
}

/**
 * The granule position of the last page of the first logical stream, read from the file's last
 * 64 KiB, or null when no page with a granule is found there.
 */
export async function lastGranule(source: ByteSource): Promise<bigint | null> {
  const head = await source.read(0, PAGE_HEADER_BYTES);
  if (!isCaptureAt(head, 0) || head.length < PAGE_HEADER_BYTES) return null;
  const serial = serialOf(head, 0);
  const tailStart = Math.max(0, source.size - 64 * 1024);
  const tail = await source.read(tailStart, source.size - tailStart);
  for (let at = tail.length - PAGE_HEADER_BYTES; at >= 0; at--) {
    if (!isCaptureAt(tail, at) || tail[at + 4] !== 0 || serialOf(tail, at) !== serial) continue;
    const granule = new DataView(tail.buffer, tail.byteOffset + at + 6, 8).getBigInt64(0, true);
    if (granule >= 0n) return granule;
  }
  return null;
}
