// The engine worker: hosts one Player on its own thread, so decoding and DSP never wait on the
// main thread (server, UI, CLI). Commands arrive as messages; events leave as messages.

import { parentPort } from 'node:worker_threads';
import { warmFlacDecoder } from '../decoders/registry.ts';
import { Player } from './player.ts';
import type { EngineCommand } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('src/engine/worker.ts runs only as a worker thread');

const player = new Player((event) => port.postMessage(event));
// While the worker has nothing to do yet: the FLAC decoder and its kernel, which the first play
// would otherwise build first (~25 ms of CPU, more on a busy machine). A failure here shows again,
// with its message, when a FLAC file is opened.
setTimeout(() => { warmFlacDecoder().catch(() => undefined); }, 0);
port.on('message', (command: EngineCommand) => {
  player.handle(command);
  if (command.type === 'shutdown') {
    void player.closed().then(() => port.close());
  }
});
