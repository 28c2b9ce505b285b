// Ogg Vorbis (libvorbis in WASM, npm @wasm-audio-decoders/ogg-vorbis) and Ogg Opus (libopus in
// WASM, npm ogg-opus-decoder). Both trim to the granule positions, so the output is gapless: Opus
// drops its pre-skip and the end padding, Vorbis the samples past the last granule.

import type { DecoderPlugin } from '../../interface.ts';
import { openWasmStream, type StreamingCodec } from '../../wasm-stream.ts';
import { firstPacket, lastGranule, startsWith } from './pages.ts';

const VORBIS_ID = [0x01, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73]; // "\x01vorbis"
const OPUS_HEAD = [0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64]; // "OpusHead"

export const oggVorbisPlugin: DecoderPlugin = {
  name: 'ogg-vorbis',
  extensions: ['ogg', 'oga'],
  probe: (head) => startsWith(firstPacket(head), VORBIS_ID),
  async open(source, options) {
    const granule = await lastGranule(source);
    const createCodec = async (): Promise<StreamingCodec> => {
      const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis'); // loaded with the first file
      const codec = new OggVorbisDecoder();
      await codec.ready;
      return { decode: (b) => codec.decode(b), flush: () => codec.flush(), free: () => codec.free() };
    };
    return openWasmStream(source, {
      createCodec,
      info: { codec: 'Vorbis', container: 'Ogg', totalFrames: granule === null ? null : Number(granule), bitrate: null },
    }, options);
  },
};

export const oggOpusPlugin: DecoderPlugin = {
  name: 'ogg-opus',
  extensions: ['opus'],
  probe: (head) => startsWith(firstPacket(head), OPUS_HEAD),
  async open(source, options) {
    const packet = firstPacket(await source.read(0, 4096));
    // OpusHead (RFC 7845 section 5.1): pre-skip at offset 10, 48 kHz samples to drop at the start.
    const preSkip = packet && packet.length >= 12 ? packet[10]! | (packet[11]! << 8) : 0;
    const granule = await lastGranule(source);
    const createCodec = async (): Promise<StreamingCodec> => {
      const { OggOpusDecoder } = await import('ogg-opus-decoder'); // loaded with the first file
      const codec = new OggOpusDecoder();
      await codec.ready;
      return { decode: (b) => codec.decode(b), flush: () => codec.flush(), free: () => codec.free() };
    };
    return openWasmStream(source, {
      createCodec,
      info: { codec: 'Opus', container: 'Ogg', totalFrames: granule === null ? null : Math.max(0, Number(granule) - preSkip), bitrate: null },
    }, options);
  },
};
