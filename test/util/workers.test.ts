// startWorker runs a TypeScript worker module from any current folder: the worker's tsx bootstrap
// must not resolve tsx from the process's cwd (a user running the sources from their music folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startWorker } from '../../src/util/workers.ts';
import { tempDir } from '../helpers/tmp.ts';

test('a .ts worker starts while the current folder is outside the checkout', async () => {
  const dir = tempDir('auris-workers-');
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  const module = path.join(dir, 'hello-worker.ts');
  writeFileSync(module, "import { parentPort } from 'node:worker_threads';\nconst greeting: string = 'up';\nparentPort!.postMessage(greeting);\n");
  const before = process.cwd();
  process.chdir(dir);
  try {
    const worker = startWorker(pathToFileURL(module));
    const answer = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(answer, 'up');
    await worker.terminate();
  } finally {
    process.chdir(before);
  }
});
