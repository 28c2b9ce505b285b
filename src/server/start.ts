// Binding the server to its address: the token a non-loopback address needs, the addresses to
// print, and what to say when the port is taken (another Auris: its address; anything else: how to
// choose another port).

import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { AurisCore } from '../core/api.ts';
import { AURIS_SERVER_HEADER } from '../protocol/http.ts';
import { AurisError } from '../util/errors.ts';
import { buildServer, type ServerOptions } from './app.ts';
import { isLoopback } from './security.ts';

export interface ListenOptions extends Omit<ServerOptions, 'token'> {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** The address to open in a browser (with `?token=` when clients need it). */
  readonly url: string;
  /** Every address clients can use (the LAN addresses when bound to all interfaces). */
  readonly urls: readonly string[];
  readonly port: number;
  close(): Promise<void>;
}

/** What holds a taken port: an Auris server (at `url`), or some other program. */
export type PortHolder = { readonly kind: 'auris'; readonly url: string; readonly version: string } | { readonly kind: 'other' };

/** True when clients on other machines can reach `host` (so they need the token). */
export function needsToken(host: string): boolean {
  return !isLoopback(host);
}

/** The settings' token, made and saved on first use (32 random bytes, URL-safe). */
export async function ensureToken(core: AurisCore): Promise<string> {
  const existing = core.settings.get().server.token;
  if (existing !== '') return existing;
  const token = randomBytes(32).toString('base64url');
  await core.settings.update({ server: { token } });
  return token;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Addresses a client can use for a server bound to `host`: all of this machine's IPv4 addresses for a wildcard. */
function addressesFor(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const v4 = all.filter((a) => a.family === 'IPv4').map((a) => a.address);
  return [...v4.filter((a) => !isLoopback(a)), '127.0.0.1'];
}

/** Asks what answers on `host:port`: an Auris names itself in a header of GET /api/state. */
export async function whoHolds(host: string, port: number): Promise<PortHolder> {
  const probeHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `http://${urlHost(probeHost)}:${port}/`;
  try {
    const res = await fetch(`${url}api/state`, { signal: AbortSignal.timeout(2000) });
    const version = res.headers.get(AURIS_SERVER_HEADER);
    await res.body?.cancel();
    return version !== null ? { kind: 'auris', url, version } : { kind: 'other' };
  } catch {
    return { kind: 'other' };
  }
}

/**
 * Builds the server over `core` and listens on `host:port`. A non-loopback address gets the token
 * (from the settings, generated on first use). A taken port is E_STATE with `details.holder`
 * (a PortHolder) and words saying what to do.
 */
export async function listen(core: AurisCore, options: ListenOptions): Promise<RunningServer> {
  const token = needsToken(options.host) ? await ensureToken(core) : '';
  const app = await buildServer(core, { ...options, token });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (e) {
    await app.close();
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    const holder = await whoHolds(options.host, options.port);
    const where = `${options.host}:${options.port}`;
    throw new AurisError('E_STATE', holder.kind === 'auris'
      ? `Auris is already running at ${holder.url}`
      : `port ${options.port} on ${options.host} is used by another program; choose another port with --port (for example --port ${options.port + 1}), or --port 0 for any free one`,
    { holder, address: where });
  }
  const port = (app.server.address() as { port: number }).port;
  const query = token === '' ? '' : `?token=${token}`;
  const urls = addressesFor(options.host).map((a) => `http://${urlHost(a)}:${port}/${query}`);
  return {
    app, port, urls, url: urls[0]!,
    close: () => app.close(),
  };
}
