// The ordered list of decoder plugins, and opening a file with the right one.
// Content (probe of the first bytes) decides first; the extension only breaks ties.
//
// A plugin's module loads when a file gets that far down the probe order: a FLAC file loads the
// FLAC decoder only, and listing files by extension loads none (an analysis worker spent ~15 ms,
// and `auris dr`'s main thread ~30 ms, loading decoders for formats the album did not have).

import path from 'node:path';
import type { Decoder, DecoderOptions, DecoderPlugin } from './interface.ts';
import { FileByteSource, type ByteSource } from '../util/byte-source.ts';
import { AurisError } from '../util/errors.ts';

/**
 * A registered decoder: the plugin's name and extensions (the same as the plugin's own, stated here
 * so that files can be listed without loading it; a test compares them) and how to load it.
 */
export interface DecoderEntry {
  readonly name: string;
  readonly extensions: readonly string[];
  readonly load: () => Promise<DecoderPlugin>;
}

/** Every decoder, in probe order. Adding a format is a folder in plugins/ plus one line here. */
export const DECODERS: readonly DecoderEntry[] = [
  { name: 'flac', extensions: ['flac', 'fla'], load: async () => (await import('./plugins/flac/index.ts')).flacPlugin },
  { name: 'wav', extensions: ['wav', 'wave', 'rf64', 'bw64'], load: async () => (await import('./plugins/wav/index.ts')).wavPlugin },
  { name: 'aiff', extensions: ['aif', 'aiff', 'aifc'], load: async () => (await import('./plugins/aiff/index.ts')).aiffPlugin },
  { name: 'dsf', extensions: ['dsf'], load: async () => (await import('./plugins/dsf/index.ts')).dsfPlugin },
  { name: 'dsdiff', extensions: ['dff', 'dsdiff'], load: async () => (await import('./plugins/dsdiff/index.ts')).dsdiffPlugin },
  { name: 'ogg-vorbis', extensions: ['ogg', 'oga'], load: async () => (await import('./plugins/ogg/index.ts')).oggVorbisPlugin },
  { name: 'ogg-opus', extensions: ['opus'], load: async () => (await import('./plugins/ogg/index.ts')).oggOpusPlugin },
  { name: 'ffmpeg-mp4', extensions: ['m4a', 'mp4', 'm4b', 'alac', 'aac'], load: async () => (await import('./plugins/ffmpeg/index.ts')).mp4Plugin },
  { name: 'ffmpeg-wavpack', extensions: ['wv'], load: async () => (await import('./plugins/ffmpeg/index.ts')).wavpackPlugin },
  { name: 'ffmpeg-ape', extensions: ['ape'], load: async () => (await import('./plugins/ffmpeg/index.ts')).apePlugin },
  // Last: an MPEG sync word is the weakest signature.
  { name: 'mp3', extensions: ['mp3', 'mp2', 'mp1', 'mpga'], load: async () => (await import('./plugins/mp3/index.ts')).mp3Plugin },
];

/** The plugin of `entry`; E_INTERNAL when the module's plugin is not the one registered under that name. */
async function loadPlugin(entry: DecoderEntry): Promise<DecoderPlugin> {
  const plugin = await entry.load();
  if (plugin.name !== entry.name) throw new AurisError('E_INTERNAL', `the decoder registered as "${entry.name}" calls itself "${plugin.name}"`);
  return plugin;
}

/** Every decoder plugin, in probe order (loads them all). */
export function decoderPlugins(): Promise<DecoderPlugin[]> {
  return Promise.all(DECODERS.map(loadPlugin));
}

export const PROBE_BYTES = 64 * 1024;

/** The plugin for a source: the first whose probe accepts its head, else the first claiming the extension. */
export async function findPlugin(source: ByteSource, fileName: string): Promise<DecoderPlugin> {
  const head = await source.read(0, PROBE_BYTES);
  for (const entry of DECODERS) {
    const plugin = await loadPlugin(entry);
    if (plugin.probe(head)) return plugin;
  }
  const ext = path.extname(fileName).slice(1).toLowerCase();
  const byExt = DECODERS.find((e) => e.extensions.includes(ext));
  if (byExt) return loadPlugin(byExt);
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
    throw namingFile(e, filePath);
  }
}

/** `e` with the file's path in its message, for plugins whose open errors do not name it. */
function namingFile(e: unknown, filePath: string): unknown {
  if (!(e instanceof AurisError) || e.message.includes(filePath)) return e;
  return new AurisError(e.code, `${filePath}: ${e.message}`, { ...e.details, path: filePath }, { cause: e });
}

/** Every extension some decoder claims, sorted (loads no decoder). */
export function supportedExtensions(): string[] {
  return [...new Set(DECODERS.flatMap((e) => e.extensions))].sort();
}
