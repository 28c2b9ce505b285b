// The MPD frontend: a TCP server (127.0.0.1:6600 by default) whose connections run MPD 0.23's
// protocol on the core. Any address other than loopback requires a password, and is announced
// with Zeroconf.

import { createServer, type Server, type Socket } from 'node:net';
import type { AurisCore } from '../core/api.ts';
import { AurisError } from '../util/errors.ts';
import { COMMAND_MAP } from './commands/index.ts';
import type { FrontendState } from './context.ts';
import type { LibraryService } from './database.ts';
import { MpdConnection } from './connection.ts';
import { idleBit } from './idle.ts';
import { announce, type Announcement } from './zeroconf.ts';

export interface MpdFrontendOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 6600; 0 picks a free port. */
  readonly port?: number;
  /** Required when `host` is not loopback. */
  readonly password?: string;
  /** Most connections at once (MPD's max_connections); more are closed at once. Default 1024. */
  readonly maxConnections?: number;
  /** Announce with Zeroconf when listening beyond loopback (default true). */
  readonly zeroconf?: boolean;
}

export interface MpdFrontend {
  readonly host: string;
  readonly port: number;
  /** The Zeroconf announcement, when there is one. */
  readonly announcement: Announcement | null;
  /** Open connections. */
  readonly connections: number;
  close(): Promise<void>;
}

/** The core as the frontend sees it: the core API, and its library when it has one. */
export type MpdCore = AurisCore & { readonly library?: LibraryService | null };

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Starts listening; resolves once bound (E_INVALID_ARGUMENT without a password beyond loopback, E_IO when the port is taken). */
export async function startMpdFrontend(core: MpdCore, options: MpdFrontendOptions = {}): Promise<MpdFrontend> {
  const host = options.host ?? '127.0.0.1';
  const password = options.password ?? '';
  if (!isLoopback(host) && password === '') {
    throw new AurisError('E_INVALID_ARGUMENT', `the MPD frontend listens on ${host}, beyond loopback: set a password (settings mpd.password)`, { host });
  }
  const maxConnections = options.maxConnections ?? 1024;
  const state = playtimeCounter(core);
  const frontend: FrontendState = {
    core,
    library: core.library ?? null,
    password,
    startedAt: Date.now(),
    updateJob: 0,
    updating: false,
    playtimeMs: state.playtimeMs,
    raise(...names) {
      let bits = 0;
      for (const n of names) bits |= idleBit(n);
      for (const c of open) c.notify(bits);
    },
  };
  const open = new Set<MpdConnection>();
  const server: Server = createServer((socket: Socket) => {
    if (open.size >= maxConnections) {
      socket.destroy();
      return;
    }
    const conn = new MpdConnection(socket, frontend, COMMAND_MAP, () => open.delete(conn));
    open.add(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new AurisError('E_IO', `cannot listen on ${host}:${options.port ?? 6600}: ${e.message}`, { host, port: options.port ?? 6600 }, { cause: e })));
    server.listen(options.port ?? 6600, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port ?? 6600;
  const announcement = !isLoopback(host) && options.zeroconf !== false ? announce(port) : null;
  return {
    host,
    port,
    announcement,
    get connections() {
      return open.size;
    },
    async close() {
      announcement?.stop();
      state.stop();
      for (const c of [...open]) c.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Counts the time the player spends playing (stats `playtime`). */
function playtimeCounter(core: AurisCore): { playtimeMs: () => number; stop: () => void } {
  let total = 0;
  let since: number | null = core.player.state().status === 'playing' ? Date.now() : null;
  const off = core.on((e) => {
    if (e.type !== 'state') return;
    const playing = e.state.status === 'playing';
    if (playing && since === null) since = Date.now();
    else if (!playing && since !== null) {
      total += Date.now() - since;
      since = null;
    }
  });
  return { playtimeMs: () => total + (since === null ? 0 : Date.now() - since), stop: off };
}
