// A server over the real core for the server tests, with a library root holding real WAV files.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { startCore, type Core } from '../../../src/core/index.ts';
import { buildServer, type ServerOptions } from '../../../src/server/app.ts';
import { chunk, intBytesLE, riffWave, wavFmt } from '../../helpers/containers.ts';
import { tempDir } from '../../helpers/tmp.ts';

/** A 16-bit mono 8 kHz WAV of `seconds` of a tone (its frequency set by `seed`): long enough to be still playing when a test looks, small on disk. */
export function writeWav(file: string, seconds = 60, seed = 1): void {
  const samples = Int32Array.from({ length: seconds * 8000 }, (_, i) => Math.round(12000 * Math.sin((2 * Math.PI * 110 * seed * i) / 8000)));
  writeFileSync(file, riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 1, rate: 8000, containerBits: 16 })), chunk('data', intBytesLE(samples, 2))]));
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly core: Core;
  /** The library root, holding a/1.wav, a/2.wav, a/3.wav. */
  readonly root: string;
  readonly tracks: readonly string[];
  close(): Promise<void>;
}

/** A server over a fresh core (settings and, with `library`, the library database in a temporary folder). */
export async function openTestServer(options: ServerOptions = {}, withLibrary = false): Promise<TestServer> {
  const root = tempDir('auris-server-root-');
  mkdirSync(path.join(root, 'a'));
  const tracks = [1, 2, 3].map((n) => path.join(root, 'a', `${n}.wav`));
  tracks.forEach((t, i) => writeWav(t, 60, i + 1));
  // The real core, its engine on this thread, settings in a temporary folder, playing to the paced null output.
  const dataDir = tempDir('auris-server-data-');
  const core = await startCore({
    dataDir,
    library: withLibrary,
    settings: { library: { roots: [root] }, output: { name: 'null', mode: 'exclusive' } },
    engine: 'in-process',
  });
  const app = await buildServer(core, { webRoot: null, ...options });
  await app.ready();
  return {
    app, core, root, tracks,
    async close() {
      await app.close();
      await core.close();
    },
  };
}

/** The Host header the tests' requests carry (the server answers IP literals). */
export const TEST_HOST = '127.0.0.1:7700';

/** A request as a same-origin page would send it (JSON body, or text as given); `headers` add or override. */
export function send(app: FastifyInstance, method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method, url,
    headers: { host: TEST_HOST, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** The error body of a failed answer. */
export function errorOf(res: { json(): unknown }): { code: string; message: string; details: Record<string, unknown> } {
  return (res.json() as { error: { code: string; message: string; details: Record<string, unknown> } }).error;
}

/**
 * The access checks of one route on a server made with `token`: a client off loopback without the
 * token or with a wrong one is E_UNAUTHORIZED, a foreign Host is E_FORBIDDEN, and (for a
 * state-changing method) a page of another origin is E_FORBIDDEN; the token lets the remote client in.
 * Returns the answer to the remote client with the token.
 */
export async function checkAccess(app: FastifyInstance, token: string, method: InjectOptions['method'], url: string, body?: unknown) {
  const remote = (headers: Record<string, string>) => app.inject({
    method, url, remoteAddress: '192.168.1.20',
    headers: { host: TEST_HOST, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  const expect = (res: { statusCode: number; json(): unknown }, status: number, code: string, what: string): void => {
    if (res.statusCode !== status || errorOf(res).code !== code) throw new Error(`${method} ${url} ${what}: ${res.statusCode} ${JSON.stringify(res.json())}, expected ${status} ${code}`);
  };
  expect(await remote({}), 401, 'E_UNAUTHORIZED', 'without the token');
  expect(await remote({ authorization: `Bearer ${token}x` }), 401, 'E_UNAUTHORIZED', 'with a wrong token');
  expect(await send(app, method, url, body, { host: 'evil.example:7700' }), 403, 'E_FORBIDDEN', 'with a foreign Host');
  if (method !== 'GET') expect(await send(app, method, url, body, { origin: 'http://evil.example' }), 403, 'E_FORBIDDEN', 'from a foreign Origin');
  return remote({ authorization: `Bearer ${token}` });
}
