// Equalizer APO / AutoEq import and export against dsp.md sections 1.6-1.8 and 2.2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { biquadF0, designBiquad, type BiquadBand } from '../../../src/dsp/plugins/eq/biquad.ts';
import { autoPreampDb, eqResponse, planChannels, type EqSettings } from '../../../src/dsp/plugins/eq/index.ts';
import { graphicGainDb } from '../../../src/dsp/plugins/eq/graphic.ts';
import { exportApoConfig, loadApoConfig, parseApoConfig, parseApoFrequency } from '../../../src/dsp/presets/apo.ts';
import { autoEqGridPeak } from '../../../src/dsp/presets/autoeq.ts';
import { tempDir } from '../../helpers/tmp.ts';

const FIX = path.join(import.meta.dirname, 'fixtures');
const bands = (s: EqSettings): BiquadBand[] => s.steps.flatMap((x) => (x.kind === 'band' ? [x.band] : []));

test('section 1.7: the APO example parses to its expected result', async () => {
  const cfg = await loadApoConfig(path.join(FIX, 'apo-example.txt'));
  const all = cfg.settings.steps.filter((s) => s.channels === 'all' && s.kind === 'band').map((s) => (s.kind === 'band' ? s.band : null));
  assert.deepEqual(all, [
    { type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7 },
    { type: 'peaking', freq: 8865, gainDb: 4.9, q: 1.3 },
    { type: 'highshelf', freq: 10000, gainDb: -2.1, slope: 1 },
    { type: 'lowshelf', freq: 50, gainDb: 7.2, slope: 0.5, corner: true },
    { type: 'highpass', freq: 20, gainDb: 0, q: Math.SQRT1_2 },
    { type: 'peaking', freq: 100, gainDb: 1, bwOct: 0.167 },
    { type: 'notch', freq: 50, gainDb: 0, q: 30 },
    { type: 'allpass', freq: 900, gainDb: 0, q: 0.707 },
    { type: 'peaking', freq: 1000, gainDb: -3, q: 2 },
    { type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7, corner: true },
  ]);
  assert.ok(Math.abs(biquadF0(all[3]!) - 75.678) < 1e-3);
  assert.ok(Math.abs(biquadF0(all[9]!) - 126.683) < 1e-3);
  const lOnly = cfg.settings.steps.filter((s) => s.channels !== 'all');
  assert.deepEqual(lOnly, [
    { kind: 'preamp', db: -1, channels: ['L'] },
    { kind: 'band', band: { type: 'lowpass', freq: 10000, gainDb: 0, q: 0.4 }, channels: ['L'] },
  ]);
  const plans = planChannels(cfg.settings, 2);
  assert.ok(Math.abs(plans[0]!.preampDb - -7.1) < 1e-12);
  assert.ok(Math.abs(plans[1]!.preampDb - -6.1) < 1e-12);
  assert.equal(plans[0]!.bands.length, 11);
  assert.equal(plans[1]!.bands.length, 10);
  const graphic = cfg.settings.steps.find((s) => s.kind === 'graphic');
  assert.deepEqual(graphic, { kind: 'graphic', nodes: [{ hz: 20, db: -3.5 }, { hz: 21, db: -3.4 }, { hz: 40, db: 0 }], channels: 'all' });
  assert.equal(cfg.warnings.length, 1);
  assert.match(cfg.warnings[0]!, /apo-example\.txt:16: filter ignored: no Q or bandwidth/);
  assert.equal(cfg.hasCornerQShelves, true);
});

test('GraphicEQ interpolation: linear in dB against ln f, held outside the nodes', async () => {
  const cfg = await parseApoConfig('GraphicEQ: 40 0; 20 -3.5; 21 -3.4\n');
  const step = cfg.settings.steps[0]!;
  assert.equal(step.kind, 'graphic');
  if (step.kind !== 'graphic') return;
  for (const [hz, db] of [[10, -3.5], [20.5, -3.44939], [30, -1.51798], [1000, 0]] as const) {
    assert.ok(Math.abs(graphicGainDb(step.nodes, hz) - db) < 5e-6, `${hz} Hz`);
  }
  const comma = await parseApoConfig('GraphicEQ: 20 -3,5; 21 -3,4\n');
  assert.deepEqual(comma.settings.steps[0], { kind: 'graphic', nodes: [{ hz: 20, db: -3.5 }, { hz: 21, db: -3.4 }], channels: 'all' });
});

test('REW thousands separator: 1.000 Hz and 1,000 Hz are 1 kHz, 12.345 Hz is 12 345 Hz, 20,0 Hz is 20 Hz', () => {
  assert.equal(parseApoFrequency('1.000'), 1000);
  assert.equal(parseApoFrequency('12.345'), 12345);
  assert.equal(parseApoFrequency('20.0'), 20);
  assert.equal(parseApoFrequency('1e3'), 1000);
  assert.equal(parseApoFrequency('1\u00A0000'), 1000);
});

test('commands are case-sensitive, Filter is a prefix, unknown and unsupported commands are warnings', async () => {
  const cfg = await parseApoConfig([
    'filter: ON PK Fc 100 Hz Gain 3 dB Q 1', 'Filter1: ON PK Fc 200 Hz Gain 3 dB Q 1', 'Filter  12: ON LP Fc 5000 Hz',
    'Delay: 10 ms', 'Frobnicate: 3', 'Preamp: -6 db', 'Filter 3: ON XYZ Fc 100 Hz', 'Filter 4: ON IIR Order 1 Coefficients 1 0 1 0',
    'no colon here', '# Filter 1: ON PK Fc 1000 Hz Gain 9 dB Q 1',
  ].join('\n'));
  assert.deepEqual(bands(cfg.settings).map((b) => b.freq), [200, 5000]);
  assert.equal(cfg.settings.steps.find((s) => s.kind === 'preamp')?.kind === 'preamp' ? -6 : 0, -6);
  assert.equal(cfg.warnings.length, 5, cfg.warnings.join('\n'));
  assert.ok(cfg.warnings.some((w) => /'Delay' is not supported/.test(w)));
  assert.ok(cfg.warnings.some((w) => /unknown command 'Frobnicate'/.test(w)));
  assert.ok(cfg.warnings.some((w) => /unknown filter type 'XYZ'/.test(w)));
  assert.ok(cfg.warnings.some((w) => /IIR/.test(w)));
});

test('Include: relative paths, selection restored afterwards, cycles refused', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'main.txt'), 'Channel: R\nInclude: sub/inc.txt\nFilter: ON PK Fc 300 Hz Gain 1 dB Q 1\nInclude: main.txt\n');
  writeFileSync(path.join(dir, 'sub.txt'), '');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'sub', 'inc.txt'), 'Filter: ON PK Fc 100 Hz Gain 1 dB Q 1\nChannel: L\nFilter: ON PK Fc 200 Hz Gain 1 dB Q 1\nInclude: ../main.txt\n');
  const cfg = await loadApoConfig(path.join(dir, 'main.txt'));
  assert.deepEqual(cfg.settings.steps.map((s) => [s.kind === 'band' ? s.band.freq : 0, s.channels]), [[100, ['R']], [200, ['L']], [300, ['R']]]);
  assert.equal(cfg.warnings.filter((w) => /cycle/.test(w)).length, 2);
  const missing = await parseApoConfig('Include: nowhere.txt\n', { path: path.join(dir, 'x.txt') });
  assert.match(missing.warnings[0]!, /Include of nowhere\.txt failed/);
});

test('text that is not UTF-8 is read as Windows-1252, Device patterns select lines', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'ansi.txt');
  writeFileSync(file, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nPreamp: -2 dB\n')]));
  assert.deepEqual((await loadApoConfig(file)).settings.steps, [{ kind: 'preamp', db: -2, channels: 'all' }]);
  const dev = await parseApoConfig('Device: Speakers Realtek\nPreamp: -1 dB\nDevice: USB DAC\nPreamp: -2 dB\n', { deviceName: 'USB DAC Topping' });
  assert.deepEqual(dev.settings.steps.map((s) => (s.kind === 'preamp' ? s.db : 0)), [-2]);
});

test('AutoEq ParametricEQ (HD 650): true-maximum auto-preamp -6.40 dB at DC; AutoEq grid peak +6.088 dB at 20 Hz', async () => {
  const cfg = await loadApoConfig(path.join(FIX, 'hd650-ParametricEQ.txt'));
  assert.equal(cfg.looksLikeAutoEq, true);
  assert.equal(bands(cfg.settings).length, 10);
  const auto = autoPreampDb(cfg.settings, 44100);
  assert.ok(Math.abs(auto - -6.4) < 0.0005, `auto preamp ${auto}`);
  const filtersOnly: EqSettings = { steps: cfg.settings.steps.filter((s) => s.kind !== 'preamp') };
  const [dc, ten] = eqResponse(filtersOnly, 44100, [0, 10]);
  assert.ok(Math.abs(dc!.db - 6.4) < 0.0005 && Math.abs(ten!.db - 6.317) < 0.0005, `${dc!.db} ${ten!.db}`);
  const grid = autoEqGridPeak(cfg.settings);
  assert.ok(Math.abs(grid.db - 6.088) < 0.0005 && grid.hz === 20, JSON.stringify(grid));
  // With autoPreamp on, the -6.1 dB of the file is deepened to the true -6.40 dB.
  const r = eqResponse({ ...cfg.settings, autoPreamp: true }, 44100, [0]);
  assert.ok(Math.abs(r[0]!.db) < 1e-9);
});

test('AutoEq FixedBandEQ and GraphicEQ files parse', async () => {
  const fixed = await loadApoConfig(path.join(FIX, 'fixedband-FixedBandEQ.txt'));
  assert.deepEqual(bands(fixed.settings).map((b) => [b.type, b.freq, b.q]), [31, 62, 125, 250, 500, 1000, 2000, 4000, 8000, 16000].map((f) => ['peaking', f, 1.41]));
  assert.equal(fixed.looksLikeAutoEq, true);
  const graphic = await loadApoConfig(path.join(FIX, 'graphic-GraphicEQ.txt'));
  const step = graphic.settings.steps[0]!;
  assert.ok(step.kind === 'graphic' && step.nodes.length === 127 && step.nodes[0]!.hz === 20 && step.nodes[126]!.hz === 19871);
  assert.equal(graphic.looksLikeAutoEq, true);
  assert.ok(autoPreampDb(graphic.settings, 48000) > -1e-12, 'a GraphicEQ normalised to -0.2 dB needs no preamp');
});

test('legacy AutoEq option reads LS/HS ... Q as centre shelves', async () => {
  const text = 'Preamp: -6.1 dB\nFilter 1: ON LS Fc 105 Hz Gain 6.4 dB Q 0.70\n';
  const apo = await parseApoConfig(text);
  const legacy = await parseApoConfig(text, { legacyAutoEqShelves: true });
  assert.equal(bands(apo.settings)[0]!.corner, true);
  assert.equal(bands(legacy.settings)[0]!.corner, undefined);
  assert.equal(legacy.hasCornerQShelves, true);
});

test('export -> import round trip gives the same coefficients and preamps', async () => {
  const cfg = await loadApoConfig(path.join(FIX, 'apo-example.txt'));
  const extra: EqSettings = { steps: [
    ...cfg.settings.steps,
    { kind: 'band', band: { type: 'bandpass-skirt', freq: 2000, gainDb: 0, q: 3 }, channels: ['R'] },
    { kind: 'band', band: { type: 'highshelf', freq: 12.345, gainDb: 2, q: 0.9, corner: true }, channels: ['2'] },
    { kind: 'band', band: { type: 'lowshelf', freq: 80, gainDb: -3, corner: true }, channels: 'all' },
  ] };
  const text = exportApoConfig(extra);
  const back = await parseApoConfig(text);
  assert.deepEqual(back.warnings, []);
  const freqs = [5, 20, 63, 100, 1000, 2000, 5000, 15000, 20000];
  for (const rate of [44100, 96000]) {
    const a = planChannels(extra, 2), b = planChannels(back.settings, 2);
    for (let ch = 0; ch < 2; ch++) {
      const ra = eqResponse(extra, rate, freqs, ch), rb = eqResponse(back.settings, rate, freqs, ch);
      ra.forEach((p, i) => {
        assert.ok(Math.abs(p.db - rb[i]!.db) < 1e-9, `ch ${ch} ${p.hz} Hz: ${p.db} vs ${rb[i]!.db}`);
        assert.ok(Math.abs(p.phaseDeg - rb[i]!.phaseDeg) < 1e-6, `ch ${ch} ${p.hz} Hz phase`);
      });
      // Band by band the coefficients agree, except the constant-skirt band-pass, written as BP + preamp.
      const same = (x: typeof a[0]) => x.bands.filter((band) => band.type !== 'bandpass-skirt' && band.type !== 'bandpass');
      same(a[ch]!).forEach((band, i) => {
        const x = designBiquad(band, rate), y = designBiquad(same(b[ch]!)[i]!, rate);
        for (const k of ['b0', 'b1', 'b2', 'a1', 'a2'] as const) assert.ok(Math.abs(x[k] - y[k]) < 1e-12, `${band.type} ${k}`);
      });
    }
  }
});
