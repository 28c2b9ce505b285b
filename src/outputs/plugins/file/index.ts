// File output: `file:<path>.wav`. Writes exactly the bytes it is given into a WAV file (RF64 past
// 4 GiB, header rewritten at close, src/audio/wav.ts), through a temporary file that replaces the
// target at close (src/util/safe-write.ts). write() never blocks: it queues into a
// bounded in-memory buffer that is flushed to disk asynchronously, and returns 0 when it is full.
// A WAV holds one format: when a later open in the same process asks for another format (a queue
// that changes rate or depth), it writes the next numbered file beside the first (`out.wav`,
// `out-2.wav`, `out-3.wav`...) so nothing already written is replaced; the output stage names the file.

import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { AudioFormat } from '../../../audio/format.ts';
import { formatToString, sameFormat, validateFormat } from '../../../audio/format.ts';
import { frameBytes } from '../../../audio/pack.ts';
import { wavContainerFor, wavHeader, wavHeaderSize, wavTrailer } from '../../../audio/wav.ts';
import { AurisError, asAurisError } from '../../../util/errors.ts';
import { filesOpenInThisProcess, openSafeOutput, type SafeOutput } from '../../../util/safe-write.ts';
import { OutputEvents } from '../../events.ts';
import type { OpenOptions, OpenOutput, OutputCapabilities, OutputEvent, OutputListener, OutputMode, OutputPlugin } from '../../interface.ts';

export const FILE_PREFIX = 'file:';
/** Bytes queued in memory before write() returns 0 (about 1 s of 768 kHz/32-bit stereo). */
const QUEUE_LIMIT = 8 * 1024 * 1024;

/** Per target path, in this process: the file the last open wrote, its format, and how many files were started. */
const written = new Map<string, { file: string; format: AudioFormat; files: number }>();

/** `out.wav` -> `out-<n>.wav` (the same extension, in the same folder). */
export function numberedWavPath(target: string, n: number): string {
  const ext = path.extname(target);
  return `${target.slice(0, target.length - ext.length)}-${n}${ext}`;
}

/**
 * The file an open of `target` in `format` writes: the target itself the first time and while the
 * format stays the same (a reopen replaces the file it reopens), the next numbered file when the
 * format changed since the last open.
 */
function fileFor(target: string, format: AudioFormat): string {
  const key = path.resolve(target);
  const last = written.get(key);
  if (!last) {
    written.set(key, { file: target, format, files: 1 });
    return target;
  }
  if (sameFormat(last.format, format)) return last.file;
  const files = last.files + 1;
  const file = numberedWavPath(target, files);
  written.set(key, { file, format, files });
  return file;
}

export class FileOutputPlugin implements OutputPlugin {
  readonly name: string;

  constructor(readonly path: string) {
    if (!/\.wav$/i.test(path)) throw new AurisError('E_INVALID_ARGUMENT', `file output writes WAV: the path must end in .wav, not ${path}`);
    this.name = FILE_PREFIX + path;
  }

  async capabilities(): Promise<OutputCapabilities> {
    return { name: this.name, modes: ['exclusive'], formats: 'any', rateRange: null, hardwareVolume: false };
  }

  async open(format: AudioFormat, _mode: OutputMode, _options: OpenOptions = {}): Promise<OpenOutput> {
    validateFormat(format);
    wavHeader(format, null); // refuses DSD and more than 8 channels
    // A temporary file beside the target, renamed over it at close: a failed write leaves an
    // existing file as it was. The file being played from (open in this process) is refused.
    const file = fileFor(this.path, format);
    const out = await openSafeOutput(file, { inputIds: await filesOpenInThisProcess() });
    try {
      await out.handle.write(wavHeader(format, null), 0, wavHeaderSize(format), 0);
    } catch (e) {
      await out.abort();
      throw asAurisError(e, 'E_IO');
    }
    return new FileOutput(this.name, file, format, out);
  }
}

class FileOutput implements OpenOutput {
  readonly mode: OutputMode = 'exclusive';
  readonly container;
  readonly frameBytes: number;
  readonly bitPerfect = true;
  readonly stage;
  readonly bufferFrames = 0;
  readonly volume = null;
  private readonly events = new OutputEvents();
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private dataBytes = 0;
  private flushing: Promise<void> | null = null;
  private failure: AurisError | null = null;
  private closed = false;

  private readonly handle: FileHandle;

  constructor(readonly name: string, private readonly path: string, readonly format: AudioFormat, private readonly file: SafeOutput) {
    this.handle = file.handle;
    this.container = wavContainerFor(format);
    this.frameBytes = frameBytes(this.container, format.channels);
    this.stage = {
      kind: 'output' as const, name: `WAV file ${path}`, input: format, output: format, changesSamples: false, chosenByUser: true,
      detail: `${this.container} into ${path}`,
    };
  }

  write(bytes: Uint8Array): number {
    if (this.failure) throw this.failure;
    if (this.closed) throw new AurisError('E_STATE', `${this.name} is closed`);
    const room = Math.max(0, QUEUE_LIMIT - this.queuedBytes);
    const frames = Math.floor(Math.min(bytes.length, room) / this.frameBytes);
    if (frames === 0) return 0;
    const chunk = bytes.slice(0, frames * this.frameBytes);
    // WAV stores 8-bit PCM unsigned; the engine packs signed S8.
    if (this.container === 'S8') for (let i = 0; i < chunk.length; i++) chunk[i] = chunk[i]! ^ 0x80;
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    this.kick();
    return frames;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      const chunk = this.queue.shift()!;
      try {
        let done = 0;
        while (done < chunk.length) {
          const { bytesWritten } = await this.handle.write(chunk, done, chunk.length - done, wavHeaderSize(this.format) + this.dataBytes + done);
          done += bytesWritten;
        }
      } catch (e) {
        this.failure = asAurisError(e, 'E_IO');
        this.events.emit('error', this.failure);
        return;
      }
      this.dataBytes += chunk.length;
      this.queuedBytes -= chunk.length;
    }
  }

  delay(): number {
    return this.queuedBytes / this.frameBytes;
  }

  /** A file "plays" what reached it. */
  playedFrames(): number {
    return this.dataBytes / this.frameBytes;
  }

  lostFrames(): number {
    return 0;
  }

  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.failure) throw this.failure;
    this.events.emit('drained', 0);
  }

  /** Chunks not yet in the file are dropped; those already written (or being written) stay. */
  async drop(): Promise<boolean> {
    if (this.closed) throw new AurisError('E_STATE', `${this.name} is closed`);
    for (const chunk of this.queue.splice(0)) this.queuedBytes -= chunk.length;
    while (this.flushing) await this.flushing;
    if (this.failure) throw this.failure;
    return true;
  }

  pause(): void {}
  resume(): void {}

  /**
   * Flushes what was written (a file keeps every byte), writes the final header and puts the file
   * in place of the target. After a write failure the target is left as it was.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    try {
      if (!this.failure) {
        const trailer = wavTrailer(this.dataBytes);
        if (trailer.length) await this.handle.write(trailer, 0, trailer.length, wavHeaderSize(this.format) + this.dataBytes);
        await this.handle.write(wavHeader(this.format, this.dataBytes), 0, wavHeaderSize(this.format), 0);
        await this.file.commit();
      }
    } catch (e) {
      this.failure = asAurisError(e, 'E_IO');
    } finally {
      await this.file.abort(); // no-op after a commit
    }
    if (this.failure) throw this.failure;
  }

  on(event: OutputEvent, listener: OutputListener): void {
    this.events.on(event, listener);
  }

  off(event: OutputEvent, listener: OutputListener): void {
    this.events.off(event, listener);
  }

  toString(): string {
    return `${this.path} (${formatToString(this.format)})`;
  }
}
