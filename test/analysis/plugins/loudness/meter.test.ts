// Loudness meter against the synthesizable EBU Tech 3341/3342 cases and the analytic vectors of
// shared/specs/analysis.md §2.7, plus the K-weighting coefficient table of §2.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoudnessMeter, albumLoudness, type LoudnessResult } from '../../../../src/analysis/plugins/loudness/meter.ts';
import { TruePeakChannel } from '../../../../src/analysis/plugins/loudness/true-peak.ts';
import { kWeightingBiquads } from '../../../../src/analysis/plugins/loudness/kweighting.ts';
import { replayGainDb, replayGainTags, r128GainQ78 } from '../../../../src/analysis/plugins/loudness/replaygain.ts';
import { floatFormat } from '../../../../src/audio/format.ts';

/** Segments of [seconds, dBFS] (−Infinity = silence) of a continuous-phase sine, on every channel. */
function sineSegments(rate: number, segments: [number, number][], freq = 1000): Float64Array {
  const total = segments.reduce((s, [sec]) => s + Math.round(sec * rate), 0);
  const out = new Float64Array(total);
  let n = 0;
  for (const [sec, db] of segments) {
    const a = db === -Infinity ? 0 : 10 ** (db / 20);
    const end = n + Math.round(sec * rate);
    for (; n < end; n++) out[n] = a * Math.sin((2 * Math.PI * freq * n) / rate);
  }
  return out;
}

/** Measures mono `x` copied to channels with per-channel gains in dB (null: silent). */
function measure(rate: number, x: Float64Array, gainsDb: (number | null)[] = [0, 0], truePeak = false): { r: LoudnessResult; meter: LoudnessMeter } {
  const C = gainsDb.length;
  const meter = new LoudnessMeter(floatFormat(rate, C, 64), { truePeak });
  const block = 48000;
  const buf = new Float64Array(block * C);
  const g = gainsDb.map((d) => (d === null ? 0 : 10 ** (d / 20)));
  for (let at = 0; at < x.length; at += block) {
    const n = Math.min(block, x.length - at);
    for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) buf[i * C + c] = x[at + i]! * g[c]!;
    meter.pushSamples(buf, n);
  }
  return { r: meter.finish(), meter };
}

const near = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} not within ${tol} of ${expected}`);

test('K-weighting coefficients match the spec table at 44.1, 48 and 192 kHz', () => {
  const table: Record<number, number[]> = {
    44100: [1.53084123005035, -2.65097999515473, 1.16907907992159, -1.66365511325602, 0.71259542807323, -1.98916967362980, 0.98919903578704],
    48000: [1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585, -1.99004745483398, 0.99007225036621],
    192000: [1.57222721509128, -3.04728305156155, 1.47797134097961, -1.92220223060749, 0.92511773511683, -1.99750722284070, 0.99750877835551],
  };
  for (const [fs, want] of Object.entries(table)) {
    const [a, b] = kWeightingBiquads(Number(fs));
    [a.b0, a.b1, a.b2, a.a1, a.a2, b.a1, b.a2].forEach((v, i) => near(v, want[i]!, 1e-12, `${fs} Hz coefficient ${i}`));
  }
});

for (const rate of [44100, 48000]) {
  const cases: { id: string; segments: [number, number][]; expected: number; calc: number }[] = [
    { id: '3341-1', segments: [[20, -23]], expected: -23, calc: rate === 48000 ? -22.993 : -22.991 },
    { id: '3341-2', segments: [[20, -33]], expected: -33, calc: rate === 48000 ? -32.993 : -32.991 },
    { id: '3341-3', segments: [[10, -36], [60, -23], [10, -36]], expected: -23, calc: rate === 48000 ? -23.014 : -23.011 },
    { id: '3341-4', segments: [[10, -72], [10, -36], [60, -23], [10, -36], [10, -72]], expected: -23, calc: rate === 48000 ? -23.014 : -23.011 },
    { id: '3341-5', segments: [[20, -26], [20.1, -20], [20, -26]], expected: -23, calc: rate === 48000 ? -22.979 : -22.976 },
  ];
  for (const c of cases) {
    test(`EBU Tech ${c.id} at ${rate} Hz: I = ${c.expected} LUFS ±0.1`, () => {
      const { r } = measure(rate, sineSegments(rate, c.segments));
      near(r.integratedLufs, c.expected, 0.1, 'integrated');
      near(r.integratedLufs, c.calc, 0.002, 'integrated vs spec [CALC]');
      if (c.segments.length === 1) {
        near(r.momentaryMaxLufs, c.expected, 0.1, 'max momentary');
        near(r.shortTermMaxLufs, c.expected, 0.1, 'max short-term');
      }
    });
  }
}

test('EBU Tech 3341-6: 5.0 and 5.1 (silent LFE) at 48 kHz give −23 LUFS', () => {
  const x = sineSegments(48000, [[20, 0]]);
  const five = measure(48000, x, [-28, -28, -24, -30, -30]).r;
  near(five.integratedLufs, -23, 0.1, '5.0');
  near(five.integratedLufs, -23.016, 0.002, '5.0 vs [CALC]');
  const six = measure(48000, x, [-28, -28, -24, null, -30, -30]).r;
  near(six.integratedLufs, five.integratedLufs, 1e-9, '5.1 equals 5.0');
});

test('EBU Tech 3341-9: short-term stays at −23 LUFS after 3 s', () => {
  const seg: [number, number][] = [];
  for (let i = 0; i < 20; i++) seg.push([1.34, -20], [1.66, -30]);
  const { meter } = measure(48000, sineSegments(48000, seg));
  meter.finish();
  const s = meter.series('short-term');
  assert.ok(s.length > 5000);
  for (const v of s) near(v, -23, 0.1, 'short-term');
});

test('EBU Tech 3341-10: max short-term of 3 s bursts at any 0.15 s offset is −23 LUFS', () => {
  for (let i = 0; i < 20; i++) {
    const { r } = measure(48000, sineSegments(48000, [[i * 0.15 + 0.05, -Infinity], [3, -23], [0.5, -Infinity]]));
    near(r.shortTermMaxLufs, -23, 0.1, `burst ${i}`);
  }
});

test('EBU Tech 3341-11: max short-term of 3 s bursts equals the burst level, −38 … −19 dBFS', () => {
  for (let level = -38; level <= -19; level += 1) {
    const { r } = measure(48000, sineSegments(48000, [[0.5, -Infinity], [3, level], [0.5, -Infinity]], 997));
    near(r.shortTermMaxLufs, level, 0.1, `${level} dBFS`);
  }
});

test('EBU Tech 3341-12: momentary stays at −23 LUFS after 1 s', () => {
  const seg: [number, number][] = [];
  for (let i = 0; i < 25; i++) seg.push([0.18, -20], [0.22, -30]);
  const { meter } = measure(48000, sineSegments(48000, seg));
  const m = meter.series('momentary');
  // Entry k covers frames ending at (k + 40) · 10 ms; from 1 s on the window holds whole periods.
  for (let k = 100 - 40; k < m.length; k++) near(m[k]!, -23, 0.1, `momentary at ${(k + 40) / 100} s`);
});

test('EBU Tech 3341-13/14: max momentary of 0.4 s bursts (offsets of 20 ms; levels −38 … −19 dBFS)', () => {
  for (let i = 0; i < 20; i++) {
    const { r } = measure(48000, sineSegments(48000, [[i * 0.02 + 0.01, -Infinity], [0.4, -23], [0.3, -Infinity]]));
    near(r.momentaryMaxLufs, -23, 0.1, `offset ${i}`);
  }
  for (let level = -38; level <= -19; level++) {
    const { r } = measure(48000, sineSegments(48000, [[0.2, -Infinity], [0.4, level], [0.3, -Infinity]], 997));
    near(r.momentaryMaxLufs, level, 0.1, `${level} dBFS`);
  }
});

/** Tech 3341 true-peak signals: sine at fs/div with a phase, 2 s, 10 ms linear fades in and out. */
function truePeakSignal(rate: number, div: number, phaseDeg: number, amplitude: number): Float64Array {
  const n = 2 * rate;
  const fade = Math.round(0.01 * rate);
  const ph = (phaseDeg * Math.PI) / 180;
  return Float64Array.from({ length: n }, (_, i) => {
    const env = Math.min(1, i / fade, (n - 1 - i) / fade);
    return amplitude * env * Math.sin((2 * Math.PI * i) / div + ph);
  });
}

for (const rate of [44100, 48000]) {
  test(`EBU Tech 3341-15…19 true peak within +0.2/−0.4 dB at ${rate} Hz`, () => {
    const cases: [number, number, number, number, number][] = [
      [4, 0, 0.5, -6.0, -6.021], [4, 45, 0.5, -6.0, -5.975], [6, 60, 0.5, -6.0, -6.313], [8, 67.5, 0.5, -6.0, -6.027], [4, 45, 1.41, 3.0, 3.03],
    ];
    for (const [div, phase, amp, expected, calc] of cases) {
      const { r } = measure(rate, truePeakSignal(rate, div, phase, amp), [0, 0], true);
      assert.ok(r.truePeakDbtp <= expected + 0.2 && r.truePeakDbtp >= expected - 0.4, `fs/${div} ${phase}°: ${r.truePeakDbtp}`);
      near(r.truePeakDbtp, calc, 0.005, `fs/${div} ${phase}° vs [CALC]`);
      assert.ok(r.truePeak >= r.samplePeak);
    }
  });
}

test('true peak at 192 kHz is the sample peak (no oversampling)', () => {
  const { r } = measure(192000, truePeakSignal(192000, 4, 45, 0.5), [0, 0], true);
  assert.equal(r.truePeak, r.samplePeak);
});

test('EBU Tech 3342-1…4 loudness range', () => {
  const cases: [[number, number][], number][] = [
    [[[20, -20], [20, -30]], 10],
    [[[20, -20], [20, -15]], 5],
    [[[20, -40], [20, -20]], 20],
    [[[20, -50], [20, -35], [20, -20], [20, -35], [20, -50]], 15],
  ];
  for (const [segments, lra] of cases) {
    const { r } = measure(48000, sineSegments(48000, segments));
    near(r.lraLu, lra, 0.1, `LRA of ${JSON.stringify(segments)}`);
  }
});

test('ReplayGain 2.0 vectors: −20/−30 dBFS 997 Hz stereo, album, mono, gating, silence', () => {
  const a = measure(48000, sineSegments(48000, [[20, -20]], 997)).r;
  near(a.integratedLufs, -20, 0.001, '−20 dBFS');
  assert.equal(replayGainDb(a.integratedLufs).toFixed(2), '2.00');
  const b = measure(48000, sineSegments(48000, [[20, -30]], 997)).r;
  near(b.integratedLufs, -30, 0.001, '−30 dBFS');
  assert.equal(replayGainDb(b.integratedLufs).toFixed(2), '12.00');
  const album = albumLoudness([a, b]);
  near(album.integratedLufs, -22.596, 0.001, 'album');
  assert.equal(replayGainDb(album.integratedLufs).toFixed(2), '4.60');
  assert.deepEqual(replayGainTags({ gainDb: replayGainDb(a.integratedLufs), peak: a.samplePeak }, { gainDb: replayGainDb(album.integratedLufs), peak: album.samplePeak }), {
    REPLAYGAIN_TRACK_GAIN: '2.00 dB', REPLAYGAIN_TRACK_PEAK: '0.100000', REPLAYGAIN_ALBUM_GAIN: '4.60 dB', REPLAYGAIN_ALBUM_PEAK: '0.100000',
  });
  const mono = measure(48000, sineSegments(48000, [[20, -20]], 997), [0]).r;
  near(mono.integratedLufs, -23.01, 0.001, 'mono');
  assert.equal(replayGainDb(mono.integratedLufs).toFixed(2), '5.01');
  const gated = measure(48000, sineSegments(48000, [[10, -20], [10, -40]], 997)).r;
  near(gated.integratedLufs, -20.065, 0.001, 'relative gate');
  const quiet = measure(48000, sineSegments(48000, [[5, -72]], 997)).r;
  assert.equal(quiet.integratedLufs, -Infinity);
  assert.equal(replayGainDb(quiet.integratedLufs), 0);
  const cd = measure(44100, sineSegments(44100, [[20, -23]], 997)).r;
  near(cd.integratedLufs, -22.997, 0.001, '44.1 kHz');
  assert.equal(r128GainQ78(-20), -768);
});

test('streams shorter than 400 ms have no integrated loudness', () => {
  const { r } = measure(48000, sineSegments(48000, [[0.39, -20]]));
  assert.equal(r.integratedLufs, -Infinity);
  assert.equal(r.blockEnergies.length, 0);
});

test('true peak does not depend on block boundaries, even blocks shorter than the FIR', () => {
  const x = truePeakSignal(44100, 8, 67.5, 0.5).subarray(0, 4000);
  const whole = new TruePeakChannel(44100);
  whole.process(x, 0, 1, x.length);
  const pieces = new TruePeakChannel(44100);
  for (let at = 0, step = 1; at < x.length; at += step, step = (step % 13) + 1) pieces.process(x, at, 1, Math.min(step, x.length - at));
  assert.equal(pieces.peak, whole.peak);
  assert.ok(whole.peak > 0.49);
});
