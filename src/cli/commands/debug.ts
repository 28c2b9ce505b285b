// `auris debug decode FILE [--start N] [--frames N]`: one decoder's raw PCM on stdout in the FLAC
// MD5 layout (signed LE, ceil(bits/8) bytes; floats f32le/f64le; DSD bytes as they are), its format
// and plugin on stderr. A harness to poke a decoder by hand: `auris debug decode x.flac | xxd | head`.

import type { Command } from 'commander';
import { formatToString } from '../../audio/format.ts';
import { asAurisError } from '../../util/errors.ts';
import { decodeRange, parseFrames, rawBytes } from '../decode-stream.ts';

/** Writes to stdout, waiting when the pipe is full (so `| head` and slow readers work). */
function writeStdout(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(asAurisError(err, 'E_IO')) : resolve()));
  });
}

export function registerDebug(program: Command): void {
  const debug = program.command('debug').description('developer harnesses that run one plugin by hand');
  debug
    .command('decode')
    .description('stream the raw PCM of FILE to stdout (FLAC MD5 layout); format on stderr')
    .argument('<file>', 'audio file to decode')
    .option('--start <frames>', 'first frame to decode (exact seek)', '0')
    .option('--frames <frames>', 'how many frames to decode (default: to the end)')
    .action(async (file: string, opts: { start: string; frames?: string }) => {
      const start = parseFrames(opts.start, '--start');
      const end = opts.frames === undefined ? null : start + parseFrames(opts.frames, '--frames');
      const frames = await decodeRange(file, { start, end }, (format, decoder) => {
        const i = decoder.info;
        process.stderr.write(`${file}: ${i.codec} in ${i.container}, ${formatToString(format)} (${format.sample}), ${i.lossless ? 'lossless' : 'lossy'}, ` +
          `${i.totalFrames ?? '?'} frames\n`);
      }, (block) => writeStdout(rawBytes(block)));
      process.stderr.write(`${frames} frames written\n`);
    });
}
