// The decoder registry lists each plugin's name and extensions without loading it: they must be
// the plugin's own, in probe order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECODERS, decoderPlugins, supportedExtensions } from '../../src/decoders/registry.ts';

test('each registry entry states its plugin\'s name and extensions', async () => {
  const plugins = await decoderPlugins();
  assert.equal(plugins.length, DECODERS.length);
  DECODERS.forEach((entry, i) => {
    assert.equal(plugins[i]!.name, entry.name);
    assert.deepEqual(plugins[i]!.extensions, entry.extensions, entry.name);
  });
  assert.deepEqual(supportedExtensions(), [...new Set(plugins.flatMap((p) => p.extensions))].sort());
});

test('the registry holds every plugin once', async () => {
  const plugins = await decoderPlugins();
  assert.equal(new Set(plugins).size, plugins.length);
  assert.equal(new Set(DECODERS.map((e) => e.name)).size, DECODERS.length);
});
