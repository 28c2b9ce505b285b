// Feeding an open output from async code: write, and when the ring is full, wait a little and
// retry. write() itself never blocks; this is the caller-side back-pressure loop.

import type { OpenOutput } from './interface.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Writes all of `bytes` (a whole number of frames) to `output`, waiting while its ring is full.
 * The wait is a fraction of the ring's play time, so the ring never runs dry while we sleep.
 */
export async function writeAll(output: OpenOutput, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  const waitMs = Math.max(1, Math.min(20, (output.bufferFrames / output.format.rate) * 250));
  while (offset + output.frameBytes <= bytes.length) {
    const frames = output.write(bytes.subarray(offset));
    offset += frames * output.frameBytes;
    if (frames === 0) await sleep(waitMs);
  }
}
