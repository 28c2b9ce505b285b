// The HTTP server: the JSON API over the core (routes/), WebSocket events, the built web app, and
// the access checks of security.ts before any of them. `buildServer` makes the fastify instance
// without listening, so tests drive it with `inject()`; `listen` in start.ts binds it.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AurisCore } from '../core/api.ts';
import type { JobService } from '../core/jobs.ts';
import type { LibraryService } from '../core/library.ts';
import { AURIS_SERVER_HEADER } from '../protocol/http.ts';
import { AURIS_VERSION } from '../util/version.ts';
import { errorReply } from './errors.ts';
import { EventHub } from './event-hub.ts';
import { libraryRoutes } from './routes/library.ts';
import { eventRoutes } from './routes/events.ts';
import { playerRoutes } from './routes/player.ts';
import { queueRoutes } from './routes/queue.ts';
import { systemRoutes } from './routes/system.ts';
import { eqRoutes } from './routes/eq.ts';
import { checkHost, checkOrigin, checkToken, presentedToken, type AccessPolicy } from './security.ts';

export interface ServerOptions {
  /** Token required from clients not on loopback ('' or absent: only loopback clients are served). */
  readonly token?: string;
  /** Host names answered besides IP literals, localhost and this machine's names. */
  readonly allowedHosts?: readonly string[];
  /** Origins allowed to change state besides the server's own (a dev server of the web app). */
  readonly allowedOrigins?: readonly string[];
  /** Folder of the built web app; default web/dist of this package when it holds an index.html; null: none. */
  readonly webRoot?: string | null;
  /**
   * The one folder where clients may have a `file:` output write (made when missing); default
   * `captures/` in the core's data folder; null: no file output over HTTP. See checkOutputName.
   */
  readonly fileOutputDir?: string | null;
}

/**
 * The core as the server sees it: the front-end API, its library when it has one (the /api/library
 * routes), its data folder when it has one (where the EQ editor saves, /api/eq), and its job
 * service (the analysis downloads, /api/analysis/.../foo_dr.txt and spectrogram.png).
 */
export type ServerCore = AurisCore & { readonly library?: LibraryService | null; readonly dataFolder?: string; readonly jobs?: JobService };

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** web/dist of this package (src/server/ in a checkout, dist/src/server/ when built), if built. */
export function defaultWebRoot(): string | null {
  for (const rel of ['../../web/dist/', '../../../web/dist/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}

export async function buildServer(core: ServerCore, options: ServerOptions = {}): Promise<FastifyInstance> {
  const policy: AccessPolicy = {
    token: options.token ?? '',
    allowedHosts: (options.allowedHosts ?? []).map((h) => h.toLowerCase()),
    allowedOrigins: options.allowedOrigins ?? [],
  };
  const app = Fastify({ logger: false, bodyLimit: 1 << 20, return503OnClosing: true });
  // JSON only: a text/plain body is what a cross-site form can send without a CORS preflight.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler(async (error, req, reply) => {
    const { status, body } = errorReply(error);
    // A refused WebSocket upgrade owns its socket, which the HTTP server no longer tracks: end it
    // once the answer is out, or it stays half-open and server.close() never completes.
    if (req.headers.upgrade !== undefined) {
      void reply.header('connection', 'close');
      reply.raw.once('finish', () => req.raw.socket?.destroy());
    }
    return reply.code(status).send(body);
  });
  const webRoot = options.webRoot === undefined ? defaultWebRoot() : options.webRoot;
  app.setNotFoundHandler(async (req, reply) => {
    // The web app routes in the browser: any other GET outside /api is its index page.
    if (webRoot !== null && req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
    const { status, body } = errorReply(Object.assign(new Error(`no such route: ${req.method} ${req.url.split('?')[0]}`), { statusCode: 404 }));
    return reply.code(status).send(body);
  });

  // Every request, the web app's files included, passes the Host check; the API also needs the
  // token off loopback, and a state change or a WebSocket needs the server's own Origin.
  app.addHook('onRequest', async (req, reply) => {
    void reply.header(AURIS_SERVER_HEADER, AURIS_VERSION);
    checkHost(req.headers.host, policy);
    if (!req.url.startsWith('/api/') && req.url !== '/api') return;
    checkToken(req.raw.socket?.remoteAddress, presentedToken(req.headers.authorization, req.url), policy);
    const upgrade = req.headers.upgrade?.toLowerCase() === 'websocket';
    if (upgrade || STATE_CHANGING.has(req.method)) checkOrigin(req.headers.origin, req.headers.host, policy);
  });

  const fileOutputDir = options.fileOutputDir !== undefined ? options.fileOutputDir
    : core.dataFolder !== undefined ? path.join(core.dataFolder, 'captures') : null;
  if (fileOutputDir !== null) mkdirSync(fileOutputDir, { recursive: true });

  const library = core.library ?? null;
  const events = new EventHub(core);
  app.addHook('onClose', async () => events.close());

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 << 10 } });
  playerRoutes(app, core);
  queueRoutes(app, core, library);
  systemRoutes(app, core, fileOutputDir, core.dataFolder ?? null);
  eqRoutes(app, core, core.dataFolder ?? null);
  libraryRoutes(app, library, events, core.jobs ?? null);
  eventRoutes(app, core, events);

  if (webRoot !== null) await app.register(fastifyStatic, { root: webRoot, preCompressed: true });
  return app;
}
