// The layer rule (scripts/eslint-layers.js) run by ESLint's Linter on samples: imports go down the
// layers only, and the front ends (src/cli, src/server, src/mpd) reach Auris through src/core,
// src/protocol and src/util, the `debug` harnesses excepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const root = path.resolve(import.meta.dirname, '../..');
// A variable specifier: the rule is plain JavaScript without type declarations.
const ruleModule = new URL('../../scripts/eslint-layers.js', import.meta.url).href;
const layers = ((await import(ruleModule)) as { default: NonNullable<Linter.Config['plugins']>[string] }).default;

/** The layer rule's messages for `code` as the file `file` (relative to the repository). */
function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const config: Linter.Config[] = [{
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { auris: layers },
    rules: { 'auris/layers': 'error' },
  }];
  return linter.verify(code, config, { filename: path.join(root, file) }).map((m) => m.message);
}

const FRONT_END = /is a front end: it imports only src\/core, src\/protocol, src\/util/;

test('a front end may import src/core, src/protocol, src/util and its own folder', () => {
  assert.deepEqual(lint('src/cli/commands/info.ts', [
    "import { openFile } from '../../core/files.ts';",
    "import type { Settings } from '../../protocol/settings.ts';",
    "import { AurisError } from '../../util/errors.ts';",
    "import { printable } from '../paths.ts';",
  ].join('\n')), []);
  assert.deepEqual(lint('src/server/routes/queue.ts', "import type { AurisCore } from '../../core/api.ts';\nimport { x } from '../validate.ts';"), []);
  assert.deepEqual(lint('src/mpd/commands/queue.ts', "import type { Core } from '../../core/index.ts';\nimport { ack } from '../ack.ts';"), []);
  // `auris serve` starts the server and the MPD frontend.
  assert.deepEqual(lint('src/cli/commands/serve.ts', "import { listen } from '../../server/start.ts';"), []);
});

test('a front end that reaches below the core is refused, in every import form', () => {
  const [m] = lint('src/cli/commands/info.ts', "import { openFile } from '../../decoders/registry.ts';");
  assert.match(m!, FRONT_END);
  assert.match(m!, /reach src\/decoders through src\/core/);
  assert.match(lint('src/cli/paths.ts', "export { supportedExtensions } from '../decoders/registry.ts';")[0]!, FRONT_END);
  assert.match(lint('src/cli/main.ts', "export * from '../audio/format.ts';")[0]!, FRONT_END);
  assert.match(lint('src/cli/commands/index.ts', "const m = await import('../../outputs/registry.ts');")[0]!, FRONT_END);
  assert.match(lint('src/server/app.ts', "import { openLibrary } from '../library/library.ts';")[0]!, FRONT_END);
  assert.match(lint('src/mpd/context.ts', "import type { EngineEvent } from '../engine/protocol.ts';")[0]!, FRONT_END);
  // A front end does not import another one (the server and MPD rank alike).
  assert.match(lint('src/mpd/server.ts', "import { listen } from '../server/start.ts';")[0]!, /may not import src\/server/);
});

test('the debug harnesses may stream through one plugin directly', () => {
  assert.deepEqual(lint('src/cli/commands/debug-output.ts', "import { outputPlugin } from '../../outputs/registry.ts';"), []);
  assert.deepEqual(lint('src/cli/commands/debug-filter.ts', "import { buildChain } from '../../dsp/chain.ts';"), []);
  assert.deepEqual(lint('src/cli/commands/debug.ts', "import { formatToString } from '../../audio/format.ts';"), []);
  // Only the harnesses: a file elsewhere named debug is a front end like the rest.
  assert.match(lint('src/cli/debug.ts', "import { buildChain } from '../dsp/chain.ts';")[0]!, FRONT_END);
});

test('imports go down the layers only', () => {
  assert.deepEqual(lint('src/core/files.ts', "export { openFile } from '../decoders/registry.ts';"), []);
  assert.match(lint('src/analysis/run.ts', "import { JobService } from '../core/jobs.ts';")[0]!, /src\/analysis \(L1\) may not import src\/core \(L3\)/);
  assert.match(lint('src/engine/player.ts', "import { Library } from '../library/library.ts';")[0]!, /may not import src\/library/);
  assert.match(lint('src/dsp/chain.ts', "import { x } from '../../native/index.ts';")[0]!, /only src\/outputs imports native/);
  assert.match(lint('web/src/app.tsx'.replace('.tsx', '.ts'), "import { x } from '../../src/core/api.ts';")[0]!, /web\/ imports only src\/protocol/);
});
