// The EQ editor's routes through fastify.inject() over the real core: the current EQ, saving the
// editor's preset (persisted: the file, the settings, a second GET), importing AutoEq text, and the
// response plot against the figures of the AutoEq HD 650 preset (test/dsp/presets/apo.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { EqResponseSchema } from '../../src/protocol/http.ts';
import { openTestServer, type TestServer } from './helpers/server.ts';

const HOST = '127.0.0.1:7700';
const HD650 = readFileSync(new URL('../dsp/presets/fixtures/hd650-ParametricEQ.txt', import.meta.url), 'utf8');

function req(s: TestServer, method: InjectOptions['method'], url: string, body?: unknown) {
  return s.app.inject({
    method, url,
    headers: { host: HOST, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

function errorCode(res: { json(): unknown }): string {
  return (res.json() as { error: { code: string } }).error.code;
}

interface EqAnswer {
  preset: string | null;
  enabled: boolean;
  autoPreamp: boolean;
  settings: { steps: { kind: string; db?: number; band?: Record<string, unknown> }[]; autoPreamp?: boolean } | null;
  clips: number;
  problem: string | null;
}

test('GET /api/eq: no preset, then a preset file from the settings read as EQ settings; an unreadable one is a problem, not a failure', async () => {
  const s = await openTestServer();
  try {
    const none = await req(s, 'GET', '/api/eq');
    assert.equal(none.statusCode, 200);
    assert.deepEqual(none.json(), { preset: null, enabled: true, autoPreamp: true, settings: null, clips: 0, problem: null });

    const file = path.join(s.root, 'hd650.txt');
    writeFileSync(file, HD650);
    await s.core.settings.update({ dsp: { eqPreset: file, eqEnabled: false, eqAutoPreamp: false } });
    const a = (await req(s, 'GET', '/api/eq')).json() as EqAnswer;
    assert.equal(a.preset, file);
    assert.equal(a.enabled, false);
    assert.equal(a.autoPreamp, false);
    assert.equal(a.settings!.autoPreamp, undefined);
    assert.deepEqual(a.settings!.steps[0], { kind: 'preamp', db: -6.1, channels: 'all' });
    assert.deepEqual(a.settings!.steps[1], { kind: 'band', band: { type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7 }, channels: 'all' });
    assert.equal(a.settings!.steps.length, 11);

    await s.core.settings.update({ dsp: { eqPreset: path.join(s.root, 'missing.txt') } });
    const gone = (await req(s, 'GET', '/api/eq')).json() as EqAnswer;
    assert.equal(gone.settings, null);
    assert.match(gone.problem!, /missing\.txt/);
  } finally {
    await s.close();
  }
});

test('PUT /api/eq saves eq-custom.json in the data folder and selects it; a second GET and the settings show it; bad bands change nothing', async () => {
  const s = await openTestServer();
  try {
    const edit = { preampDb: -3, bands: [{ type: 'peaking', freq: 1000, gainDb: 4, q: 1.5 }, { type: 'highpass', freq: 30 }], autoPreamp: false };
    const put = await req(s, 'PUT', '/api/eq', edit);
    assert.equal(put.statusCode, 200, put.body);
    const file = path.join(s.core.dataFolder, 'eq-custom.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), edit);
    const dsp = s.core.settings.get().dsp;
    assert.equal(dsp.eqPreset, file);
    assert.equal(dsp.eqEnabled, true);
    assert.equal(dsp.eqAutoPreamp, false);
    const expected = {
      preset: file, enabled: true, autoPreamp: false, clips: 0, problem: null,
      settings: { steps: [
        { kind: 'preamp', db: -3, channels: 'all' },
        { kind: 'band', band: { type: 'peaking', freq: 1000, gainDb: 4, q: 1.5 }, channels: 'all' },
        { kind: 'band', band: { type: 'highpass', freq: 30, gainDb: 0 }, channels: 'all' },
      ] },
    };
    assert.deepEqual(put.json(), expected);
    assert.deepEqual((await req(s, 'GET', '/api/eq')).json(), expected);

    // autoPreamp defaults to on
    const auto = await req(s, 'PUT', '/api/eq', { bands: [{ type: 'lowshelf', freq: 100, gainDb: 6 }] });
    assert.equal(auto.statusCode, 200, auto.body);
    assert.equal(s.core.settings.get().dsp.eqAutoPreamp, true);
    assert.equal((auto.json() as EqAnswer).settings!.autoPreamp, true);
    const saved = readFileSync(file, 'utf8');

    // Refused by the schema (no bands; an unknown key) and by the EQ's own checks (type, frequency): 400, file and settings unchanged.
    for (const bad of [{}, { bands: [], gain: 3 }, { bands: [{ type: 'wobble', freq: 100 }] }, { bands: [{ type: 'peaking', freq: -5, gainDb: 1 }] }]) {
      const res = await req(s, 'PUT', '/api/eq', bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(errorCode(res), 'E_INVALID_ARGUMENT');
    }
    assert.equal(readFileSync(file, 'utf8'), saved);
    assert.equal(s.core.settings.get().dsp.eqAutoPreamp, true);
  } finally {
    await s.close();
  }
});

test('POST /api/eq/import: AutoEq ParametricEQ text and JSON settings; text with no EQ, bad JSON and a missing name are E_INVALID_ARGUMENT; Include is not read', async () => {
  const s = await openTestServer();
  try {
    const res = await req(s, 'POST', '/api/eq/import', { text: HD650, name: 'HD 650 ParametricEQ.txt' });
    assert.equal(res.statusCode, 200, res.body);
    const { settings, warnings } = res.json() as { settings: NonNullable<EqAnswer['settings']>; warnings: string[] };
    assert.deepEqual(warnings, []);
    assert.equal(settings.steps.length, 11);
    assert.deepEqual(settings.steps[10], { kind: 'band', band: { type: 'peaking', freq: 5316, gainDb: -1, q: 6 }, channels: 'all' });

    const json = await req(s, 'POST', '/api/eq/import', { text: JSON.stringify({ preampDb: -2, bands: [{ type: 'notch', freq: 50 }] }), name: 'mine.JSON' });
    assert.equal(json.statusCode, 200, json.body);
    assert.deepEqual((json.json() as { settings: unknown }).settings, { steps: [{ kind: 'preamp', db: -2, channels: 'all' }, { kind: 'band', band: { type: 'notch', freq: 50, gainDb: 0 }, channels: 'all' }] });

    // An Include names a file on the server's disk: it is refused with a warning, never read.
    const secret = path.join(s.root, 'secret.txt');
    writeFileSync(secret, 'Preamp: -20 dB\n');
    const inc = await req(s, 'POST', '/api/eq/import', { text: `Preamp: -1 dB\nInclude: ${secret}\n`, name: 'x.txt' });
    assert.equal(inc.statusCode, 200, inc.body);
    const incBody = inc.json() as { settings: { steps: unknown[] }; warnings: string[] };
    assert.deepEqual(incBody.settings.steps, [{ kind: 'preamp', db: -1, channels: 'all' }]);
    assert.match(incBody.warnings[0]!, /cannot include files/);

    for (const bad of [{ text: 'hello world\n', name: 'a.txt' }, { text: '{ nope', name: 'a.json' }, { text: HD650 }, { text: HD650, name: 'x.txt', extra: 1 }]) {
      const r = await req(s, 'POST', '/api/eq/import', bad);
      assert.equal(r.statusCode, 400, JSON.stringify(bad));
      assert.equal(errorCode(r), 'E_INVALID_ARGUMENT');
    }
  } finally {
    await s.close();
  }
});

test('POST /api/eq/response: the HD 650 preset at 44.1 kHz against its known figures; bad settings and ranges are E_INVALID_ARGUMENT', async () => {
  const s = await openTestServer();
  try {
    const { settings } = (await req(s, 'POST', '/api/eq/import', { text: HD650, name: 'p.txt' })).json() as { settings: Record<string, unknown> };
    const res = await req(s, 'POST', '/api/eq/response', { settings, points: 50, rate: 44100 });
    assert.equal(res.statusCode, 200, res.body);
    const r = EqResponseSchema.parse(res.json());
    assert.equal(r.points.length, 50);
    assert.equal(r.points[0]!.hz, 20);
    assert.equal(r.points[49]!.hz, 20000);
    for (let i = 1; i < 50; i++) assert.ok(r.points[i]!.hz > r.points[i - 1]!.hz);
    // The filters peak at +6.40 dB (DC) and give +6.088 dB at 20 Hz; the file's preamp is -6.1 dB.
    assert.ok(Math.abs(r.points[0]!.db - (6.088 - 6.1)) < 0.0005, `20 Hz: ${r.points[0]!.db}`);
    assert.ok(Math.abs(r.autoPreampDb - -0.3) < 0.0005, `auto preamp ${r.autoPreampDb}`);

    // With the automatic preamp the curve stays at or below 0 dB, and 20 Hz is lowered by the same 0.3 dB.
    const withAuto = (await req(s, 'POST', '/api/eq/response', { settings: { ...settings, autoPreamp: true }, points: 50, rate: 44100 })).json() as typeof r;
    assert.ok(Math.max(...withAuto.points.map((p) => p.db)) <= 1e-9);
    assert.ok(Math.abs(withAuto.points[0]!.db - (6.088 - 6.4)) < 0.0005, `20 Hz with auto: ${withAuto.points[0]!.db}`);

    // The editor's shorthand: one +6 dB peak at 1 kHz reads +6 dB there; default 200 points.
    const peak = (await req(s, 'POST', '/api/eq/response', { settings: { preampDb: 0, bands: [{ type: 'peaking', freq: 1000, gainDb: 6, q: 1 }], autoPreamp: false } })).json() as typeof r;
    assert.equal(peak.points.length, 200);
    const near = peak.points.reduce((a, b) => (Math.abs(Math.log(b.hz / 1000)) < Math.abs(Math.log(a.hz / 1000)) ? b : a));
    assert.ok(Math.abs(near.hz - 1000) / 1000 < 0.02 && near.db > 5.9 && near.db <= 6 + 1e-9, JSON.stringify(near));
    assert.ok(Math.abs(peak.autoPreampDb - -6) < 1e-6, `${peak.autoPreampDb}`);

    for (const bad of [{ settings: { bands: [{ type: 'peaking', freq: 'x' }] } }, { settings: { bands: [] }, points: 1 }, { settings: { bands: [] }, rate: 100 }, { points: 10 }]) {
      const b = await req(s, 'POST', '/api/eq/response', bad);
      assert.equal(b.statusCode, 400, JSON.stringify(bad));
      assert.equal(errorCode(b), 'E_INVALID_ARGUMENT');
    }
  } finally {
    await s.close();
  }
});
