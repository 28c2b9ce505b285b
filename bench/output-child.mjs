// Child of bench/output.bench.ts: plays SECONDS of 32-bit/768 kHz stereo from memory through the
/* global performance, setTimeout */
// addon (ring + device thread) into an ALSA PCM as fast as the PCM takes it, and prints the CPU
// time of that output path (process.cpuUsage around open..close: the JS writes into the ring and
// the device thread) as JSON.
import { createRequire } from 'node:module';

const [addonPath, device, seconds] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const addon = createRequire(import.meta.url)(addonPath);
const RATE = 768000;
const FRAME = 8;
const chunk = new Uint8Array(RATE * FRAME); // one second, written `seconds` times
for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;

const t0 = process.cpuUsage();
const w0 = performance.now();
await new Promise((resolve, reject) => {
  const s = addon.openStream('alsa', { device, mode: 'exclusive', container: 'S32_LE', rate: RATE, channels: 2, validBits: 32, bufferUs: 500000, periodUs: 125000, ringMs: 1000, strategy: '' }, (kind) => {
    if (kind === 'drained') { s.close(); resolve(); } else if (kind !== 'underrun') reject(new Error(kind));
  });
  let left = seconds;
  let off = 0;
  const pump = () => {
    while (left > 0) {
      const frames = s.write(chunk.subarray(off));
      if (frames === 0) return setTimeout(pump, 2);
      off += frames * FRAME;
      if (off === chunk.length) { off = 0; left--; }
    }
    s.drain();
  };
  pump();
});
const cpu = process.cpuUsage(t0);
process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - w0 }) + '\n');
