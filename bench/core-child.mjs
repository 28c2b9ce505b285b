// Child of bench/core.bench.ts: a running Auris core (compiled dist/, engine in its worker thread)
// with the album queued on the output named in argv. Talks to the bench over IPC:
//   -> {ready}        the core is up and the album queued (the engine worker has started)
//   <- 'play'          core.player.play(); the bench times from sending it to the first sample
//   -> {ended, arrayBuffers}  the queue has ended (or {error}); each thread's ArrayBuffer figures (gc-probe.cjs)
//   <- 'play'          (again) play from the first track: the bench times a second play
//   <- 'quit'          close the core and exit
// Before play and after the end it posts on the `auris-bench-gc` channel (bench/gc-probe.cjs) so
// every thread's --trace-gc output marks the playback span.
/* global BroadcastChannel */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [repo, dataDir, output, ...files] = process.argv.slice(2);
const { startCore } = await import(pathToFileURL(path.join(repo, 'dist', 'src', 'core', 'index.js')).href);
const core = await startCore({ dataDir, settings: { output: { name: output, mode: 'exclusive' } }, engine: 'worker' });
const marks = new BroadcastChannel('auris-bench-gc');
let ended = false;
const arrayBuffers = [];
const reports = new BroadcastChannel('auris-bench-gc-report');
reports.onmessage = (e) => arrayBuffers.push(e.data);
core.on((e) => {
  if (e.type === 'queue-end' && !ended) {
    ended = true;
    marks.postMessage('end');
    setTimeout(() => process.send({ ended: true, arrayBuffers }), 200);
  } else if (e.type === 'error' || e.type === 'track-error') {
    process.send({ error: e.error.message });
  }
});
await core.queue.add(files);
// Let the engine worker finish starting (its modules loaded) before the bench times `play`.
await new Promise((r) => setTimeout(r, 1500));
marks.postMessage('start');
await new Promise((r) => setTimeout(r, 300));
process.on('message', async (m) => {
  if (m === 'play') await core.player.play(core.queue.snapshot().items[0].id);
  if (m === 'quit') { await core.close(); marks.close(); reports.close(); process.disconnect(); }
});
process.send({ ready: true });
