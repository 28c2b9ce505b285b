// `auris analyze PATH... [--json] [--png DIR]`: authenticity (effective bit depth, spectral cutoff
// verdict) together with DR and loudness, in one decode per file; spectrograms as PNG on request.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { albumDr, type AuthenticityResult, type DrResult, type LoudnessResult, spectrogramPng } from '../../core/files.ts';
import { asAurisError } from '../../util/errors.ts';
import { writeFileSafely } from '../../util/safe-write.ts';
import { analyseFiles, groupByAlbum, reportFailures, toJson } from '../analysis/common.ts';
import { audioFilesIn, printable } from '../paths.ts';
import { albumLoudnessFields, loudnessFields } from './loudness.ts';

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('check authenticity (real bit depth, upsampling, lossy transcodes) with DR and loudness')
    .argument('<paths...>', 'audio files or folders (searched recursively)')
    .option('--json', 'print JSON')
    .option('--png <dir>', 'write a spectrogram PNG per file into this folder')
    .action(async (paths: string[], opts: { json?: boolean; png?: string }) => {
      const { files } = await audioFilesIn(paths);
      const { analyses, failed } = await analyseFiles(files, [
        { name: 'authenticity', options: { spectrogram: opts.png !== undefined } },
        { name: 'dr' },
        { name: 'loudness' },
      ]);
      if (opts.png) {
        try { await mkdir(opts.png, { recursive: true }); } catch (e) { throw asAurisError(e); }
      }
      const tracks: Record<string, unknown>[] = [];
      const albums: Record<string, unknown>[] = [];
      for (const group of groupByAlbum(files)) {
        const done = group.files.filter((f) => analyses.has(f));
        if (done.length === 0) continue;
        const drs: number[] = [];
        const louds: LoudnessResult[] = [];
        for (const f of done) {
          const a = analyses.get(f)!;
          const auth = a.results.authenticity as AuthenticityResult;
          const dr = a.results.dr as DrResult;
          const loud = a.results.loudness as LoudnessResult;
          drs.push(dr.dr);
          louds.push(loud);
          let png: string | undefined;
          if (opts.png && auth.spectrogram) {
            png = path.join(opts.png, `${path.basename(f, path.extname(f))}.png`);
            try { await writeFileSafely(png, spectrogramPng(auth.spectrogram), { inputs: files }); } catch (e) { throw asAurisError(e); }
          }
          tracks.push({
            path: f,
            effectiveBits: auth.effectiveBits,
            cutoffHz: auth.cutoffHz,
            verdict: auth.verdict,
            summary: auth.summary,
            containerBits: a.format.validBits,
            rate: a.format.rate,
            sourceRate: auth.cutoff.sourceRate,
            bitrateGuessKbps: auth.cutoff.bitrateGuessKbps,
            dr: dr.dr, drRounded: dr.drRounded, peakDb: dr.peakDb, rmsDb: dr.rmsDb,
            ...loudnessFields(loud),
            ...(png ? { png } : {}),
          });
        }
        const ad = albumDr(drs);
        albums.push({ path: group.dir, dr: ad.dr, drRounded: ad.drRounded, ...albumLoudnessFields(louds) });
      }
      if (opts.json) {
        process.stdout.write(toJson({ tracks, albums }) + '\n');
      } else {
        for (const t of tracks) {
          process.stdout.write(`${printable(String(t.path))}\n  ${String(t.verdict)}: ${String(t.summary)}\n  DR${String(t.drRounded)}, ${Number(t.integratedLufs).toFixed(1)} LUFS, true peak ${Number(t.truePeakDbtp).toFixed(2)} dBTP\n`);
        }
      }
      reportFailures(failed);
    });
}
