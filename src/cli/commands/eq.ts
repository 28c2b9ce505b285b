// `auris eq PRESET [--json] [--freqs 20,1000,...] [--rate R] [--channel C] [--png FILE] [--size WxH]`:
// shows an EQ preset (Equalizer APO / AutoEq text, or JSON settings): its bands, its preamp as
// given and as computed from the true maximum of the response, and its response in dB (preamp
// included, as the EQ runs) at the frequencies asked; `--png` plots the response of each channel.

import type { Command } from 'commander';
import { autoPreampDb, biquadF0, channelNames, eqResponse, type EqSettings, loadEqPreset, planChannels, resolveChannels } from '../../core/files.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';
import { writeFileSafely } from '../../util/safe-write.ts';
import { renderResponsePng } from '../response-plot.ts';

/** ISO 1/3-octave centres, the default frequency list. */
export const THIRD_OCTAVES = [20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000];

interface EqOptions {
  readonly json?: boolean;
  readonly freqs?: string;
  readonly rate: string;
  readonly channel: string;
  readonly channels: string;
  readonly png?: string;
  readonly size: string;
  readonly legacyShelves?: boolean;
}

/** A positive integer option, or E_INVALID_ARGUMENT naming it. */
export function parsePositiveInt(text: string, name: string, max = 2 ** 31): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new AurisError('E_INVALID_ARGUMENT', `${name} must be a positive integer, got '${text}'`);
  return n;
}

function parseFreqs(text: string, rate: number): number[] {
  const freqs = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (freqs.length === 0 || freqs.some((f) => !Number.isFinite(f) || f < 0 || f > rate / 2)) {
    throw new AurisError('E_INVALID_ARGUMENT', `--freqs must be a comma-separated list of frequencies within 0..${rate / 2} Hz, got '${text}'`);
  }
  return freqs;
}

const round = (x: number, digits: number) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** The JSON report of a preset at `rate` for channel index `ch` of `channels`. */
export function eqReport(settings: EqSettings, rate: number, freqs: readonly number[], ch: number, channels: number) {
  const plan = planChannels(settings, channels)[ch]!;
  const bands = settings.steps.flatMap((s) => (s.kind === 'band' && resolveChannels(s.channels, channels).includes(ch)
    ? [{ ...s.band, channels: s.channels, biquadHz: round(biquadF0(s.band), 4) }] : []));
  const graphic = settings.steps.flatMap((s) => (s.kind === 'graphic' && resolveChannels(s.channels, channels).includes(ch) ? [{ nodes: s.nodes.length, channels: s.channels }] : []));
  return {
    rate,
    channel: channelNames(channels)[ch]!,
    preampDb: round(plan.preampDb, 6),
    autoPreampDb: round(autoPreampDb(settings, rate, channels), 4),
    bands,
    graphic,
    response: eqResponse(settings, rate, freqs, ch, channels).map((p) => ({ hz: p.hz, db: round(p.db, 4), phaseDeg: round(p.phaseDeg, 3) })),
  };
}

export function registerEq(program: Command): void {
  program
    .command('eq')
    .description("show an EQ preset (Equalizer APO/AutoEq or JSON): bands, preamp given and automatic, response in dB")
    .argument('<preset>', 'preset file (.txt APO/AutoEq, or .json EQ settings)')
    .option('--json', 'print JSON { preampDb, autoPreampDb, bands, response: [{ hz, db }] }')
    .option('--freqs <list>', 'comma-separated frequencies in Hz (default: 1/3-octave centres 20 Hz..20 kHz)')
    .option('--rate <hz>', 'sample rate the EQ runs at', '48000')
    .option('--channel <name>', 'channel to report: L, R, C, ... or a 1-based number', 'L')
    .option('--channels <n>', 'channel count of the stream', '2')
    .option('--png <file>', 'plot the response of every channel into a PNG')
    .option('--size <WxH>', 'PNG size in pixels', '800x400')
    .option('--legacy-shelves', 'read LS/HS ... Q as centre shelves (AutoEq files before May 2023)')
    .action(async (preset: string, opts: EqOptions) => {
      const rate = parsePositiveInt(opts.rate, '--rate', 1_536_000);
      const channels = parsePositiveInt(opts.channels, '--channels', 8);
      const ch = resolveChannels([opts.channel], channels);
      if (ch.length !== 1) throw new AurisError('E_INVALID_ARGUMENT', `--channel ${opts.channel} is not one of ${channelNames(channels).join(' ')}`);
      const freqs = opts.freqs ? parseFreqs(opts.freqs, rate) : THIRD_OCTAVES.filter((f) => f <= rate / 2);
      const { settings, warnings } = await loadEqPreset(preset, { legacyAutoEqShelves: opts.legacyShelves === true });
      for (const w of warnings) process.stderr.write(`auris: ${w}\n`);
      const report = eqReport(settings, rate, freqs, ch[0]!, channels);
      if (opts.png) {
        const m = /^(\d+)x(\d+)$/.exec(opts.size);
        if (!m) throw new AurisError('E_INVALID_ARGUMENT', `--size must look like 800x400, got '${opts.size}'`);
        const colours: [number, number, number][] = [[0, 90, 200], [200, 40, 40], [20, 140, 60], [150, 60, 170], [200, 130, 0], [0, 150, 150], [100, 100, 100], [120, 80, 40]];
        const names = channelNames(channels);
        const curves = names.map((name, i) => ({
          label: name, rgb: colours[i % colours.length]!, db: (hz: readonly number[]) => eqResponse(settings, rate, hz, i, channels).map((p) => p.db),
        }));
        const png = renderResponsePng({ width: Number(m[1]), height: Number(m[2]), minHz: 10, maxHz: Math.min(rate / 2, 40000), curves });
        try {
          await writeFileSafely(opts.png, png);
        } catch (e) {
          throw asAurisError(e, 'E_IO');
        }
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const lines = [
        `${preset} at ${rate} Hz, channel ${report.channel}`,
        `preamp ${report.preampDb} dB (automatic: ${report.autoPreampDb} dB)`,
        ...report.bands.map((b, i) => `  ${String(i + 1).padStart(2)}. ${b.type} ${b.freq} Hz${b.gainDb ? ` ${b.gainDb > 0 ? '+' : ''}${b.gainDb} dB` : ''}` +
          `${b.q !== undefined ? ` Q ${b.q}` : ''}${b.bwOct !== undefined ? ` BW ${b.bwOct} oct` : ''}${b.slope !== undefined ? ` S ${round(b.slope, 4)}` : ''}` +
          `${b.corner ? ` (corner, biquad at ${b.biquadHz} Hz)` : ''}${b.channels === 'all' ? '' : ` [${b.channels.join(' ')}]`}`),
        ...report.graphic.map((g) => `  GraphicEQ with ${g.nodes} nodes`),
        'response:',
        ...report.response.map((p) => `  ${String(p.hz).padStart(7)} Hz  ${p.db >= 0 ? '+' : ''}${p.db.toFixed(2)} dB`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
