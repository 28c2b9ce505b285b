// ALAC, AAC/M4A, WavPack and APE through an ffmpeg child process (decoder.ts). The plugins here
// only recognise the formats: the decoder, with node:child_process, loads with the first file one
// of them opens, not with every process that lists the decoders (an analysis worker paid ~8 ms).

import type { ByteSource } from '../../../util/byte-source.ts';
import type { Decoder, DecoderOptions, DecoderPlugin } from '../../interface.ts';

async function openFfmpeg(source: ByteSource, options: DecoderOptions): Promise<Decoder> {
  return (await import('./decoder.ts')).openFfmpeg(source, options);
}

const ascii = (b: Uint8Array, at: number, s: string) => b.length >= at + s.length && [...s].every((c, i) => b[at + i] === c.charCodeAt(0));

/** MP4/M4A (ALAC, AAC): an 'ftyp' box first. */
export const mp4Plugin: DecoderPlugin = {
  name: 'ffmpeg-mp4',
  extensions: ['m4a', 'mp4', 'm4b', 'alac', 'aac'],
  probe: (head) => ascii(head, 4, 'ftyp'),
  open: openFfmpeg,
};

/** WavPack: 'wvpk' block header. */
export const wavpackPlugin: DecoderPlugin = {
  name: 'ffmpeg-wavpack',
  extensions: ['wv'],
  probe: (head) => ascii(head, 0, 'wvpk'),
  open: openFfmpeg,
};

/** Monkey's Audio: 'MAC ' descriptor. */
export const apePlugin: DecoderPlugin = {
  name: 'ffmpeg-ape',
  extensions: ['ape'],
  probe: (head) => ascii(head, 0, 'MAC '),
  open: openFfmpeg,
};
