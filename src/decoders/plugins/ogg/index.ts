// Ogg Vorbis (libvorbis in WASM, npm @wasm-audio-decoders/ogg-vorbis) and Ogg Opus (libopus in
// WASM, npm opus-decoder). Pages are parsed and CRC-checked here (pages.ts, stream.ts) and the
// libraries get whole packets; the output is trimmed to the granule positions, so it is gapless:
// Opus drops its pre-skip and the end padding, both drop the samples past the last granule.
// FLAC in Ogg goes to the native FLAC decoder (flac.ts). An Ogg file of another codec (Speex,
// Theora alone) is refused, naming the codec.

import type { ByteSource } from '../../../util/byte-source.ts';
import { AurisError } from '../../../util/errors.ts';
import type { Decoder, DecoderOptions, DecoderPlugin } from '../../interface.ts';
import { openWasmStream } from '../../wasm-stream.ts';
import { opusCodec, parseOpusHead, vorbisCodec } from './codecs.ts';
import { MAX_PAGE_BYTES, firstPacket, lastGranule, pageAt, startsWith, streamsAtStart } from './pages.ts';
import { OggCodecStream, type OggCodec } from './stream.ts';

const VORBIS_ID = [0x01, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73]; // "\x01vorbis"
const OPUS_HEAD = [0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64]; // "OpusHead"

const CODECS: Record<string, OggCodec> = { Vorbis: vorbisCodec, Opus: opusCodec };

/** How to tell someone holding an Ogg file of a codec Auris does not decode what to do. */
const REFUSALS: Record<string, string> = {
  Speex: 'it holds Speex speech audio, which Auris does not decode',
};

/**
 * Opens the first logical stream of `codec` in an Ogg file, after checking that the file has one:
 * E_UNSUPPORTED_FORMAT naming the codec(s) it holds instead.
 */
async function openOgg(source: ByteSource, options: DecoderOptions, preferred: OggCodec): Promise<Decoder> {
  const streams = await streamsAtStart(source);
  // The plugin was chosen by the first stream or the extension: a multiplexed file whose audio is
  // the other codec (Opus in a .ogg behind a Skeleton stream) is decoded as what it holds.
  const mine = streams.find((s) => s.codec === preferred.name) ?? streams.find((s) => CODECS[s.codec]);
  const codec = mine && CODECS[mine.codec];
  const flac = streams.find((s) => s.codec === 'FLAC');
  if (!codec && flac) return openOggFlac(source, options, flac.serial);
  if (!mine || !codec) {
    if (streams.length === 0) {
      if (pageAt(await source.read(0, MAX_PAGE_BYTES), 0) === 'short') throw new AurisError('E_TRUNCATED', `${source.name}: the file ends inside its first Ogg page`, { path: source.name });
      throw new AurisError('E_CORRUPT', `${source.name}: no valid Ogg page at the start of the file`, { path: source.name });
    }
    const other = streams.find((s) => REFUSALS[s.codec]) ?? streams[0]!;
    const why = REFUSALS[other.codec] ?? `it holds ${streams.map((s) => s.codec).join(' and ')}, no Vorbis or Opus audio`;
    throw new AurisError('E_UNSUPPORTED_FORMAT', `${source.name}: Ogg ${other.codec}: ${why}`, { path: source.name, codec: other.codec });
  }
  // The header is checked again when the stream opens; here only the Opus pre-skip is needed.
  const preSkip = codec === opusCodec ? parseOpusHead(mine.first, source.name).preSkip : 0;
  const granule = await lastGranule(source, mine.serial);
  return openWasmStream(source, {
    createCodec: async () => new OggCodecStream(codec, source.name),
    info: { codec: codec.name, container: 'Ogg', totalFrames: granule === null ? null : Math.max(0, Number(granule) - preSkip), bitrate: null },
    // A cut-off page or a missing end-of-stream page is how an Ogg stream says it is truncated;
    // the last granule is no count to hold the decode to (a Vorbis stream may start late).
    selfChecked: true,
  }, options);
}

/** FLAC in Ogg through the native FLAC decoder, reported as FLAC in an Ogg container. */
async function openOggFlac(source: ByteSource, options: DecoderOptions, serial: number): Promise<Decoder> {
  const { oggFlacSource } = await import('./flac.ts');
  const { flacPlugin } = await import('../flac/index.ts');
  const layout = await oggFlacSource(source, serial);
  const inner = await flacPlugin.open(layout.source, options);
  // ffmpeg writes STREAMINFO before it knows the length (0, unknown): the last granule says it.
  const granule = inner.info.totalFrames === null ? await lastGranule(source, serial) : null;
  const info = { ...inner.info, container: 'Ogg', totalFrames: inner.info.totalFrames ?? (granule === null ? null : Number(granule)) };
  return {
    get format() { return inner.format; },
    info,
    ...(inner.tags ? { tags: inner.tags } : {}),
    read: (maxFrames, reuse) => inner.read(maxFrames, reuse),
    seek: (frame) => inner.seek(frame),
    integrity() {
      const r = inner.integrity();
      return { ...r, warnings: [...layout.damage, ...r.warnings] };
    },
    close: () => inner.close(),
  };
}

export const oggVorbisPlugin: DecoderPlugin = {
  name: 'ogg-vorbis',
  extensions: ['ogg', 'oga'],
  probe: (head) => startsWith(firstPacket(head), VORBIS_ID),
  open: (source, options) => openOgg(source, options, vorbisCodec),
};

export const oggOpusPlugin: DecoderPlugin = {
  name: 'ogg-opus',
  extensions: ['opus'],
  probe: (head) => startsWith(firstPacket(head), OPUS_HEAD),
  open: (source, options) => openOgg(source, options, opusCodec),
};
