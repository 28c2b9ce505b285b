// `auris decode FILE -o OUT [--start N] [--end N]`: decodes a file (or an exact slice of it) to a
// WAV (OUT ending in .wav) or to raw interleaved signed little-endian samples in ceil(bits/8) bytes,
// the layout FLAC's MD5 covers (OUT ending in .raw; floats as f32le/f64le, DSD bytes as they are).

import { open } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AudioFormat } from '../../audio/format.ts';
import type { Decoder } from '../../decoders/interface.ts';
import { formatToString } from '../../audio/format.ts';
import { wavDataBytes, wavHeader, wavTrailer } from '../../audio/wav.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';
import { decodeRange, parseFrames, rawBytes } from '../decode-stream.ts';

interface DecodeOptions {
  readonly output: string;
  readonly start?: string;
  readonly end?: string;
}

/**
 * Decodes `input` into `output` as the output's extension says; returns the frames written, their
 * format, and the oddities the decoder met and recovered from (skipped garbage, placeholder sizes).
 */
export async function decodeToFile(input: string, output: string, start: number, end: number | null): Promise<{ frames: number; format: AudioFormat; warnings: readonly string[] }> {
  const kind = output.toLowerCase().endsWith('.wav') ? 'wav' : output.toLowerCase().endsWith('.raw') ? 'raw' : null;
  if (!kind) throw new AurisError('E_INVALID_ARGUMENT', `output ${output} must end in .wav or .raw`);
  let handle;
  try {
    handle = await open(output, 'w');
  } catch (e) {
    throw asAurisError(e, 'E_IO');
  }
  const out = handle;
  let format: AudioFormat | null = null;
  let dataBytes = 0;
  let position = 0;
  const put = async (bytes: Uint8Array) => {
    await out.write(bytes, 0, bytes.length, position);
    position += bytes.length;
  };
  let written = 0;
  let decoder: Decoder | null = null;
  const finish = async () => {
    if (kind === 'wav' && format) {
      await put(wavTrailer(dataBytes));
      const header = wavHeader(format, dataBytes);
      await out.write(header, 0, header.length, 0);
    }
  };
  try {
    const frames = await decodeRange(input, { start, end }, async (f, d) => {
      format = f;
      decoder = d;
      // Reserve the header; it is rewritten with the real sizes at the end.
      if (kind === 'wav') await put(wavHeader(f, null));
    }, async (block) => {
      const bytes = kind === 'wav' ? wavDataBytes(block) : rawBytes(block);
      dataBytes += bytes.length;
      written += block.frames;
      await put(bytes);
    });
    await finish();
    return { frames, format: format!, warnings: (decoder as Decoder | null)?.integrity().warnings ?? [] };
  } catch (e) {
    // Damaged input: what could be decoded stays in a valid output file, and the error (non-zero
    // exit) names the damage, the input and how much was written.
    const err = asAurisError(e);
    const named = err.message.includes(input) ? err.message : `${input}: ${err.message}`;
    if (format === null || (err.code !== 'E_TRUNCATED' && err.code !== 'E_CORRUPT' && err.code !== 'E_MD5_MISMATCH')) {
      throw named === err.message ? err : new AurisError(err.code, named, { ...err.details, path: input }, { cause: err });
    }
    await finish();
    throw new AurisError(err.code, `${named}; ${output} holds the ${written} frames decoded before it`, { ...err.details, path: input, framesWritten: written }, { cause: err });
  } finally {
    await out.close();
  }
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
      const { frames, format, warnings } = await decodeToFile(file, opts.output, start, end);
      for (const w of warnings) process.stderr.write(`${file}: warning: ${w}\n`);
      process.stderr.write(`${opts.output}: ${frames} frames, ${formatToString(format)}\n`);
    });
}
