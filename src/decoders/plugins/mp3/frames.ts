// MPEG audio frame headers (ISO/IEC 11172-3 section 2.4.2.3, 13818-3 for MPEG-2/2.5 low rates)
// and the Xing/Info + LAME tag (the de-facto gapless header: frame count, encoder delay, padding).

/** A parsed 4-byte MPEG audio frame header. */
export interface MpegFrameHeader {
  /** 1 (MPEG-1), 2 (MPEG-2), 2.5 (MPEG-2.5). */
  readonly version: 1 | 2 | 2.5;
  readonly layer: 1 | 2 | 3;
  readonly bitrateKbps: number;
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** Whole frame length in bytes, header included. */
  readonly frameBytes: number;
  readonly samplesPerFrame: number;
}

const BITRATES_V1 = [
  [],
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
];
const BITRATES_V2 = [
  [],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];
const RATES = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 2.5: [11025, 12000, 8000] } as const;

/** The header at `at`, or null when the four bytes are not a valid (non-free-format) header. */
export function parseFrameHeader(b: Uint8Array, at: number): MpegFrameHeader | null {
  if (at + 4 > b.length) return null;
  const b1 = b[at + 1]!, b2 = b[at + 2]!, b3 = b[at + 3]!;
  if (b[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const bitrateKbps = (version === 1 ? BITRATES_V1 : BITRATES_V2)[layer]![bitrateIndex]!;
  const sampleRate = RATES[version][rateIndex]!;
  const padding = (b2 >> 1) & 1;
  const channels = (b3 >> 6) === 3 ? 1 : 2;
  let frameBytes: number;
  let samplesPerFrame: number;
  if (layer === 1) {
    frameBytes = (Math.floor((12 * bitrateKbps * 1000) / sampleRate) + padding) * 4;
    samplesPerFrame = 384;
  } else if (layer === 2 || version === 1) {
    frameBytes = Math.floor((144 * bitrateKbps * 1000) / sampleRate) + padding;
    samplesPerFrame = 1152;
  } else {
    frameBytes = Math.floor((72 * bitrateKbps * 1000) / sampleRate) + padding;
    samplesPerFrame = 576;
  }
  return { version, layer, bitrateKbps, sampleRate, channels, frameBytes, samplesPerFrame };
}

/** True when two consecutive valid frame headers of the same version and layer start at `at`. */
export function framesStartAt(b: Uint8Array, at: number): boolean {
  const h = parseFrameHeader(b, at);
  if (!h) return false;
  const next = parseFrameHeader(b, at + h.frameBytes);
  return next !== null && next.version === h.version && next.layer === h.layer && next.sampleRate === h.sampleRate;
}

/** What the Xing/Info and LAME tags of the first frame say, when present. */
export interface GaplessInfo {
  /** Audio frames after the tag frame. */
  readonly mpegFrames: number;
  /** Decoded samples per channel once encoder delay and padding are removed. */
  readonly totalSamples: number;
  readonly encoderDelay: number;
  readonly encoderPadding: number;
  /** Bytes of the MPEG stream from the tag frame on, when the header states them (flag 2); else null. */
  readonly streamBytes: number | null;
}

/** Reads the Xing/Info tag (and LAME delay/padding) of the frame at `at`, or null. */
export function parseXing(b: Uint8Array, at: number): GaplessInfo | null {
  const h = parseFrameHeader(b, at);
  if (!h || h.layer !== 3) return null;
  const sideInfo = h.version === 1 ? (h.channels === 2 ? 32 : 17) : (h.channels === 2 ? 17 : 9);
  let p = at + 4 + sideInfo;
  if (p + 8 > b.length) return null;
  const tag = String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
  if (tag !== 'Xing' && tag !== 'Info') return null;
  const u32 = (o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  const flags = u32(p + 4);
  p += 8;
  if ((flags & 1) === 0 || p + 4 > b.length) return null;
  const mpegFrames = u32(p);
  p += 4;
  let streamBytes: number | null = null;
  if (flags & 2) {
    if (p + 4 > b.length) return null;
    streamBytes = u32(p);
    p += 4;
  }
  if (flags & 4) p += 100;
  if (flags & 8) p += 4;
  let encoderDelay = 0;
  let encoderPadding = 0;
  // LAME extension ("LAME3.100", "Lavc60.31" from ffmpeg): 9-byte encoder string, then at +21
  // the 12-bit encoder delay and 12-bit padding.
  const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (p + 24 <= b.length && isLetter(b[p]!) && isLetter(b[p + 1]!) && isLetter(b[p + 2]!)) {
    encoderDelay = (b[p + 21]! << 4) | (b[p + 22]! >> 4);
    encoderPadding = ((b[p + 22]! & 0x0f) << 8) | b[p + 23]!;
  }
  const totalSamples = Math.max(0, mpegFrames * h.samplesPerFrame - encoderDelay - encoderPadding);
  return { mpegFrames, totalSamples, encoderDelay, encoderPadding, streamBytes };
}
