// The gapless information of an MP4/M4A audio track (ISO/IEC 14496-12 boxes): the encoder's
// priming (delay) and the number of real frames, from Apple's iTunSMPB tag when the file has one,
// else from the track's edit list. AAC encoders put 1024 (ffmpeg, fdk) to 2112 (Apple) frames of
// priming before the audio and pad the last packet; without these numbers a decode either keeps
// that silence or, as ffprobe's duration then includes the priming, looks truncated (issue 17).

import type { ByteSource } from '../../../util/byte-source.ts';

/** Where the audio sits in the decoded packets: skip `priming` frames, then `frames` real ones. */
export interface Mp4Gapless {
  readonly priming: number;
  readonly frames: number;
  readonly from: 'iTunSMPB' | 'edit list';
  /** The rate the numbers count in: the track's media timescale (null for iTunSMPB, which counts decoded frames). */
  readonly timescale: number | null;
}

interface Box { readonly type: string; readonly start: number; readonly end: number }

/** The boxes in b[from, to), in order; stops at the first box whose size does not fit. */
function boxes(b: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  for (let at = from; at + 8 <= to;) {
    let size = v.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(v.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) break;
    out.push({ type: String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!), start: at + header, end: at + size });
    at += size;
  }
  return out;
}

const child = (b: Uint8Array, box: Box | undefined, type: string, skip = 0): Box | undefined =>
  box && boxes(b, box.start + skip, box.end).find((c) => c.type === type);

/** The timescale and duration of an mvhd or mdhd full box (version 0: 32-bit times, version 1: 64-bit). */
function timing(b: Uint8Array, box: Box | undefined): { scale: number; duration: number } | null {
  if (!box) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const wide = b[box.start] === 1;
  const at = box.start + (wide ? 20 : 12);
  if (at + (wide ? 12 : 8) > box.end) return null;
  const scale = v.getUint32(at);
  return scale > 0 ? { scale, duration: wide ? Number(v.getBigUint64(at + 4)) : v.getUint32(at + 4) } : null;
}

/** The iTunSMPB text (" 00000000 PRIMING PADDING COUNT ...", hex) in moov/udta/meta/ilst, or null. */
function itunSmpb(b: Uint8Array, moov: Box): string | null {
  const udta = child(b, moov, 'udta');
  const meta = child(b, udta, 'meta');
  if (!meta) return null;
  // 'meta' is a full box in MP4 files (4 bytes of version and flags before its children), a plain
  // box in some QuickTime files: try both.
  const ilst = child(b, meta, 'ilst', 4) ?? child(b, meta, 'ilst');
  for (const item of ilst ? boxes(b, ilst.start, ilst.end) : []) {
    if (item.type !== '----') continue;
    const parts = boxes(b, item.start, item.end);
    const name = parts.find((p) => p.type === 'name');
    const data = parts.find((p) => p.type === 'data');
    if (!name || !data) continue;
    const text = (box: Box, skip: number) => new TextDecoder().decode(b.subarray(box.start + skip, box.end));
    if (text(name, 4) === 'iTunSMPB') return text(data, 8);
  }
  return null;
}

/** The first audio track ('soun' handler) of a moov box. */
function audioTrack(b: Uint8Array, moov: Box): Box | undefined {
  return boxes(b, moov.start, moov.end).find((trak) => {
    if (trak.type !== 'trak') return false;
    const hdlr = child(b, child(b, trak, 'mdia'), 'hdlr');
    return hdlr !== undefined && hdlr.end - hdlr.start >= 12 && String.fromCharCode(...b.subarray(hdlr.start + 8, hdlr.start + 12)) === 'soun';
  });
}

/** The gapless information of the file's first audio track at its media timescale (for AAC, the sample rate), or null. */
function parseMp4Gapless(b: Uint8Array, moov: Box): Mp4Gapless | null {
  const smpb = itunSmpb(b, moov)?.trim().split(/\s+/);
  if (smpb && smpb.length >= 4) {
    const priming = parseInt(smpb[1]!, 16);
    const frames = parseInt(smpb[3]!, 16);
    if (Number.isSafeInteger(priming) && Number.isSafeInteger(frames) && frames > 0) return { priming, frames, from: 'iTunSMPB', timescale: null };
  }
  const trak = audioTrack(b, moov);
  const elst = child(b, child(b, trak, 'edts'), 'elst');
  const movie = timing(b, child(b, moov, 'mvhd'));
  const media = timing(b, child(b, child(b, trak, 'mdia'), 'mdhd'));
  if (!elst || !movie || !media || elst.end - elst.start < 8) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const wide = b[elst.start] === 1;
  const count = v.getUint32(elst.start + 4);
  const entryBytes = wide ? 20 : 12;
  // One edit that plays the media from `media_time` (empty edits, -1, are delays: not gapless info).
  if (count !== 1 || elst.start + 8 + entryBytes > elst.end) return null;
  const at = elst.start + 8;
  const duration = wide ? Number(v.getBigUint64(at)) : v.getUint32(at);
  const mediaTime = wide ? Number(v.getBigInt64(at + 8)) : v.getInt32(at + 4);
  if (mediaTime < 0 || duration <= 0) return null;
  // A coarse movie timescale (600 in older iTunes files) rounds the length: never past the media's end.
  const frames = Math.min(Math.round((duration * media.scale) / movie.scale), media.duration - mediaTime);
  return frames > 0 ? { priming: mediaTime, frames, from: 'edit list', timescale: media.scale } : null;
}

/** Reads the moov box of an MP4 file (at its start or its end) and its gapless information, or null. */
export async function readMp4Gapless(source: ByteSource): Promise<Mp4Gapless | null> {
  for (let at = 0; at + 8 <= source.size;) {
    const head = await source.read(at, 16);
    const v = new DataView(head.buffer, head.byteOffset, head.length);
    let size = v.getUint32(0);
    let header = 8;
    if (size === 1 && head.length >= 16) {
      size = Number(v.getBigUint64(8));
      header = 16;
    } else if (size === 0) size = source.size - at;
    if (size < header) return null;
    if (String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!) === 'moov') {
      if (at + size > source.size || size > 64 << 20) return null;
      const moov = await source.read(at, size);
      return parseMp4Gapless(moov, { type: 'moov', start: header, end: moov.length });
    }
    at += size;
  }
  return null;
}
