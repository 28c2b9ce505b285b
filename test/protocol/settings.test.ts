import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, SettingsPatchSchema, mergeSettings } from '../../src/protocol/settings.ts';

test('a settings patch holds only the keys it names: the others keep their values, not the defaults', () => {
  assert.deepEqual(SettingsPatchSchema.parse({ output: { name: 'null' } }), { output: { name: 'null' } });
  const base = mergeSettings(DEFAULT_SETTINGS, { volumeDb: -20, output: { mode: 'exclusive', bufferMs: 300 } });
  const next = mergeSettings(base, SettingsPatchSchema.parse({ output: { name: 'null' } }));
  assert.equal(next.volumeDb, -20);
  assert.equal(next.output.mode, 'exclusive');
  assert.equal(next.output.bufferMs, 300);
  assert.equal(next.output.name, 'null');
  assert.throws(() => SettingsPatchSchema.parse({ output: { bufferMs: 5 } }));
  assert.throws(() => SettingsPatchSchema.parse({ output: { nope: 1 } }));
});
