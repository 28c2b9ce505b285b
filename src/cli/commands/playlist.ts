// `auris playlist import|export FILE`: stored playlists to and from M3U/M3U8 files, with paths
// relative to the playlist file's folder.

import path from 'node:path';
import type { Command } from 'commander';
import { withLibrary } from './library.ts';

interface Options { data?: string; name?: string }

export function registerPlaylist(program: Command): void {
  const playlist = program.command('playlist').description('stored playlists as M3U/M3U8 files');
  playlist.command('import')
    .description('store an M3U/M3U8 file as a playlist (tracks found in the library folders)')
    .argument('<file>', 'the .m3u or .m3u8 file')
    .option('--name <name>', 'the playlist name (default: the file name without extension)')
    .option('--data <dir>', 'the data folder holding the library database')
    .action(async (file: string, opts: Options) => {
      await withLibrary(opts, async (service) => {
        const r = await service.importPlaylist(file, opts.name);
        process.stdout.write(`${r.name}: ${r.entries} tracks${r.skipped ? `, ${r.skipped} entries outside the library skipped` : ''}\n`);
      });
    });
  playlist.command('export')
    .description('write a stored playlist as UTF-8 M3U (relative paths)')
    .argument('<file>', 'the .m3u8 file to write')
    .option('--name <name>', 'the playlist (default: the file name without extension)')
    .option('--data <dir>', 'the data folder holding the library database')
    .action(async (file: string, opts: Options) => {
      await withLibrary(opts, async (service) => {
        const name = opts.name ?? path.basename(file, path.extname(file));
        const r = await service.exportPlaylist(name, file);
        process.stdout.write(`${name}: ${r.entries} tracks written${r.skipped ? `, ${r.skipped} left out (CUE ranges or missing tracks)` : ''}\n`);
      });
    });
}
