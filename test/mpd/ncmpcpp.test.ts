// ncmpcpp (Debian's 0.9) starts against Auris in a tmux pane of its own tmux server and shows
// the queue, the current song, the file browser and the media library, read with capture-pane.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp.ts';
import { needTools } from '../helpers/tools.ts';
import { LineClient, TREE_TOOLS, makeTree, sleep, startStack } from './harness.ts';

const exec = promisify(execFile);

test('ncmpcpp shows the queue, the current song, the browser and the media library', async (t) => {
  if (!needTools(t, 'ncmpcpp', 'tmux', ...TREE_TOOLS)) return;
  const stack = await startStack(makeTree());
  const home = tempDir('auris-ncmpcpp-');
  mkdirSync(path.join(home, '.config', 'ncmpcpp'), { recursive: true });
  const config = path.join(home, '.config', 'ncmpcpp', 'config');
  writeFileSync(config, `mpd_host = "127.0.0.1"\nmpd_port = "${stack.port}"\nmpd_connection_timeout = "5"\n`);
  // A tmux server of this test's own (its socket name), so nothing else's is touched.
  const sock = `auris-ncmpcpp-${process.pid}`;
  const tmux = (...args: string[]) => exec('tmux', ['-L', sock, ...args], { env: { ...process.env, HOME: home, TERM: 'xterm-256color' } });
  const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'mpd')).stdout;
  /** Polls the pane until every text shows (ncmpcpp draws asynchronously). */
  const shows = async (...texts: string[]): Promise<string> => {
    let last = '';
    for (let i = 0; i < 100; i++) {
      last = await screen();
      if (texts.every((x) => last.includes(x))) return last;
      await sleep(100);
    }
    assert.fail(`the pane never showed ${JSON.stringify(texts)}:\n${last}`);
  };
  const c = await LineClient.open(stack.port);
  try {
    await c.ok('clear');
    await c.ok('add "Alpha Band"');
    await c.ok('add "Compilations"');
    await c.ok('play 1');
    await tmux('new-session', '-d', '-s', 'mpd', '-x', '160', '-y', '40', `ncmpcpp -c ${config} -h 127.0.0.1 -p ${stack.port}`);
    // The queue (ncmpcpp's playlist screen) with every entry, and the current song in the status bar.
    const queue = await shows('Opening', 'Second Song', 'Gamma Tune', 'Delta Tune', 'Playing');
    assert.match(queue, /Playing:.*Second Song/);
    // The file browser: the library's top folders.
    await tmux('send-keys', '-t', 'mpd', '2');
    await shows('Alpha Band', 'Beta Singer', 'Compilations');
    // The media library: artists, from `list`.
    await tmux('send-keys', '-t', 'mpd', '4');
    await shows('Beta Singer', 'Gamma', "Delta's");
    // A change made elsewhere shows up (ncmpcpp waits in idle): the next song becomes current.
    await tmux('send-keys', '-t', 'mpd', '1');
    await c.ok('next');
    await shows('Playing', 'Gamma Tune');
    assert.match(await screen(), /Playing:.*Gamma Tune/);
    await tmux('send-keys', '-t', 'mpd', 'q');
  } finally {
    c.close();
    await tmux('kill-server').catch(() => undefined);
    await stack.close();
  }
});
