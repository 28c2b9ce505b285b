// MP3 (and MPEG-1/2 layers I/II) through mpg123 compiled to WASM (npm mpg123-decoder). mpg123
// reads the LAME/Xing header itself and, with gapless on, drops the encoder delay and padding, so
// the output has exactly the source's sample count. mpg123 (as built) always outputs two
// channels; a mono stream (channel mode 3 in its frame headers) comes out as one channel again.

import type { DecoderPlugin } from '../../interface.ts';
import { openWasmStream, type PlanarAudio, type StreamingCodec } from '../../wasm-stream.ts';
import { framesStartAt, parseFrameHeader, parseXing } from './frames.ts';
// ID3v2 framing is the same wherever the tag sits: reuse the FLAC plugin's reader.
import { id3v2Size } from '../flac/metadata.ts';

async function createMpg123(mono: boolean): Promise<StreamingCodec> {
  // The WASM decoder loads with the first MP3 opened, not with every process that might play one.
  const { MPEGDecoder } = await import('mpg123-decoder');
  const codec = new MPEGDecoder({ enableGapless: true });
  await codec.ready;
  return {
    decode: (bytes) => (mono ? toMono(codec.decode(bytes)) : codec.decode(bytes)),
    flush: async () => null,
    free: () => codec.free(),
  };
}

/**
 * The one channel of a mono stream that mpg123 handed out as two identical ones. Audio whose
 * channels differ (stereo frames in a stream that began mono) stays two channels: a format change.
 */
function toMono(out: PlanarAudio): PlanarAudio {
  const [left, right] = out.channelData;
  if (out.channelData.length !== 2 || !left || !right) return out;
  for (let i = 0; i < out.samplesDecoded; i++) if (left[i] !== right[i]) return out;
  return { ...out, channelData: [left] };
}

/** Offset of the first frame: right after an ID3v2 tag, or 0. */
function firstFrameOffset(head: Uint8Array): number {
  return id3v2Size(head);
}

export const mp3Plugin: DecoderPlugin = {
  name: 'mp3',
  extensions: ['mp3', 'mp2', 'mp1', 'mpga'],
  probe(head) {
    const at = firstFrameOffset(head);
    // Two consecutive frame headers: one sync word alone is too common in other formats' data.
    return at < head.length && framesStartAt(head, at) && (at > 0 || head[0] === 0xff);
  },
  async open(source, options) {
    // An ID3v2 tag (often with cover art) may be larger than the probe window: read past it.
    const tagBytes = firstFrameOffset(await source.read(0, 10));
    const frameHead = await source.read(tagBytes, 8 * 1024);
    const header = parseFrameHeader(frameHead, 0);
    const xing = parseXing(frameHead, 0);
    return openWasmStream(source, {
      createCodec: () => createMpg123(header?.channels === 1),
      info: {
        codec: header ? `MP${header.layer}` : 'MP3',
        container: 'MP3',
        totalFrames: xing?.totalSamples ?? null,
        // A Xing/Info frame's own bitrate field says nothing about the stream (VBR).
        bitrate: header && !xing ? header.bitrateKbps * 1000 : null,
      },
    }, options);
  },
};
