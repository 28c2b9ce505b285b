// /api/queue/*: the core's QueueApi one for one. Edits answer 204; `add` answers the new ids.

import type { FastifyInstance } from 'fastify';
import type { AurisCore, QueueSource } from '../../core/api.ts';
import type { LibraryService } from '../../core/library.ts';
import {
  QueueAddSchema, QueueChangesQuerySchema, QueueClearSchema, QueueModesPatchSchema, QueueMoveSchema,
  QueuePrioritySchema, QueueRemoveSchema, QueueShuffleSchema, QueueSwapSchema,
} from '../../protocol/http.ts';
import { AurisError } from '../../util/errors.ts';
import { pathInsideRoots } from '../sources.ts';
import { parseRequest } from '../validate.ts';

function notInLibrary(what: string, id: number): never {
  throw new AurisError('E_NOT_FOUND', `no ${what} ${id} in the library`, { id });
}

export function queueRoutes(app: FastifyInstance, core: AurisCore, library: LibraryService | null): void {
  app.get('/api/queue', async () => core.queue.snapshot());
  app.get('/api/queue/changes', async (req) => core.queue.changesSince(parseRequest(QueueChangesQuerySchema, req.query, 'queue changes').since));
  app.get('/api/queue/modes', async () => core.queue.modes());

  app.post('/api/queue/add', async (req) => {
    const body = parseRequest(QueueAddSchema, req.body, 'queue add');
    const roots = [...core.settings.get().library.roots, ...(library?.library.roots().map((r) => r.path) ?? [])];
    const sources: QueueSource[] = (body.sources ?? []).map((s) => typeof s === 'string'
      ? pathInsideRoots(s, roots)
      : { ...s, path: pathInsideRoots(s.path, roots) });
    if (body.trackIds !== undefined || body.albumId !== undefined) {
      if (!library) throw new AurisError('E_STATE', 'this server has no library to add tracks or albums from', {});
      // The core makes library entries from their ids (file or CUE range, tags, public uri).
      sources.push(...(body.trackIds ?? []).map((trackId) => ({ trackId })));
      if (body.albumId !== undefined) {
        const album = library.library.album(body.albumId) ?? notInLibrary('album', body.albumId);
        sources.push(...album.tracks.map((t) => ({ trackId: t.id })));
      }
    }
    return { ids: await core.queue.add(sources, body.at) };
  });

  const edit = <T>(name: string, parse: (body: unknown) => T, run: (args: T) => void): void => {
    app.post(`/api/queue/${name}`, async (req, reply) => {
      run(parse(req.body));
      return reply.code(204).send();
    });
  };
  edit('remove', (b) => parseRequest(QueueRemoveSchema, b, 'queue remove'), ({ ids }) => core.queue.remove(ids));
  edit('move', (b) => parseRequest(QueueMoveSchema, b, 'queue move'), ({ id, to }) => core.queue.move(id, to));
  edit('swap', (b) => parseRequest(QueueSwapSchema, b, 'queue swap'), ({ a, b }) => core.queue.swap(a, b));
  edit('clear', (b) => parseRequest(QueueClearSchema, b, 'queue clear'), () => core.queue.clear());
  edit('shuffle', (b) => parseRequest(QueueShuffleSchema, b, 'queue shuffle'), ({ start, end }) => core.queue.shuffle(start, end));
  edit('priority', (b) => parseRequest(QueuePrioritySchema, b, 'queue priority'), ({ ids, priority }) => core.queue.setPriority(ids, priority));

  app.patch('/api/queue/modes', async (req) => {
    await core.queue.setModes(parseRequest(QueueModesPatchSchema, req.body, 'queue modes'));
    return core.queue.modes();
  });
}
