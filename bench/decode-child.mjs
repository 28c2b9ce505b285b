// Child process of decode.bench.ts: decodes one file with the compiled Auris (dist/, as `auris`
// runs it), strict mode, so the STREAMINFO MD5 is computed and checked like `flac -d` does.
// `--startup` only loads the decoder and opens the file: the fixed cost of a Node process.
// Prints one JSON line: frames decoded, MD5 status, CPU milliseconds spent decoding.
import { openFile } from '../dist/decoders/registry.js';

const startupOnly = process.argv[2] === '--startup';
const file = process.argv[startupOnly ? 3 : 2];
const opened = await openFile(file);
let frames = 0;
const before = process.cpuUsage();
if (!startupOnly) {
  while (true) {
    const block = await opened.decoder.read(65536);
    if (!block) break;
    frames += block.frames;
  }
}
const used = process.cpuUsage(before);
const md5 = opened.decoder.integrity().md5;
await opened.close();
process.stdout.write(`${JSON.stringify({ frames, md5, decodeCpuMs: (used.user + used.system) / 1000 })}\n`);
