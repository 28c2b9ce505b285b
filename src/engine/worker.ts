// The engine worker: hosts one Player on its own thread, so decoding and DSP never wait on the
// main thread (server, UI, CLI). Commands arrive as messages; events leave as messages.

import { parentPort } from 'node:worker_threads';
import { Player } from './player.ts';
import type { EngineCommand } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('src/engine/worker.ts runs only as a worker thread');

const player = new Player((event) => port.postMessage(event));
port.on('message', (command: EngineCommand) => {
  player.handle(command);
  if (command.type === 'shutdown') {
    void player.closed().then(() => port.close());
  }
});
