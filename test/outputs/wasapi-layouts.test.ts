import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatFormat, pcmFormat } from '../../src/audio/format.ts';
import { wasapiLayouts } from '../../src/outputs/plugins/wasapi/index.ts';

const names = (ls: { container: string; validBits: number }[]): string[] => ls.map((l) => `${l.container}/${l.validBits}`);

test('24-bit sources try 24/24, then 24-in-32, then 32/32; never the LSB-justified S24_LE', () => {
  assert.deepEqual(names(wasapiLayouts(pcmFormat(96000, 2, 24))), ['S24_3LE/24', 'S32_LE/24', 'S32_LE/32']);
  assert.deepEqual(names(wasapiLayouts(pcmFormat(96000, 2, 24), 'S32_LE')), ['S32_LE/24', 'S32_LE/32']);
  assert.deepEqual(names(wasapiLayouts(pcmFormat(96000, 2, 20))), ['S24_3LE/24', 'S32_LE/24', 'S32_LE/32']);
});

test('other depths: exact container first, then lossless widenings; float stays float', () => {
  assert.deepEqual(names(wasapiLayouts(pcmFormat(44100, 2, 16))), ['S16_LE/16', 'S24_3LE/24', 'S32_LE/24', 'S32_LE/32']);
  assert.deepEqual(names(wasapiLayouts(pcmFormat(384000, 2, 32))), ['S32_LE/32']);
  assert.deepEqual(names(wasapiLayouts(floatFormat(48000, 2, 32))), ['FLOAT_LE/32']);
  assert.deepEqual(names(wasapiLayouts(pcmFormat(44100, 2, 16), 'S24_LE')), [], 'S24_LE has no WASAPI layout');
  assert.deepEqual(names(wasapiLayouts(floatFormat(48000, 2, 64))), [], 'no float64 device layout');
});
