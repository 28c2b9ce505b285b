// GET /api/events (WebSocket): every CoreEvent as one JSON text message, starting with the current
// state so a new client needs no separate fetch. A client that stops reading is disconnected
// rather than buffered without limit.

import type { FastifyInstance } from 'fastify';
import type { AurisCore } from '../../core/api.ts';
import type { CoreEvent } from '../../protocol/events.ts';
import type { EventHub } from '../event-hub.ts';

/** Unsent bytes after which a client counts as stalled (about a minute of position updates is far less). */
const MAX_BUFFERED_BYTES = 4 << 20;
/** Close code "try again later" (RFC 6455 registry). */
const CLOSE_TRY_AGAIN_LATER = 1013;

export function eventRoutes(app: FastifyInstance, core: AurisCore, events: EventHub): void {
  app.get('/api/events', { websocket: true }, (socket) => {
    const send = (event: CoreEvent): void => {
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        socket.close(CLOSE_TRY_AGAIN_LATER, 'client too slow');
        return;
      }
      socket.send(JSON.stringify(event));
    };
    send({ type: 'state', state: core.player.state() });
    const off = events.on(send);
    socket.on('close', off);
    socket.on('error', off);
  });
}
