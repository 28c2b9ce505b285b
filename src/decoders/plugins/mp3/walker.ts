// Follows the MPEG audio frames of a file as its bytes go to mpg123, to say what mpg123 passes over
// in silence: bytes that are no frame (leading or embedded garbage) and a last frame cut off by
// the end of the file (truncation). The audio is mpg123's; this only reports, and counts the
// samples of a stream that has no length header.

import { framesStartAt, parseFrameHeader, type MpegFrameHeader } from './frames.ts';

/**
 * What the walk found: `truncated` for a cut-off last frame, `corrupt` for bytes between frames
 * that are no frame (damage: mpg123 drops them and resyncs), `warning` for bytes before the first
 * frame (leading garbage, no audio lost).
 */
export interface MpegDamage {
  readonly kind: 'truncated' | 'corrupt' | 'warning';
  readonly message: string;
  /** File offset where it starts. */
  readonly offset: number;
}

/** Tags that may follow the last frame (ID3v1, APEv2, Lyrics3, a trailing ID3v2): the walk ends there. */
const END_TAGS = ['TAG', 'APETAGEX', 'LYRICS', 'ID3'];

function startsWithAscii(b: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Walks frame headers over a byte stream fed in order, from the first byte after any ID3v2 tag. */
export class MpegFrameWalker {
  private buffer = new Uint8Array(0);
  /** File offset of buffer[0]. */
  private base: number;
  /** The last frame's header while in sync, else null. */
  private last: MpegFrameHeader | null = null;
  private everSynced = false;
  /** Start of the current run of bytes that are no frame, or -1. */
  private skippedFrom = -1;
  /** True when the current skipped run began after a frame (damage inside the stream, not leading garbage). */
  private skippedAfterFrame = false;
  /** Skipped runs met before the first frame: reported once the stream proves to be MPEG audio. */
  private readonly early: MpegDamage[] = [];
  private ended = false;
  /** Samples per channel of the whole frames walked so far. */
  samples = 0;

  constructor(start: number) {
    this.base = start;
  }

  /** Takes the next bytes (from the start offset on) and returns what they showed. */
  push(bytes: Uint8Array): MpegDamage[] {
    if (this.ended) return [];
    const b = new Uint8Array(this.buffer.length + bytes.length);
    b.set(this.buffer);
    b.set(bytes, this.buffer.length);
    const out: MpegDamage[] = [];
    let at = 0;
    while (at + 4 <= b.length) {
      const h = parseFrameHeader(b, at);
      const fits = h !== null && at + h.frameBytes <= b.length;
      if (h && !fits) break; // wait for the rest of the frame
      const inSync = h !== null && this.last !== null && h.version === this.last.version && h.layer === this.last.layer && h.sampleRate === this.last.sampleRate;
      if (inSync || (h !== null && at + h.frameBytes + 4 <= b.length && framesStartAt(b, at))) {
        this.everSynced = true;
        this.endSkip(this.base + at, out);
        this.last = h;
        this.samples += h!.samplesPerFrame;
        at += h!.frameBytes;
        continue;
      }
      if (h !== null && at + h.frameBytes + 4 > b.length && this.last === null) break; // need the next header to be sure
      if (this.everSynced && END_TAGS.some((t) => startsWithAscii(b, at, t))) {
        this.ended = true;
        this.endSkip(this.base + at, out);
        return out;
      }
      if (this.skippedFrom < 0) {
        this.skippedFrom = this.base + at;
        this.skippedAfterFrame = this.everSynced;
      }
      this.last = null;
      at++;
    }
    this.buffer = b.slice(at);
    this.base += at;
    return out;
  }

  /** End of the file: a frame cut off, or bytes after the last frame that are no frame and no tag. */
  end(): MpegDamage[] {
    if (this.ended || !this.everSynced) return [];
    const out: MpegDamage[] = [];
    const b = this.buffer;
    const h = b.length >= 4 ? parseFrameHeader(b, 0) : null;
    if (h && this.skippedFrom < 0 && h.frameBytes > b.length) {
      out.push({ kind: 'truncated', message: `the file ends inside the MPEG frame at byte ${this.base} (truncated: ${h.frameBytes - b.length} of its ${h.frameBytes} bytes missing)`, offset: this.base });
    } else if (b.length > 0 || this.skippedFrom >= 0) {
      if (this.skippedFrom < 0) {
        this.skippedFrom = this.base;
        this.skippedAfterFrame = true;
      }
      this.endSkip(this.base + b.length, out);
    }
    this.ended = true;
    return out;
  }

  /** Closes the current run of skipped bytes at `upTo`; reports runs once a frame was found. */
  private endSkip(upTo: number, out: MpegDamage[]): void {
    if (this.skippedFrom >= 0) {
      const message = `bytes ${this.skippedFrom}..${upTo - 1} are no MPEG audio frame and were skipped`;
      this.early.push({ kind: this.skippedAfterFrame ? 'corrupt' : 'warning', message, offset: this.skippedFrom });
      this.skippedFrom = -1;
    }
    if (this.everSynced) out.push(...this.early.splice(0));
  }
}

/**
 * Samples per channel of every whole frame from `start` to the end of the file, the decoded
 * length of a stream without a Xing/Info header (mpg123 then keeps every sample), null when no
 * frames are found; and a cut-off last frame, when the walk ends inside one.
 */
export async function countSamples(read: (offset: number, length: number) => Promise<Uint8Array>, start: number, size: number): Promise<{ samples: number | null; cutOff: MpegDamage | null }> {
  const walker = new MpegFrameWalker(start);
  const step = 1 << 20;
  for (let at = start; at < size; at += step) walker.push(await read(at, Math.min(step, size - at)));
  const cutOff = walker.end().find((d) => d.kind === 'truncated') ?? null;
  return { samples: walker.samples > 0 ? walker.samples : null, cutOff };
}
