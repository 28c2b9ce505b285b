// `auris mpd`: the core with its library and the MPD protocol frontend, until Ctrl-C. For MPD
// clients (mpc, ncmpcpp, phone apps) without the web server; `auris serve` starts the same
// frontend beside the HTTP API when the settings' `mpd.enabled` is on.

import type { Command } from 'commander';
import path from 'node:path';
import { startCore } from '../../core/index.ts';
import { startMpdFrontend } from '../../mpd/index.ts';
import { AurisError } from '../../util/errors.ts';
import { aurisFolders } from '../../util/platform-paths.ts';

interface MpdOptions {
  data?: string;
  host?: string;
  port?: string;
  password?: string;
  output?: string;
}

export function registerMpd(program: Command): void {
  program.command('mpd')
    .description('run the MPD protocol frontend (127.0.0.1:6600 by default) on the core and its library, until Ctrl-C')
    .option('--data <dir>', 'the data folder (settings and library database; default: the platform folders)')
    .option('--host <address>', 'listen address (settings mpd.host); beyond loopback a password is required')
    .option('--port <port>', 'TCP port (settings mpd.port; 0 picks a free one)')
    .option('--password <password>', 'password clients must send (settings mpd.password)')
    .option('--output <name>', 'output for this run (alsa:..., null, file:x.wav)')
    .action(async (opts: MpdOptions) => {
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new AurisError('E_INVALID_ARGUMENT', `--port ${opts.port}: a TCP port is 0..65535`, { port: opts.port });
      const dataDir = opts.data ?? aurisFolders().data;
      const core = await startCore({
        dataDir,
        settingsFile: opts.data ? path.join(opts.data, 'settings.json') : undefined,
        settings: opts.output ? { output: { name: opts.output } } : undefined,
        library: true,
      });
      const mpd = core.settings.get().mpd;
      const frontend = await startMpdFrontend(core, {
        host: opts.host ?? mpd.host,
        port: port ?? mpd.port,
        password: opts.password ?? mpd.password,
      }).catch(async (e: unknown) => {
        await core.close();
        throw e;
      });
      process.stdout.write(`MPD protocol on ${frontend.host}:${frontend.port}${frontend.announcement ? ` (announced as "${frontend.announcement.name}")` : ''}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await frontend.close();
      await core.close();
    });
}
