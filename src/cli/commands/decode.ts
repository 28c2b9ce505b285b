// `auris decode FILE -o OUT [--start N] [--end N]`: decodes a file (or an exact slice of it) to a
// WAV (OUT ending in .wav) or to raw interleaved signed little-endian samples in ceil(bits/8) bytes,
// the layout FLAC's MD5 covers (OUT ending in .raw; floats as f32le/f64le, DSD bytes as they are).

import type { Command } from 'commander';
import type { AudioFormat } from '../../audio/format.ts';
import { formatToString } from '../../audio/format.ts';
import { wavDataBytes, wavHeader, wavTrailer } from '../../audio/wav.ts';
import { AurisError } from '../../util/errors.ts';
import { writeSafely } from '../../util/safe-write.ts';
import { listFiles } from '../../util/walk.ts';
import { decodeRange, parseFrames, rawBytes } from '../decode-stream.ts';
import { printable } from '../paths.ts';

interface DecodeOptions {
  readonly output: string;
  readonly start?: string;
  readonly end?: string;
}

/** Decodes `input` into `output` as the output's extension says; returns the frames written and their format. */
export async function decodeToFile(input: string, output: string, start: number, end: number | null): Promise<{ frames: number; format: AudioFormat }> {
  const kind = output.toLowerCase().endsWith('.wav') ? 'wav' : output.toLowerCase().endsWith('.raw') ? 'raw' : null;
  if (!kind) throw new AurisError('E_INVALID_ARGUMENT', `output ${output} must end in .wav or .raw`);
  // A temporary file beside the output, renamed over it only when the decode succeeded: a corrupt
  // input or a failed write leaves an existing file as it was, and an output that is the input is refused.
  return writeSafely(output, { inputs: [input] }, async ({ handle: out }) => {
    let format: AudioFormat | null = null;
    let dataBytes = 0;
    let position = 0;
    const put = async (bytes: Uint8Array) => {
      await out.write(bytes, 0, bytes.length, position);
      position += bytes.length;
    };
    const frames = await decodeRange(input, { start, end }, async (f) => {
      format = f;
      // Reserve the header; it is rewritten with the real sizes at the end.
      if (kind === 'wav') await put(wavHeader(f, null));
    }, async (block) => {
      const bytes = kind === 'wav' ? wavDataBytes(block) : rawBytes(block);
      dataBytes += bytes.length;
      await put(bytes);
    });
    if (kind === 'wav' && format) {
      await put(wavTrailer(dataBytes));
      const header = wavHeader(format, dataBytes);
      await out.write(header, 0, header.length, 0);
    }
    return { frames, format: format! };
  });
}

export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('decode FILE to OUT: a .wav file, or .raw interleaved signed little-endian samples (FLAC MD5 layout)')
    .argument('<file>', 'audio file to decode')
    .requiredOption('-o, --output <out>', 'output path ending in .wav or .raw')
    .option('--start <frames>', 'first frame (sample per channel) to decode, exact', '0')
    .option('--end <frames>', 'frame to stop before, exact (default: end of file)')
    .action(async (file: string, opts: DecodeOptions) => {
      const start = parseFrames(opts.start ?? '0', '--start');
      const end = opts.end === undefined ? null : parseFrames(opts.end, '--end');
      // A missing path, a FIFO or a path too long is a typed error before anything is opened.
      const { problems } = await listFiles([file]);
      if (problems[0]) throw problems[0].error;
      const { frames, format } = await decodeToFile(file, opts.output, start, end);
      process.stderr.write(`${printable(opts.output)}: ${frames} frames, ${formatToString(format)}\n`);
    });
}
