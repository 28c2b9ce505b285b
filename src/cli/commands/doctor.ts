// `auris doctor [--json]`: explains what stands between this system and bit-perfect playback.

import type { Command } from 'commander';
import { diagnose, gatherFacts } from '../../core/doctor.ts';

const MARK = { ok: 'ok  ', warning: 'warn', problem: 'FIX ' } as const;

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('explain what stands between this system and bit-perfect playback, and how to fix it')
    .option('--json', 'print the findings as JSON')
    .action(async (opts: { json?: boolean }) => {
      const findings = diagnose(await gatherFacts());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
        return;
      }
      if (findings.length === 0) process.stdout.write('Nothing found to check on this system.\n');
      for (const f of findings) {
        process.stdout.write(`[${MARK[f.level]}] ${f.title}\n       ${f.detail}\n${f.fix ? `       fix: ${f.fix}\n` : ''}`);
      }
    });
}
