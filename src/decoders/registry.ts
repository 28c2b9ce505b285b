// The ordered list of decoder plugins, and opening a file with the right one.
// Content (probe of the first bytes) decides first; the extension only breaks ties.

import path from 'node:path';
import type { Decoder, DecoderOptions, DecoderPlugin } from './interface.ts';
import { FileByteSource, type ByteSource } from '../util/byte-source.ts';
import { AurisError } from '../util/errors.ts';
import { flacPlugin } from './plugins/flac/index.ts';
import { wavPlugin } from './plugins/wav/index.ts';
import { aiffPlugin } from './plugins/aiff/index.ts';
import { dsfPlugin } from './plugins/dsf/index.ts';
import { dsdiffPlugin } from './plugins/dsdiff/index.ts';
import { apePlugin, mp4Plugin, wavpackPlugin } from './plugins/ffmpeg/index.ts';
import { mp3Plugin } from './plugins/mp3/index.ts';
import { oggOpusPlugin, oggVorbisPlugin } from './plugins/ogg/index.ts';

/** Every decoder plugin, in probe order. Adding a format is a folder in plugins/ plus one line here. */
export const DECODER_PLUGINS: DecoderPlugin[] = [
  flacPlugin,
  wavPlugin,
  aiffPlugin,
  dsfPlugin,
  dsdiffPlugin,
  oggVorbisPlugin,
  oggOpusPlugin,
  mp4Plugin,
  wavpackPlugin,
  apePlugin,
  // Last: an MPEG sync word is the weakest signature.
  mp3Plugin,
];

export const PROBE_BYTES = 64 * 1024;

/** The plugin for a source: the first whose probe accepts its head, else the first claiming the extension. */
export async function findPlugin(source: ByteSource, fileName: string): Promise<DecoderPlugin> {
  const head = await source.read(0, PROBE_BYTES);
  const byContent = DECODER_PLUGINS.find((p) => p.probe(head));
  if (byContent) return byContent;
  const ext = path.extname(fileName).slice(1).toLowerCase();
  const byExt = DECODER_PLUGINS.find((p) => p.extensions.includes(ext));
  if (byExt) return byExt;
  throw new AurisError('E_UNSUPPORTED_FORMAT', `${fileName}: not a format Auris decodes`, { path: fileName });
}

/** An open decoder together with the source it reads, closed together. */
export interface OpenedFile {
  readonly decoder: Decoder;
  readonly plugin: DecoderPlugin;
  readonly source: ByteSource;
  close(): Promise<void>;
}

/** Opens `filePath` with the plugin that recognises it. */
export async function openFile(filePath: string, options: DecoderOptions = {}): Promise<OpenedFile> {
  const source = await FileByteSource.open(filePath);
  try {
    const plugin = await findPlugin(source, filePath);
    const decoder = await plugin.open(source, { ...options, path: filePath });
    return {
      decoder,
      plugin,
      source,
      async close() {
        try { await decoder.close(); } finally { await source.close(); }
      },
    };
  } catch (e) {
    await source.close();
    throw e;
  }
}

export function supportedExtensions(): string[] {
  return [...new Set(DECODER_PLUGINS.flatMap((p) => p.extensions))].sort();
}
