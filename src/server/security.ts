// Who may talk to the server. Three checks, each against one attack:
// - Host header: a page whose DNS name is re-pointed at 127.0.0.1 (DNS rebinding) sends its own
//   name as Host; only IP literals, localhost and this machine's names are answered.
// - Origin: another page open in the same browser can send requests (a form post, a WebSocket) to
//   the server; a state-changing request or a WebSocket whose Origin is not the server's own is refused.
//   A request without Origin comes from a program (curl, the CLI, MPRIS), not from a page.
// - Token: a client not on this machine must send the token (Authorization: Bearer, or `?token=`
//   where a browser cannot set a header: WebSocket, <img>); loopback clients need none.
// Files and art are served only by library id (the routes take no path), so the API cannot be used to
// read outside the library roots.

import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { AurisError } from '../util/errors.ts';

export interface AccessPolicy {
  /** Required from clients that are not on loopback; '' refuses every such client. */
  readonly token: string;
  /** Host names answered besides IP literals, localhost and this machine's names (lower case). */
  readonly allowedHosts: readonly string[];
  /** Origins allowed besides the server's own (e.g. the web app's dev server, `http://localhost:5173`). */
  readonly allowedOrigins: readonly string[];
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms, and the name localhost. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (a === 'localhost' || a === '::1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The host name of a Host header (`name:port`, `[v6]:port`), lower case, or null when it is malformed. */
export function hostNameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]/\s@]+)(?::(\d{1,5}))?$/i.exec(hostHeader.trim());
  return m ? m[1]!.toLowerCase() : null;
}

function machineNames(): string[] {
  const name = hostname().toLowerCase();
  return name ? [name, `${name}.local`] : [];
}

/** Throws E_FORBIDDEN unless the Host header names this server by an IP, localhost or an allowed name. */
export function checkHost(hostHeader: string | undefined, policy: AccessPolicy): void {
  const name = hostNameOf(hostHeader);
  if (name !== null) {
    const bare = name.replace(/^\[|\]$/g, '');
    if (isIP(bare) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return;
    if (policy.allowedHosts.includes(name) || machineNames().includes(name)) return;
  }
  throw new AurisError('E_FORBIDDEN', `this server does not answer to the host name ${JSON.stringify(hostHeader ?? '')}`, { host: hostHeader ?? null, check: 'host' });
}

/** Throws E_FORBIDDEN when a page from another origin sends the request (no Origin: a program, allowed). */
export function checkOrigin(origin: string | undefined, hostHeader: string | undefined, policy: AccessPolicy): void {
  if (origin === undefined) return;
  if (policy.allowedOrigins.includes(origin)) return;
  let url: URL | null = null;
  try {
    url = new URL(origin);
  } catch {
    url = null;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && hostHeader !== undefined && url.host === hostHeader.toLowerCase()) return;
  throw new AurisError('E_FORBIDDEN', `requests from the page ${JSON.stringify(origin)} are not accepted`, { origin, check: 'origin' });
}

/** Throws E_UNAUTHORIZED unless the client is on loopback or presents the token. */
export function checkToken(remoteAddress: string | undefined, presented: string | null, policy: AccessPolicy): void {
  if (remoteAddress !== undefined && isLoopback(remoteAddress)) return;
  if (policy.token !== '' && presented !== null && sameSecret(presented, policy.token)) return;
  throw new AurisError('E_UNAUTHORIZED', presented === null
    ? 'this server needs its token from clients on other machines (Authorization: Bearer <token>)'
    : 'the token is wrong', { check: 'token' });
}

/** The token a request carries: `Authorization: Bearer <t>`, else the `token` query parameter. */
export function presentedToken(authorization: string | undefined, url: string): string | null {
  const m = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (m) return m[1]!;
  const query = url.indexOf('?');
  return query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get('token');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
