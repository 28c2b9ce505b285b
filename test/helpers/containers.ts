// Hand-built container files for cases no tool writes: RIFF/RF64 and AIFF chunks assembled byte
// by byte, and DSF / DSDIFF writers made from the layouts in shared/specs/dsp.md section 6.

import { readFileSync } from 'node:fs';
import { BIT_REVERSE } from '../../src/decoders/plugins/dsf/index.ts';

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Unsigned integer of `bytes` bytes (up to 8), little- or big-endian. */
export function uint(value: number | bigint, bytes: number, bigEndian = false): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  for (let i = 0; i < bytes; i++) {
    out[bigEndian ? bytes - 1 - i : i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * One IFF-family chunk: id, size field (4 or 8 bytes), body, and a zero pad byte after an odd
 * body. `size` overrides the size written (e.g. 0xFFFFFFFF, or a size larger than the body).
 */
export function chunk(id: string, body: Uint8Array, opts: { bigEndian?: boolean; sizeBytes?: 4 | 8; size?: number; pad?: boolean } = {}): Uint8Array {
  const pad = (opts.pad ?? true) && body.length % 2 === 1 ? new Uint8Array(1) : new Uint8Array(0);
  return concat(ascii(id), uint(opts.size ?? body.length, opts.sizeBytes ?? 4, opts.bigEndian ?? false), body, pad);
}

/** The fmt chunk body of a WAV file. `extensible` adds cbSize 22, valid bits, mask and sub-format GUID. */
export function wavFmt(o: { tag: number; channels: number; rate: number; containerBits: number; validBits?: number; extensible?: boolean }): Uint8Array {
  const blockAlign = (o.containerBits / 8) * o.channels;
  const base = concat(
    uint(o.extensible ? 0xfffe : o.tag, 2), uint(o.channels, 2), uint(o.rate, 4), uint(o.rate * blockAlign, 4),
    uint(blockAlign, 2), uint(o.extensible ? o.containerBits : (o.validBits ?? o.containerBits), 2),
  );
  if (!o.extensible) return base;
  const guid = concat(uint(o.tag, 2), Uint8Array.of(0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71));
  return concat(base, uint(22, 2), uint(o.validBits ?? o.containerBits, 2), uint(o.channels === 2 ? 3 : 0, 4), guid);
}

/** A RIFF/WAVE file of the given chunks; the RIFF size is correct unless `riffSize` overrides it. */
export function riffWave(chunks: Uint8Array[], opts: { magic?: string; riffSize?: number } = {}): Uint8Array {
  const body = concat(ascii('WAVE'), ...chunks);
  return concat(ascii(opts.magic ?? 'RIFF'), uint(opts.riffSize ?? body.length, 4), body);
}

/** Samples as little-endian container bytes: `containerBytes` bytes each, value already left-justified. */
export function intBytesLE(values: Int32Array, containerBytes: number): Uint8Array {
  const out = new Uint8Array(values.length * containerBytes);
  for (let i = 0; i < values.length; i++) for (let b = 0; b < containerBytes; b++) out[i * containerBytes + b] = (values[i]! >> (8 * b)) & 0xff;
  return out;
}

/** Samples as big-endian container bytes. */
export function intBytesBE(values: Int32Array, containerBytes: number): Uint8Array {
  const out = new Uint8Array(values.length * containerBytes);
  for (let i = 0; i < values.length; i++) for (let b = 0; b < containerBytes; b++) out[i * containerBytes + b] = (values[i]! >> (8 * (containerBytes - 1 - b))) & 0xff;
  return out;
}

/** An 80-bit IEEE extended value of a positive integer (AIFF COMM sample rate). */
export function extended80(value: number): Uint8Array {
  let m = BigInt(value);
  let e = 16383 + 63;
  while (m < 1n << 63n) { m <<= 1n; e--; }
  return concat(uint(e, 2, true), uint(m, 8, true));
}

/** An AIFF or AIFF-C file: COMM (with `compression` for AIFC), SSND with offset/blockSize, extra chunks before SSND. */
export function aiffFile(o: {
  channels: number; frames: number; bits: number; rate: number; data: Uint8Array;
  compression?: string; offset?: number; blockSize?: number; extra?: Uint8Array[];
}): Uint8Array {
  const aifc = o.compression !== undefined;
  const be = { bigEndian: true };
  const comm = concat(
    uint(o.channels, 2, true), uint(o.frames, 4, true), uint(o.bits, 2, true), extended80(o.rate),
    ...(aifc ? [ascii(o.compression!), Uint8Array.of(0, 0)] : []),
  );
  const offset = o.offset ?? 0;
  const ssnd = concat(uint(offset, 4, true), uint(o.blockSize ?? 0, 4, true), new Uint8Array(offset), o.data);
  const chunks = [
    ...(aifc ? [chunk('FVER', uint(0xa2805140, 4, true), be)] : []),
    chunk('COMM', comm, be), ...(o.extra ?? []), chunk('SSND', ssnd, be),
  ];
  const body = concat(ascii(aifc ? 'AIFC' : 'AIFF'), ...chunks);
  return concat(ascii('FORM'), uint(body.length, 4, true), body);
}

/**
 * A DSF file (Sony DSF v1.01) holding `msb` (MSB-first DSD bytes, byte-interleaved). Written per
 * spec: blocks of `blockSize` per channel, the last zero-padded, LSB-first unless `msbFirst`.
 * `sampleCount` defaults to all bits of `msb`; a smaller count marks trailing bits as padding.
 */
export function dsfFile(o: { rate: number; channels: number; msb: Uint8Array; sampleCount?: number; msbFirst?: boolean; blockSize?: number; metadata?: Uint8Array }): Uint8Array {
  const ch = o.channels;
  const bs = o.blockSize ?? 4096;
  const frames = o.msb.length / ch;
  const groups = Math.ceil(frames / bs);
  const data = new Uint8Array(groups * bs * ch);
  for (let f = 0; f < frames; f++) {
    const g = Math.floor(f / bs);
    for (let c = 0; c < ch; c++) {
      const b = o.msb[f * ch + c]!;
      data[g * bs * ch + c * bs + (f % bs)] = o.msbFirst ? b : BIT_REVERSE[b]!;
    }
  }
  const meta = o.metadata ?? new Uint8Array(0);
  const total = 28 + 52 + 12 + data.length + meta.length;
  const le = (v: number | bigint, n: number) => uint(v, n);
  return concat(
    ascii('DSD '), le(28, 8), le(total, 8), le(meta.length ? 92 + data.length : 0, 8),
    ascii('fmt '), le(52, 8), le(1, 4), le(0, 4), le([0, 1, 2, 3, 4, 6, 7][ch] ?? 0, 4), le(ch, 4), le(o.rate, 4),
    le(o.msbFirst ? 8 : 1, 4), le(o.sampleCount ?? frames * 8, 8), le(bs, 4), le(0, 4),
    ascii('data'), le(12 + data.length, 8), data, meta,
  );
}

const DSDIFF_CHANNEL_IDS = [[], ['C   '], ['SLFT', 'SRGT'], ['MLFT', 'MRGT', 'C   '], ['MLFT', 'MRGT', 'LS  ', 'RS  '], ['MLFT', 'MRGT', 'C   ', 'LS  ', 'RS  '], ['MLFT', 'MRGT', 'C   ', 'LFE ', 'LS  ', 'RS  ']];

/**
 * A DSDIFF 1.5 file holding `msb` (MSB-first DSD bytes, byte-interleaved) in its 'DSD ' chunk, or
 * a 'DST ' chunk with those bytes as a stand-in payload when `dst` is set (CMPR then says DST).
 * `extra` chunks go between PROP and the sound data.
 */
export function dsdiffFile(o: { rate: number; channels: number; msb: Uint8Array; dst?: boolean; extra?: Uint8Array[] }): Uint8Array {
  const be = { bigEndian: true, sizeBytes: 8 as const };
  const ids = DSDIFF_CHANNEL_IDS[o.channels] ?? Array.from({ length: o.channels }, (_, i) => `C${String(i).padStart(3, '0')}`);
  const name = ascii(o.dst ? 'DST Encoded' : 'not compressed');
  const prop = concat(
    ascii('SND '),
    chunk('FS  ', uint(o.rate, 4, true), be),
    chunk('CHNL', concat(uint(o.channels, 2, true), ...ids.map(ascii)), be),
    // The compression name is a Pascal string padded to an even length inside the chunk.
    chunk('CMPR', concat(ascii(o.dst ? 'DST ' : 'DSD '), Uint8Array.of(name.length), name, new Uint8Array((name.length + 1) % 2)), be),
  );
  const body = concat(
    ascii('DSD '),
    chunk('FVER', uint(0x01050000, 4, true), be),
    chunk('PROP', prop, be),
    ...(o.extra ?? []),
    chunk(o.dst ? 'DST ' : 'DSD ', o.msb, be),
  );
  return concat(ascii('FRM8'), uint(body.length, 8, true), body);
}

/** A WAV's data chunk and format: `bits` as the fmt chunk's container width, `validBits` from WAVE_FORMAT_EXTENSIBLE (else the same). */
interface WavChunks { data: Buffer; bits: number; validBits: number; channels: number; rate: number }

/** The data chunk of WAV bytes and its format fields (`name` only for the error messages). */
function wavChunks(b: Buffer, name: string): WavChunks {
  if (b.toString('latin1', 0, 4) !== 'RIFF' && b.toString('latin1', 0, 4) !== 'RF64') throw new Error(`${name} is not a WAV file`);
  let p = 12;
  let fmt: Omit<WavChunks, 'data'> | null = null;
  while (p + 8 <= b.length) {
    const id = b.toString('latin1', p, p + 4);
    const size = b.readUInt32LE(p + 4);
    if (id === 'fmt ') {
      const bits = b.readUInt16LE(p + 22);
      const extensible = size >= 24 && b.readUInt16LE(p + 8) === 0xfffe;
      fmt = { channels: b.readUInt16LE(p + 10), rate: b.readUInt32LE(p + 12), bits, validBits: extensible ? b.readUInt16LE(p + 26) : bits };
    }
    if (id === 'data') {
      if (!fmt) throw new Error(`${name}: data before fmt`);
      const end = size === 0xffffffff ? b.length : Math.min(b.length, p + 8 + size);
      return { data: b.subarray(p + 8, end), ...fmt };
    }
    p += 8 + size + (size & 1);
  }
  throw new Error(`${name}: no data chunk`);
}

/** The data chunk of a WAV file and its format fields. */
export function wavData(file: string): { data: Buffer; bits: number; channels: number; rate: number } {
  const { data, bits, channels, rate } = wavChunks(readFileSync(file), file);
  return { data, bits, channels, rate };
}

/**
 * A PCM WAV's integer samples (a file path or its bytes), valid bits right-justified, 8-bit made
 * signed; `bits` is the valid bit depth.
 */
export function wavSamples(wav: string | Uint8Array): { bits: number; channels: number; rate: number; samples: Int32Array } {
  const bytes = typeof wav === 'string' ? readFileSync(wav) : Buffer.from(wav.buffer, wav.byteOffset, wav.length);
  const { data, bits, validBits, channels, rate } = wavChunks(bytes, typeof wav === 'string' ? wav : 'WAV');
  const width = bits / 8;
  const samples = new Int32Array(Math.floor(data.length / width));
  for (let i = 0; i < samples.length; i++) {
    const v = width === 1 ? data[i]! - 128 : data.readIntLE(i * width, width);
    samples[i] = v >> (bits - validBits);
  }
  return { bits: validBits, channels, rate, samples };
}

/** Offsets of the Ogg pages of `b` (capture pattern followed by version 0). */
export function oggPages(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 27 < b.length; i++) {
    if (b[i] === 0x4f && b[i + 1] === 0x67 && b[i + 2] === 0x67 && b[i + 3] === 0x53 && b[i + 4] === 0) {
      const segments = b[i + 26]!;
      let body = 0;
      for (let k = 0; k < segments; k++) body += b[i + 27 + k]!;
      out.push(i);
      i += 27 + segments + body - 1;
    }
  }
  return out;
}

/** Offsets of FLAC frame headers (sync 0xFFF8, fixed block size) after the metadata. */
export function flacFrames(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 4096; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xf8) out.push(i);
  return out;
}
