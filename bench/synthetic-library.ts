// A big library without files: deterministic names, and a database written straight into the
// schema. Shared by the library bench (queries on 100,000 tracks) and the server bench (idle cost).

import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openLibrary } from '../src/library/library.ts';
import { uniform } from '../test/helpers/signals.ts';

/** Uniform numbers in [0, 1) from a seed (mulberry32), so every run makes the same tree and database. */
export const prng = uniform;

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sa', 'to', 'vel', 'dor', 'ia', 'bé', 'na', 'shi', 'ur', 'zö', 'el', 'mar', 'quin', 'ta', 'ro', 'li', 'fa', 'ne', 'gor', 'pa'];
function word(rand: () => number): string {
  const n = 2 + Math.floor(rand() * 2);
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
  return w[0]!.toUpperCase() + w.slice(1);
}
export function words(rand: () => number, min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min + 1));
  return Array.from({ length: n }, () => word(rand)).join(' ');
}

/** A database of `tracks` tracks written straight into the schema in `dataDir` (tags as a big library has them), made once. */
export function makeSyntheticDatabase(dataDir: string, tracks: number): string {
  const marker = path.join(dataDir, `tracks-${tracks}.done`);
  if (existsSync(marker)) return dataDir;
  rmSync(dataDir, { recursive: true, force: true });
  const lib = openLibrary({ dataDir });
  const rand = prng(2);
  const db = lib.db;
  db.transaction(() => {
    const rootId = Number(db.prepare("INSERT INTO roots (path, name, added_at) VALUES ('/music', 'music', 0)").run().lastInsertRowid);
    const file = db.prepare("INSERT INTO files (root_id, path, rel, folder, kind, size, mtime, scanned_at) VALUES (?, ?, ?, ?, 'audio', 1000, 0, 0)");
    const album = db.prepare('INSERT INTO albums (key, root_id, folder, title, artist, year, track_count, added_at) VALUES (?, ?, ?, ?, ?, ?, 10, 0)');
    const track = db.prepare(`INSERT INTO tracks (file_id, root_id, path, uri, codec, container, lossless, rate, bits, channels, duration,
      title, artist, album_artist, album, track_no, year, date, genre, composer, album_id, mtime, size, added_at)
      VALUES (?, ?, ?, ?, 'FLAC', 'FLAC', 1, 44100, 16, 2, 200, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1000, 0)`);
    const genres = ['Rock', 'Jazz', 'Electronic', 'Classical', 'Folk', 'Hip-Hop', 'Ambient', 'Soul', 'Blues', 'Pop'];
    let n = 0;
    for (let a = 0; n < tracks; a++) {
      const artist = words(rand, 1, 2);
      for (let b = 0; b < 5 && n < tracks; b++) {
        const title = words(rand, 1, 3);
        const year = 1950 + Math.floor(rand() * 75);
        const folder = `${artist}/${year} - ${title}`;
        const albumId = Number(album.run(`k${a}/${b}`, rootId, folder, title, artist, year).lastInsertRowid);
        const genre = genres[Math.floor(rand() * genres.length)]!;
        const composer = rand() < 0.3 ? words(rand, 2, 2) : null;
        for (let t = 1; t <= 10 && n < tracks; t++, n++) {
          const name = words(rand, 1, 4);
          const rel = `${folder}/${String(t).padStart(2, '0')} - ${name}.flac`;
          const fileId = Number(file.run(rootId, `/music/${rel}`, rel, folder).lastInsertRowid);
          track.run(fileId, rootId, `/music/${rel}`, rel, name, artist, artist, title, t, year, String(year), genre, composer, albumId);
        }
      }
    }
  })();
  db.exec("INSERT INTO tracks_fts(tracks_fts) VALUES ('optimize')");
  lib.close();
  writeFileSync(marker, '');
  return dataDir;
}

