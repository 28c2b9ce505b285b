// RBJ biquads against the vectors of dsp.md sections 1.4-1.6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { biquadF0, biquadMagnitudeDb, biquadPhase, designBiquad, type BiquadBand } from '../../../src/dsp/plugins/eq/biquad.ts';
import { isAurisError } from '../../../src/util/errors.ts';

const FS = 48000;
type Vec = [BiquadBand, [number, number, number, number, number], [number, number][]];
// [band, b0 b1 b2 a1 a2, [hz, expected dB] checks] — section 1.5 at 48 kHz.
const VECTORS: Vec[] = [
  [{ type: 'peaking', freq: 1000, gainDb: 6, q: 1 }, [1.0439530869903351, -1.8953207239365961, 0.86772228475985658, -1.8953207239365961, 0.91167537175019153], [[1000, 6], [0, 0], [24000, 0]]],
  [{ type: 'peaking', freq: 1000, gainDb: -12, q: 4 }, [0.97639156351390788, -1.9203734085247726, 0.96055267145219858, -1.9203734085247726, 0.93694423496610646], [[1000, -12]]],
  [{ type: 'peaking', freq: 100, gainDb: 1, bwOct: 0.167 }, [1.0000872585228191, -1.9983985264405344, 0.99848249023660773, -1.9983985264405344, 0.99856974875942683], [[100, 1]]],
  [{ type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7 }, [1.0036431623545965, -1.9836006687150487, 0.98022835298861566, -1.9836712743558087, 0.9838009097024516], [[0, 6.4], [105, 3.2], [24000, 0]]],
  [{ type: 'highshelf', freq: 10000, gainDb: -2.1, q: 0.7 }, [0.86988746920051263, -0.20636258478823655, 0.15373835784678, -0.37456539491414043, 0.19182863717319631], [[0, 0], [10000, -1.05], [24000, -2.1]]],
  [{ type: 'lowshelf', freq: 300, gainDb: 5, slope: 0.9 }, [1.0084796159614844, -1.9489002093347336, 0.94242605521365919, -1.9493390632204612, 0.9504668172894164], [[300, 2.5]]],
  [{ type: 'highshelf', freq: 1000, gainDb: -3, slope: 1 }, [0.71933810678424726, -1.2939663245112929, 0.58790934105795067, -1.830515495854093, 0.84379661918499838], [[1000, -1.5]]],
  [{ type: 'lowpass', freq: 1000, gainDb: 0, q: Math.SQRT1_2 }, [0.0039161266605473831, 0.0078322533210947662, 0.0039161266605473831, -1.815341082704568, 0.83100558934675761], [[1000, -3.0103]]],
  [{ type: 'highpass', freq: 30, gainDb: 0, q: Math.SQRT1_2 }, [0.99722704990447009, -1.9944540998089402, 0.99722704990447009, -1.9944464105419266, 0.99446178907595373], [[30, -3.0103]]],
  [{ type: 'bandpass', freq: 1000, gainDb: 0, q: 0.1 }, [0.394904232379721, 0, -0.394904232379721, -1.1998381788923338, 0.21019153524055803], [[1000, 0]]],
  [{ type: 'notch', freq: 50, gainDb: 0, q: 30 }, [0.99989092959819437, -1.9997390271968603, 0.99989092959819437, -1.9997390271968603, 0.99978185919638884], []],
  [{ type: 'notch', freq: 800, gainDb: 0, q: 30 }, [0.99826088872269358, -1.9855846222490203, 0.99826088872269358, -1.9855846222490203, 0.99652177744538717], []],
  [{ type: 'allpass', freq: 900, gainDb: 0, q: 0.707 }, [0.84651057472976488, -1.8337114071978418, 1, -1.8337114071978418, 0.84651057472976488], [[100, 0], [900, 0], [20000, 0]]],
];

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

for (const [band, k, checks] of VECTORS) {
  test(`coefficients and magnitudes of ${band.type} ${band.freq} Hz ${band.gainDb} dB match section 1.5`, () => {
    const c = designBiquad(band, FS);
    [c.b0, c.b1, c.b2, c.a1, c.a2].forEach((v, i) => close(v, k[i]!, 1e-9, `coefficient ${i}`));
    for (const [hz, db] of checks) close(biquadMagnitudeDb(c, hz, FS), db, 0.001, `|H(${hz} Hz)|`);
  });
}

test('LP/HP/notch edges: LP is -inf at Nyquist, HP at DC, notch below -150 dB at f0', () => {
  assert.ok(biquadMagnitudeDb(designBiquad({ type: 'lowpass', freq: 1000, gainDb: 0 }, FS), 24000, FS) < -200);
  assert.ok(biquadMagnitudeDb(designBiquad({ type: 'highpass', freq: 30, gainDb: 0 }, FS), 0, FS) < -200);
  for (const f of [50, 800]) assert.ok(biquadMagnitudeDb(designBiquad({ type: 'notch', freq: f, gainDb: 0, q: 30 }, FS), f, FS) < -150);
  close(biquadMagnitudeDb(designBiquad({ type: 'lowpass', freq: 5000, gainDb: 0, q: 0.5 }, 96000), 5000, 96000), -6.0206, 1e-4, 'LP Q 0.5');
});

test('phases: LP at f0 is -90 degrees, all-pass at f0 is +-180 degrees with |H| = 1 everywhere', () => {
  close(biquadPhase(designBiquad({ type: 'lowpass', freq: 1000, gainDb: 0, q: Math.SQRT1_2 }, FS), 1000, FS), -Math.PI / 2, 1e-9, 'LP phase');
  const ap = designBiquad({ type: 'allpass', freq: 900, gainDb: 0, q: 0.707 }, FS);
  close(Math.abs(biquadPhase(ap, 900, FS)), Math.PI, 1e-9, 'AP phase');
  for (let hz = 0; hz <= 24000; hz += 997) close(10 ** (biquadMagnitudeDb(ap, hz, FS) / 20), 1, 1e-12, `AP |H(${hz})|`);
});

test('peaking boost then cut at the same f0 and Q is flat', () => {
  const up = designBiquad({ type: 'peaking', freq: 3000, gainDb: 7.5, q: 2.2 }, 44100);
  const down = designBiquad({ type: 'peaking', freq: 3000, gainDb: -7.5, q: 2.2 }, 44100);
  for (let hz = 0; hz <= 22050; hz += 113) close(biquadMagnitudeDb(up, hz, 44100) + biquadMagnitudeDb(down, hz, 44100), 0, 1e-9, `${hz} Hz`);
});

test('section 1.4: exact gains at 20 Hz (and 1 Hz) at 768 kHz in double precision', () => {
  const R = 768000;
  for (const f of [20, 5, 1]) close(biquadMagnitudeDb(designBiquad({ type: 'peaking', freq: f, gainDb: 6, q: 1 }, R), f, R), 6, 1e-6, `PK ${f} Hz`);
  close(biquadMagnitudeDb(designBiquad({ type: 'highpass', freq: 20, gainDb: 0, q: Math.SQRT1_2 }, R), 20, R), -3.0103, 1e-4, 'HP 20 Hz');
  close(biquadMagnitudeDb(designBiquad({ type: 'lowshelf', freq: 20, gainDb: 6, q: Math.SQRT1_2 }, R), 20, R), 3, 1e-4, 'LS 20 Hz');
});

// Section 1.6: Equalizer APO corner-frequency shelves at 48 kHz.
const APO_SHELVES: [BiquadBand, number, number, number[]][] = [
  [{ type: 'lowshelf', freq: 50, gainDb: 7.2, slope: 0.5, corner: true }, 75.6781, 4.9472, [1.00421060976063, -1.98357731412439, 0.979514023660832, -1.98361882017014, 0.983683127375709]],
  [{ type: 'lowshelf', freq: 2000, gainDb: -5, slope: 1, corner: true }, 2309.5640, -3.1917, [0.940800543420115, -1.53567397586251, 0.649258574717224, -1.51451055764024, 0.611222536359606]],
  [{ type: 'highshelf', freq: 12000, gainDb: 10, slope: 0.5, corner: true }, 6748.0959, 7.9745, [2.17464507066312, -2.03953989160449, 0.451418156729584, -0.444434957826731, 0.0309582936149417]],
  [{ type: 'highshelf', freq: 500, gainDb: 5, slope: 1, corner: true }, 432.9822, 3.1834, [1.7578253480267, -3.39367794878204, 1.63994475712631, -1.90750987112014, 0.911602027491114]],
  [{ type: 'lowshelf', freq: 300, gainDb: 5 }, 300, 2.5, [1.00847961596148, -1.94890020933473, 0.942426055213659, -1.94933906322046, 0.950466817289416]],
  [{ type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7, corner: true }, 126.6826, 4.2851, [1.0043968882216, -1.98019756704112, 0.97619427695824, -1.98030017215375, 0.980488560067219]],
  [{ type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7 }, 105, 3.2, [1.0036431623546, -1.98360066871505, 0.980228352988616, -1.98367127435581, 0.983800909702452]],
];

for (const [band, f0, dbAtFc, k] of APO_SHELVES) {
  test(`APO shelf ${band.type} Fc ${band.freq} ${band.corner ? 'corner' : 'centre'}: f0 ${f0}, |H(Fc)| ${dbAtFc} dB`, () => {
    close(biquadF0(band), f0, 1e-4, 'biquad f0');
    const c = designBiquad(band, FS);
    [c.b0, c.b1, c.b2, c.a1, c.a2].forEach((v, i) => close(v, k[i]!, 1e-12, `coefficient ${i}`));
    close(biquadMagnitudeDb(c, band.freq, FS), dbAtFc, 1e-4, '|H(Fc)|');
  });
}

test('bad bands give typed errors: above Nyquist, two widths, all-pass without Q', () => {
  const bad: BiquadBand[] = [
    { type: 'peaking', freq: 30000, gainDb: 3, q: 1 },
    { type: 'peaking', freq: 1000, gainDb: 3, q: 1, bwOct: 1 },
    { type: 'allpass', freq: 1000, gainDb: 0 },
    { type: 'peaking', freq: -5, gainDb: 3, q: 1 },
  ];
  for (const b of bad) assert.throws(() => designBiquad(b, FS), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});
