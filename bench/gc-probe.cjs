// Preloaded (`node --require`) into every thread of the process that bench/core.bench.ts measures,
// the engine worker included: on a message on the `auris-bench-gc` channel each thread runs a full
// GC (`--expose-gc`), which `--trace-gc` prints with the reason "testing". The bench uses those lines
// as markers of the playback span in each thread's own GC trace.
'use strict';
const channel = new BroadcastChannel('auris-bench-gc');
channel.onmessage = () => { globalThis.gc(); };
channel.unref();
