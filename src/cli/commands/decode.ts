// `auris decode FILE -o OUT [--start N] [--end N]`: decodes a file (or an exact slice of it) to a
// WAV (OUT ending in .wav) or to raw interleaved signed little-endian samples in ceil(bits/8) bytes,
// the layout FLAC's MD5 covers (OUT ending in .raw; floats as f32le/f64le, DSD bytes as they are).

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { type AudioFormat, damageError, type Decoder, formatToString, type IntegrityReport, lengthToString, wavDataBytes, wavHeader, wavTrailer } from '../../core/files.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';
import { openSafeOutput } from '../../util/safe-write.ts';
import { listFiles } from '../../util/walk.ts';
import { decodeRange, parseFrames, rawBytes } from '../../core/decode-stream.ts';
import { printable } from '../paths.ts';

interface DecodeOptions {
  readonly output: string;
  readonly start?: string;
  readonly end?: string;
}

/**
 * Decodes `input` into `output` as the output's extension says; returns the frames written, their
 * format, and the oddities the decoder met that lost no audio (leading garbage, placeholder sizes).
 *
 * Damaged input follows the rule of every command (Damage in src/decoders/interface.ts): what can
 * be decoded is decoded (a bad FLAC frame as silence of its length, a lost Ogg page or MPEG frame
 * dropped, a truncated file up to its end), then the run fails with an error (non-zero exit) that
 * names each damaged place and the frames it affected, and says what the output holds.
 */
export async function decodeToFile(input: string, output: string, start: number, end: number | null): Promise<{ frames: number; format: AudioFormat; warnings: readonly string[] }> {
  const kind = output.toLowerCase().endsWith('.wav') ? 'wav' : output.toLowerCase().endsWith('.raw') ? 'raw' : null;
  if (!kind) throw new AurisError('E_INVALID_ARGUMENT', `output ${output} must end in .wav or .raw`);
  // A temporary file beside the output, renamed over it only at the end: an input with nothing
  // decodable or a failed write leaves an existing file as it was, and an output that is the input
  // is refused. Damaged input keeps what could be decoded in a valid new file (never over an
  // existing one, which a failed run leaves as it was).
  const replacing = existsSync(output);
  const safe = await openSafeOutput(output, { inputs: [input] });
  const out = safe.handle;
  let format: AudioFormat | null = null;
  let dataBytes = 0;
  let position = 0;
  const put = async (bytes: Uint8Array) => {
    await out.write(bytes, 0, bytes.length, position);
    position += bytes.length;
  };
  let written = 0;
  let decoder: Decoder | null = null;
  let report: IntegrityReport | null = null;
  const finish = async () => {
    if (kind === 'wav' && format) {
      await put(wavTrailer(dataBytes));
      const header = wavHeader(format, dataBytes);
      await out.write(header, 0, header.length, 0);
    }
    await safe.commit();
  };
  try {
    let stated: number | null = null;
    const frames = await decodeRange(input, { start, end }, async (f, d) => {
      format = f;
      decoder = d;
      stated = d.info.totalFrames;
      // Reserve the header; it is rewritten with the real sizes at the end.
      if (kind === 'wav') await put(wavHeader(f, null));
    }, async (block) => {
      const bytes = kind === 'wav' ? wavDataBytes(block) : rawBytes(block);
      dataBytes += bytes.length;
      written += block.frames;
      await put(bytes);
    }, 'lenient');
    report = (decoder as Decoder | null)?.integrity() ?? null;
    // The stated length and the MD5 concern the whole file only.
    const whole = start === 0 && end === null;
    const damaged = report && damageError(input, whole ? report : { ...report, md5: 'unchecked' }, frames, whole ? stated : null);
    if (damaged) throw damaged;
    await finish();
    const lossless = new Set(report?.damage.map((d) => d.message));
    return { frames, format: format!, warnings: (report?.warnings ?? []).filter((w) => !lossless.has(w)) };
  } catch (e) {
    const err = asAurisError(e);
    const named = err.message.includes(input) ? err.message : `${input}: ${err.message}`;
    const damaged = err.code === 'E_TRUNCATED' || err.code === 'E_CORRUPT' || err.code === 'E_MD5_MISMATCH';
    if (format === null || !damaged || replacing) {
      await safe.abort();
      const kept = damaged && replacing ? `; ${output} was left as it was` : '';
      throw named === err.message && !kept ? err : new AurisError(err.code, `${named}${kept}`, { ...err.details, path: input }, { cause: err });
    }
    await finish();
    const what = report === null ? 'decoded before it' : 'decoded, the damage as described';
    throw new AurisError(err.code, `${named}; ${output} holds the ${lengthToString(written, format)} ${what}`, { ...err.details, path: input, framesWritten: written }, { cause: err });
  } finally {
    await safe.abort();
  }
}

/** What a decode wrote, for people: "out.wav: 441000 frames, 44100 Hz, 2 ch, 16-bit"; DSD in DSD samples, the unit of its rate. */
export function writtenLine(output: string, frames: number, format: AudioFormat): string {
  return `${printable(output)}: ${lengthToString(frames, format)}, ${formatToString(format)}`;
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
      const { frames, format, warnings } = await decodeToFile(file, opts.output, start, end);
      for (const w of warnings) process.stderr.write(`${printable(file)}: warning: ${printable(w)}\n`);
      process.stderr.write(`${writtenLine(opts.output, frames, format)}\n`);
    });
}
