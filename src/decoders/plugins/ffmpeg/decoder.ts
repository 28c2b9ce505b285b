// ALAC, AAC/M4A, WavPack and APE through an ffmpeg child process that writes raw PCM at the
// source's native depth to a pipe. Seeking restarts ffmpeg: with `-ss` before `-i` for codecs where
// that is verified sample-exact, otherwise with `atrim=start_sample=N`, which decodes from the start
// and drops exactly N frames. Closing kills the child and waits for it.
//
// AAC in MP4 is decoded gapless from the file's own numbers (mp4-gapless.ts): ffmpeg is told to
// ignore the edit list and the iTunSMPB skip and hand out every decoded frame; the priming is dropped with
// atrim, so the length is the iTunSMPB or edit-list count, not ffprobe's (which may include the
// priming, and made every such file look truncated). DSD in WavPack comes out of ffmpeg as PCM: it is
// reported as that conversion (not lossless, a warning), never as the file's own samples.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { floatBlock, intBlock, type IntBlock, type FloatBlock } from '../../../audio/block.ts';
import type { AudioFormat } from '../../../audio/format.ts';
import type { ByteSource } from '../../../util/byte-source.ts';
import { AurisError } from '../../../util/errors.ts';
import type { Decoder, DecoderOptions, IntegrityReport, StreamInfo } from '../../interface.ts';
import { readMp4Gapless, type Mp4Gapless } from './mp4-gapless.ts';
import { ffprobe, toolMissing, type FfprobeResult } from './probe.ts';

const BYTES_PER_SAMPLE = { s16le: 2, s32le: 4, f32le: 4, f64le: 8 } as const;
const STDERR_KEEP = 8 * 1024;

type FfmpegChild = ChildProcessByStdio<null, Readable, Readable>;

class FfmpegDecoder implements Decoder {
  readonly format: AudioFormat;
  readonly info: StreamInfo;
  private child: FfmpegChild | null = null;
  private chunks: AsyncIterator<Buffer> | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private stderr = '';
  private leftover: Uint8Array = new Uint8Array(0);
  private position = 0;
  private ended = false;
  private readonly warnings: string[] = [];
  private readonly frameBytes: number;

  constructor(
    private readonly path: string,
    private readonly probe: FfprobeResult,
    private readonly mode: 'strict' | 'lenient',
    /** Priming to drop and real length, for AAC in MP4; null to take ffmpeg's output as it is. */
    private readonly gapless: Mp4Gapless | null = null,
    /** A DSD stream that ffmpeg's decoder turns into PCM: reported as a conversion, not lossless. */
    dsdAsPcm = false,
  ) {
    this.format = probe.format;
    this.frameBytes = BYTES_PER_SAMPLE[probe.layout] * probe.format.channels;
    if (dsdAsPcm) {
      this.warnings.push(`DSD audio, converted to ${probe.format.rate} Hz float PCM by ffmpeg's decoder: the samples are not the file's DSD bits`);
    }
    this.info = {
      codec: dsdAsPcm ? `${probe.codec} DSD` : probe.codec,
      container: probe.container,
      lossless: probe.lossless && !dsdAsPcm,
      totalFrames: gapless?.frames ?? probe.totalFrames,
      bitrate: probe.bitrate,
      md5: null,
    };
  }

  /** Starts ffmpeg so that its first output frame is `frame`. */
  async start(frame: number): Promise<void> {
    await this.stop();
    const p = this.probe;
    const skip = frame + (this.gapless?.priming ?? 0);
    const seekArgs = frame > 0 && p.exactInputSeek && !this.gapless ? ['-ss', (frame / p.format.rate).toFixed(6)] : [];
    const trimArgs = skip > 0 && (!p.exactInputSeek || this.gapless) ? ['-af', `atrim=start_sample=${skip}`] : [];
    // Neither the edit list nor the iTunSMPB tag (which ffmpeg reads too, as a skip) may trim.
    const inputArgs = this.gapless ? ['-ignore_editlist', '1', '-flags2', '+skip_manual'] : [];
    const args = ['-nostdin', '-hide_banner', '-v', 'error', ...seekArgs, ...inputArgs, '-i', this.path, '-map', '0:a:0', '-vn',
      ...trimArgs, '-c:a', `pcm_${p.layout}`, '-f', p.layout, 'pipe:1'];
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { if (this.stderr.length < STDERR_KEEP) this.stderr += s; });
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? toolMissing('ffmpeg', `decoding ${this.path}`) : new AurisError('E_TOOL_FAILED', `ffmpeg: ${e.message}`)));
    });
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    await spawned;
    this.child = child;
    this.chunks = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.leftover = new Uint8Array(0);
    this.position = frame;
    this.ended = false;
  }

  /** Kills the running ffmpeg, if any, and waits until it is gone. */
  private async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.chunks = null;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdout.destroy();
    await this.exited;
  }

  /** Raises ffmpeg's failure, or in lenient mode records it. */
  private async finish(): Promise<void> {
    const code = await this.exited;
    const message = this.stderr.trim();
    const total = this.info.totalFrames;
    if (code !== 0 || message !== '') {
      const first = message.split('\n')[0] ?? '';
      const err = new AurisError('E_CORRUPT', `${this.path}: ffmpeg ${code !== 0 ? `exited ${code}` : 'reported errors'}: ${first}`, { path: this.path, stderr: message });
      if (this.mode === 'strict') throw err;
      this.warnings.push(err.message);
    } else if (total !== null && this.position < total) {
      const err = new AurisError('E_TRUNCATED', `${this.path}: ${this.position} of ${total} frames decoded`, { path: this.path });
      if (this.mode === 'strict') throw err;
      this.warnings.push(err.message);
    }
  }

  async read(maxFrames: number): Promise<IntBlock | FloatBlock | null> {
    if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new AurisError('E_INVALID_ARGUMENT', `maxFrames must be a positive integer, got ${maxFrames}`);
    if (this.ended) return null;
    if (!this.chunks) throw new AurisError('E_STATE', `${this.path} is closed`);
    const total = this.info.totalFrames;
    // Codecs with end padding (AAC) decode past the stream's duration: stop at it.
    const limit = total === null ? maxFrames : Math.min(maxFrames, total - this.position);
    const want = Math.max(0, limit) * this.frameBytes;
    const parts: Uint8Array[] = [this.leftover];
    let have = this.leftover.length;
    while (have < Math.max(want, this.frameBytes) && want > 0) {
      const next = await this.chunks.next();
      if (next.done) break;
      parts.push(next.value);
      have += next.value.length;
    }
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
    const frames = Math.min(Math.floor(bytes.length / this.frameBytes), Math.max(0, limit));
    this.leftover = bytes.subarray(frames * this.frameBytes);
    if (frames === 0) {
      this.ended = true;
      if (total !== null && this.position >= total) await this.stop();
      else await this.finish();
      return null;
    }
    this.position += frames;
    return this.toBlock(bytes.subarray(0, frames * this.frameBytes), frames);
  }

  private toBlock(bytes: Uint8Array, frames: number): IntBlock | FloatBlock {
    const n = frames * this.format.channels;
    // Copy to an aligned buffer the block can own.
    const aligned = new Uint8Array(bytes).buffer;
    switch (this.probe.layout) {
      case 'f32le': return floatBlock(this.format, Float64Array.from(new Float32Array(aligned, 0, n)));
      case 'f64le': return floatBlock(this.format, new Float64Array(aligned, 0, n));
      case 's16le': {
        const src = new Int16Array(aligned, 0, n);
        const out = new Int32Array(n);
        const shift = this.probe.shift;
        for (let i = 0; i < n; i++) out[i] = src[i]! >> shift;
        return intBlock(this.format, out);
      }
      case 's32le': {
        const out = new Int32Array(aligned, 0, n);
        const shift = this.probe.shift;
        if (shift > 0) for (let i = 0; i < n; i++) out[i] = out[i]! >> shift;
        return intBlock(this.format, out);
      }
    }
  }

  async seek(frame: number): Promise<number> {
    if (!Number.isInteger(frame) || frame < 0) throw new AurisError('E_INVALID_ARGUMENT', `seek target must be a non-negative integer, got ${frame}`);
    const total = this.info.totalFrames;
    const target = total === null ? frame : Math.min(frame, total);
    await this.start(target);
    return target;
  }

  integrity(): IntegrityReport {
    return { md5: 'absent', crcErrors: 0, warnings: [...this.warnings], damage: [] };
  }

  async close(): Promise<void> {
    await this.stop();
  }
}

/** WavPack 5 block header flags (offset 24): bit 31 marks DSD audio. */
const WAVPACK_DSD_FLAG = 0x80000000;

/** True when the first WavPack block of a file holds DSD audio. */
function isWavpackDsd(head: Uint8Array): boolean {
  if (head.length < 28 || String.fromCharCode(...head.subarray(0, 4)) !== 'wvpk') return false;
  return (new DataView(head.buffer, head.byteOffset, head.length).getUint32(24, true) & WAVPACK_DSD_FLAG) !== 0;
}

/** Opens an ffmpeg-decoded file; needs `options.path`, since ffmpeg reads the file itself. */
export async function openFfmpeg(source: ByteSource, options: DecoderOptions): Promise<Decoder> {
  const path = options.path;
  if (!path) throw new AurisError('E_INVALID_ARGUMENT', `${source.name}: the ffmpeg decoder reads files by path`);
  const probe = await ffprobe(path);
  let gapless = probe.codecId === 'aac' && probe.container === 'MP4' ? await readMp4Gapless(source) : null;
  // Edit-list numbers count in the track's timescale; used only when that is the decoded rate.
  if (gapless?.timescale != null && gapless.timescale !== probe.format.rate) gapless = null;
  const decoder = new FfmpegDecoder(path, probe, options.integrity ?? 'strict', gapless, probe.codecId === 'wavpack' && isWavpackDsd(await source.read(0, 32)));
  await decoder.start(0);
  return decoder;
}
