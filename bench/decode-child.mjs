// Child process of decode.bench.ts: decodes one file with the compiled Auris (dist/, as `auris`
// runs it), strict mode, so the STREAMINFO MD5 is computed and checked like `flac -d` does.
// `--startup` only loads the decoder and opens the file: the fixed cost of a Node process.
// `--warm` decodes the file a second time in the same process and reports that pass too (JIT
// compiled, memory recycled: the steady state of a player going through an album).
// Prints one JSON line: frames decoded, MD5 status, CPU milliseconds spent decoding (per pass).
import { openFile } from '../dist/src/decoders/registry.js';

const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
const passes = flags.includes('--startup') ? 0 : flags.includes('--warm') ? 2 : 1;

async function decodeOnce(decode) {
  const opened = await openFile(file);
  let frames = 0;
  const before = process.cpuUsage();
  // Each block is handed back to the next read (Decoder.read's `reuse`), as the analysis loop does.
  let previous;
  while (decode) {
    const block = await opened.decoder.read(65536, previous);
    if (!block) break;
    frames += block.frames;
    previous = block;
  }
  const used = process.cpuUsage(before);
  const md5 = opened.decoder.integrity().md5;
  await opened.close();
  return { frames, md5, decodeCpuMs: (used.user + used.system) / 1000 };
}

const results = [];
for (let i = 0; i < Math.max(1, passes); i++) results.push(await decodeOnce(passes > 0));
process.stdout.write(`${JSON.stringify({ ...results[0], warmCpuMs: results[1]?.decodeCpuMs ?? null })}\n`);
