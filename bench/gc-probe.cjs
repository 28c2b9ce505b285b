// Preloaded (`node --require`) into every thread of the process that bench/core.bench.ts measures,
// the engine worker included. On a message on the `auris-bench-gc` channel each thread runs a full
// GC (`--expose-gc`), which `--trace-gc` prints with the reason "testing": the bench uses those
// lines as markers of the playback span in each thread's own GC trace. Between 'start' and 'end'
// each thread also samples its live ArrayBuffer bytes (process.memoryUsage().arrayBuffers, which
// is per thread in a worker) every 100 ms, and at 'end' posts on `auris-bench-gc-report` the sum of
// the increases (the ArrayBuffer bytes allocated, less any freed by a GC between two samples) and
// the peak.
'use strict';
/* global require, process, BroadcastChannel, performance, setInterval, clearInterval */
/* eslint-disable @typescript-eslint/no-require-imports -- a `--require` preload is CommonJS (workers run no `--import` on Node 20) */
const { isMainThread } = require('node:worker_threads');

const channel = new BroadcastChannel('auris-bench-gc');
const report = new BroadcastChannel('auris-bench-gc-report');
let timer = null;
let last = 0;
let grown = 0;
let peak = 0;
let since = 0;
channel.onmessage = (e) => {
  globalThis.gc();
  const now = process.memoryUsage().arrayBuffers;
  if (e.data === 'start') {
    last = now;
    peak = now;
    grown = 0;
    since = performance.now();
    timer = setInterval(() => {
      const ab = process.memoryUsage().arrayBuffers;
      if (ab > last) grown += ab - last;
      if (ab > peak) peak = ab;
      last = ab;
    }, 100);
    timer.unref();
  } else if (e.data === 'end' && timer) {
    clearInterval(timer);
    timer = null;
    report.postMessage({ thread: isMainThread ? 'main' : 'worker', seconds: (performance.now() - since) / 1000, arrayBufferMiB: grown / 2 ** 20, arrayBufferPeakMiB: peak / 2 ** 20 });
  }
};
channel.unref();
report.unref();
