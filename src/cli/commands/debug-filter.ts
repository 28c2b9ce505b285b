// `auris debug filter KIND --rate R --channels C --format s16|s24|s32|f32|f64 [--bits N]
//   [--settings JSON] [--preset FILE] [--dither MODE] [--seed N]`: streams raw interleaved
// little-endian PCM from stdin through one filter (plus the chain's float/integer conversions) to
// stdout, the format going out on stderr. A harness to poke one filter by hand:
//   sox in.wav -t s16 - | auris debug filter eq --preset hd650.txt --rate 44100 --channels 2 --format s16 | ...

import type { Command } from 'commander';
import type { AudioBlock } from '../../audio/block.ts';
import { floatBlock, intBlock } from '../../audio/block.ts';
import type { AudioFormat } from '../../audio/format.ts';
import { floatFormat, formatToString, isIntegerKind, pcmFormat } from '../../audio/format.ts';
import { packFloat, packInt, unpackInt, type Container } from '../../audio/pack.ts';
import { wavContainerFor } from '../../audio/wav.ts';
import { buildChain } from '../../dsp/chain.ts';
import { isDitherMode, DITHER_MODES } from '../../dsp/dither/shaping.ts';
import { loadEqPreset } from '../../dsp/presets/load.ts';
import { FILTER_PLUGINS, prepareFilter } from '../../dsp/registry.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';
import { debugCommand } from './debug-output.ts';
import { parsePositiveInt } from './eq.ts';

const RAW: Record<string, { container: Container; bits: number; float: boolean }> = {
  s16: { container: 'S16_LE', bits: 16, float: false },
  s24: { container: 'S24_3LE', bits: 24, float: false },
  s32: { container: 'S32_LE', bits: 32, float: false },
  f32: { container: 'FLOAT_LE', bits: 32, float: true },
  f64: { container: 'FLOAT64_LE', bits: 64, float: true },
};

function writeStdout(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(asAurisError(err, 'E_IO')) : resolve()));
  });
}

/** Parses a --dither value. */
export function parseDither(text: string) {
  if (!isDitherMode(text)) throw new AurisError('E_INVALID_ARGUMENT', `--dither must be one of ${DITHER_MODES.join(', ')}, got '${text}'`);
  return text;
}

interface DebugFilterOptions {
  readonly rate: string;
  readonly channels: string;
  readonly format: string;
  readonly bits?: string;
  readonly settings?: string;
  readonly preset?: string;
  readonly dither: string;
  readonly seed?: string;
}

function bytesToBlock(bytes: Uint8Array, format: AudioFormat, container: Container): AudioBlock {
  if (isIntegerKind(format.sample)) return intBlock(format, unpackInt(bytes, format.validBits, container));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const size = container === 'FLOAT_LE' ? 4 : 8;
  const x = new Float64Array(bytes.length / size);
  for (let i = 0; i < x.length; i++) x[i] = size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  return floatBlock(format, x);
}

function blockToBytes(block: AudioBlock, container: Container): Uint8Array {
  if (block.kind === 'int') return packInt(block.samples, block.format.validBits, container);
  if (block.kind === 'float') return packFloat(block.samples, container);
  return block.bytes;
}

export function registerDebugFilter(program: Command): void {
  debugCommand(program)
    .command('filter')
    .description(`stream raw PCM from stdin through one filter to stdout (kinds: ${FILTER_PLUGINS.map((p) => p.kind).join(', ')})`)
    .argument('<kind>', 'filter kind')
    .requiredOption('--rate <hz>', 'sample rate of the input')
    .requiredOption('--channels <n>', 'channels of the input')
    .requiredOption('--format <fmt>', 'sample format: s16, s24 (3 bytes), s32, f32, f64 (little-endian, interleaved)')
    .option('--bits <n>', 'valid bits of integer input (default: the container width)')
    .option('--settings <json>', 'filter settings as JSON (e.g. \'{"db":-6}\' for volume)')
    .option('--preset <file>', 'for eq: an Equalizer APO/AutoEq or JSON preset')
    .option('--dither <mode>', 'dither when integer output must be requantised', 'tpdf')
    .option('--seed <n>', 'dither seed (reproducible output)')
    .action(async (kind: string, opts: DebugFilterOptions) => {
      const raw = RAW[opts.format];
      if (!raw) throw new AurisError('E_INVALID_ARGUMENT', `--format must be one of ${Object.keys(RAW).join(', ')}, got '${opts.format}'`);
      const rate = parsePositiveInt(opts.rate, '--rate', 1 << 26);
      const channels = parsePositiveInt(opts.channels, '--channels', 255);
      const bits = opts.bits ? parsePositiveInt(opts.bits, '--bits', raw.bits) : raw.bits;
      const format = raw.float ? floatFormat(rate, channels, raw.bits as 32 | 64) : pcmFormat(rate, channels, bits);
      let settings: unknown = {};
      if (opts.settings) {
        try { settings = JSON.parse(opts.settings); } catch (e) { throw new AurisError('E_INVALID_ARGUMENT', `--settings is not JSON: ${(e as Error).message}`); }
      }
      if (opts.preset) {
        if (kind !== 'eq') throw new AurisError('E_INVALID_ARGUMENT', '--preset applies to the eq filter only');
        const loaded = await loadEqPreset(opts.preset);
        for (const w of loaded.warnings) process.stderr.write(`auris: ${w}\n`);
        settings = loaded.settings;
      }
      const chain = buildChain([prepareFilter(kind, settings)], format, {
        dither: parseDither(opts.dither),
        ...(opts.seed ? { seed: parsePositiveInt(opts.seed, '--seed') } : {}),
      });
      const out = chain.outputFormat;
      const outContainer = wavContainerFor(out); // the same little-endian layouts as WAV data
      process.stderr.write(`in: ${formatToString(format)}; out: ${formatToString(out)} (${outContainer})${chain.bitPerfect ? '; bit-perfect: the filter is identity' : ''}\n`);
      for (const r of chain.reports) process.stderr.write(`  ${r.name}: ${r.detail}\n`);
      const frameBytes = (raw.bits / 8) * channels;
      let pending = new Uint8Array(0);
      for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
        const joined = new Uint8Array(pending.length + chunk.length);
        joined.set(pending);
        joined.set(chunk, pending.length);
        const whole = joined.length - (joined.length % frameBytes);
        pending = joined.slice(whole);
        if (whole === 0) continue;
        const block = chain.process(bytesToBlock(joined.subarray(0, whole), format, raw.container));
        if (block.frames > 0) await writeStdout(blockToBytes(block, outContainer));
      }
      if (pending.length > 0) process.stderr.write(`auris: ${pending.length} trailing bytes are not a whole frame; ignored\n`);
      const tail = chain.flush();
      if (tail && tail.frames > 0) await writeStdout(blockToBytes(tail, outContainer));
      const clips = chain.clipStats().clipped;
      if (clips.some((c) => c > 0)) process.stderr.write(`clipped samples per channel: ${clips.join(' ')}\n`);
    });
}
