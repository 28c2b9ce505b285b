// MP3 (and MPEG-1/2 layers I/II) through mpg123 compiled to WASM (npm mpg123-decoder). mpg123
// reads the LAME/Xing header itself and, with gapless on, drops the encoder delay and padding, so
// the output has exactly the source's sample count. mpg123 (as built) always outputs two
// channels; a mono stream (channel mode 3 in its frame headers) comes out as one channel again.
// The frames are walked alongside (walker.ts) to report skipped garbage and a cut-off last frame.

import type { Damage, DecoderPlugin } from '../../interface.ts';
import { openWasmStream, type PlanarAudio, type StreamingCodec } from '../../wasm-stream.ts';
import { framesStartAt, parseFrameHeader, parseXing } from './frames.ts';
import { MpegFrameWalker, countSamples } from './walker.ts';
// ID3v2 framing is the same wherever the tag sits: reuse the FLAC plugin's reader.
import { id3v2Size } from '../flac/metadata.ts';

/**
 * mpg123 over the file from byte 0, with the frames after the ID3v2 tag (`firstByte` on) walked
 * for damage, which goes out as errors of the decoded chunks.
 */
async function createMpg123(mono: boolean, firstByte: number): Promise<StreamingCodec> {
  // The WASM decoder loads with the first MP3 opened, not with every process that might play one.
  const { MPEGDecoder } = await import('mpg123-decoder');
  const codec = new MPEGDecoder({ enableGapless: true });
  await codec.ready;
  const walker = new MpegFrameWalker(firstByte);
  let fed = 0;
  const asErrors = (damage: ReturnType<MpegFrameWalker['end']>) =>
    damage.map((d) => ({ message: d.message, offset: d.offset, code: d.kind === 'truncated' ? 'E_TRUNCATED' as const : d.kind === 'corrupt' ? 'E_CORRUPT' as const : 'warning' as const }));
  return {
    decode: (bytes) => {
      const skip = Math.max(0, Math.min(bytes.length, firstByte - fed));
      fed += bytes.length;
      const damage = asErrors(walker.push(bytes.subarray(skip)));
      const out = mono ? toMono(codec.decode(bytes)) : codec.decode(bytes);
      return damage.length > 0 ? { ...out, errors: [...damage, ...out.errors] } : out;
    },
    flush: async () => {
      const damage = asErrors(walker.end());
      return damage.length > 0 ? { channelData: [], samplesDecoded: 0, sampleRate: 0, errors: damage } : null;
    },
    free: () => codec.free(),
  };
}

/** Offset of the first of two consecutive frames in `b`, or -1. */
function firstFrameIn(b: Uint8Array): number {
  for (let at = 0; at + 4 <= b.length; at++) if (framesStartAt(b, at)) return at;
  return -1;
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
    // The first frame: right after the tag, or after garbage (which the walk reports).
    const head = await source.read(tagBytes, 64 * 1024);
    const first = Math.max(0, firstFrameIn(head));
    const header = parseFrameHeader(head, first);
    const layerName = `MP${header?.layer ?? 3}`;
    const xing = parseXing(head, first);
    // Without a length header the frames are counted (a read of the file, no decoding).
    const counted = xing ? null : await countSamples((o, n) => source.read(o, n), tagBytes, source.size);
    // A file cut short shows at open: fewer bytes than the Xing header states, or a last frame cut off.
    const stated = xing?.streamBytes ?? null;
    const held = source.size - tagBytes - first;
    const seenAtOpen: Damage[] = [];
    if (stated !== null && stated > held) {
      seenAtOpen.push({ code: 'E_TRUNCATED', message: `the file is truncated: its Xing header says the MPEG stream has ${stated} bytes, the file holds ${held} (${stated - held} missing)`, offset: source.size, frames: null });
    }
    if (counted?.cutOff) seenAtOpen.push({ code: 'E_TRUNCATED', message: counted.cutOff.message, offset: counted.cutOff.offset, frames: null });
    return openWasmStream(source, {
      seenAtOpen,
      createCodec: () => createMpg123(header?.channels === 1, tagBytes),
      info: {
        // MPEG audio has no container of its own: a stream of layer I, II or III frames is named
        // by its layer (MP1, MP2, MP3) as codec and container, as "FLAC in FLAC".
        codec: layerName,
        container: layerName,
        totalFrames: xing ? xing.totalSamples : counted!.samples,
        // A Xing/Info frame's own bitrate field says nothing about the stream (VBR).
        bitrate: header && !xing ? header.bitrateKbps * 1000 : null,
      },
    }, options);
  },
};
