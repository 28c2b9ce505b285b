// `auris devices [--json]`: every output with its modes and what the driver says it accepts.

import type { Command } from 'commander';
import { type FormatCaps, listOutputs, type OutputListing } from '../../core/devices.ts';

function rateText(rates: readonly number[]): string {
  return rates.map((r) => (r % 1000 === 0 ? `${r / 1000}k` : `${(r / 1000).toFixed(1)}k`)).join(' ');
}

/** Human-readable listing, one block per output. */
export function formatListing(outputs: readonly OutputListing[], unavailable: readonly { kind: string; reason: string }[]): string {
  const lines: string[] = [];
  for (const o of outputs) {
    lines.push(`${o.name}${o.isDefault ? '  (default)' : ''}`);
    lines.push(`  ${o.description}`);
    lines.push(`  modes: ${o.modes.join(', ')}`);
    if (o.error) lines.push(`  cannot probe: ${o.error.message} [${o.error.code}]`);
    const caps = o.capabilities;
    if (caps && caps.formats !== 'any') {
      for (const f of caps.formats as FormatCaps[]) {
        const ch = f.channelsMin === f.channelsMax ? `${f.channelsMin}` : `${f.channelsMin}-${Math.min(f.channelsMax, 64)}${f.channelsMax > 64 ? '+' : ''}`;
        lines.push(`  ${f.container.padEnd(10)} ${ch.padEnd(6)} ch  ${rateText(f.rates)}`);
      }
      if (caps.hardwareVolume) lines.push('  hardware volume: yes');
    } else if (caps) {
      lines.push('  formats: any PCM');
    }
  }
  lines.push('file:<path>.wav', '  writes a WAV (RF64 past 4 GiB) with the exact bytes played', '  modes: exclusive');
  for (const u of unavailable) lines.push(`(${u.kind} unavailable: ${u.reason})`);
  return lines.join('\n') + '\n';
}

export function registerDevices(program: Command): void {
  program
    .command('devices')
    .description('list every output with its modes and the formats, rates and channels its driver accepts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { outputs, unavailable } = await listOutputs();
      process.stdout.write(opts.json ? JSON.stringify({ outputs, unavailable }, null, 2) + '\n' : formatListing(outputs, unavailable));
    });
}
