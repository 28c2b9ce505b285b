// Zeroconf: announces `_mpd._tcp` on the local network, as MPD does, so phone apps find Auris.
// It runs Avahi's `avahi-publish` (Linux; the avahi-utils package) for as long as the frontend
// listens beyond loopback. Without it, nothing is announced and the frontend says why.

import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';

export const MPD_SERVICE_TYPE = '_mpd._tcp';

/** The service name, as MPD's default "Music Player @ %h". */
export function serviceName(): string {
  return `Auris @ ${hostname()}`;
}

/** The command that publishes the service. */
export function publishCommand(name: string, port: number): { cmd: string; args: string[] } {
  return { cmd: 'avahi-publish', args: ['-s', name, MPD_SERVICE_TYPE, String(port)] };
}

export interface Announcement {
  readonly name: string;
  readonly port: number;
  readonly process: ChildProcess | null;
  /** Why nothing is announced ('' while it is). */
  readonly problem: string;
  stop(): void;
}

export function announce(port: number, name = serviceName()): Announcement {
  const { cmd, args } = publishCommand(name, port);
  let problem = '';
  let child: ChildProcess | null = null;
  try {
    child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.on('error', (e) => {
      problem = `${cmd}: ${e.message}`;
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      if (/fail|error/i.test(s)) problem = s.trim();
    });
  } catch (e) {
    problem = `${cmd}: ${(e as Error).message}`;
  }
  return {
    name,
    port,
    process: child,
    get problem() {
      return problem;
    },
    stop() {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
