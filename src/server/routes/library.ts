// /api/library/*, /api/art/*, /api/playlists/*, /api/analysis/*: the library facade (LibraryService)
// one for one. Everything is addressed by library id or uri, never by a file path, except the
// music folders a user adds. Without a library, every route answers E_STATE.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { albumDrLog, trackSpectrogramPng } from '../../core/album-reports.ts';
import type { JobService } from '../../core/jobs.ts';
import type { LibraryService } from '../../core/library.ts';
import {
  AlbumsQuerySchema, ArtQuerySchema, FolderQuerySchema, LibraryRootSchema, LibraryScanSchema, PageQuerySchema,
  PlaylistImportSchema, PlaylistRenameSchema, PlaylistSaveSchema, PLAYLIST_TEXT_MAX, SearchQuerySchema,
} from '../../protocol/http.ts';
import type {
  AlbumAnalysisWire, AlbumDetailWire, AlbumWire, FolderListingWire, LibraryStatsWire, MusicFolderSuggestionWire, MusicFolderWire,
  NamedCountWire, Paged, PlaylistImportResultWire, PlaylistSummaryWire, StoredPlaylistWire, TrackWire, YearCountWire,
} from '../../protocol/library.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';
import { aurisFolders, comparablePath } from '../../util/platform-paths.ts';
import type { EventHub } from '../event-hub.ts';
import { parseId, parseRequest } from '../validate.ts';

/** The art image as the answer, cached by the browser for a day (art changes only with a rescan). */
function sendImage(reply: FastifyReply, image: { mime: string; bytes: Uint8Array }): FastifyReply {
  return reply.type(image.mime).header('cache-control', 'private, max-age=86400').send(Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength));
}

export function libraryRoutes(app: FastifyInstance, service: LibraryService | null, events: EventHub, jobs: JobService | null): void {
  const lib = (): LibraryService => {
    if (!service) throw new AurisError('E_STATE', 'this server runs without a library', {});
    return service;
  };
  const notFound = (what: string, id: number | string): never => {
    throw new AurisError('E_NOT_FOUND', `no ${what} ${id} in the library`, { id });
  };

  /** Runs a scan in the background; its progress and end come as `scan` events. */
  const scanInBackground = (rootId?: number): void => {
    events.emit({ type: 'scan', phase: 'started', done: 0, total: null, message: 'scanning the music folders' });
    lib().scan(rootId === undefined ? {} : { rootId }).catch((e: unknown) => {
      const err = asAurisError(e);
      events.emit({ type: 'scan', phase: 'failed', done: 0, total: null, message: err.message });
    });
  };

  // Each answer is typed with its schema in src/protocol/library.ts: a record the library changes
  // without its schema does not compile here.
  app.get('/api/library/stats', async (): Promise<LibraryStatsWire> => lib().library.stats());
  app.get('/api/library/albums', async (req): Promise<Paged<AlbumWire>> => {
    const q = parseRequest(AlbumsQuerySchema, req.query, 'albums');
    return lib().library.albums(q);
  });
  app.get<{ Params: { id: string } }>('/api/library/albums/:id', async (req): Promise<AlbumDetailWire> => {
    const id = parseId(req.params.id, 'album id');
    return lib().library.album(id) ?? notFound('album', id);
  });
  app.get('/api/library/artists', async (req): Promise<Paged<NamedCountWire>> => lib().library.artists(parseRequest(PageQuerySchema, req.query, 'artists')));
  app.get('/api/library/albumartists', async (req): Promise<Paged<NamedCountWire>> => lib().library.albumArtists(parseRequest(PageQuerySchema, req.query, 'album artists')));
  app.get('/api/library/genres', async (req): Promise<Paged<NamedCountWire>> => lib().library.genres(parseRequest(PageQuerySchema, req.query, 'genres')));
  app.get('/api/library/years', async (req): Promise<Paged<YearCountWire>> => lib().library.years(parseRequest(PageQuerySchema, req.query, 'years')));
  app.get('/api/library/folders', async (req): Promise<FolderListingWire> => lib().library.listFolder(parseRequest(FolderQuerySchema, req.query, 'folder').uri));
  app.get('/api/library/search', async (req): Promise<Paged<TrackWire>> => {
    const { q, ...page } = parseRequest(SearchQuerySchema, req.query, 'search');
    return lib().library.search(q, page);
  });
  app.get<{ Params: { id: string } }>('/api/library/tracks/:id', async (req): Promise<TrackWire> => {
    const id = parseId(req.params.id, 'track id');
    return lib().library.track(id) ?? notFound('track', id);
  });

  // ---- music folders and scans ----

  app.get('/api/library/roots', async (): Promise<MusicFolderWire[]> => lib().library.roots());
  /** The platform's music folder, offered on a first run with an empty library. */
  app.get('/api/library/suggestion', async (): Promise<MusicFolderSuggestionWire> => {
    const music = aurisFolders().music;
    return { path: music, exists: existsSync(music) };
  });
  app.post('/api/library/roots', async (req, reply) => {
    const { path: folder } = parseRequest(LibraryRootSchema, req.body, 'music folder');
    if (!path.isAbsolute(folder)) throw new AurisError('E_INVALID_ARGUMENT', `a music folder is an absolute path, not ${JSON.stringify(folder)}`, { path: folder });
    const root: MusicFolderWire = await lib().addRoot(folder);
    scanInBackground(root.id);
    return reply.code(201).send(root);
  });
  app.delete('/api/library/roots', async (req, reply) => {
    const { path: folder } = parseRequest(LibraryRootSchema, req.body, 'music folder');
    const want = comparablePath(folder);
    const root = lib().library.roots().find((r) => comparablePath(r.path) === want) ?? notFound('music folder', folder);
    lib().removeRoot(root.id);
    return reply.code(204).send();
  });
  app.post('/api/library/scan', async (req, reply) => {
    const { rootId } = parseRequest(LibraryScanSchema, req.body, 'scan');
    if (rootId !== undefined && lib().library.root(rootId) === null) notFound('music folder', rootId);
    scanInBackground(rootId);
    return reply.code(202).send();
  });

  // ---- art, by library id only ----

  const art = async (reply: FastifyReply, artId: number | null, size: 'thumb' | 'large' | 'original', what: string, id: number) => {
    if (artId === null) return notFound(`${what} art for`, id);
    if (size === 'original') return sendImage(reply, lib().library.art(artId) ?? notFound('art', artId));
    return sendImage(reply, await lib().library.thumbnail(artId, size === 'thumb' ? 'small' : 'large'));
  };
  app.get<{ Params: { id: string } }>('/api/art/album/:id', async (req, reply) => {
    const id = parseId(req.params.id, 'album id');
    const { size } = parseRequest(ArtQuerySchema, req.query, 'art');
    const album = lib().library.album(id) ?? notFound('album', id);
    return art(reply, album.album.artId, size, 'album', id);
  });
  app.get<{ Params: { id: string } }>('/api/art/track/:id', async (req, reply) => {
    const id = parseId(req.params.id, 'track id');
    const { size } = parseRequest(ArtQuerySchema, req.query, 'art');
    if (lib().library.track(id) === null) notFound('track', id);
    return art(reply, lib().library.trackArtId(id), size, 'track', id);
  });

  // ---- stored playlists ----

  app.get('/api/playlists', async (): Promise<PlaylistSummaryWire[]> => lib().library.playlists());
  /**
   * Playlists as M3U8 files: paths relative to the first music folder (MPD's way; the library's own
   * export of a file saved there), and imported the same way. An import naming a path outside the
   * music folders is refused whole (E_PERMISSION): a client cannot make the library point anywhere.
   */
  const playlistDir = (): string => lib().library.roots()[0]?.path ?? path.parse(process.cwd()).root;
  app.get<{ Params: { name: string } }>('/api/playlists/:name/m3u8', async (req, reply) => {
    const { text } = lib().playlistText(req.params.name, playlistDir());
    return reply.type('audio/x-mpegurl; charset=utf-8')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(req.params.name)}.m3u8`)
      .send(text);
  });
  app.post('/api/playlists/import', { bodyLimit: PLAYLIST_TEXT_MAX * 2 }, async (req, reply) => {
    const { name, text } = parseRequest(PlaylistImportSchema, req.body, 'playlist import');
    const stored: PlaylistImportResultWire = await lib().importPlaylistText(text, name, playlistDir(), 'refuse');
    return reply.code(201).send(stored);
  });
  app.get<{ Params: { name: string } }>('/api/playlists/:name', async (req): Promise<StoredPlaylistWire> => lib().library.playlist(req.params.name) ?? notFound('playlist', req.params.name));
  app.put<{ Params: { name: string } }>('/api/playlists/:name', async (req, reply) => {
    const { entries } = parseRequest(PlaylistSaveSchema, req.body, 'playlist');
    lib().library.savePlaylist(req.params.name, entries);
    return reply.code(204).send();
  });
  app.post<{ Params: { name: string } }>('/api/playlists/:name/rename', async (req, reply) => {
    const { to } = parseRequest(PlaylistRenameSchema, req.body, 'playlist rename');
    lib().library.renamePlaylist(req.params.name, to);
    return reply.code(204).send();
  });
  app.delete<{ Params: { name: string } }>('/api/playlists/:name', async (req, reply) => {
    lib().library.deletePlaylist(req.params.name);
    return reply.code(204).send();
  });

  // ---- analysis ----

  /** An album's tracks with their measurements (DR, loudness, true bit depth, authenticity). */
  app.get<{ Params: { id: string } }>('/api/analysis/album/:id', async (req): Promise<AlbumAnalysisWire> => {
    const id = parseId(req.params.id, 'album id');
    const found = lib().library.album(id) ?? notFound('album', id);
    return {
      album: found.album,
      tracks: found.tracks.map((t) => ({
        id: t.id, title: t.title, trackNumber: t.trackNumber, discNumber: t.discNumber, duration: t.duration,
        analysedAt: t.analysedAt, analysisError: t.analysisError, dr: t.dr, drRounded: t.drRounded, peakDb: t.peakDb,
        loudnessLufs: t.loudnessLufs, lraLu: t.lraLu, truePeakDbtp: t.truePeakDbtp, rg2TrackGain: t.rg2TrackGain,
        trueBits: t.trueBits, verdict: t.verdict, cutoffHz: t.cutoffHz,
      })),
    };
  });
  const jobService = (): JobService => {
    if (!jobs) throw new AurisError('E_STATE', 'this server has no job service to analyse files', {});
    return jobs;
  };
  /** The album's foo_dr.txt, as `auris dr` writes it for its folder (the files are decoded again). */
  app.get<{ Params: { id: string } }>('/api/analysis/album/:id/foo_dr.txt', async (req, reply) => {
    const id = parseId(req.params.id, 'album id');
    if (lib().library.album(id) === null) notFound('album', id);
    const log = await albumDrLog(lib(), jobService(), id);
    return reply.type('text/plain; charset=utf-8').header('content-disposition', 'attachment; filename="foo_dr.txt"').send(log);
  });
  /** A track's spectrogram as a PNG image (what `auris analyze --png` draws). */
  app.get<{ Params: { id: string } }>('/api/analysis/track/:id/spectrogram.png', async (req, reply) => {
    const id = parseId(req.params.id, 'track id');
    if (lib().library.track(id) === null) notFound('track', id);
    const png = await trackSpectrogramPng(lib(), jobService(), id);
    return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  });
  /** Analyses the tracks not analysed yet, in the background; the library's change flag says when rows change. */
  app.post('/api/analysis/run', async (_req, reply) => {
    lib().analyse().catch((e: unknown) => events.emit({ type: 'error', error: asAurisError(e).toJSON() }));
    return reply.code(202).send();
  });
}
