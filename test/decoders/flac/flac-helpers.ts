// Helpers for the FLAC decoder tests: test signals, WAV files for the reference encoder, reading
// the reference decoder's WAV output back, and decoding a whole file with Auris.

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sameFormat, type AudioFormat } from '../../../src/audio/format.ts';
import { md5BytesPerSample, packMd5Layout } from '../../../src/audio/pack.ts';
import type { IntegrityReport } from '../../../src/decoders/interface.ts';
import { flacPlugin } from '../../../src/decoders/plugins/flac/index.ts';
import { BufferByteSource, FileByteSource, type ByteSource } from '../../../src/util/byte-source.ts';
import { wavSamples } from '../../helpers/containers.ts';
import { run } from '../../helpers/tools.ts';
import { uniform } from '../../helpers/signals.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
/**
 * The FLAC testbench: ../shared/flac-testbench beside the clone (as CI places it); in a git
 * worktree, beside the main checkout that owns the worktree.
 */
export const testbenchDir = findTestbench();

function findTestbench(): string {
  const beside = path.resolve(repoRoot, '../shared/flac-testbench');
  if (existsSync(beside)) return beside;
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repoRoot, encoding: 'utf8' });
  const gitDir = common.status === 0 ? common.stdout.trim() : '';
  const fromMain = gitDir ? path.resolve(path.dirname(gitDir), '../shared/flac-testbench') : beside;
  return existsSync(fromMain) ? fromMain : beside;
}

/** Deterministic pseudo-random numbers in [0, 1). */
export const rng = uniform;

/** Packs a string of '0'/'1' (spaces ignored) MSB-first into bytes, zero-padded. */
export function bits(s: string): Uint8Array {
  const b = s.replace(/\s/g, '');
  const out = new Uint8Array(Math.ceil(b.length / 8));
  for (let i = 0; i < b.length; i++) if (b[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/** Rice code of a signed value with parameter k, as a bit string (zigzag, unary quotient, k low bits). */
export function rice(v: number, k: number): string {
  const u = v >= 0 ? 2 * v : -2 * v - 1;
  const q = Math.floor(u / 2 ** k);
  const low = u % 2 ** k;
  return '0'.repeat(q) + '1' + (k ? low.toString(2).padStart(k, '0') : '');
}

/**
 * A music-like test signal: per channel a few tones plus low-passed noise, at about -3 dBFS, as
 * interleaved right-justified `bits`-bit integers. Channels differ so stereo decorrelation matters;
 * `wide` puts the second channel in antiphase at full scale so the side channel needs bits + 1.
 */
export function musicSignal(frames: number, channels: number, bits: number, rate: number, seed = 1, wide = false): Int32Array {
  const out = new Int32Array(frames * channels);
  const rand = rng(seed);
  const max = 2 ** (bits - 1) - 1;
  const min = -(2 ** (bits - 1));
  const lowpass = new Float64Array(channels);
  for (let i = 0; i < frames; i++) {
    const t = i / rate;
    for (let c = 0; c < channels; c++) {
      lowpass[c] = 0.9 * lowpass[c]! + 0.1 * (rand() * 2 - 1);
      const tones = 0.35 * Math.sin(2 * Math.PI * (220 + 110 * c) * t) + 0.2 * Math.sin(2 * Math.PI * (1375 + 17 * c) * t + c);
      const x = (tones + 1.5 * lowpass[c]! + 0.02 * (rand() * 2 - 1)) * 0.7;
      const v = wide && c === 1 ? (out[i * channels]! >= 0 ? min : max) : Math.round(x * max);
      out[i * channels + c] = Math.max(min, Math.min(max, v));
    }
  }
  return out;
}

/** Container bytes of a WAV sample for `bits` valid bits. */
function containerBytes(bits: number): number {
  return Math.ceil(bits / 8);
}

/** A WAVE_FORMAT_EXTENSIBLE file of interleaved `bits`-bit samples (left-justified, 8-bit unsigned). */
export function wavBytes(samples: Int32Array, channels: number, bits: number, rate: number): Uint8Array {
  const cb = containerBytes(bits);
  const shift = cb * 8 - bits;
  const data = Buffer.alloc(samples.length * cb);
  for (let i = 0, o = 0; i < samples.length; i++, o += cb) {
    const v = samples[i]! * 2 ** shift;
    if (cb === 1) data[o] = v + 128;
    else data.writeIntLE(v, o, cb);
  }
  const fmt = Buffer.alloc(40);
  fmt.writeUInt16LE(0xfffe, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * channels * cb, 8);
  fmt.writeUInt16LE(channels * cb, 12);
  fmt.writeUInt16LE(cb * 8, 14);
  fmt.writeUInt16LE(22, 16);
  fmt.writeUInt16LE(bits, 18);
  fmt.writeUInt32LE(0, 20);
  Buffer.from('0100000000001000800000aa00389b71', 'hex').copy(fmt, 24);
  const head = Buffer.alloc(12 + 8 + 8);
  head.write('RIFF', 0);
  head.writeUInt32LE(4 + 8 + fmt.length + 8 + data.length, 4);
  head.write('WAVE', 8);
  head.write('fmt ', 12);
  head.writeUInt32LE(fmt.length, 16);
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0);
  dataHead.writeUInt32LE(data.length, 4);
  return Buffer.concat([head.subarray(0, 20), fmt, dataHead, data]);
}

/** The samples of a PCM WAV (as `flac -d` writes it) in FLAC's MD5 layout. */
export function wavToMd5Layout(wav: Uint8Array): Uint8Array {
  const { samples, bits } = wavSamples(wav);
  return packMd5Layout(samples, bits);
}

export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Writes `samples` as a WAV and encodes it with `flac` and `args`; returns the .flac path. */
export function encodeFlac(dir: string, name: string, samples: Int32Array, channels: number, bits: number, rate: number, args: string[]): string {
  const wav = path.join(dir, `${name}.wav`);
  const out = path.join(dir, `${name}.flac`);
  writeFileSync(wav, wavBytes(samples, channels, bits, rate));
  run('flac', ['-s', '-f', '--channel-map=none', ...args, '-o', out, wav]);
  return out;
}

/** MD5 of the MD5-layout samples `flac -d` produces for a file (raw output where flac offers it, else its WAV). */
export function referenceMd5(file: string, bits: number): string {
  if (bits % 8 === 0) {
    return md5Hex(run('flac', ['-d', '-s', '-c', '--force-raw-format', '--endian=little', '--sign=signed', file]));
  }
  return md5Hex(wavToMd5Layout(run('flac', ['-d', '-s', '-c', file])));
}

export interface DecodeResult {
  readonly formats: AudioFormat[];
  readonly frames: number;
  /** MD5 of the decoded samples in FLAC's MD5 layout. */
  readonly md5: string;
  /** All samples, interleaved (only when asked for). */
  readonly samples: Int32Array | null;
  readonly integrity: IntegrityReport;
}

/** Decodes a whole file (path or bytes) with the FLAC plugin. */
export async function decodeAll(input: string | Uint8Array, opts: { integrity?: 'strict' | 'lenient'; keep?: boolean; blockFrames?: number } = {}): Promise<DecodeResult> {
  const source: ByteSource = typeof input === 'string' ? await FileByteSource.open(input) : new BufferByteSource(input);
  try {
    const decoder = await flacPlugin.open(source, { integrity: opts.integrity ?? 'strict' });
    try {
      const hash = createHash('md5');
      const formats: AudioFormat[] = [];
      const kept: Int32Array[] = [];
      let frames = 0;
      while (true) {
        const block = await decoder.read(opts.blockFrames ?? 16384);
        if (!block) break;
        if (block.kind !== 'int') throw new Error('FLAC gave a non-integer block');
        const last = formats[formats.length - 1];
        if (!last || !sameFormat(last, block.format)) formats.push(block.format);
        frames += block.frames;
        hash.update(packMd5Layout(block.samples, block.format.validBits));
        if (opts.keep) kept.push(block.samples);
      }
      let samples: Int32Array | null = null;
      if (opts.keep) {
        samples = new Int32Array(kept.reduce((n, k) => n + k.length, 0));
        let o = 0;
        for (const k of kept) { samples.set(k, o); o += k.length; }
      }
      return { formats, frames, md5: hash.digest('hex'), samples, integrity: decoder.integrity() };
    } finally {
      await decoder.close();
    }
  } finally {
    await source.close();
  }
}

/** The MD5-layout bytes of generated samples, for comparing a decode with its source. */
export function sourceMd5(samples: Int32Array, bits: number): string {
  const out = new Uint8Array(samples.length * md5BytesPerSample(bits));
  return md5Hex(packMd5Layout(samples, bits, out));
}
