// Every plugin kind has the same folder shape: src/<kind>/plugins/<name>/index.ts, named in that
// kind's registry.ts. Code that is not a plugin (the quantiser, say) lives outside plugins/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const src = path.resolve(import.meta.dirname, '../../src');

for (const kind of ['decoders', 'dsp', 'outputs', 'analysis']) {
  test(`${kind}: each folder in plugins/ has an index.ts that the registry loads`, () => {
    const plugins = path.join(src, kind, 'plugins');
    const registry = readFileSync(path.join(src, kind, 'registry.ts'), 'utf8');
    const folders = readdirSync(plugins, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    assert.ok(folders.length > 0);
    for (const name of folders) {
      assert.ok(existsSync(path.join(plugins, name, 'index.ts')), `${kind}/plugins/${name} has no index.ts`);
      assert.ok(registry.includes(`./plugins/${name}/index.ts`), `${kind}/registry.ts does not load plugins/${name}`);
    }
  });
}
