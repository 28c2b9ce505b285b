// Chunk headers of the IFF family (RIFF/RF64 little-endian u32, AIFF big-endian u32, DSDIFF
// big-endian u64): a 4-character id, a size, the body, and a pad byte after an odd-sized body.

import type { ByteSource } from '../util/byte-source.ts';
import { AurisError } from '../util/errors.ts';
import { fourcc } from './interleaved.ts';

/** Size field of a chunk family. */
export interface ChunkStyle {
  readonly sizeBytes: 4 | 8;
  readonly bigEndian: boolean;
}

export const RIFF_CHUNKS: ChunkStyle = { sizeBytes: 4, bigEndian: false };
export const AIFF_CHUNKS: ChunkStyle = { sizeBytes: 4, bigEndian: true };
export const DSDIFF_CHUNKS: ChunkStyle = { sizeBytes: 8, bigEndian: true };

export interface ChunkHeader {
  readonly id: string;
  /** Offset of the chunk's body (just after its header). */
  readonly bodyStart: number;
  /** Body size as declared; it may run past the end of the file. */
  readonly size: number;
}

/** Most chunks walked in one container, so a file of tiny chunks is still parsed in bounded time. */
export const MAX_CHUNKS = 100_000;

/** The chunk header at `offset`, or null when fewer than a whole header's bytes remain before `end`. */
export async function readChunkHeader(source: ByteSource, offset: number, end: number, style: ChunkStyle): Promise<ChunkHeader | null> {
  const headerBytes = 4 + style.sizeBytes;
  if (offset + headerBytes > end) return null;
  const h = await source.read(offset, headerBytes);
  if (h.length < headerBytes) return null;
  const view = new DataView(h.buffer, h.byteOffset, h.length);
  const size = style.sizeBytes === 4 ? view.getUint32(4, !style.bigEndian) : Number(view.getBigUint64(4, !style.bigEndian));
  return { id: fourcc(h, 0), bodyStart: offset + headerBytes, size };
}

/** Offset of the chunk after one whose body of `size` bytes starts at `bodyStart` (pad byte included). */
export function nextChunkOffset(bodyStart: number, size: number): number {
  return bodyStart + size + (size % 2);
}

/**
 * The first `want` bytes of a chunk body (all of it if smaller). Throws E_CORRUPT when the body
 * is declared shorter than `need` bytes and E_TRUNCATED when the file ends inside those bytes.
 */
export async function readChunkBody(source: ByteSource, chunk: ChunkHeader, need: number, want = need): Promise<Uint8Array> {
  if (chunk.size < need) throw new AurisError('E_CORRUPT', `'${chunk.id}' chunk has ${chunk.size} bytes, needs at least ${need}`, { chunk: chunk.id });
  const body = await source.read(chunk.bodyStart, Math.min(chunk.size, Math.max(need, want)));
  if (body.length < need) throw new AurisError('E_TRUNCATED', `file ends inside the '${chunk.id}' chunk`, { chunk: chunk.id });
  return body;
}

/** A DataView over all of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * A view of a ByteSource that serves small reads from one cached window, so walking thousands of
 * chunk headers costs a few large reads instead of one read each. Reads larger than the window go
 * straight to the source. Header parsing only: sample data is read from the source itself.
 */
export class WindowedSource implements ByteSource {
  private windowStart = 0;
  private window: Uint8Array = new Uint8Array(0);

  constructor(private readonly inner: ByteSource, private readonly windowBytes = 64 * 1024) {}

  get size(): number { return this.inner.size; }
  get name(): string { return this.inner.name; }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (length > this.windowBytes) return this.inner.read(offset, length);
    if (offset < this.windowStart || offset + length > this.windowStart + this.window.length) {
      this.window = await this.inner.read(offset, this.windowBytes);
      this.windowStart = offset;
    }
    const at = offset - this.windowStart;
    return this.window.slice(at, at + length);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
