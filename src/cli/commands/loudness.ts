// `auris loudness PATH... [--json]`: EBU R128 / BS.1770-4 loudness per track, the given files as
// one album (pooled gating blocks), and ReplayGain 2.0 track and album gain and peak.

import type { Command } from 'commander';
import { albumLoudness, type LoudnessResult, replayGainDb } from '../../core/files.ts';
import { analyseFiles, reportFailures, toJson } from '../analysis/common.ts';
import { audioFilesIn, printable } from '../paths.ts';

/** The per-track JSON fields of the loudness report. */
export function loudnessFields(r: LoudnessResult): Record<string, number> {
  return {
    integratedLufs: r.integratedLufs,
    momentaryMaxLufs: r.momentaryMaxLufs,
    shortTermMaxLufs: r.shortTermMaxLufs,
    lraLu: r.lraLu,
    samplePeakDbfs: r.samplePeakDbfs,
    truePeakDbtp: r.truePeakDbtp,
    trackGainDb: replayGainDb(r.integratedLufs),
    trackPeak: r.samplePeak,
  };
}

/** The album JSON fields from its tracks' results. */
export function albumLoudnessFields(results: readonly LoudnessResult[]): Record<string, number> {
  const a = albumLoudness(results);
  return { integratedLufs: a.integratedLufs, lraLu: a.lraLu, albumGainDb: replayGainDb(a.integratedLufs), albumPeak: a.samplePeak, albumTruePeak: a.truePeak };
}

const fmt = (v: number, unit: string) => (Number.isFinite(v) ? `${v.toFixed(1)} ${unit}` : `-inf ${unit}`);

export function registerLoudness(program: Command): void {
  program
    .command('loudness')
    .description('measure EBU R128 loudness, loudness range, true peak and ReplayGain 2.0 gains')
    .argument('<paths...>', 'audio files or folders (searched recursively); all together form the album')
    .option('--json', 'print JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const { files } = await audioFilesIn(paths);
      const { analyses, failed } = await analyseFiles(files, [{ name: 'loudness' }]);
      const tracks = files.filter((f) => analyses.has(f)).map((f) => ({ path: f, r: analyses.get(f)!.results.loudness as LoudnessResult }));
      // No album line (null in JSON) when no track was measured: -inf LUFS would read as a measurement.
      const album = tracks.length > 0 ? albumLoudnessFields(tracks.map((t) => t.r)) : null;
      if (opts.json) {
        process.stdout.write(toJson({ tracks: tracks.map((t) => ({ path: t.path, ...loudnessFields(t.r) })), album }) + '\n');
      } else {
        for (const t of tracks) {
          const f = loudnessFields(t.r);
          process.stdout.write(`${fmt(f.integratedLufs!, 'LUFS').padStart(11)}  LRA ${fmt(f.lraLu!, 'LU').padStart(8)}  TP ${fmt(f.truePeakDbtp!, 'dBTP').padStart(10)}  RG ${f.trackGainDb!.toFixed(2).padStart(6)} dB  ${printable(t.path)}\n`);
        }
        if (album) process.stdout.write(`${fmt(album.integratedLufs!, 'LUFS').padStart(11)}  LRA ${fmt(album.lraLu!, 'LU').padStart(8)}  album gain ${album.albumGainDb!.toFixed(2)} dB, peak ${album.albumPeak!.toFixed(6)}\n`);
      }
      reportFailures(failed);
    });
}
