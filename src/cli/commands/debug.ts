// `auris debug decode FILE [--start N] [--frames N]`: one decoder's raw PCM on stdout in the FLAC
// MD5 layout (signed LE, ceil(bits/8) bytes; floats f32le/f64le; DSD bytes as they are), its format
// and plugin on stderr. A harness to poke a decoder by hand: `auris debug decode x.flac | xxd | head`.

import type { Command } from 'commander';
import { formatToString } from '../../audio/format.ts';
import { asAurisError } from '../../util/errors.ts';
import { decodeRange, parseFrames, rawBytes } from '../../core/decode-stream.ts';
import { debugCommand } from './debug-output.ts';

/** Thrown when the reader of stdout went away (`| head`): not a failure, decoding just stops. */
class ReaderGone extends Error {}

/** Writes to stdout, waiting when the pipe is full (so slow readers work). */
function writeStdout(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => {
      if (!err) resolve();
      else reject((err as NodeJS.ErrnoException).code === 'EPIPE' ? new ReaderGone() : asAurisError(err, 'E_IO'));
    });
  });
}

export function registerDebugDecode(program: Command): void {
  debugCommand(program)
    .command('decode')
    .description('stream the raw PCM of FILE to stdout (FLAC MD5 layout); format on stderr')
    .argument('<file>', 'audio file to decode')
    .option('--start <frames>', 'first frame to decode (exact seek)', '0')
    .option('--frames <frames>', 'how many frames to decode (default: to the end)')
    .action(async (file: string, opts: { start: string; frames?: string }) => {
      const start = parseFrames(opts.start, '--start');
      const end = opts.frames === undefined ? null : start + parseFrames(opts.frames, '--frames');
      // EPIPE also arrives as an 'error' event; the write callback above handles it.
      const ignoreEpipe = (e: NodeJS.ErrnoException) => { if (e.code !== 'EPIPE') throw e; };
      process.stdout.on('error', ignoreEpipe);
      let frames: number;
      try {
        frames = await decodeRange(file, { start, end }, (format, decoder) => {
          const i = decoder.info;
          process.stderr.write(`${file}: ${i.codec} in ${i.container}, ${formatToString(format)} (${format.sample}), ${i.lossless ? 'lossless' : 'lossy'}, ` +
            `${i.totalFrames ?? '?'} frames\n`);
        }, (block) => writeStdout(rawBytes(block)));
      } catch (e) {
        if (e instanceof ReaderGone) return;
        throw e;
      } finally {
        process.stdout.off('error', ignoreEpipe);
      }
      process.stderr.write(`${frames} frames written\n`);
    });
}
