// Ogg framing (RFC 3533 section 6), parsed here so that the codec libraries only ever see whole,
// checked packets: pages with their CRC-32 checked, packets reassembled per logical stream, the
// codec of each stream recognised from its first packet, and the final granule position of a
// stream, from which its length follows. Damage (a bad CRC, bytes that are no page, a missing
// page, a page cut off at the end of the file) is reported as it is met, never skipped silently.

import type { ByteSource } from '../../../util/byte-source.ts';

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const PAGE_HEADER_BYTES = 27;
/** Header type flags (RFC 3533 section 6, byte 5). */
const CONTINUED = 0x01;
const BOS = 0x02;
const EOS = 0x04;
/** The largest page: a 27-byte header, 255 lacing values of 255 bytes each. */
export const MAX_PAGE_BYTES = PAGE_HEADER_BYTES + 255 + 255 * 255;

/** The Ogg CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final XOR. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** The CRC of a whole page, computed with its CRC field (bytes 22..25) taken as zero. */
export function pageCrc(page: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i]!;
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

/** One Ogg page. `bytes` is the whole page; `body` its packet data. */
export interface OggPage {
  /** Offset of the page in the file. */
  readonly offset: number;
  readonly continued: boolean;
  readonly bos: boolean;
  readonly eos: boolean;
  /** Granule position; -1 when no packet ends on this page. */
  readonly granule: bigint;
  readonly serial: number;
  readonly sequence: number;
  /** The lacing values (segment table). */
  readonly lacing: Uint8Array;
  readonly body: Uint8Array;
  readonly bytes: Uint8Array;
}

function isCaptureAt(b: Uint8Array, at: number): boolean {
  return at + 4 <= b.length && b[at] === CAPTURE[0] && b[at + 1] === CAPTURE[1] && b[at + 2] === CAPTURE[2] && b[at + 3] === CAPTURE[3];
}

/**
 * The page at `at` of `b`: the page; `short` when `b` ends inside it; `bad` when the bytes there
 * are no valid page (no capture pattern, an unknown version, or a CRC that does not match).
 */
export function pageAt(b: Uint8Array, at: number, offset = at): OggPage | 'short' | 'bad' {
  if (at + 4 > b.length) return b.length - at < 4 && CAPTURE.slice(0, b.length - at).every((c, i) => b[at + i] === c) ? 'short' : 'bad';
  if (!isCaptureAt(b, at)) return 'bad';
  if (at + PAGE_HEADER_BYTES > b.length) return 'short';
  if (b[at + 4] !== 0) return 'bad';
  const segments = b[at + 26]!;
  const bodyStart = at + PAGE_HEADER_BYTES + segments;
  if (bodyStart > b.length) return 'short';
  let bodyBytes = 0;
  for (let i = 0; i < segments; i++) bodyBytes += b[at + PAGE_HEADER_BYTES + i]!;
  const end = bodyStart + bodyBytes;
  if (end > b.length) return 'short';
  const bytes = b.subarray(at, end);
  const view = new DataView(b.buffer, b.byteOffset + at, PAGE_HEADER_BYTES);
  if (pageCrc(bytes) !== view.getUint32(22, true)) return 'bad';
  const flags = b[at + 5]!;
  return {
    offset,
    continued: (flags & CONTINUED) !== 0,
    bos: (flags & BOS) !== 0,
    eos: (flags & EOS) !== 0,
    granule: view.getBigInt64(6, true),
    serial: view.getUint32(14, true),
    sequence: view.getUint32(18, true),
    lacing: b.subarray(at + PAGE_HEADER_BYTES, bodyStart),
    body: b.subarray(bodyStart, end),
    bytes,
  };
}

/** Damage met while reading pages; `truncated` when the file ends inside a page. */
export interface OggDamage {
  readonly kind: 'corrupt' | 'truncated';
  readonly message: string;
  /** File offset where the damage starts. */
  readonly offset: number;
}

/**
 * Splits a byte stream fed in order into checked pages. Bytes that are no valid page are skipped
 * up to the next page that checks, and reported once per run of skipped bytes.
 */
export class OggPageReader {
  private buffer = new Uint8Array(0);
  /** File offset of buffer[0]. */
  private base = 0;
  /** File offset where the current run of unusable bytes began, or -1. */
  private skippedFrom = -1;

  /** Takes the next bytes of the file and returns the pages and damage completed by them, in order. */
  push(bytes: Uint8Array): (OggPage | OggDamage)[] {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    const out: (OggPage | OggDamage)[] = [];
    let at = 0;
    while (at < joined.length) {
      const page = pageAt(joined, at, this.base + at);
      if (page === 'short') break;
      if (page === 'bad') {
        if (this.skippedFrom < 0) this.skippedFrom = this.base + at;
        const next = nextCapture(joined, at + 1);
        at = next < 0 ? Math.max(at + 1, joined.length - 3) : next;
        continue;
      }
      this.reportSkipped(this.base + at, out);
      // Pages are views of `joined`, which is never written again.
      out.push(page);
      at += page.bytes.length;
    }
    this.buffer = joined.slice(at);
    this.base += at;
    return out;
  }

  /** Damage at the end of the input: a page cut off, or unusable bytes up to the end. */
  end(): OggDamage[] {
    const out: OggDamage[] = [];
    if (this.buffer.length > 0 && pageAt(this.buffer, 0) === 'short' && this.skippedFrom < 0) {
      out.push({ kind: 'truncated', message: `the file ends inside the Ogg page at byte ${this.base} (truncated)`, offset: this.base });
    } else if (this.buffer.length > 0 || this.skippedFrom >= 0) {
      if (this.skippedFrom < 0) this.skippedFrom = this.base;
      this.reportSkipped(this.base + this.buffer.length, out);
    }
    this.buffer = new Uint8Array(0);
    return out;
  }

  private reportSkipped(upTo: number, out: (OggPage | OggDamage)[]): void {
    if (this.skippedFrom < 0) return;
    out.push({ kind: 'corrupt', message: `bytes ${this.skippedFrom}..${upTo - 1} are no valid Ogg page (bad CRC or damaged header)`, offset: this.skippedFrom });
    this.skippedFrom = -1;
  }
}

function nextCapture(b: Uint8Array, from: number): number {
  for (let i = from; i + 4 <= b.length; i++) if (isCaptureAt(b, i)) return i;
  return -1;
}

export function isDamage(x: OggPage | OggDamage): x is OggDamage {
  return 'kind' in x;
}

/** The largest packet accepted: far above any real Vorbis or Opus packet, it bounds memory on damaged input. */
const MAX_PACKET_BYTES = 4 << 20;

/**
 * Reassembles the packets of one logical stream from its pages (RFC 3533 section 5): lacing values
 * of 255 continue a packet, a smaller one ends it, and a packet may go on into the next page.
 */
export class PacketAssembler {
  private parts: Uint8Array[] = [];
  private partialBytes = 0;
  private nextSequence = -1;

  /** The packets that end on `page`, and what was lost before them (a missing page, a broken continuation). */
  add(page: OggPage): { packets: Uint8Array[]; lost: string | null } {
    let lost: string | null = null;
    if (this.nextSequence >= 0 && page.sequence !== this.nextSequence) {
      lost = `page ${this.nextSequence} of the stream is missing before byte ${page.offset}`;
    }
    this.nextSequence = (page.sequence + 1) >>> 0;
    let skipFirst = false;
    if (page.continued && (this.parts.length === 0 || lost !== null)) {
      // The start of the first packet here is gone: drop its tail.
      skipFirst = true;
      lost ??= `the page at byte ${page.offset} continues a packet that is not there`;
    } else if (!page.continued && this.parts.length > 0) {
      lost ??= `the packet before byte ${page.offset} is cut short`;
    }
    if (lost !== null && !page.continued) this.reset();
    if (skipFirst) this.reset();
    const packets: Uint8Array[] = [];
    let at = 0;
    for (let i = 0; i < page.lacing.length; i++) {
      const n = page.lacing[i]!;
      if (!skipFirst) {
        this.parts.push(page.body.subarray(at, at + n));
        this.partialBytes += n;
      }
      at += n;
      if (n < 255) {
        if (!skipFirst) packets.push(this.take());
        skipFirst = false;
      }
    }
    if (this.partialBytes > MAX_PACKET_BYTES) {
      this.reset();
      lost ??= `a packet larger than ${MAX_PACKET_BYTES} bytes ends at byte ${page.offset + page.bytes.length}`;
    }
    return { packets, lost };
  }

  private take(): Uint8Array {
    const out = new Uint8Array(this.partialBytes);
    let o = 0;
    for (const p of this.parts) { out.set(p, o); o += p.length; }
    this.reset();
    return out;
  }

  private reset(): void {
    this.parts = [];
    this.partialBytes = 0;
  }
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

/** What the first packet of a logical stream says it carries. */
export function codecOfFirstPacket(p: Uint8Array): string {
  const text = String.fromCharCode(...p.subarray(0, 8));
  if (text.startsWith('\x01vorbis')) return 'Vorbis';
  if (text.startsWith('OpusHead')) return 'Opus';
  if (text.startsWith('\x7fFLAC') || text.startsWith('fLaC')) return 'FLAC';
  if (text.startsWith('Speex   ')) return 'Speex';
  if (text.startsWith('\x80theora')) return 'Theora (video)';
  if (text.startsWith('fishead') || text.startsWith('fisbone')) return 'Skeleton (metadata)';
  if (text.startsWith('PCM     ')) return 'PCM';
  if (text.startsWith('CELT    ')) return 'CELT';
  return 'an unknown codec';
}

/** A logical stream found among the beginning-of-stream pages at the start of a file. */
export interface OggStreamHead {
  readonly serial: number;
  readonly codec: string;
  /** The stream's first packet (its identification header), as far as the first page holds it. */
  readonly first: Uint8Array;
}

/** The logical streams that begin at the start of the file (one, or several multiplexed), in order. */
export async function streamsAtStart(source: ByteSource): Promise<OggStreamHead[]> {
  const head = await source.read(0, Math.min(source.size, 64 * 1024));
  const out: OggStreamHead[] = [];
  let at = 0;
  for (;;) {
    const page = pageAt(head, at);
    if (typeof page === 'string' || !page.bos) break;
    const first = firstPacket(page.bytes);
    out.push({ serial: page.serial, codec: first ? codecOfFirstPacket(first) : 'an unknown codec', first: first ?? new Uint8Array(0) });
    at += page.bytes.length;
  }
  return out;
}

/**
 * The granule position of the last whole, checked page of logical stream `serial`, read from the
 * file's last 256 KiB, or null when no such page with a granule is found there.
 */
export async function lastGranule(source: ByteSource, serial: number): Promise<bigint | null> {
  const tailStart = Math.max(0, source.size - 256 * 1024);
  const tail = await source.read(tailStart, source.size - tailStart);
  let best: bigint | null = null;
  let at = nextCapture(tail, 0);
  while (at >= 0) {
    const page = pageAt(tail, at);
    if (typeof page === 'string') {
      at = nextCapture(tail, at + 1);
      continue;
    }
    if (page.serial === serial && page.granule >= 0n) best = page.granule;
    at = nextCapture(tail, at + page.bytes.length);
  }
  return best;
}
