// Vorbis (libvorbis) and Opus (libopus) in WebAssembly, fed whole packets by stream.ts. Every
// header field the libraries use is checked here first: libopus given stream counts that do not
// fit its channel mapping writes outside its memory (issue 17, class 9), and the packet buffers
// of both builds have a fixed size.

import { AurisError } from '../../../util/errors.ts';
import type { PlanarAudio } from '../../wasm-stream.ts';
import { startsWith } from './pages.ts';
import { badHeader, type OggCodec } from './stream.ts';

const VORBIS_ID = [0x01, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73]; // "\x01vorbis"
const VORBIS_SETUP = [0x05, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73]; // "\x05vorbis"
const VORBIS_COMMENT = [0x03, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73]; // "\x03vorbis"
const OPUS_HEAD = [0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64]; // "OpusHead"
const OPUS_TAGS = [0x4f, 0x70, 0x75, 0x73, 0x54, 0x61, 0x67, 0x73]; // "OpusTags"

/** The packet buffer of the libvorbis build (@wasm-audio-decoders/ogg-vorbis: 128 KiB). */
const VORBIS_MAX_PACKET = 128 * 1024;

/** The per-packet decoder inside OggVorbisDecoder, which takes packets without its Ogg parser. */
interface VorbisPacketApi {
  sendSetupHeader(data: Uint8Array): void;
  initDsp(): void;
  decodePackets(packets: Uint8Array[]): PlanarAudio;
}

/** Ogg Vorbis (Vorbis I specification, section 4.2 for the headers). */
export const vorbisCodec: OggCodec = {
  name: 'Vorbis',
  headerPackets: 3,
  matches: (first) => startsWith(first, VORBIS_ID),
  async open(headers, where) {
    const [id, comment, setup] = headers as [Uint8Array, Uint8Array, Uint8Array];
    // Identification header (section 4.2.2): version 0, channels and rate non-zero, block sizes
    // 2^6..2^13 with the short one not above the long one, framing bit set.
    if (id.length < 30 || !startsWith(id, VORBIS_ID)) throw badHeader(where, 'the Vorbis identification header is damaged');
    const view = new DataView(id.buffer, id.byteOffset, id.length);
    const version = view.getUint32(7, true);
    const channels = id[11]!;
    const rate = view.getUint32(12, true);
    const small = id[28]! & 0x0f;
    const large = id[28]! >> 4;
    if (version !== 0 || channels === 0 || rate === 0 || rate > 768000 || small < 6 || large > 13 || small > large || (id[29]! & 1) === 0) {
      throw badHeader(where, `the Vorbis identification header is invalid (version ${version}, ${channels} channels, ${rate} Hz, block sizes 2^${small}/2^${large})`);
    }
    if (!startsWith(comment, VORBIS_COMMENT)) throw badHeader(where, 'the Vorbis comment header is missing or damaged');
    if (!startsWith(setup, VORBIS_SETUP)) throw badHeader(where, 'the Vorbis setup header is missing or damaged');
    if (setup.length > VORBIS_MAX_PACKET) throw new AurisError('E_UNSUPPORTED_FEATURE', `${where}: a Vorbis setup header of ${setup.length} bytes is larger than the decoder takes`);
    const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis'); // loaded with the first file
    const outer = new OggVorbisDecoder();
    await outer.ready;
    // The package's Ogg parser (codec-parser) throws on damaged pages (issue 17): pages are parsed
    // here, and packets go to the decoder it wraps. A test decodes through this path, so a release
    // of the package that renames it fails there, not in a user's hands.
    const inner = (outer as unknown as { _decoder?: Partial<VorbisPacketApi> })._decoder;
    if (!inner || typeof inner.sendSetupHeader !== 'function' || typeof inner.initDsp !== 'function' || typeof inner.decodePackets !== 'function') {
      outer.free();
      throw new AurisError('E_INTERNAL', 'this release of @wasm-audio-decoders/ogg-vorbis has no packet decoder where Auris expects it');
    }
    const api = inner as VorbisPacketApi;
    api.sendSetupHeader(id);
    api.sendSetupHeader(setup);
    api.initDsp();
    return {
      preSkip: 0,
      decode(packets) {
        return decodeFitting(packets, VORBIS_MAX_PACKET, 'Vorbis', (fit) => api.decodePackets(fit), channels, rate);
      },
      free: () => outer.free(),
    };
  },
};

/** What an OpusHead says (RFC 7845 section 5.1). */
export interface OpusHead {
  readonly channels: number;
  readonly preSkip: number;
  /** Output gain in dB (Q7.8 in the header), to be applied by every player. */
  readonly outputGainDb: number;
  readonly mappingFamily: number;
  readonly streams: number;
  readonly coupled: number;
  readonly mapping: number[];
}

/** Parses and checks an OpusHead packet; E_CORRUPT or E_UNSUPPORTED_FEATURE when it is unusable. */
export function parseOpusHead(p: Uint8Array, where: string): OpusHead {
  if (p.length < 19 || !startsWith(p, OPUS_HEAD)) throw badHeader(where, 'the OpusHead packet is damaged');
  const view = new DataView(p.buffer, p.byteOffset, p.length);
  const version = p[8]!;
  // A major version (upper four bits) other than 0 is an incompatible format (section 5.1).
  if (version >> 4 !== 0) throw new AurisError('E_UNSUPPORTED_FEATURE', `${where}: Ogg Opus version ${version} is not supported`);
  const channels = p[9]!;
  const preSkip = view.getUint16(10, true);
  const outputGainDb = view.getInt16(16, true) / 256;
  const mappingFamily = p[18]!;
  if (channels === 0) throw badHeader(where, 'the OpusHead says 0 channels');
  if (mappingFamily === 0) {
    if (channels > 2) throw badHeader(where, `the OpusHead says ${channels} channels for channel mapping family 0 (at most 2)`);
    return { channels, preSkip, outputGainDb, mappingFamily, streams: 1, coupled: channels - 1, mapping: channels === 2 ? [0, 1] : [0] };
  }
  if (mappingFamily !== 1 && mappingFamily !== 2 && mappingFamily !== 255) {
    throw new AurisError('E_UNSUPPORTED_FEATURE', `${where}: Opus channel mapping family ${mappingFamily} is not supported`);
  }
  if (mappingFamily === 1 && channels > 8) throw badHeader(where, `the OpusHead says ${channels} channels for channel mapping family 1 (at most 8)`);
  if (p.length < 21 + channels) throw badHeader(where, 'the OpusHead channel mapping table is cut short');
  const streams = p[19]!;
  const coupled = p[20]!;
  if (streams === 0 || coupled > streams || streams + coupled > 255) throw badHeader(where, `the OpusHead stream counts are invalid (${streams} streams, ${coupled} coupled)`);
  const mapping = Array.from(p.subarray(21, 21 + channels));
  const bad = mapping.find((m) => m !== 255 && m >= streams + coupled);
  if (bad !== undefined) throw badHeader(where, `the OpusHead maps a channel to stream ${bad} of ${streams + coupled}`);
  return { channels, preSkip, outputGainDb, mappingFamily, streams, coupled, mapping };
}

/** The packet buffer of the libopus build (opus-decoder: 3840 bytes per channel). */
const opusMaxPacket = (channels: number) => 3840 * channels;

/** Ogg Opus (RFC 7845). Decodes at 48 kHz, applies the header's output gain. */
export const opusCodec: OggCodec = {
  name: 'Opus',
  headerPackets: 2,
  matches: (first) => startsWith(first, OPUS_HEAD),
  async open(headers, where) {
    const head = parseOpusHead(headers[0]!, where);
    if (!startsWith(headers[1]!, OPUS_TAGS)) throw badHeader(where, 'the OpusTags packet is missing or damaged');
    const { OpusDecoder } = await import('opus-decoder'); // loaded with the first file
    const codec = new OpusDecoder({
      channels: head.channels,
      streamCount: head.streams,
      coupledStreamCount: head.coupled,
      channelMappingTable: head.mapping,
      preSkip: 0, // trimmed in stream.ts, with the end trimming
    });
    await codec.ready;
    // Section 5.1: "a decoder SHOULD apply this gain"; the player does, at 64-bit precision later.
    const gain = 10 ** (head.outputGainDb / 20);
    return {
      preSkip: head.preSkip,
      decode(packets) {
        const out = decodeFitting(packets, opusMaxPacket(head.channels), 'Opus', (fit) => codec.decodeFrames(fit), head.channels, 48000);
        if (gain !== 1) for (const plane of out.channelData) for (let i = 0; i < plane.length; i++) plane[i] = plane[i]! * gain;
        return out;
      },
      free: () => codec.free(),
    };
  },
};

/**
 * Decodes the packets that fit the library's packet buffer; a larger one (only damage makes one)
 * is reported as an error in its place instead of being handed over.
 */
function decodeFitting(
  packets: Uint8Array[], max: number, name: string, decode: (p: Uint8Array[]) => PlanarAudio, channels: number, rate: number,
): PlanarAudio {
  const fit = packets.filter((p) => p.length > 0 && p.length <= max);
  const errors: { message: string }[] = packets
    .filter((p) => p.length === 0 || p.length > max)
    .map((p) => ({ message: `a ${name} packet of ${p.length} bytes cannot be valid` }));
  if (fit.length === 0) return { channelData: Array.from({ length: channels }, () => new Float32Array(0)), samplesDecoded: 0, sampleRate: rate, errors };
  const out = decode(fit);
  return { ...out, errors: [...errors, ...out.errors] };
}

