// The core's line to an engine worker that dies: a command waiting for its acknowledgement fails
// with E_INTERNAL, later commands fail at once, and the listener hears it. Before, a front end
// (auris play) waited forever for an acknowledgement and Node exited 13 with nothing said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EngineLink } from '../../src/core/engine-link.ts';
import type { EngineEvent } from '../../src/engine/protocol.ts';
import { AurisError } from '../../src/util/errors.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A worker module with `body` as its source. */
function workerModule(body: string): URL {
  const dir = tempDir('auris-engine-link-');
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  const file = path.join(dir, 'engine.ts');
  writeFileSync(file, body);
  return pathToFileURL(file);
}

const isLost = (pattern: RegExp) => (e: unknown) => e instanceof AurisError && e.code === 'E_INTERNAL' && pattern.test(e.message);

for (const [name, body, why] of [
  ['crashes while it loads', "throw new Error('engine modules missing');\n", /engine worker failed: engine modules missing/],
  ['crashes on its first command', "import { parentPort } from 'node:worker_threads';\nparentPort!.on('message', () => { throw new Error('bad block'); });\n", /engine worker failed: bad block/],
  ['exits on its own', "import { parentPort } from 'node:worker_threads';\nparentPort!.on('message', () => process.exit(3));\n", /engine worker stopped \(exit code 3\)/],
] as const) {
  test(`an engine worker that ${name}: commands fail with E_INTERNAL, none waits forever`, async () => {
    const events: EngineEvent[] = [];
    const link = new EngineLink('worker', (e) => events.push(e), workerModule(body));
    await assert.rejects(link.request({ type: 'stop' }), isLost(why));
    await assert.rejects(link.request({ type: 'pause' }), isLost(why), 'a later command fails at once');
    assert.deepEqual(events.map((e) => e.type), ['error']);
    await link.close();
  });
}
