// The FLAC decoder: metadata, frames read from large chunks of the file, interleaved blocks,
// STREAMINFO MD5 checked at the end, sample-accurate seeking (SEEKTABLE, else bisection on frame
// headers verified by CRC-8 and CRC-16), and resync after damage in lenient mode.

import type { Hash } from 'node:crypto';
import type { AudioBlock, IntBlock } from '../../../audio/block.ts';
import { intBlock } from '../../../audio/block.ts';
import { pcmFormat, sameFormat, type AudioFormat } from '../../../audio/format.ts';
import { md5BytesPerSample, packMd5Layout } from '../../../audio/pack.ts';
import type { ByteSource } from '../../../util/byte-source.ts';
import { AurisError, isAurisError } from '../../../util/errors.ts';
import type { Decoder, DecoderOptions, IntegrityReport, StreamInfo } from '../../interface.ts';
import { DamageLog, framesText } from '../../damage.ts';
import { BitUnderflow, RiceOverflow } from './bit-reader.ts';
import { FrameDecoder } from './frame.ts';
import { FlacKernel } from './kernel.ts';
import type { BasicTags } from '../../../protocol/tags.ts';
import { basicTagsOfVorbisComments } from '../../vorbis-comment.ts';
import { HEADER_BAD_CRC, HEADER_INVALID, HEADER_SHORT, MAX_HEADER_LENGTH, isSyncAt, parseFrameHeader, type FrameHeader } from './frame-header.ts';
import {
  BLOCK_FORBIDDEN, BLOCK_HEADER_LENGTH, BLOCK_PICTURE, BLOCK_SEEKTABLE, BLOCK_STREAMINFO, BLOCK_VORBIS_COMMENT,
  blockName, id3v2Size, parseBlockHeader, parsePicture, parseSeekTable, parseStreamInfo, parseVorbisComment,
  type FlacStreamInfo, type MetadataBlockInfo, type PictureInfo, type SeekPoint, type VorbisComment,
} from './metadata.ts';

/** Bytes read from the file at a time. */
const CHUNK = 2 << 20;
/** Bytes kept available past a frame start before decoding it (more than any frame libFLAC writes). */
const FRAME_AHEAD = 1 << 20;
/** Largest frame accepted: 8 channels x 65536 samples x 33 bits verbatim is 2.2 MB; a Rice frame may be larger. */
const MAX_FRAME = 32 << 20;
/** Bisection stops and decodes linearly when the byte range is this small. */
const BISECT_STOP = 64 << 10;
/** How far into a file without a fLaC marker the first frame is looked for. */
const GARBAGE_SCAN_LIMIT = 1 << 20;
/** Frame starts remembered for seeking are at least this many samples apart. */
const INDEX_SPACING = 16384;
/**
 * Most samples (frames x channels) one read() returns: 64 KiB blocks are recycled by malloc, while
 * larger ones are fresh pages from the OS whose first-touch faults doubled the cost of filling
 * them (measured with --cpu-prof on the decode bench).
 */
const MAX_BLOCK_SAMPLES = 16384;

/** What a FLAC file holds besides audio: for `auris info` and friends. */
export interface FlacDetails {
  /** STREAMINFO, or null when the file has none (a stream starting at a frame header). */
  readonly streamInfo: FlacStreamInfo | null;
  readonly blocks: readonly MetadataBlockInfo[];
  readonly seekTable: readonly SeekPoint[];
  readonly vorbisComment: VorbisComment | null;
  readonly pictures: readonly PictureInfo[];
  /** File offset of the first frame. */
  readonly audioOffset: number;
  /** True when frame headers carry sample numbers (variable block size). */
  readonly variableBlockSize: boolean;
}

/** Result codes of decodeAt. */
const OK = 0;
const SHORT = 1; // frame runs past the window
const NOT_A_FRAME = 2; // no frame header here
const BAD_HEADER_CRC = 3;
const BAD_CONTENT = 4; // corrupt subframe (reserved type, impossible order, Rice overflow)
type DecodeStatus = typeof OK | typeof SHORT | typeof NOT_A_FRAME | typeof BAD_HEADER_CRC | typeof BAD_CONTENT;

interface FrameLocation {
  readonly offset: number;
  readonly sample: number;
}

/**
 * An Int32Array of `length` without zero-filling (every element is written before it is handed
 * out): for large blocks the zero fill costs as much as interleaving.
 */
function uninitializedInt32(length: number): Int32Array {
  if (length < 1024) return new Int32Array(length);
  const b = Buffer.allocUnsafeSlow(length * 4);
  return new Int32Array(b.buffer, b.byteOffset, length);
}

/**
 * The kernel (and so the window memory) of the last closed decoder, for the next one to open: a
 * process that decodes file after file (an analysis worker, a player) then touches no fresh memory
 * per file, and compiles nothing.
 */
let spareKernel: FlacKernel | null = null;

export class FlacDecoder implements Decoder {
  format!: AudioFormat;
  info!: StreamInfo;
  details!: FlacDetails;

  private readonly strict: boolean;
  /**
   * The window over the file: a view of the kernel's memory (frames decode where they lie), refilled
   * in place (the metadata parsers keep no views of it); fresh multi-megabyte buffers would cost a
   * page fault per 4 KiB on first touch.
   */
  private win: Uint8Array = new Uint8Array(0);
  private winStart = 0;
  private readonly frames: FrameDecoder;

  /** Offset of the next frame to decode. */
  private pos = 0;
  /** Stream sample number of the frame at `pos`. */
  private nextSample = 0;
  /** Header of the frame most recently decoded, its format, first sample, and how much of it was read. */
  private header: FrameHeader | null = null;
  private frameFormat: AudioFormat | null = null;
  private frameSample = 0;
  private frameRead = 0;
  private frameLength = 0;
  private lastMessage = '';

  /** The running STREAMINFO MD5, from open() unless the caller asked not to verify it. */
  private hash: Hash | null = null;
  private md5Scratch = new Uint8Array(0);
  private md5Status: IntegrityReport['md5'] = 'unchecked';
  private crcErrors = 0;
  private readonly log = new DamageLog();
  /** Frames of silence to hand out before the current frame: lenient mode's stand-in for frames lost between two good ones. */
  private silenceFrames = 0;
  /** True once damage reaching the end of the stream was reported (the shortfall is not reported again as a truncation). */
  private endDamaged = false;
  private ended = false;
  private closed = false;
  /** True when an ID3v2 tag precedes the stream (its tags are music-metadata's to merge). */
  private id3v2 = false;
  /** read() and seek() calls under way (they await the file between frames). */
  private inFlight = 0;

  /** Base for converting coded frame/sample numbers to stream positions. */
  private nominalBlockSize = 0;
  private firstCoded = 0;
  /** False once frame numbers disagree with the decoded sample count (then seeking decodes from the start). */
  private numberingTrusted = true;
  private streamInfo: FlacStreamInfo | null = null;
  /** File offset of the first frame. */
  private audioOffset = 0;
  /** Frame starts seen while decoding, sorted by sample, INDEX_SPACING apart: seeking starts from them. */
  private readonly index: FrameLocation[] = [];
  /** An error met while filling a block; thrown by the next read so the good samples are returned first. */
  private pendingError: unknown = null;

  private constructor(private readonly source: ByteSource, options: DecoderOptions) {
    this.strict = (options.integrity ?? 'strict') === 'strict';
    const kernel = spareKernel ?? new FlacKernel(CHUNK);
    spareKernel = null;
    this.frames = new FrameDecoder(kernel);
  }

  /** Opens a FLAC stream: reads metadata and the first frame header. Throws E_CORRUPT when no FLAC stream is found. */
  static async open(source: ByteSource, options: DecoderOptions): Promise<FlacDecoder> {
    const d = new FlacDecoder(source, options);
    // node:crypto is loaded only when the MD5 is checked: it costs a fresh analysis worker ~7 ms.
    if (options.verifyMd5 !== false) d.hash = (await import('node:crypto')).createHash('md5');
    await d.init();
    return d;
  }

  /** The VORBIS_COMMENT's tags, unless an ID3v2 tag precedes the stream (Decoder.tags). */
  get tags(): BasicTags | undefined {
    return this.id3v2 ? undefined : basicTagsOfVorbisComments(this.details.vorbisComment?.comments ?? []);
  }

  private get size(): number {
    return this.source.size;
  }

  private warn(message: string): void {
    this.log.warn(message);
  }

  /** Frames the stream states beyond `sample`, or null when STREAMINFO states no length. */
  private missingAfter(sample: number): number | null {
    const total = this.info?.totalFrames ?? null;
    return total === null ? null : Math.max(0, total - sample);
  }

  private fail(code: 'E_CORRUPT' | 'E_TRUNCATED', message: string, offset: number): never {
    throw new AurisError(code, `${this.source.name}: ${message}`, { offset });
  }

  // ---- window over the file ----

  private covers(offset: number, length: number): boolean {
    const winEnd = this.winStart + this.win.length;
    return offset >= this.winStart && offset <= winEnd && (offset + length <= winEnd || winEnd >= this.size);
  }

  /** Makes the window hold [offset, offset + length), or up to the end of the file. */
  private async load(offset: number, length: number): Promise<void> {
    if (this.covers(offset, length)) return;
    const want = Math.max(CHUNK, length);
    const winEnd = this.winStart + this.win.length;
    const keep = offset >= this.winStart && offset < winEnd ? winEnd - offset : 0;
    const from = offset - this.winStart;
    const kept = this.win.length;
    // Growing the memory keeps its contents but detaches this.win: the kept bytes are moved in the new view.
    const buf = this.frames.kernel.window(want);
    if (keep > 0) buf.copyWithin(0, from, kept);
    let got: number;
    if (this.source.readInto) {
      got = await this.source.readInto(offset + keep, buf.subarray(keep, want));
    } else {
      const more = await this.source.read(offset + keep, want - keep);
      buf.set(more, keep);
      got = more.length;
    }
    this.win = buf.subarray(0, keep + got);
    this.winStart = offset;
  }

  private windowAtEof(): boolean {
    return this.winStart + this.win.length >= this.size;
  }

  // ---- opening ----

  private async init(): Promise<void> {
    await this.load(0, 64 << 10);
    let at = id3v2Size(this.win.subarray(0, Math.min(this.win.length, 10)));
    if (at > 0) {
      if (at >= this.size) this.fail('E_TRUNCATED', 'file ends inside its ID3v2 tag', 0);
      this.warn(`skipped an ID3v2 tag of ${at} bytes before the FLAC stream`);
      this.id3v2 = true;
      await this.load(at, 64 << 10);
    }
    const blocks: MetadataBlockInfo[] = [];
    const seekTable: SeekPoint[] = [];
    const pictures: PictureInfo[] = [];
    let vorbisComment: VorbisComment | null = null;
    let hasMarker = false;
    if (this.bytesAt(at, 4) === 'fLaC') {
      hasMarker = true;
      at += 4;
      let last = false;
      while (!last) {
        await this.load(at, BLOCK_HEADER_LENGTH);
        if (at + BLOCK_HEADER_LENGTH > this.size) this.fail('E_TRUNCATED', 'file ends inside the metadata', at);
        const bh = parseBlockHeader(this.win, at - this.winStart);
        const bodyAt = at + BLOCK_HEADER_LENGTH;
        if (bh.type === BLOCK_FORBIDDEN) {
          this.metadataDamage(`metadata block type 127 at offset ${at} is forbidden`, at);
          at = -1;
          break;
        }
        if (bodyAt + bh.length > this.size) {
          this.metadataDamage(`${blockName(bh.type)} block at offset ${at} claims ${bh.length} bytes, past the end of the file`, at);
          at = -1;
          break;
        }
        blocks.push({ type: bh.type, name: blockName(bh.type), offset: at, length: bh.length });
        last = bh.last;
        if (bh.type === BLOCK_STREAMINFO || bh.type === BLOCK_SEEKTABLE || bh.type === BLOCK_VORBIS_COMMENT || bh.type === BLOCK_PICTURE) {
          await this.load(bodyAt, bh.length);
          const body = this.win.subarray(bodyAt - this.winStart, bodyAt - this.winStart + bh.length);
          try {
            if (bh.type === BLOCK_STREAMINFO) {
              if (this.streamInfo) this.warn(`a second STREAMINFO at offset ${at} was ignored`);
              else {
                if (blocks.length > 1) this.warn('STREAMINFO is not the first metadata block');
                this.streamInfo = parseStreamInfo(body);
              }
            } else if (bh.type === BLOCK_SEEKTABLE) {
              for (const point of parseSeekTable(body)) seekTable.push(point);
            } else if (bh.type === BLOCK_VORBIS_COMMENT) {
              vorbisComment ??= parseVorbisComment(body);
            } else {
              pictures.push(parsePicture(body, bodyAt));
            }
          } catch (e) {
            if (!isAurisError(e, 'E_CORRUPT')) throw e;
            if (bh.type === BLOCK_STREAMINFO) this.metadataDamage(e.message, at);
            this.warn(`${blockName(bh.type)} block at offset ${at} ignored: ${e.message}`);
          }
        }
        at = bodyAt + bh.length;
      }
      if (!this.streamInfo) this.warn('the file has no STREAMINFO block; stream parameters come from frame headers');
    }

    // The first frame: right after the metadata, or (no marker, damaged metadata) the first
    // frame found that verifies by CRC-8 and CRC-16.
    let first: FrameHeader | null = null;
    if (at >= 0 && at < this.size) {
      await this.load(at, FRAME_AHEAD);
      const h = parseFrameHeader(this.win, at - this.winStart, this.win.length);
      if (h === HEADER_SHORT) {
        if (this.strict || !hasMarker || !this.streamInfo) this.fail('E_TRUNCATED', 'file ends inside the first frame header', at);
        this.warn('file ends inside the first frame header: the file is truncated');
        this.initEmpty(at, blocks, seekTable, vorbisComment, pictures);
        return;
      }
      if (typeof h === 'object' && (hasMarker || (await this.verifiedFrameAt(at)))) first = h;
    }
    if (!first && hasMarker && at === this.size && this.streamInfo) {
      this.initEmpty(at, blocks, seekTable, vorbisComment, pictures);
      return;
    }
    if (!first) {
      if (hasMarker && at >= 0) this.metadataDamage(`no frame header where the audio should start (offset ${at})`, at);
      const from = at >= 0 ? at : blocks.length ? blocks[blocks.length - 1]!.offset + BLOCK_HEADER_LENGTH : 0;
      const found = await this.findVerifiedFrame(from, Math.min(this.size, from + GARBAGE_SCAN_LIMIT));
      if (found < 0) {
        const what = hasMarker ? 'no decodable frame after the metadata' : 'not a FLAC stream (no fLaC marker and no valid frame)';
        throw new AurisError('E_CORRUPT', `${this.source.name}: ${what}`, { offset: from });
      }
      if (found > from) this.warn(`skipped ${found - from} bytes of unparsable data before the first frame`);
      at = found;
      first = this.header!;
    }
    if (!hasMarker) this.warn('the stream has no fLaC marker and no metadata; it starts at a frame header');

    const h = first;
    this.nominalBlockSize = h.blockSize;
    this.firstCoded = h.codedNumber * (h.variable ? 1 : h.blockSize);
    this.pos = at;
    this.nextSample = 0;
    // Verifying the first frame decoded it; reading starts over at `at`.
    this.header = null;
    const si = this.streamInfo;
    if (si && !h.variable && si.minBlockSize !== si.maxBlockSize && si.minBlockSize !== 0) {
      // Before FLAC 1.2.0 a variable block size was signalled only by STREAMINFO min != max, and
      // frame numbers may be sample numbers; seeking then decodes from the start (always exact).
      this.numberingTrusted = false;
    }
    this.format = this.formatOf(h, at);
    if (si) {
      const mismatch: string[] = [];
      if (si.sampleRate !== this.format.rate) mismatch.push(`rate ${si.sampleRate} vs ${this.format.rate}`);
      if (si.channels !== this.format.channels) mismatch.push(`channels ${si.channels} vs ${this.format.channels}`);
      if (si.bitsPerSample !== this.format.validBits) mismatch.push(`bits ${si.bitsPerSample} vs ${this.format.validBits}`);
      if (mismatch.length) this.warn(`STREAMINFO disagrees with the first frame (${mismatch.join(', ')}); frames win`);
    }
    const total = si?.totalSamples ?? null;
    this.md5Status = si?.md5 ? 'unchecked' : 'absent';
    this.info = {
      codec: 'FLAC',
      container: hasMarker ? 'FLAC' : 'FLAC (raw frames)',
      lossless: true,
      totalFrames: total,
      bitrate: total && this.format.rate ? Math.round(((this.size - at) * 8 * this.format.rate) / total) : null,
      md5: si?.md5 ?? null,
    };
    this.details = {
      streamInfo: si,
      blocks,
      seekTable,
      vorbisComment,
      pictures,
      audioOffset: at,
      variableBlockSize: h.variable,
    };
    this.audioOffset = at;
  }

  /** A stream with metadata and no frames (an empty recording). */
  private initEmpty(at: number, blocks: MetadataBlockInfo[], seekTable: SeekPoint[], vorbisComment: VorbisComment | null, pictures: PictureInfo[]): void {
    const si = this.streamInfo!;
    try {
      this.format = pcmFormat(si.sampleRate, si.channels, si.bitsPerSample);
    } catch (e) {
      throw new AurisError('E_CORRUPT', `${this.source.name}: STREAMINFO describes no valid format`, { offset: at }, { cause: e });
    }
    this.md5Status = si.md5 ? 'unchecked' : 'absent';
    this.info = { codec: 'FLAC', container: 'FLAC', lossless: true, totalFrames: si.totalSamples ?? 0, bitrate: null, md5: si.md5 };
    this.details = { streamInfo: si, blocks, seekTable, vorbisComment, pictures, audioOffset: at, variableBlockSize: false };
    this.audioOffset = at;
    this.pos = at;
  }

  /** A metadata chain that cannot be followed: an error in strict mode, a warning (then a frame scan) in lenient mode. */
  private metadataDamage(message: string, offset: number): void {
    if (this.strict) this.fail('E_CORRUPT', message, offset);
    this.warn(message);
  }

  private bytesAt(offset: number, n: number): string {
    const i = offset - this.winStart;
    if (i < 0 || i + n > this.win.length) return '';
    return String.fromCharCode(...this.win.subarray(i, i + n));
  }

  /** Resolves the format of a frame from its header and STREAMINFO. */
  private formatOf(h: FrameHeader, offset: number): AudioFormat {
    const rate = h.sampleRate || this.streamInfo?.sampleRate || 0;
    const bits = h.bitsPerSample || this.streamInfo?.bitsPerSample || 0;
    if (rate === 0) this.fail('E_CORRUPT', 'frame takes its sample rate from a STREAMINFO that is missing or zero', offset);
    if (bits === 0) this.fail('E_CORRUPT', 'frame takes its bit depth from a STREAMINFO that is missing', offset);
    const f = this.frameFormat;
    if (f && f.rate === rate && f.channels === h.channels && f.validBits === bits) return f;
    return pcmFormat(rate, h.channels, bits);
  }

  /** Stream position of a frame from its coded number. */
  private sampleOf(h: FrameHeader): number {
    return (h.variable ? h.codedNumber : h.codedNumber * this.nominalBlockSize) - this.firstCoded;
  }

  // ---- frame decoding ----

  /** Decodes the frame at file offset `offset`, which the window covers. Sets header/frameLength/decodedBits on OK. */
  private decodeAt(offset: number): DecodeStatus {
    const b = this.win;
    const i = offset - this.winStart;
    const h = parseFrameHeader(b, i, b.length);
    if (h === HEADER_SHORT) return SHORT;
    if (h === HEADER_INVALID) return NOT_A_FRAME;
    if (h === HEADER_BAD_CRC) return BAD_HEADER_CRC;
    const bits = h.bitsPerSample || this.streamInfo?.bitsPerSample || 0;
    if (bits === 0 || (h.sampleRate === 0 && !this.streamInfo?.sampleRate)) {
      this.lastMessage = 'frame defers to a STREAMINFO that is missing';
      return BAD_CONTENT;
    }
    try {
      const end = this.frames.decode(b, i, b.length, h, bits);
      this.header = h;
      this.frameLength = end - i;
      return OK;
    } catch (e) {
      if (e instanceof BitUnderflow) return SHORT;
      if (e instanceof RiceOverflow || isAurisError(e, 'E_CORRUPT')) {
        this.lastMessage = (e as Error).message;
        return BAD_CONTENT;
      }
      throw e;
    }
  }

  /** decodeAt, growing the window while the frame runs past it. SHORT only at the end of the file. */
  private async decodeLoaded(offset: number): Promise<DecodeStatus> {
    let want = FRAME_AHEAD;
    if (!this.covers(offset, want)) await this.load(offset, want);
    let status = this.decodeAt(offset);
    while (status === SHORT && !this.windowAtEof()) {
      if (want >= MAX_FRAME) {
        this.lastMessage = `frame at offset ${offset} is larger than ${MAX_FRAME} bytes`;
        return BAD_CONTENT;
      }
      want *= 2;
      await this.load(offset, want);
      status = this.decodeAt(offset);
    }
    return status;
  }

  /** The header of a frame at `offset` that decodes with a good CRC-16, or null. */
  private async verifiedFrameAt(offset: number): Promise<FrameHeader | null> {
    if (offset >= this.size) return null;
    const status = await this.decodeLoaded(offset);
    return status === OK && this.frames.crcOk ? this.header : null;
  }

  /** First offset in [from, limit) holding a frame verified by CRC-8 and CRC-16, or -1. */
  private async findVerifiedFrame(from: number, limit: number): Promise<number> {
    for (let at = from; at < limit; ) {
      at = await this.findSync(at, limit);
      if (at < 0) return -1;
      if (await this.verifiedFrameAt(at)) return at;
      at++;
    }
    return -1;
  }

  /** First offset in [from, limit) with a frame header whose CRC-8 matches, or -1. */
  private async findSync(from: number, limit: number): Promise<number> {
    let at = from;
    while (at < limit) {
      // FRAME_AHEAD (or the end of the file) past `at` keeps scanEnd beyond `at`: every pass advances.
      if (!this.covers(at, FRAME_AHEAD)) await this.load(at, FRAME_AHEAD);
      const b = this.win;
      const base = this.winStart;
      const eof = this.windowAtEof();
      // Only offsets whose whole header is in the window (or the window reaches the end of the file).
      const scanEnd = Math.min(limit, eof ? base + b.length : base + b.length - MAX_HEADER_LENGTH);
      for (let i = at - base, stop = scanEnd - base; i < stop; i++) {
        if (b[i] === 0xff && isSyncAt(b, i, b.length) && typeof parseFrameHeader(b, i, b.length) === 'object') return base + i;
      }
      if (eof || scanEnd >= limit) return -1;
      at = scanEnd;
    }
    return -1;
  }

  /** Makes the frame just decoded at `offset` the current one, and moves past it. */
  private acceptFrame(offset: number): void {
    const h = this.header!;
    const format = this.formatOf(h, offset);
    if (this.numberingTrusted && this.sampleOf(h) !== this.nextSample) this.numberingTrusted = false;
    this.frameFormat = format;
    this.remember(offset, this.nextSample);
    this.frameSample = this.nextSample;
    this.frameRead = 0;
    this.nextSample += h.blockSize;
    this.pos = offset + this.frameLength;
  }

  /**
   * nextFrame without awaiting, for the usual case of a sound frame that the window holds with
   * FRAME_AHEAD to spare (a promise per frame was most of what a decode allocated). Null when
   * nextFrame must run instead: the window needs reading, or the frame is damaged or missing, in
   * which case nextFrame decodes it again and deals with it.
   */
  private nextFrameNow(): true | null {
    const offset = this.pos;
    if (offset >= this.size || !this.covers(offset, FRAME_AHEAD)) return null;
    if (this.decodeAt(offset) !== OK || !this.frames.crcOk) return null;
    this.acceptFrame(offset);
    return true;
  }

  /**
   * Decodes the next frame into `frames` and advances. False at the end of the stream. Strict
   * mode throws on damage; lenient mode counts it, resyncs, and goes on.
   */
  private async nextFrame(): Promise<boolean> {
    while (true) {
      if (this.pos >= this.size) return false;
      const offset = this.pos;
      const status = await this.decodeLoaded(offset);
      if (status === OK) {
        if (!this.frames.crcOk) {
          this.crcErrors++;
          const n = this.header!.blockSize;
          const where = `frame at offset ${offset} (frames ${this.nextSample}..${this.nextSample + n - 1})`;
          if (this.strict) this.fail('E_CORRUPT', `${where} fails its CRC-16 check`, offset);
          this.log.damaged('E_CORRUPT', `${where} failed its CRC-16 check and was replaced by ${framesText(n)} of silence`, offset, n);
          this.frames.samples.fill(0, 0, n * this.header!.channels);
        }
        this.acceptFrame(offset);
        return true;
      }
      if (status === SHORT) {
        if (this.strict) this.fail('E_TRUNCATED', `file ends inside the frame at offset ${offset}`, offset);
        const missing = this.missingAfter(this.nextSample);
        this.log.damaged('E_TRUNCATED', `the file is truncated: it ends inside the frame at offset ${offset} (frame ${this.nextSample}${missing === null ? '' : `, ${framesText(missing)} missing`})`, offset, missing);
        this.endDamaged = true;
        this.pos = this.size;
        return false;
      }
      if (status === NOT_A_FRAME && this.isTrailingData(offset)) {
        this.warn(`${this.size - offset} bytes after the last frame were ignored`);
        this.pos = this.size;
        return false;
      }
      const why =
        status === NOT_A_FRAME ? `lost sync: no frame header at offset ${offset}`
        : status === BAD_HEADER_CRC ? `frame header at offset ${offset} fails its CRC-8 check`
        : `corrupt frame at offset ${offset}: ${this.lastMessage}`;
      this.crcErrors++;
      if (this.strict) this.fail('E_CORRUPT', why, offset);
      const next = await this.findVerifiedFrame(offset + 1, this.size);
      if (next < 0) {
        const missing = this.missingAfter(this.nextSample);
        this.log.damaged('E_CORRUPT', `${why}; nothing decodable after it (from frame ${this.nextSample}${missing === null ? '' : `, ${framesText(missing)} lost`})`, offset, missing);
        this.endDamaged = true;
        this.pos = this.size;
        return false;
      }
      this.pos = next;
      // The frames between the last good frame and the next are silence of their length, as
      // libFLAC's `flac -d -F` writes them, when the frame numbers say how many they were.
      const gap = this.numberingTrusted ? this.sampleOf(this.header!) - this.nextSample : 0;
      if (gap > 0) {
        this.log.damaged('E_CORRUPT', `${why}: ${next - offset} bytes (frames ${this.nextSample}..${this.nextSample + gap - 1}) replaced by ${framesText(gap)} of silence`, offset, gap);
        this.silenceFrames = gap;
        this.nextSample += gap;
      } else {
        this.log.damaged('E_CORRUPT', `${why}; skipped ${next - offset} bytes`, offset, null);
      }
    }
  }

  /** True when the bytes from `offset` to the end are padding or a tag rather than audio (zeros, ID3v1, APE). */
  private isTrailingData(offset: number): boolean {
    if (!this.covers(offset, this.size - offset) || this.size - offset > CHUNK) return false;
    const rest = this.win.subarray(offset - this.winStart, this.size - this.winStart);
    if (rest.every((x) => x === 0)) return true;
    const head = String.fromCharCode(...rest.subarray(0, 8));
    return (head.startsWith('TAG') && rest.length === 128) || head === 'APETAGEX' || head.startsWith('ID3');
  }

  // ---- Decoder ----

  private checkOpen(): void {
    if (this.closed) throw new AurisError('E_STATE', `${this.source.name}: decoder is closed`);
  }

  async read(maxFrames: number, reuse?: AudioBlock): Promise<AudioBlock | null> {
    this.inFlight++;
    try {
      return await this.readBlock(maxFrames, reuse);
    } finally {
      this.inFlight--;
    }
  }

  private async readBlock(maxFrames: number, reuse?: AudioBlock): Promise<AudioBlock | null> {
    this.checkOpen();
    if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new AurisError('E_INVALID_ARGUMENT', `read(${maxFrames}): maxFrames must be a positive integer`);
    if (this.pendingError !== null) {
      const e = this.pendingError;
      this.pendingError = null;
      this.ended = true;
      throw e;
    }
    if (this.ended) return null;
    const limit = Math.min(maxFrames, Math.max(1, Math.floor(MAX_BLOCK_SAMPLES / (this.frameFormat?.channels ?? this.format.channels))));
    let out: Int32Array | null = null;
    let reused = false;
    let format: AudioFormat | null = null;
    let filled = 0;
    while (filled < limit) {
      if (this.silenceFrames === 0 && (this.header === null || this.frameRead >= this.header.blockSize)) {
        let more: boolean;
        try {
          more = this.nextFrameNow() ?? (await this.nextFrame());
        } catch (e) {
          if (filled === 0) {
            this.ended = true;
            throw e;
          }
          this.pendingError = e;
          break;
        }
        if (!more) break;
      }
      const h = this.header!;
      const f = this.frameFormat!;
      if (format === null) {
        format = f;
        const need = limit * f.channels;
        reused = reuse?.kind === 'int' && reuse.samples.length >= need;
        out = reused ? (reuse as IntBlock).samples : uninitializedInt32(need);
      } else if (!sameFormat(format, f)) {
        break;
      }
      const c = f.channels;
      if (this.silenceFrames > 0) {
        const n = Math.min(this.silenceFrames, limit - filled);
        out!.fill(0, filled * c, (filled + n) * c);
        this.silenceFrames -= n;
        filled += n;
        continue;
      }
      const n = Math.min(h.blockSize - this.frameRead, limit - filled);
      out!.set(this.frames.samples.subarray(this.frameRead * c, (this.frameRead + n) * c), filled * c);
      this.frameRead += n;
      filled += n;
    }
    if (filled === 0 || format === null || out === null) {
      this.header = null;
      this.finish();
      return null;
    }
    // A short block is copied, so no uninitialized memory stays reachable through samples.buffer
    // (a reused array holds the caller's own earlier samples: a view of it is enough).
    const length = filled * format.channels;
    const samples = length === out.length ? out : reused ? out.subarray(0, length) : out.slice(0, length);
    this.hashBlock(samples, format.validBits);
    return intBlock(format, samples);
  }

  private hashBlock(samples: Int32Array, bits: number): void {
    if (!this.hash) return;
    const need = samples.length * md5BytesPerSample(bits);
    if (this.md5Scratch.length < need) this.md5Scratch = new Uint8Array(need);
    this.hash.update(packMd5Layout(samples, bits, this.md5Scratch).subarray(0, need));
  }

  /** End of stream: settle the MD5 and the sample count; strict mode throws what is wrong. */
  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    const md5 = this.info.md5;
    const end = this.nextSample;
    if (this.hash && md5) this.md5Status = this.hash.digest('hex') === md5 ? 'match' : 'mismatch';
    this.hash = null;
    const total = this.info.totalFrames;
    if (total !== null && end !== total) {
      const msg = `decoded ${end} frames but STREAMINFO says ${total}`;
      if (end < total && this.md5Status !== 'match') {
        if (this.strict) this.fail('E_TRUNCATED', `${msg}: the file is truncated`, this.size);
        if (this.endDamaged) this.warn(`${msg}: the file is truncated`);
        else this.log.damaged('E_TRUNCATED', `${msg}: the file is truncated (${framesText(total - end)} missing)`, this.size, total - end);
        return;
      }
      this.warn(msg);
    }
    if (this.md5Status === 'mismatch' && this.strict) {
      throw new AurisError('E_MD5_MISMATCH', `${this.source.name}: decoded audio does not match the STREAMINFO MD5`, { expected: md5 });
    }
  }

  integrity(): IntegrityReport {
    return this.log.report(this.md5Status, this.crcErrors);
  }

  async close(): Promise<void> {
    // A read or seek still awaiting the file would go on writing into the kernel: it is then not handed on.
    if (!this.closed && this.inFlight === 0) spareKernel = this.frames.kernel;
    this.closed = true;
    this.win = new Uint8Array(0);
    this.hash = null;
  }

  // ---- seeking ----

  /** Adds a frame start to the seek index unless one is within INDEX_SPACING samples. */
  private remember(offset: number, sample: number): void {
    const idx = this.index;
    const last = idx[idx.length - 1];
    if (!last || sample >= last.sample + INDEX_SPACING) {
      idx.push({ offset, sample });
      return;
    }
    if (sample >= last.sample) return;
    const i = this.indexAfter(sample);
    if ((i > 0 && idx[i - 1]!.sample > sample - INDEX_SPACING) || idx[i]!.sample < sample + INDEX_SPACING) return;
    idx.splice(i, 0, { offset, sample });
  }

  /** Position in the index of the first entry whose sample is above `sample`. */
  private indexAfter(sample: number): number {
    let lo = 0;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.index[mid]!.sample <= sample) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async seek(frame: number): Promise<number> {
    this.inFlight++;
    try {
      return await this.seekTo(frame);
    } finally {
      this.inFlight--;
    }
  }

  private async seekTo(frame: number): Promise<number> {
    this.checkOpen();
    if (!Number.isFinite(frame) || frame < 0) throw new AurisError('E_INVALID_ARGUMENT', `seek(${frame}): frame must be a non-negative number`);
    const target = Math.floor(frame);
    this.hash = null;
    this.md5Status = this.info.md5 ? 'unchecked' : 'absent';
    this.pendingError = null;
    this.ended = false;
    const i = this.indexAfter(target);
    const before = i > 0 ? this.index[i - 1]! : { offset: this.audioOffset, sample: 0 };
    const after = this.index[i]?.offset ?? this.size;
    const start = this.numberingTrusted ? await this.locate(target, before, after) : before;
    try {
      return await this.decodeTo(start, target);
    } catch (e) {
      if (start.offset === this.audioOffset || !isAurisError(e)) throw e;
      this.numberingTrusted = false;
      return await this.decodeTo({ offset: this.audioOffset, sample: 0 }, target);
    }
  }

  /** Decodes forward from a known frame until the frame holding `target`; leaves the read position on `target`. */
  private async decodeTo(start: FrameLocation, target: number): Promise<number> {
    this.pos = start.offset;
    this.nextSample = start.sample;
    this.header = null;
    this.silenceFrames = 0;
    this.ended = false;
    while (await this.nextFrame()) {
      const h = this.header!;
      if (this.frameSample + h.blockSize > target) {
        // A target inside silence standing in for lost frames starts in that silence.
        this.silenceFrames = Math.min(this.silenceFrames, Math.max(0, this.frameSample - target));
        this.frameRead = Math.max(0, target - this.frameSample);
        return this.frameSample + this.frameRead - this.silenceFrames;
      }
      this.silenceFrames = 0;
    }
    // Past the end: the next read returns null.
    this.header = null;
    this.frameSample = this.nextSample;
    return this.nextSample;
  }

  /** A verified frame at or before `target`'s frame, found with the SEEKTABLE and bisection. */
  private async locate(target: number, known: FrameLocation, knownAfter: number): Promise<FrameLocation> {
    let lo = known;
    let hi = knownAfter;
    // The current position is a known frame start.
    if (this.header && this.pos < this.size && this.nextSample <= target && this.pos > lo.offset) {
      lo = { offset: this.pos, sample: this.nextSample };
    }
    // SEEKTABLE points are sorted by sample (RFC 9639 section 8.5). A point is used only when a
    // frame that verifies sits at its offset with its sample number, so a lying table costs time,
    // never exactness; the nearest point before the target is tried, then up to two earlier ones.
    const points = this.details.seekTable;
    let after = 0;
    for (let step = points.length; step > 0; step >>= 1) {
      while (after + step <= points.length && points[after + step - 1]!.sample <= target) after += step;
    }
    for (let j = after - 1; j >= Math.max(0, after - 3); j--) {
      const p = points[j]!;
      const offset = this.audioOffset + p.offset;
      if (offset >= this.size || offset <= lo.offset || p.sample < lo.sample) continue;
      const h = await this.verifiedFrameAt(offset);
      if (h && this.sampleOf(h) === p.sample) {
        lo = { offset, sample: p.sample };
        break;
      }
    }
    const next = points[after];
    if (next && this.audioOffset + next.offset > lo.offset) hi = Math.min(hi, this.audioOffset + next.offset);
    while (hi - lo.offset > BISECT_STOP) {
      const mid = lo.offset + Math.floor((hi - lo.offset) / 2);
      const at = await this.findVerifiedFrame(mid, hi);
      if (at < 0) {
        hi = mid;
        continue;
      }
      const sample = this.sampleOf(this.header!);
      if (sample < lo.sample) {
        // Numbers going backwards: the numbering cannot be trusted for seeking.
        this.numberingTrusted = false;
        return { offset: this.audioOffset, sample: 0 };
      }
      if (sample <= target) lo = { offset: at, sample };
      else hi = mid;
    }
    return lo;
  }
}
