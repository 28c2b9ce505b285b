// DSF decoder (Sony "DSF File Format Specification" v1.01; layout in shared/specs/dsp.md 6.2).
// Raw DSD out as DsdBlocks: MSB-first bytes, byte-interleaved per channel. DSF stores each
// channel in blocks of 4096 bytes ([ch0 block][ch1 block]... repeated) and, with bits-per-sample
// 1, the first sample of a byte in its LSB; both are undone here. One frame is one byte per
// channel (8 DSD samples); the stream holds ceil(sampleCount / 8) frames, so the zero padding of
// the last block is never output (the last byte may carry up to 7 padding bits when the sample
// count is not a multiple of 8).

import { dsdFormat } from '../../../audio/format.ts';
import type { ByteSource } from '../../../util/byte-source.ts';
import { AurisError } from '../../../util/errors.ts';
import { viewOf, WindowedSource } from '../../chunks.ts';
import type { Decoder, DecoderOptions, DecoderPlugin } from '../../interface.ts';
import { fourcc, openFrameDecoder, type FrameLayout, type FrameReader } from '../../interleaved.ts';

/** Highest DSD bit rate accepted (DSD1024 at the 48 kHz family is 49.152 MHz). */
const MAX_DSD_RATE = 100_000_000;
/** Largest block size per channel accepted; the spec fixes 4096. */
const MAX_BLOCK_SIZE = 1 << 20;

/** BIT_REVERSE[b] is b with its bit order reversed (LSB-first to MSB-first). */
export const BIT_REVERSE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let r = 0;
    for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
    t[i] = r;
  }
  return t;
})();

function isDsf(head: Uint8Array): boolean {
  return head.length >= 12 && fourcc(head, 0) === 'DSD ' && viewOf(head).getBigUint64(4, true) === 28n;
}

/**
 * Reads DSF frames: the block groups covering [start, start + count) in one source read, then
 * de-blocked into interleaved frames and bit-reversed when the file is LSB-first.
 */
function dsfReader(source: ByteSource, dataStart: number, channels: number, blockSize: number, lsbFirst: boolean): FrameReader {
  const groupBytes = blockSize * channels;
  return async (start, count) => {
    const g0 = Math.floor(start / blockSize);
    const g1 = Math.floor((start + count - 1) / blockSize);
    const buf = await source.read(dataStart + g0 * groupBytes, (g1 - g0 + 1) * groupBytes);
    // Frames whose bytes are present in every channel's block.
    const fullGroups = Math.floor(buf.length / groupBytes);
    const lastChannelBytes = Math.max(0, Math.min(blockSize, buf.length - fullGroups * groupBytes - (channels - 1) * blockSize));
    const availableEnd = (g0 + fullGroups) * blockSize + lastChannelBytes;
    const n = Math.max(0, Math.min(count, availableEnd - start));
    const out = new Uint8Array(n * channels);
    const map = lsbFirst ? BIT_REVERSE : null;
    for (let f = start; f < start + n;) {
      const g = Math.floor(f / blockSize);
      const inBlock = f - g * blockSize;
      const run = Math.min(blockSize - inBlock, start + n - f);
      const groupBase = (g - g0) * groupBytes + inBlock;
      const outBase = (f - start) * channels;
      for (let c = 0; c < channels; c++) {
        const src = groupBase + c * blockSize;
        if (map) for (let i = 0; i < run; i++) out[outBase + i * channels + c] = map[buf[src + i]!]!;
        else for (let i = 0; i < run; i++) out[outBase + i * channels + c] = buf[src + i]!;
      }
      f += run;
    }
    return out;
  };
}

/** Parses a DSF header into a frame layout. */
export async function parseDsf(file: ByteSource, warnings: string[]): Promise<FrameLayout> {
  const source = new WindowedSource(file);
  const head = await source.read(0, 28);
  if (!isDsf(head)) throw new AurisError('E_UNSUPPORTED_FORMAT', `${source.name}: not a DSF file`);
  const fmtAt = 28;
  const fmt = await source.read(fmtAt, 52);
  if (fmt.length < 52) throw new AurisError('E_TRUNCATED', `${source.name}: DSF ends inside its fmt chunk`);
  const v = viewOf(fmt);
  if (fourcc(fmt, 0) !== 'fmt ') throw new AurisError('E_CORRUPT', `${source.name}: DSF has no fmt chunk at offset 28`);
  const fmtSize = Number(v.getBigUint64(4, true));
  const version = v.getUint32(12, true);
  const formatId = v.getUint32(16, true);
  const channels = v.getUint32(24, true);
  const rate = v.getUint32(28, true);
  const bitsPerSample = v.getUint32(32, true);
  const sampleCount = Number(v.getBigUint64(36, true));
  const blockSize = v.getUint32(44, true);
  if (fmtSize < 52 || fmtSize > 1 << 16) throw new AurisError('E_CORRUPT', `DSF fmt chunk size ${fmtSize}`);
  if (version !== 1) warnings.push(`DSF format version ${version} (expected 1)`);
  if (formatId !== 0) throw new AurisError('E_UNSUPPORTED_FEATURE', `DSF format id ${formatId} (only 0, raw DSD, is defined)`);
  if (channels < 1 || channels > 6) throw new AurisError('E_CORRUPT', `DSF declares ${channels} channels (1..6)`);
  if (rate < 8 || rate > MAX_DSD_RATE) throw new AurisError('E_CORRUPT', `DSF sampling frequency ${rate} Hz is out of range`);
  if (bitsPerSample !== 1 && bitsPerSample !== 8) throw new AurisError('E_CORRUPT', `DSF bits per sample ${bitsPerSample} (1 or 8)`);
  if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) throw new AurisError('E_CORRUPT', `DSF block size ${blockSize}`);
  if (blockSize !== 4096) warnings.push(`DSF block size ${blockSize} (the spec fixes 4096)`);
  if (!Number.isSafeInteger(sampleCount)) throw new AurisError('E_CORRUPT', 'DSF sample count is out of range');

  const dataAt = fmtAt + fmtSize;
  const dataHead = await source.read(dataAt, 12);
  if (dataHead.length < 12) throw new AurisError('E_TRUNCATED', `${source.name}: DSF ends before its data chunk`);
  if (fourcc(dataHead, 0) !== 'data') throw new AurisError('E_CORRUPT', `${source.name}: DSF has no data chunk after fmt`);
  const dataSize = Number(viewOf(dataHead).getBigUint64(4, true));
  if (dataSize < 12) throw new AurisError('E_CORRUPT', `DSF data chunk size ${dataSize}`);
  const dataStart = dataAt + 12;
  const groupBytes = blockSize * channels;
  const declaredFrames = Math.ceil(sampleCount / 8);
  const blocksNeeded = Math.ceil(declaredFrames / blockSize);
  const declaredData = dataSize - 12;
  if (declaredData < blocksNeeded * groupBytes) {
    warnings.push(`DSF data chunk holds ${declaredData} bytes, ${blocksNeeded * groupBytes} needed for ${sampleCount} samples per channel`);
  }
  // Frames present in every channel's block, within both the data chunk and the file.
  const available = Math.max(0, Math.min(declaredData, source.size - dataStart));
  const fullGroups = Math.floor(available / groupBytes);
  const lastChannelBytes = Math.max(0, Math.min(blockSize, available - fullGroups * groupBytes - (channels - 1) * blockSize));
  const frames = Math.min(declaredFrames, fullGroups * blockSize + lastChannelBytes);
  return {
    format: dsdFormat(rate, channels),
    encoding: { kind: 'dsd' },
    frameBytes: channels,
    frames,
    declaredFrames: frames < declaredFrames ? declaredFrames : null,
    read: dsfReader(file, dataStart, channels, blockSize, bitsPerSample === 1),
  };
}

/** Opens a DSF decoder on `source`. */
export async function openDsf(source: ByteSource, options: DecoderOptions): Promise<Decoder> {
  const warnings: string[] = [];
  return openFrameDecoder(await parseDsf(source, warnings), 'DSF', options, warnings);
}

export const dsfPlugin: DecoderPlugin = {
  name: 'dsf',
  extensions: ['dsf'],
  probe: isDsf,
  open: openDsf,
};
