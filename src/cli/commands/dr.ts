// `auris dr PATH... [--log FILE] [--json]`: foobar2000-compatible DR values per track and album
// (folder), printed as a foo_dr.txt log (or JSON), optionally written to a file.

import type { Command } from 'commander';
import { DR_LOG_HOST, drLogTrack } from '../../core/album-reports.ts';
import { albumDr, type DrLogAlbum, type DrLogTrack, type DrResult, renderDrLog } from '../../core/files.ts';
import { writeFileSafely } from '../../util/safe-write.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';
import {
  analyseFiles, comparePaths, groupByAlbum, prepareComparePaths, readTags, reportFailures, toJson, trackTags, type TrackTags,
} from '../analysis/common.ts';
import { audioFilesIn } from '../paths.ts';

interface DrCommandOptions {
  log?: string;
  json?: boolean;
  variant?: 'classic' | '1.0.8';
  perChannel?: boolean;
}

export function registerDr(program: Command): void {
  program
    .command('dr')
    .description('measure DR (dynamic range) exactly as foobar2000\'s DR Meter, per track and per album folder')
    .argument('<paths...>', 'audio files or folders (searched recursively; each folder is an album)')
    .option('--log <file>', 'write the foo_dr.txt log to this file')
    .option('--json', 'print JSON instead of the log')
    .option('--variant <name>', 'log layout: classic (dB) or 1.0.8 (dBFS)', 'classic')
    .option('--per-channel', 'with --variant 1.0.8: per-channel DR and RMS columns (automatic above 2 channels)')
    .action(async (paths: string[], opts: DrCommandOptions) => {
      const { files } = await audioFilesIn(paths);
      // Tags come with the analysis when the decoder had them (FLAC); other files' are read with
      // music-metadata as their analyses arrive, one file after another, while the workers go on
      // (readTags never rejects; one at a time keeps a whole library from opening every file at once).
      const tagsOf = new Map<string, Promise<TrackTags>>();
      let previous: Promise<unknown> = Promise.resolve();
      const { analyses, failed } = await analyseFiles(files, [{ name: 'dr' }], {
        onResult: (f, a) => {
          // A track without a number (or whose tags come later) is ordered by path: the collator is
          // made now, while the workers go on.
          if (files.length > 1 && a.tags?.trackNumber == null) prepareComparePaths();
          if (a.tags) {
            tagsOf.set(f, Promise.resolve(trackTags(a.tags, f)));
            return;
          }
          const tags = previous.then(() => readTags(f));
          tagsOf.set(f, tags);
          previous = tags;
        },
      });
      const albums: DrLogAlbum[] = [];
      const json: { tracks: object[]; albums: object[] } = { tracks: [], albums: [] };
      if (opts.variant !== 'classic' && opts.variant !== '1.0.8') throw new AurisError('E_INVALID_ARGUMENT', `--variant must be classic or 1.0.8, not ${opts.variant}`);
      for (const group of groupByAlbum(files)) {
        const rows: { track: DrLogTrack; tags: TrackTags; path: string }[] = [];
        for (const f of group.files) {
          const a = analyses.get(f);
          if (!a) continue;
          const dr = a.results.dr as DrResult;
          const tags = await tagsOf.get(f)!;
          rows.push({ track: drLogTrack(a, dr, { trackNumber: tags.trackNumber ?? tags.trackText ?? null, title: tags.title }), tags, path: f });
        }
        if (rows.length === 0) continue;
        rows.sort((x, y) => (x.tags.trackNumber ?? Infinity) - (y.tags.trackNumber ?? Infinity) || comparePaths(x.path, y.path));
        const first = rows[0]!.tags;
        albums.push({ artist: first.albumArtist ?? first.artist, album: first.album, tracks: rows.map((r) => r.track) });
        for (const r of rows) json.tracks.push({ path: r.path, dr: r.track.dr, drRounded: r.track.drRounded, peakDb: r.track.peakDb, rmsDb: r.track.rmsDb });
        json.albums.push({ path: group.dir, ...albumDr(rows.map((r) => r.track.dr)), tracks: rows.length });
      }
      const logOptions = { host: DR_LOG_HOST, date: new Date(), variant: opts.variant, perChannel: opts.perChannel === true } as const;
      // The file is foo_dr.txt as foobar2000 writes it (CRLF); the terminal gets its own line ends.
      const log = renderDrLog(albums, { ...logOptions, lineEnding: '\n' });
      if (opts.log) {
        try {
          await writeFileSafely(opts.log, renderDrLog(albums, logOptions), { inputs: files });
        } catch (e) {
          throw asAurisError(e);
        }
      }
      // Nothing measured (every file failed): no empty log, only the failures below.
      if (opts.json || albums.length > 0) process.stdout.write(opts.json ? toJson(json) + '\n' : log);
      reportFailures(failed);
    });
}
