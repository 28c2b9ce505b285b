// Output names over HTTP (POST /api/outputs/select, PATCH /api/settings): a client with the token,
// or a page of the server's own origin, may point a `file:` output only into the server's capture
// folder, and may not name alsa-lib's file-writing plugins; an EQ preset only in the data folder.
// Whatever is refused changes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputListingSchema } from '../../src/protocol/formats.ts';
import { tempDir } from '../helpers/tmp.ts';
import { errorOf, openTestServer, send } from './helpers/server.ts';

test('a file: output chosen over HTTP must be a .wav inside the capture folder; traversal, symlinks and relative paths are refused', async () => {
  const s = await openTestServer();
  try {
    const captures = path.join(s.core.dataFolder, 'captures');
    assert.ok(existsSync(captures), 'the capture folder is made with the server');
    const before = s.core.settings.get().output;
    const outside = tempDir('auris-outside-');
    mkdirSync(path.join(captures, 'sub'));
    symlinkSync(outside, path.join(captures, 'escape'));
    const refused = [
      path.join(outside, 'x.wav'),
      path.join(captures, '..', 'settings.wav'),
      path.join(captures, 'sub', '..', '..', 'x.wav'),
      path.join(captures, 'escape', 'x.wav'),
      'x.wav',
      '../x.wav',
      captures,
      '/etc/x.wav',
    ];
    for (const file of refused) {
      for (const [method, url, body] of [
        ['POST', '/api/outputs/select', { name: `file:${file}`, mode: 'exclusive' }],
        ['PATCH', '/api/settings', { output: { name: `file:${file}` } }],
      ] as const) {
        const res = await send(s.app, method, url, body);
        assert.equal(res.statusCode, 403, `${method} ${url} file:${file}: ${res.body}`);
        assert.equal(errorOf(res).code, 'E_PERMISSION');
        assert.equal(errorOf(res).details.fileOutputDir, realpathSync(captures));
      }
    }
    assert.deepEqual(s.core.settings.get().output, before, 'nothing refused reached the settings');

    for (const file of [path.join(captures, 'out.wav'), path.join(captures, 'sub', 'deeper.wav')]) {
      const ok = await send(s.app, 'POST', '/api/outputs/select', { name: `file:${file}`, mode: 'exclusive' });
      assert.equal(ok.statusCode, 204, ok.body);
      assert.equal(s.core.settings.get().output.name, `file:${file}`);
    }
    const patched = await send(s.app, 'PATCH', '/api/settings', { output: { name: `file:${path.join(captures, 'p.wav')}`, mode: 'shared' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(s.core.settings.get().output.mode, 'shared');
    // Other settings stay free; a patch that does not name the output is not checked.
    assert.equal((await send(s.app, 'PATCH', '/api/settings', { output: { mode: 'exclusive' } })).statusCode, 200);
  } finally {
    await s.close();
  }
});

test('ALSA names that write files (alsa-lib\'s file and tee plugins, inline configuration) are refused over HTTP; device names pass', async () => {
  const s = await openTestServer();
  try {
    for (const name of ['alsa:file:/tmp/x.raw', 'alsa:file:FILE=/tmp/x,FORMAT=raw', 'alsa:plug:file', 'alsa:TEE:hw:0,/tmp/x', "alsa:plug:'file:/tmp/x'", 'alsa:{type file file "/tmp/x"}', 'alsa:hw:0 file']) {
      const res = await send(s.app, 'POST', '/api/outputs/select', { name });
      assert.equal(res.statusCode, 403, `${name}: ${res.body}`);
      assert.equal(errorOf(res).code, 'E_PERMISSION');
    }
    for (const name of ['alsa:hw:CARD=DAC,DEV=0', 'alsa:default', 'alsa:plughw:1,0', 'alsa:captest', 'null', 'wasapi:Speakers (USB DAC)']) {
      const res = await send(s.app, 'PATCH', '/api/settings', { output: { name } });
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
    }
  } finally {
    await s.close();
  }
});

test('a server made with fileOutputDir null takes no file: output over HTTP; one with its own folder takes files there', async () => {
  const none = await openTestServer({ fileOutputDir: null });
  try {
    const res = await send(none.app, 'POST', '/api/outputs/select', { name: `file:${path.join(none.core.dataFolder, 'captures', 'x.wav')}` });
    assert.equal(res.statusCode, 403);
    assert.equal(errorOf(res).code, 'E_PERMISSION');
  } finally {
    await none.close();
  }
  const folder = tempDir('auris-captures-');
  const own = await openTestServer({ fileOutputDir: folder });
  try {
    assert.equal((await send(own.app, 'POST', '/api/outputs/select', { name: `file:${path.join(folder, 'x.wav')}` })).statusCode, 204);
    assert.equal((await send(own.app, 'POST', '/api/outputs/select', { name: `file:${path.join(own.core.dataFolder, 'captures', 'x.wav')}` })).statusCode, 403);
  } finally {
    await own.close();
  }
});

test('GET /api/outputs offers a WAV file in the capture folder (once, and selectable); none without a capture folder', async () => {
  const s = await openTestServer();
  try {
    const offered = `file:${path.join(s.core.dataFolder, 'captures', 'capture.wav')}`;
    const listed = OutputListingSchema.array().parse((await send(s.app, 'GET', '/api/outputs')).json());
    const entry = listed.find((o) => o.name === offered);
    assert.ok(entry, listed.map((o) => o.name).join(', '));
    assert.deepEqual([entry.selected, entry.modes, entry.capabilities?.formats], [false, ['exclusive'], 'any']);
    assert.equal((await send(s.app, 'POST', '/api/outputs/select', { name: offered })).statusCode, 204);
    const after = OutputListingSchema.array().parse((await send(s.app, 'GET', '/api/outputs')).json());
    assert.deepEqual(after.filter((o) => o.name.startsWith('file:')).map((o) => [o.name, o.selected]), [[offered, true]]);
  } finally {
    await s.close();
  }
  const none = await openTestServer({ fileOutputDir: null });
  try {
    const listed = OutputListingSchema.array().parse((await send(none.app, 'GET', '/api/outputs')).json());
    assert.deepEqual(listed.filter((o) => o.name.startsWith('file:')), []);
  } finally {
    await none.close();
  }
});

test('an EQ preset set over HTTP must be a file in the data folder (the core would read and quote any file); null and the editor\'s own file pass', async () => {
  const s = await openTestServer();
  try {
    const outside = tempDir('auris-eq-outside-');
    writeFileSync(path.join(outside, 'preset.txt'), 'Preamp: -3 dB\n');
    symlinkSync(outside, path.join(s.core.dataFolder, 'linked'));
    for (const file of ['/etc/passwd', path.join(outside, 'preset.txt'), path.join(s.core.dataFolder, '..', 'x.txt'), path.join(s.core.dataFolder, 'linked', 'preset.txt'), 'eq-custom.json']) {
      const res = await send(s.app, 'PATCH', '/api/settings', { dsp: { eqPreset: file, eqEnabled: true } });
      assert.equal(res.statusCode, 403, `${file}: ${res.body}`);
      assert.equal(errorOf(res).code, 'E_PERMISSION');
      assert.equal(s.core.settings.get().dsp.eqPreset, null);
    }
    const own = path.join(s.core.dataFolder, 'eq-custom.json');
    writeFileSync(own, JSON.stringify({ preampDb: -2, bands: [] }));
    assert.equal((await send(s.app, 'PATCH', '/api/settings', { dsp: { eqPreset: own } })).statusCode, 200);
    assert.equal(s.core.settings.get().dsp.eqPreset, own);
    assert.equal((await send(s.app, 'PATCH', '/api/settings', { dsp: { eqPreset: null } })).statusCode, 200);
    // The command line (the core itself) keeps its freedom.
    await s.core.settings.update({ dsp: { eqPreset: path.join(outside, 'preset.txt') } });
    assert.equal(s.core.settings.get().dsp.eqPreset, path.join(outside, 'preset.txt'));
  } finally {
    await s.close();
  }
});
