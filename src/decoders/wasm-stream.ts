// A Decoder over a streaming WASM codec (mpg123, libvorbis, libopus from the wasm-audio-decoders
// family). The codec is fed the file in large chunks and returns planar Float32 audio; this class
// interleaves it into f32 FloatBlocks, counts frames, and seeks exactly by decoding and discarding
// (forward from where it is, or from the start after a fresh codec for a backward seek).
//
// Damaged input follows one rule: decode what can be decoded and say what was damaged. A codec
// library that throws or traps on damaged data is caught here (the plugin boundary) and becomes
// E_CORRUPT naming the file; in strict mode a stream that ends early (a cut-off page, fewer frames
// than the container declares) throws E_TRUNCATED once, after its last decodable frame was read.

import { floatBlock, type FloatBlock } from '../audio/block.ts';
import { floatFormat, sameFormat, type AudioFormat } from '../audio/format.ts';
import type { ByteSource } from '../util/byte-source.ts';
import { AurisError } from '../util/errors.ts';
import type { Damage, Decoder, DecoderOptions, IntegrityReport, StreamInfo } from './interface.ts';
import { DamageLog, framesText } from './damage.ts';

/** What one call of a wasm-audio-decoders codec returns. */
export interface PlanarAudio {
  readonly channelData: Float32Array[];
  readonly samplesDecoded: number;
  readonly sampleRate: number;
  /**
   * Damage met. `code`: E_CORRUPT (the default) for data that could not be decoded; E_TRUNCATED
   * when the input ends early (reported after the audio); `warning` for a recoverable oddity that
   * loses no audio (leading garbage), recorded in integrity().warnings in either mode. `offset`
   * (byte in the file) and `frames` (audio lost there) when the codec knows them.
   */
  readonly errors: ReadonlyArray<{
    readonly message: string;
    readonly code?: 'E_CORRUPT' | 'E_TRUNCATED' | 'warning';
    readonly offset?: number;
    readonly frames?: number | null;
  }>;
}

/** One streaming codec instance: fed bytes in order, returns what it could decode so far. */
export interface StreamingCodec {
  /** Decodes the next bytes of the file; chunks returned in order (a list when the format may change between them). */
  decode(bytes: Uint8Array): PlanarAudio | PlanarAudio[] | Promise<PlanarAudio | PlanarAudio[]>;
  /** Decodes what is still buffered at the end of the input (codecs without a flush return nothing). */
  flush(): Promise<PlanarAudio | PlanarAudio[] | null>;
  /**
   * Optional: frames that `info.totalFrames` counts before the stream's first frame (an Ogg stream
   * that starts at a late granule), known once the first audio is decoded; null while unknown.
   */
  startOffset?(): number | null;
  free(): void;
}

/** How a plugin makes a ready codec, and what it knows about the file before decoding. */
export interface WasmCodecSpec {
  readonly createCodec: () => Promise<StreamingCodec>;
  /** Fields of StreamInfo the plugin knows from the container (codec name, total frames...). */
  readonly info: Omit<StreamInfo, 'md5' | 'lossless'>;
  /** True when the codec reports truncation itself (Ogg), so fewer frames than `info.totalFrames` is no damage by itself. */
  readonly selfChecked?: boolean;
  /**
   * Damage the container shows before any decoding (a length header larger than the file): in
   * integrity() until a decode to the end has reported what it found there instead.
   */
  readonly seenAtOpen?: readonly Damage[];
}

const FEED_BYTES = 64 * 1024;

interface PendingChunk {
  readonly format: AudioFormat;
  readonly planes: Float32Array[];
  readonly frames: number;
  /** Frames of this chunk already handed out. */
  used: number;
}

/** Opens a WasmStreamDecoder and decodes up to its first audio, so `format` is known. */
export async function openWasmStream(source: ByteSource, spec: WasmCodecSpec, options: DecoderOptions): Promise<Decoder> {
  const decoder = new WasmStreamDecoder(source, spec, options.integrity ?? 'strict');
  try {
    await decoder.start();
  } catch (e) {
    await decoder.close();
    throw e;
  }
  return decoder;
}

class WasmStreamDecoder implements Decoder {
  format: AudioFormat = floatFormat(48000, 2, 32);
  info: StreamInfo;
  private codec: StreamingCodec | null = null;
  private byteOffset = 0;
  private flushed = false;
  private readonly pending: PendingChunk[] = [];
  /** Frames handed out (or discarded by a seek) since the start of the stream. */
  private position = 0;
  private decodeErrors = 0;
  private readonly log = new DamageLog();
  /** Strict mode: the truncation to throw once the decodable frames are read; null once thrown or when none. */
  private truncation: AurisError | null = null;
  private truncationReported = false;
  /** Lenient mode: the codec's report of a cut-off end, recorded at the end with the frames it cost. */
  private cutOff: { message: string; offset: number | null } | null = null;
  private flushedLength = false;
  /** The error a codec library failed with: it is not used again. */
  private broken: AurisError | null = null;

  constructor(
    private readonly source: ByteSource,
    private readonly spec: WasmCodecSpec,
    private readonly mode: 'strict' | 'lenient',
  ) {
    this.info = { ...spec.info, lossless: false, md5: null };
  }

  async start(): Promise<void> {
    this.codec = await this.spec.createCodec();
    await this.fill();
    const first = this.pending[0];
    if (!first) {
      // A file cut before its first audio is truncated, not corrupt.
      if (this.truncation) throw this.truncation;
      const found = this.log.warnings;
      throw new AurisError('E_CORRUPT', `${this.source.name}: no ${this.info.codec} audio could be decoded${found.length > 0 ? ` (${found.join('; ')})` : ''}`, { path: this.source.name });
    }
    this.format = first.format;
    const offset = this.codec?.startOffset?.() ?? 0;
    const total = this.info.totalFrames;
    if (offset > 0 && total !== null) this.info = { ...this.info, totalFrames: Math.max(0, total - offset) };
  }

  /** Feeds the codec until at least one frame is pending or the input is exhausted. */
  private async fill(): Promise<void> {
    if (this.broken) throw this.broken;
    const codec = this.codec;
    if (!codec) throw new AurisError('E_STATE', `${this.source.name} is closed`);
    while (this.pending.length === 0 && !this.flushed) {
      if (this.byteOffset < this.source.size) {
        const bytes = await this.source.read(this.byteOffset, FEED_BYTES);
        this.byteOffset += bytes.length;
        this.acceptAll(await this.guard(() => codec.decode(bytes)));
      } else {
        this.flushed = true;
        const tail = await this.guard(() => codec.flush());
        if (tail) this.acceptAll(tail);
        this.checkLength();
      }
    }
  }

  /**
   * Runs a decode call into the codec library. Anything it throws other than an AurisError (a TypeError
   * from its parser, a trap of its WebAssembly memory) is damage it could not handle: E_CORRUPT,
   * and the library instance is not called again.
   */
  private async guard<T>(call: () => T | Promise<T>): Promise<T> {
    if (this.broken) throw this.broken;
    try {
      return await call();
    } catch (e) {
      if (e instanceof AurisError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      this.broken = new AurisError('E_CORRUPT', `${this.source.name}: the ${this.info.codec} decoder failed on damaged data near byte ${this.byteOffset}: ${why}`, { path: this.source.name }, { cause: e });
      this.freeCodec();
      throw this.broken;
    }
  }

  /** At the end of the input: fewer frames than the container declares is a truncation. */
  private checkLength(): void {
    this.flushedLength = true;
    const total = this.spec.selfChecked ? null : this.info.totalFrames;
    const decoded = this.position + this.pending.reduce((n, c) => n + c.frames - c.used, 0);
    const missing = total !== null && decoded < total ? total - decoded : null;
    const cut = this.cutOff;
    this.cutOff = null;
    if (cut) this.log.damaged('E_TRUNCATED', `${cut.message}${missing === null ? '' : `; ${framesText(missing)} missing`}`, cut.offset, missing);
    else if (missing !== null && (this.mode === 'strict' || !this.log.attributeLoss(missing))) this.damage('E_TRUNCATED', `${decoded} of ${total} frames decoded (truncated)`, { frames: missing });
  }

  private acceptAll(out: PlanarAudio | PlanarAudio[]): void {
    for (const chunk of Array.isArray(out) ? out : [out]) this.accept(chunk);
  }

  /**
   * Damage: strict mode throws E_CORRUPT now and E_TRUNCATED after the last frame; lenient mode
   * records it (integrity().damage) and decoding goes on.
   */
  private damage(code: 'E_CORRUPT' | 'E_TRUNCATED', message: string, where: { offset?: number; frames?: number | null } = {}): void {
    if (code === 'E_CORRUPT') this.decodeErrors++;
    const offset = where.offset ?? null;
    const frames = where.frames ?? null;
    const lost = frames === null ? '' : `; ${framesText(frames)} ${code === 'E_TRUNCATED' ? 'missing' : 'lost'}`;
    const text = code === 'E_CORRUPT'
      ? `${this.info.codec} stream damaged ${offset === null ? `near byte ${this.byteOffset}` : `at byte ${offset}`}: ${message}${lost}`
      : `${message}${frames === null || message.includes('frames decoded') ? '' : lost}`;
    if (this.mode === 'strict') {
      const err = new AurisError(code, `${this.source.name}: ${text}`, { path: this.source.name, offset, frames });
      if (code === 'E_CORRUPT') throw err;
      this.truncation ??= err;
      return;
    }
    // A cut-off end is recorded once the input is over, with the frames it cost (checkLength).
    if (code === 'E_TRUNCATED' && frames === null && !this.flushedLength) {
      if (this.cutOff) this.log.warn(text);
      else this.cutOff = { message: text, offset };
      return;
    }
    this.log.damaged(code, text, offset, frames);
  }

  private accept(out: PlanarAudio): void {
    for (const e of out.errors) {
      if (e.code === 'warning') this.log.warn(e.message);
      else this.damage(e.code ?? 'E_CORRUPT', e.message, e);
    }
    if (out.samplesDecoded <= 0 || out.channelData.length === 0) return;
    const format = floatFormat(out.sampleRate, out.channelData.length, 32);
    // The codec reuses its output memory between calls: keep copies.
    const planes = out.channelData.map((p) => p.slice(0, out.samplesDecoded));
    this.pending.push({ format, planes, frames: out.samplesDecoded, used: 0 });
  }

  async read(maxFrames: number): Promise<FloatBlock | null> {
    if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new AurisError('E_INVALID_ARGUMENT', `maxFrames must be a positive integer, got ${maxFrames}`);
    await this.fill();
    const head = this.pending[0];
    if (!head) {
      if (this.truncation && !this.truncationReported) {
        this.truncationReported = true;
        throw this.truncation;
      }
      return null;
    }
    // One block never mixes formats: stop at a chunk whose format differs (a chained stream).
    const format = head.format;
    const ch = format.channels;
    let frames = 0;
    for (const c of this.pending) {
      if (!sameFormat(c.format, format) || frames >= maxFrames) break;
      frames += Math.min(c.frames - c.used, maxFrames - frames);
    }
    const samples = new Float64Array(frames * ch);
    let written = 0;
    while (written < frames) {
      const c = this.pending[0]!;
      const take = Math.min(c.frames - c.used, frames - written);
      for (let k = 0; k < ch; k++) {
        const plane = c.planes[k]!;
        for (let i = 0; i < take; i++) samples[(written + i) * ch + k] = plane[c.used + i]!;
      }
      c.used += take;
      written += take;
      if (c.used === c.frames) this.pending.shift();
    }
    this.position += frames;
    return floatBlock(format, samples);
  }

  async seek(frame: number): Promise<number> {
    if (!Number.isInteger(frame) || frame < 0) throw new AurisError('E_INVALID_ARGUMENT', `seek target must be a non-negative integer, got ${frame}`);
    if (frame < this.position) await this.restart();
    while (this.position < frame) {
      await this.fill();
      const c = this.pending[0];
      if (!c) break;
      const skip = Math.min(c.frames - c.used, frame - this.position);
      c.used += skip;
      this.position += skip;
      if (c.used === c.frames) this.pending.shift();
    }
    return this.position;
  }

  /** A fresh codec at byte 0: the only exact way back for codecs with inter-frame state. */
  private async restart(): Promise<void> {
    this.freeCodec();
    this.codec = await this.spec.createCodec();
    this.byteOffset = 0;
    this.flushed = false;
    this.flushedLength = false;
    this.cutOff = null;
    this.pending.length = 0;
    this.position = 0;
  }

  integrity(): IntegrityReport {
    // Lossy streams carry no checksum of their decoded samples; decode errors count as bad packets.
    const report = this.log.report('absent', this.decodeErrors);
    const seen = this.flushedLength ? [] : this.spec.seenAtOpen ?? [];
    if (seen.length === 0) return report;
    return { ...report, warnings: [...seen.map((d) => d.message), ...report.warnings], damage: [...seen, ...report.damage] };
  }

  /** Frees the codec library instance; one that trapped may fail again while freeing, which changes nothing. */
  private freeCodec(): void {
    const codec = this.codec;
    this.codec = null;
    try { codec?.free(); } catch { /* its memory is gone with it */ }
  }

  async close(): Promise<void> {
    this.freeCodec();
    this.pending.length = 0;
  }
}
