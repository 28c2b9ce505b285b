// ByteSource: random-access bytes of a file or buffer. Decoders read large ranges through it and
// parse synchronously (no await per token on a hot path).

import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { AurisError, asAurisError } from './errors.ts';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** A name for messages (the file path, or "<buffer>"). */
  readonly name: string;
  /**
   * Reads up to `length` bytes at `offset`; returns fewer only at the end of the source. The
   * returned array is the caller's to keep. Throws AurisError E_IO on an operating-system error.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads up to `target.length` bytes at `offset` into `target` (fewer only at the end of
   * the source) and returns how many, so a hot loop can refill one buffer instead of allocating.
   */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

function notAFile(path: string): AurisError {
  return new AurisError('E_NOT_A_FILE', `${path}: not a regular file (a FIFO, socket, device or folder)`, { path });
}

/** O_NONBLOCK where it exists (not on Windows, which has no FIFOs to guard against). */
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;

export class FileByteSource implements ByteSource {
  private constructor(
    readonly name: string,
    readonly size: number,
    private handle: FileHandle | null,
  ) {}

  /**
   * Opens a regular file for reading. Anything else (a FIFO, socket, device or folder) is refused
   * with E_NOT_A_FILE before it is opened: opening a FIFO without a writer blocks a thread-pool
   * thread forever (and the process with it), and opening some devices acts on them. The open
   * itself is non-blocking and the opened handle is checked again (type, device and inode), so a
   * FIFO swapped in after the check cannot hang it either.
   */
  static async open(path: string): Promise<FileByteSource> {
    let handle: FileHandle | undefined;
    try {
      const before = await stat(path);
      if (!before.isFile()) throw notAFile(path);
      handle = await open(path, constants.O_RDONLY | NON_BLOCKING);
      const st = await handle.stat();
      if (!st.isFile() || st.dev !== before.dev || st.ino !== before.ino) throw notAFile(path);
      return new FileByteSource(path, st.size, handle);
    } catch (e) {
      await handle?.close();
      throw asAurisError(e, 'E_IO');
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const buf = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
    const done = await this.readInto(offset, buf);
    return done === buf.length ? buf : buf.subarray(0, done);
  }

  async readInto(offset: number, target: Uint8Array): Promise<number> {
    if (!this.handle) throw new AurisError('E_STATE', `${this.name} is closed`);
    const n = Math.max(0, Math.min(target.length, this.size - offset));
    let done = 0;
    try {
      while (done < n) {
        const { bytesRead } = await this.handle.read(target, done, n - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (e) {
      throw asAurisError(e, 'E_IO');
    }
    return done;
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    await h?.close();
  }
}

/**
 * The whole of a regular file (a small one: a preset, a playlist). A FIFO, device or folder is
 * refused with E_NOT_A_FILE before it is opened, so reading one never hangs. E_NOT_FOUND,
 * E_PERMISSION or E_IO otherwise.
 */
export async function readRegularFile(path: string): Promise<Uint8Array> {
  const source = await FileByteSource.open(path);
  try {
    return await source.read(0, source.size);
  } finally {
    await source.close();
  }
}

export class BufferByteSource implements ByteSource {
  readonly size: number;
  constructor(private readonly bytes: Uint8Array, readonly name = '<buffer>') {
    this.size = bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const start = Math.max(0, Math.min(offset, this.size));
    return this.bytes.slice(start, Math.min(this.size, start + Math.max(0, length)));
  }
  async readInto(offset: number, target: Uint8Array): Promise<number> {
    const start = Math.max(0, Math.min(offset, this.size));
    const part = this.bytes.subarray(start, Math.min(this.size, start + target.length));
    target.set(part);
    return part.length;
  }
  async close(): Promise<void> {}
}
