// `auris serve` (and `auris` alone): the core, the HTTP server with the web app, and the desktop's
// media keys (MPRIS on Linux), until Ctrl+C. On a terminal it opens the app in the browser. When the
// port is taken by another Auris, it says so and opens that one instead.

import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import { startCore } from '../../core/index.ts';
import type { SettingsPatch } from '../../protocol/settings.ts';
import { startMpdFrontend, type MpdFrontend } from '../../mpd/index.ts';
import { startMpris, type MprisService } from '../../server/mpris/index.ts';
import { listen, type PortHolder } from '../../server/start.ts';
import { AurisError, isAurisError } from '../../util/errors.ts';

interface ServeOptions {
  host?: string;
  port?: string;
  library: string[];
  data?: string;
  output?: string;
  open: boolean;
  mpdPort?: string;
  fileOutputDir?: string;
}

/** Opens `url` in the desktop's browser; a failure only costs the convenience. */
export function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]]
    : process.platform === 'darwin' ? ['open', [url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // no browser opener on this system: the address is printed
  }
}

function portOf(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65_535) throw new AurisError('E_INVALID_ARGUMENT', `${flag} must be a port number (0-65535), not ${JSON.stringify(value)}`, { value });
  return n;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start Auris: the web app and its API on http://127.0.0.1:7700 (what `auris` alone does)')
    .option('--host <host>', 'address to listen on (other than loopback, clients need the token)')
    .option('--port <port>', 'port to listen on (0: any free port)')
    .option('--library <dir>', 'a music folder to add to the library (repeatable); it is scanned at start', (v: string, all: string[]) => [...all, v], [])
    .option('--data <dir>', 'folder for the settings and the library database of this instance')
    .option('--output <name>', 'output for this run (alsa:..., wasapi:..., file:x.wav, null)')
    .option('--mpd-port <port>', 'port of the MPD protocol front end for this run')
    .option('--file-output-dir <dir>', 'the one folder where the web app and API may have a file: output write (default: captures/ in the data folder)')
    .option('--no-open', 'do not open the browser')
    .action(async (opts: ServeOptions) => {
      const run: SettingsPatch = {};
      if (opts.output !== undefined) run.output = { name: opts.output };
      if (opts.mpdPort !== undefined) run.mpd = { port: portOf(opts.mpdPort, '--mpd-port') };
      const port = opts.port === undefined ? undefined : portOf(opts.port, '--port');
      const dataDir = opts.data ? path.resolve(opts.data) : undefined;
      const core = await startCore({ ...(dataDir ? { dataDir } : {}), settings: run, library: true });
      const host = opts.host ?? core.settings.get().server.host;
      let server;
      try {
        server = await listen(core, { host, port: port ?? core.settings.get().server.port, ...(opts.fileOutputDir ? { fileOutputDir: path.resolve(opts.fileOutputDir) } : {}) });
      } catch (e) {
        await core.close();
        const holder = isAurisError(e, 'E_STATE') ? e.details.holder as PortHolder | undefined : undefined;
        if (holder?.kind === 'auris') {
          process.stdout.write(`Auris is already running at ${holder.url}\n`);
          if (opts.open && process.stdout.isTTY) openInBrowser(holder.url);
          return;
        }
        throw e;
      }
      let mpris: MprisService | null = null;
      if (process.platform === 'linux') {
        const base = `http://127.0.0.1:${server.port}`;
        mpris = await startMpris(core, { artUrl: (item) => (item.trackId === null ? null : `${base}/api/art/track/${item.trackId}`) })
          .catch((e: unknown) => {
            process.stdout.write(`Media keys are off: ${(e as Error).message}\n`);
            return null;
          });
      }
      for (const dir of opts.library) {
        if (!core.library) break;
        const library = core.library;
        try {
          const root = await library.addRoot(path.resolve(dir));
          library.scan({ rootId: root.id }).catch((e: unknown) => process.stderr.write(`auris: scanning ${root.path} failed: ${(e as Error).message}\n`));
        } catch (e) {
          process.stderr.write(`auris: ${dir}: ${(e as Error).message}\n`);
        }
      }
      // MPD clients (phones, mpc, ncmpcpp) on the settings' address; a taken port costs only them.
      let mpd: MpdFrontend | null = null;
      const mpdSettings = core.settings.get().mpd;
      if (mpdSettings.enabled) {
        mpd = await startMpdFrontend(core, { host: mpdSettings.host, port: mpdSettings.port, password: mpdSettings.password })
          .catch((e: unknown) => {
            process.stdout.write(`MPD clients are off: ${(e as Error).message}\n`);
            return null;
          });
      }
      process.stdout.write(`Auris is running at ${server.url}\n`);
      for (const other of server.urls.slice(1)) process.stdout.write(`  also at ${other}\n`);
      if (mpd) process.stdout.write(`MPD clients: ${mpd.host}:${mpd.port}\n`);
      process.stdout.write('Press Ctrl+C to stop.\n');
      if (opts.open && process.stdout.isTTY) openInBrowser(server.url);

      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await mpris?.close();
      await mpd?.close();
      await server.close();
      await core.close();
    });
}
