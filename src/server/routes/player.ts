// /api/state, /api/player/*: the core's PlayerApi one for one. Commands answer 204 when done.

import type { FastifyInstance } from 'fastify';
import type { AurisCore } from '../../core/api.ts';
import { PlayerCommandSchema, SeekRequestSchema } from '../../protocol/http.ts';
import { parseRequest } from '../validate.ts';

export function playerRoutes(app: FastifyInstance, core: AurisCore): void {
  app.get('/api/state', async () => core.player.state());

  const commands = {
    play: (id?: number) => core.player.play(id),
    pause: () => core.player.pause(),
    resume: () => core.player.resume(),
    toggle: () => core.player.togglePause(),
    stop: () => core.player.stop(),
    next: () => core.player.next(),
    previous: () => core.player.previous(),
  } as const;
  for (const [name, run] of Object.entries(commands)) {
    app.post(`/api/player/${name}`, async (req, reply) => {
      const { id } = parseRequest(PlayerCommandSchema, req.body, `player ${name}`);
      await run(id);
      return reply.code(204).send();
    });
  }

  app.post('/api/player/seek', async (req, reply) => {
    const { id, ...target } = parseRequest(SeekRequestSchema, req.body, 'seek');
    await core.player.seek(target, id);
    return reply.code(204).send();
  });
}
