// DSDIFF decoder (Philips DSDIFF 1.5; layout in shared/specs/dsp.md 6.3), uncompressed DSD only:
// a DST-compressed file is refused with E_UNSUPPORTED_FEATURE. The sound data is already
// byte-interleaved and MSB-first, which is exactly a DsdBlock; one frame is one byte per channel.

import { dsdFormat } from '../../../audio/format.ts';
import type { ByteSource } from '../../../util/byte-source.ts';
import { AurisError } from '../../../util/errors.ts';
import { DSDIFF_CHUNKS, MAX_CHUNKS, nextChunkOffset, readChunkBody, readChunkHeader, viewOf, WindowedSource } from '../../chunks.ts';
import type { Decoder, DecoderOptions, DecoderPlugin } from '../../interface.ts';
import { contiguousReader, fourcc, openFrameDecoder, wholeFrames, type FrameLayout } from '../../interleaved.ts';

const MAX_DSD_RATE = 100_000_000;

function isDsdiff(head: Uint8Array): boolean {
  return head.length >= 16 && fourcc(head, 0) === 'FRM8' && fourcc(head, 12) === 'DSD ';
}

interface SoundProps {
  rate: number | null;
  channels: number | null;
  compression: string | null;
}

/** Reads the FS, CHNL and CMPR sub-chunks of a PROP 'SND ' chunk spanning [start, end). */
async function parseProp(source: ByteSource, start: number, end: number): Promise<SoundProps> {
  const props: SoundProps = { rate: null, channels: null, compression: null };
  let offset = start;
  for (let n = 0; n < MAX_CHUNKS; n++) {
    const chunk = await readChunkHeader(source, offset, end, DSDIFF_CHUNKS);
    if (!chunk) break;
    if (chunk.id === 'FS  ') props.rate = viewOf(await readChunkBody(source, chunk, 4)).getUint32(0, false);
    else if (chunk.id === 'CHNL') props.channels = viewOf(await readChunkBody(source, chunk, 2)).getUint16(0, false);
    else if (chunk.id === 'CMPR') props.compression = fourcc(await readChunkBody(source, chunk, 4), 0);
    offset = nextChunkOffset(chunk.bodyStart, chunk.size);
  }
  return props;
}

/** Parses a DSDIFF header into a frame layout. */
export async function parseDsdiff(file: ByteSource, warnings: string[]): Promise<FrameLayout> {
  const source = new WindowedSource(file);
  if (!isDsdiff(await source.read(0, 16))) throw new AurisError('E_UNSUPPORTED_FORMAT', `${source.name}: not a DSDIFF file`);
  let props: SoundProps | null = null;
  let data: { start: number; declared: number } | null = null;
  let ranOff = false;
  let offset = 16;
  for (let n = 0; n < MAX_CHUNKS && !data; n++) {
    const chunk = await readChunkHeader(source, offset, source.size, DSDIFF_CHUNKS);
    if (!chunk) break;
    if (chunk.id === 'FVER') {
      const version = viewOf(await readChunkBody(source, chunk, 4)).getUint32(0, false);
      if (version >>> 24 !== 1) warnings.push(`DSDIFF version ${(version >>> 24)}.${(version >>> 16) & 0xff} (expected 1.x)`);
    } else if (chunk.id === 'PROP') {
      const kind = fourcc(await readChunkBody(source, chunk, 4), 0);
      if (kind === 'SND ') props = await parseProp(source, chunk.bodyStart + 4, Math.min(source.size, chunk.bodyStart + chunk.size));
    } else if (chunk.id === 'DST ') {
      throw new AurisError('E_UNSUPPORTED_FEATURE', `${source.name}: DST-compressed DSDIFF is not decoded`);
    } else if (chunk.id === 'DSD ') {
      data = { start: chunk.bodyStart, declared: chunk.size };
    }
    offset = nextChunkOffset(chunk.bodyStart, chunk.size);
    if (offset > source.size && !data) ranOff = true;
  }
  if (!props) throw new AurisError(ranOff ? 'E_TRUNCATED' : 'E_CORRUPT', `${source.name}: DSDIFF has no PROP 'SND ' chunk`);
  if (props.compression === 'DST ') throw new AurisError('E_UNSUPPORTED_FEATURE', `${source.name}: DST-compressed DSDIFF is not decoded`);
  if (props.compression !== 'DSD ') throw new AurisError('E_CORRUPT', `${source.name}: DSDIFF compression type '${props.compression ?? 'missing'}'`);
  const { rate, channels } = props;
  if (rate === null || rate < 8 || rate > MAX_DSD_RATE) throw new AurisError('E_CORRUPT', `DSDIFF sample rate ${rate ?? 'missing'}`);
  if (channels === null || channels < 1 || channels > 255) throw new AurisError('E_CORRUPT', `DSDIFF channel count ${channels ?? 'missing'}`);
  if (!data) throw new AurisError('E_TRUNCATED', `${source.name}: DSDIFF has no DSD sound data chunk`);
  const room = Math.max(0, source.size - data.start);
  const frames = wholeFrames(Math.min(data.declared, room), channels, warnings);
  const declaredFrames = Math.floor(data.declared / channels);
  return {
    format: dsdFormat(rate, channels),
    encoding: { kind: 'dsd' },
    frameBytes: channels,
    frames,
    declaredFrames: declaredFrames > frames ? declaredFrames : null,
    read: contiguousReader(file, data.start, channels),
  };
}

/** Opens a DSDIFF decoder on `source`. */
export async function openDsdiff(source: ByteSource, options: DecoderOptions): Promise<Decoder> {
  const warnings: string[] = [];
  return openFrameDecoder(await parseDsdiff(source, warnings), 'DSDIFF', options, warnings);
}

export const dsdiffPlugin: DecoderPlugin = {
  name: 'dsdiff',
  extensions: ['dff', 'dsdiff'],
  probe: isDsdiff,
  open: openDsdiff,
};
