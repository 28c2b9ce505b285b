// `auris debug output`: plays raw PCM from stdin to one output, to poke real hardware by hand
// (like MPD's test/run_output). stdin holds interleaved samples in --format (an ALSA container
// name) with --bits valid bits; they are repacked losslessly into whatever the output negotiated.

import type { Command } from 'commander';
import { floatFormat, pcmFormat, type AudioFormat } from '../../audio/format.ts';
import { CONTAINERS, containerShape, frameBytes, packInt, unpackInt, type Container } from '../../audio/pack.ts';
import { pcmContainerOf } from '../../outputs/interface.ts';
import { outputPlugin } from '../../outputs/registry.ts';
import { writeAll } from '../../outputs/pump.ts';
import { AurisError } from '../../util/errors.ts';
import { intOption, modeFrom, type ModeFlags } from './output-options.ts';

interface DebugOutputOptions extends ModeFlags {
  output: string;
  rate?: string;
  channels?: string;
  format?: string;
  bits?: string;
  bufferMs?: string;
}

/** The `debug` command group, shared with other `auris debug <thing>` commands. */
export function debugCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'debug') ?? program.command('debug').description('harnesses that run one plugin by hand');
}

export function registerDebugOutput(program: Command): void {
  debugCommand(program)
    .command('output')
    .description('play raw PCM from stdin to one output')
    .requiredOption('-o, --output <name>', 'output: alsa:<pcm>, wasapi:<device>, file:<path>.wav, null')
    .option('-r, --rate <hz>', 'sample rate', '44100')
    .option('-c, --channels <n>', 'channels', '2')
    .option('-f, --format <container>', `stdin layout: ${CONTAINERS.join(', ')}`, 'S16_LE')
    .option('-b, --bits <n>', 'valid bits in each sample (default: the container\'s)')
    .option('--buffer-ms <ms>', 'device buffer')
    .option('--exclusive', 'straight to the device, nothing converted (default)')
    .option('--shared', 'through the system mixer (not bit-perfect)')
    .action(async (opts: DebugOutputOptions) => {
      const input = opts.format as Container;
      if (!CONTAINERS.includes(input)) throw new AurisError('E_INVALID_ARGUMENT', `--format must be one of ${CONTAINERS.join(', ')}`);
      const shape = containerShape(input);
      const rate = intOption('rate', opts.rate, 44100, 1000, 50_000_000);
      const channels = intOption('channels', opts.channels, 2, 1, 64);
      const bits = intOption('bits', opts.bits, shape.bits, 1, shape.bits);
      const format: AudioFormat = shape.float ? floatFormat(rate, channels, shape.bits as 32 | 64) : pcmFormat(rate, channels, bits);
      const plugin = outputPlugin(opts.output);
      const out = await plugin.open(format, modeFrom(opts), opts.bufferMs ? { bufferMs: intOption('buffer-ms', opts.bufferMs, 500, 1, 10_000) } : {});
      process.stderr.write(`auris: ${out.name}: ${out.container} ${rate} Hz ${channels} ch, ${out.bitPerfect ? 'bit-perfect' : 'NOT bit-perfect'} (${out.stage.detail})\n`);
      const inFrame = frameBytes(input, channels);
      let pending = new Uint8Array(0);
      try {
        for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
          const all = new Uint8Array(pending.length + chunk.length);
          all.set(pending);
          all.set(chunk, pending.length);
          const whole = all.length - (all.length % inFrame);
          pending = all.slice(whole);
          const data = all.subarray(0, whole);
          const bytes = shape.float || input === out.container ? data : packInt(unpackInt(data, bits, input), bits, pcmContainerOf(out));
          await writeAll(out, bytes);
        }
        await out.drain();
      } finally {
        await out.close();
      }
    });
}
