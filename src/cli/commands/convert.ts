// `auris convert IN OUT.wav [--rate R] [--bits 16|24|32|f32|f64] [--eq PRESET] [--no-auto-preamp]
//   [--crossfeed [PRESET]] [--volume DB] [--dither tpdf|none|<shaping>] [--seed N]`: a file through
// decoder -> DSP chain -> WAV writer, like sox. Chain order follows dsp.md section 0: (DSD -> PCM)
// -> EQ -> crossfeed -> resampler -> volume -> clip detection -> dither + quantiser. With nothing to do the samples are copied
// bit-perfect (no float round trip, no dither).

import type { Command } from 'commander';
import { type AudioFormat, buildChain, type ChainOptions, type DitherMode, type FilterChain, findFilterPlugin, formatToString, loadEqPreset, openFile, type PreparedFilter, prepareFilter, sameFormat, wavDataBytes, wavHeader, wavTrailer } from '../../core/files.ts';
import { AurisError, isAurisError } from '../../util/errors.ts';
import { writeSafely } from '../../util/safe-write.ts';
import { parseDither } from './debug-filter.ts';
import { parsePositiveInt } from './eq.ts';

/** What to do to the file. */
export interface ConvertSettings {
  readonly rate?: number;
  readonly output?: ChainOptions['output'];
  readonly eqPreset?: string;
  readonly autoPreamp?: boolean;
  /** bs2b crossfeed preset (default, cmoy, jmeier); absent: none. */
  readonly crossfeed?: string;
  readonly volumeDb?: number;
  readonly dither: DitherMode;
  readonly seed?: number;
}

/** The filters for `input` in the order of dsp.md section 0. */
export async function convertFilters(input: AudioFormat, s: ConvertSettings): Promise<PreparedFilter[]> {
  const filters: PreparedFilter[] = [];
  if (input.sample === 'dsd') {
    if (!findFilterPlugin('dsd2pcm')) throw new AurisError('E_UNSUPPORTED_FEATURE', 'DSD input needs the DSD-to-PCM filter, and none is registered');
    filters.push(prepareFilter('dsd2pcm', {}));
  }
  if (s.eqPreset) {
    const loaded = await loadEqPreset(s.eqPreset);
    for (const w of loaded.warnings) process.stderr.write(`auris: ${w}\n`);
    filters.push(prepareFilter('eq', { ...loaded.settings, ...(s.autoPreamp ? { autoPreamp: true } : {}) }));
  }
  if (s.crossfeed !== undefined) filters.push(prepareFilter('crossfeed', { preset: s.crossfeed }));
  if (s.rate !== undefined) {
    try {
      filters.push(prepareFilter('resample', { rate: s.rate }));
    } catch (e) {
      if (isAurisError(e, 'E_UNSUPPORTED_FEATURE') && !findFilterPlugin('resample')) {
        throw new AurisError('E_UNSUPPORTED_FEATURE', `--rate ${s.rate}: no resampler is registered in this build`, { rate: s.rate });
      }
      throw e;
    }
  }
  if (s.volumeDb !== undefined) filters.push(prepareFilter('volume', { db: s.volumeDb }));
  return filters;
}

/** Converts `inPath` into the WAV `outPath`; returns the chain that ran (for its reports and clip counts). */
export async function convertFile(inPath: string, outPath: string, s: ConvertSettings): Promise<{ chain: FilterChain; frames: number }> {
  const file = await openFile(inPath);
  try {
    const input = file.decoder.format;
    const chain = buildChain(await convertFilters(input, s), input, {
      dither: s.dither,
      ...(s.output ? { output: s.output } : {}),
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
    });
    const format = chain.outputFormat;
    if (format.sample === 'dsd') throw new AurisError('E_FORMAT_REFUSED', 'DSD cannot be written to WAV');
    // A temporary file beside the output, renamed over it only when the whole file converted: a
    // failure leaves an existing file as it was, and an output that is the input is refused.
    const frames = await writeSafely(outPath, { inputs: [inPath] }, async ({ handle }) => {
      let position = 0;
      let dataBytes = 0;
      let written = 0;
      const put = async (bytes: Uint8Array) => {
        await handle.write(bytes, 0, bytes.length, position);
        position += bytes.length;
      };
      await put(wavHeader(format, null));
      for (;;) {
        const block = await file.decoder.read(65536);
        if (!block) break;
        if (!sameFormat(block.format, input)) throw new AurisError('E_UNSUPPORTED_FEATURE', `${inPath}: the format changes mid-stream (${formatToString(block.format)}); convert handles one format per file`);
        const out = chain.process(block);
        if (out.frames === 0) continue;
        const bytes = wavDataBytes(out);
        dataBytes += bytes.length;
        written += out.frames;
        await put(bytes);
      }
      const tail = chain.flush();
      if (tail && tail.frames > 0) {
        const bytes = wavDataBytes(tail);
        dataBytes += bytes.length;
        written += tail.frames;
        await put(bytes);
      }
      await put(wavTrailer(dataBytes));
      const header = wavHeader(format, dataBytes);
      await handle.write(header, 0, header.length, 0);
      return written;
    });
    return { chain, frames };
  } finally {
    await file.close();
  }
}

/** --bits: 16/24/32 integer, or f32/f64 float. */
export function parseOutputBits(text: string): NonNullable<ChainOptions['output']> {
  if (text === 'f32' || text === 'f64') return { kind: 'float', bits: text === 'f32' ? 32 : 64 };
  const bits = parsePositiveInt(text, '--bits', 32);
  if (bits < 8) throw new AurisError('E_INVALID_ARGUMENT', `--bits must be 8..32, f32 or f64, got '${text}'`);
  return { kind: 'int', bits };
}

/** --volume: dB as a number, or -inf to mute. */
export function parseVolume(text: string): number {
  if (text === '-inf') return -Infinity;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new AurisError('E_INVALID_ARGUMENT', `--volume must be a number of dB or -inf, got '${text}'`);
  return v;
}

interface ConvertOptions {
  readonly rate?: string;
  readonly bits?: string;
  readonly eq?: string;
  /** On unless --no-auto-preamp: the same default as playback's (settings dsp.eqAutoPreamp). */
  readonly autoPreamp: boolean;
  /** true for `--crossfeed` alone (the default preset). */
  readonly crossfeed?: string | true;
  readonly volume?: string;
  readonly dither: string;
  readonly seed?: string;
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('run a file through the DSP chain into a WAV (EQ, crossfeed, resampling, volume, dither)')
    .argument('<in>', 'audio file to read')
    .argument('<out>', 'WAV file to write')
    .option('--rate <hz>', 'resample to this rate')
    .option('--bits <n>', 'output depth: 16, 24, 32, f32 or f64 (default: the source\'s)')
    .option('--eq <preset>', 'EQ preset (Equalizer APO/AutoEq text or JSON)')
    .option('--no-auto-preamp', 'keep the preset\'s own preamp (by default it is lowered so no frequency is boosted above 0 dB, as in playback)')
    .option('--crossfeed [preset]', 'bs2b headphone crossfeed: default (700 Hz, 4.5 dB), cmoy (700 Hz, 6 dB) or jmeier (650 Hz, 9.5 dB)')
    .option('--volume <db>', 'volume in dB (0 leaves the samples untouched)')
    .option('--dither <mode>', 'tpdf, tpdf-sloped, none, or a noise shaping: first-order, lipshitz, f-weighted, modified-e-weighted, improved-e-weighted, shibata', 'tpdf')
    .option('--seed <n>', 'dither seed (reproducible output)')
    .action(async (inPath: string, outPath: string, opts: ConvertOptions) => {
      if (!outPath.toLowerCase().endsWith('.wav')) throw new AurisError('E_INVALID_ARGUMENT', `output ${outPath} must end in .wav`);
      const settings: ConvertSettings = {
        dither: parseDither(opts.dither),
        ...(opts.rate ? { rate: parsePositiveInt(opts.rate, '--rate', 1 << 26) } : {}),
        ...(opts.bits ? { output: parseOutputBits(opts.bits) } : {}),
        ...(opts.eq ? { eqPreset: opts.eq } : {}),
        ...(opts.autoPreamp ? { autoPreamp: true } : {}),
        ...(opts.crossfeed !== undefined ? { crossfeed: opts.crossfeed === true ? 'default' : opts.crossfeed } : {}),
        ...(opts.volume !== undefined ? { volumeDb: parseVolume(opts.volume) } : {}),
        ...(opts.seed ? { seed: parsePositiveInt(opts.seed, '--seed') } : {}),
      };
      const { chain, frames } = await convertFile(inPath, outPath, settings);
      process.stderr.write(`${inPath} (${formatToString(chain.inputFormat)}) -> ${outPath} (${formatToString(chain.outputFormat)}), ${frames} frames\n`);
      if (chain.bitPerfect) process.stderr.write('  bit-perfect: samples copied unchanged\n');
      for (const r of chain.reports) process.stderr.write(`  ${r.name}: ${r.detail}${r.changesSamples ? '' : ' (no change to the samples)'}\n`);
      const clips = chain.clipStats().clipped;
      if (clips.some((c) => c > 0)) process.stderr.write(`  clipped samples per channel: ${clips.join(' ')} (${opts.autoPreamp ? 'lower --volume' : 'drop --no-auto-preamp, or lower --volume'})\n`);
    });
}
