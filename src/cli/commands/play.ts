// `auris play FILE --output OUTPUT [--exclusive|--shared]`: decode, pack into the container the
// output negotiated, write. Minimal on purpose: the engine issue turns it into the player.

import type { Command } from 'commander';
import { formatToString, sameFormat } from '../../audio/format.ts';
import { openFile } from '../../decoders/registry.ts';
import type { OpenOutput } from '../../outputs/interface.ts';
import { packBlock } from '../../outputs/pack-block.ts';
import { writeAll } from '../../outputs/pump.ts';
import { outputPlugin } from '../../outputs/registry.ts';
import { intOption, modeFrom, type ModeFlags } from './output-options.ts';

interface PlayOptions extends ModeFlags {
  output: string;
  bufferMs?: string;
  quiet?: boolean;
}

const READ_FRAMES = 16384;

export function registerPlay(program: Command): void {
  program
    .command('play')
    .description('play one file to one output')
    .argument('<file>', 'audio file')
    .option('-o, --output <name>', 'output: alsa:<pcm>, wasapi:<device>, file:<path>.wav, null', 'alsa:default')
    .option('--exclusive', 'straight to the device, nothing converted (default)')
    .option('--shared', 'through the system mixer (not bit-perfect)')
    .option('--buffer-ms <ms>', 'device buffer')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (file: string, opts: PlayOptions) => {
      const mode = modeFrom(opts);
      const plugin = outputPlugin(opts.output);
      const options = opts.bufferMs ? { bufferMs: intOption('buffer-ms', opts.bufferMs, 500, 1, 10_000) } : {};
      const opened = await openFile(file, { integrity: 'lenient' });
      let out: OpenOutput | null = null;
      const stop = () => void out?.close();
      process.once('SIGINT', stop);
      try {
        let format = opened.decoder.format;
        out = await plugin.open(format, mode, options);
        const say = (o: OpenOutput) => {
          if (!opts.quiet) process.stderr.write(`auris: ${file}: ${formatToString(o.format)} -> ${o.name} as ${o.container}, ${o.bitPerfect ? 'bit-perfect' : 'NOT bit-perfect'} (${o.stage.detail})\n`);
        };
        say(out);
        for (;;) {
          const block = await opened.decoder.read(READ_FRAMES);
          if (!block) break;
          if (!sameFormat(block.format, format)) {
            // A mid-stream format change: play out, reopen for the new format.
            await out.drain();
            await out.close();
            format = block.format;
            out = await plugin.open(format, mode, options);
            say(out);
          }
          await writeAll(out, packBlock(block, out.container));
        }
        await out.drain();
      } finally {
        process.off('SIGINT', stop);
        await out?.close();
        await opened.close();
      }
    });
}
