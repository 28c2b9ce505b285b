// Reports made from a library album or track on demand (the server's downloads): the album's
// foo_dr.txt, as `auris dr` writes it for the album's folder, and a track's spectrogram PNG, as
// `auris analyze --png` draws it. Each decodes the files again on the job service (the library
// keeps the DR values, not the RMS and format columns of the log, nor the spectrogram).

import path from 'node:path';
import { AURIS_VERSION } from '../util/version.ts';
import { AurisError } from '../util/errors.ts';
import {
  type AuthenticityResult, type DrLogAlbum, type DrLogTrack, type DrResult, type FileAnalysis, renderDrLog, spectrogramPng, toDb,
} from './files.ts';
import type { JobService } from './jobs.ts';
import type { LibraryService, Track } from './library.ts';

/** First line of every foo_dr.txt Auris writes. */
export const DR_LOG_HOST = `Auris ${AURIS_VERSION} / DR Meter (foobar2000 DR Meter 1.0.8 algorithm)`;

/** A log row from a file's analysis and its track number (as tagged: 3, or a vinyl side's "A1") and title (the file's name when untitled). */
export function drLogTrack(a: FileAnalysis, dr: DrResult, tags: { readonly trackNumber: number | string | null; readonly title: string }): DrLogTrack {
  return {
    dr: dr.dr, drRounded: dr.drRounded, peakDb: dr.peakDb, rmsDb: dr.rmsDb, frames: dr.frames, rate: dr.rate,
    channels: a.format.channels, bits: a.format.validBits, bitrate: a.bitrate ?? 0, codec: a.codec,
    trackNumber: tags.trackNumber, title: tags.title,
    channelStats: dr.channels.map((c) => ({ dr: c.dr, rmsDb: toDb(Math.fround(c.rms)) })),
  };
}

/** A CUE track is a range of its file; the analysers read whole files. */
function wholeFile(t: Track): void {
  if (t.startFrame !== null || t.endFrame !== null) {
    throw new AurisError('E_UNSUPPORTED_FEATURE', `track ${t.id} is a CUE range of ${t.path}; ranges are not analysed yet`, { trackId: t.id });
  }
}

/**
 * The foo_dr.txt of library album `albumId` (classic layout, dated `date`): its tracks in album
 * order, the album named by the first track's album artist (else artist) and album tags, as
 * `auris dr` names a folder's. E_NOT_FOUND for an unknown album, E_UNSUPPORTED_FEATURE for CUE tracks,
 * a file's own error when one cannot be decoded.
 */
export async function albumDrLog(service: LibraryService, jobs: JobService, albumId: number, date = new Date()): Promise<string> {
  const found = service.library.album(albumId);
  if (!found) throw new AurisError('E_NOT_FOUND', `no album ${albumId} in the library`, { id: albumId });
  found.tracks.forEach(wholeFile);
  const rows = await Promise.all(found.tracks.map(async (t) => {
    const a = await jobs.analyse(t.path, [{ name: 'dr' }]);
    return drLogTrack(a, a.results.dr as DrResult, { trackNumber: t.trackNumber, title: t.title ?? path.basename(t.path, path.extname(t.path)) });
  }));
  const first = found.tracks[0];
  const album: DrLogAlbum = { artist: first?.albumArtist ?? first?.artist ?? null, album: first?.album ?? null, tracks: rows };
  return renderDrLog(found.tracks.length === 0 ? [] : [album], { host: DR_LOG_HOST, date });
}

/** The spectrogram PNG of library track `trackId`. E_NOT_FOUND for an unknown track, E_UNSUPPORTED_FEATURE for a CUE track. */
export async function trackSpectrogramPng(service: LibraryService, jobs: JobService, trackId: number): Promise<Uint8Array> {
  const t = service.library.track(trackId);
  if (!t) throw new AurisError('E_NOT_FOUND', `no track ${trackId} in the library`, { id: trackId });
  wholeFile(t);
  const a = await jobs.analyse(t.path, [{ name: 'authenticity', options: { spectrogram: true } }]);
  const spectrogram = (a.results.authenticity as AuthenticityResult).spectrogram;
  if (!spectrogram) throw new AurisError('E_INTERNAL', `no spectrogram was made for ${t.path}`, { trackId });
  return spectrogramPng(spectrogram);
}
