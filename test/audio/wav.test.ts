import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { wavHeader, wavHeaderSize, wavDataBytes, wavTrailer } from '../../src/audio/wav.ts';
import { pcmFormat, floatFormat } from '../../src/audio/format.ts';
import { intBlock, floatBlock } from '../../src/audio/block.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

function writeWav(file: string, block: ReturnType<typeof intBlock> | ReturnType<typeof floatBlock>): void {
  const data = wavDataBytes(block);
  writeFileSync(file, Buffer.concat([wavHeader(block.format, data.length), data, wavTrailer(data.length)]));
}

test('16-bit stereo header is a plain 16-byte fmt chunk with a JUNK reservation', () => {
  const h = wavHeader(pcmFormat(44100, 2, 16), 8);
  const v = new DataView(h.buffer);
  assert.equal(Buffer.from(h.subarray(0, 4)).toString(), 'RIFF');
  assert.equal(v.getUint32(4, true), h.length - 8 + 8);
  assert.equal(Buffer.from(h.subarray(12, 16)).toString(), 'JUNK');
  assert.equal(v.getUint32(52, true), 16);
  assert.equal(v.getUint16(56, true), 1);
  assert.equal(v.getUint32(60, true), 44100);
  assert.equal(v.getUint32(64, true), 176400);
  assert.equal(h.length, wavHeaderSize(pcmFormat(44100, 2, 16)));
});

test('24-bit and 20-bit use WAVE_FORMAT_EXTENSIBLE with valid bits and the PCM GUID', () => {
  const h = wavHeader(pcmFormat(96000, 2, 20), 0);
  const v = new DataView(h.buffer);
  assert.equal(v.getUint16(56, true), 0xfffe);
  assert.equal(v.getUint16(70, true), 24);
  assert.equal(v.getUint16(74, true), 20);
  assert.equal(Buffer.from(h.subarray(80, 96)).toString('hex'), '0100000000001000800000aa00389b71');
});

test('past 4 GiB the header becomes RF64 with a ds64 chunk', () => {
  const data = 6 * 2 ** 30;
  const h = wavHeader(pcmFormat(192000, 2, 24), data);
  const v = new DataView(h.buffer);
  assert.equal(Buffer.from(h.subarray(0, 4)).toString(), 'RF64');
  assert.equal(v.getUint32(4, true), 0xffffffff);
  assert.equal(Buffer.from(h.subarray(12, 16)).toString(), 'ds64');
  assert.equal(v.getBigUint64(28, true), BigInt(data));
  assert.equal(v.getBigUint64(36, true), BigInt(data / 6));
  assert.equal(v.getUint32(h.length - 4, true), 0xffffffff);
});

test('8-bit WAV data is unsigned', () => {
  assert.deepEqual([...wavDataBytes(intBlock(pcmFormat(8000, 1, 8), Int32Array.of(-128, 0, 127)))], [0, 128, 255]);
});

test('ffmpeg reads back the exact samples of WAV files written here', (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const cases = [
    { name: 'pcm16', block: intBlock(pcmFormat(44100, 2, 16), Int32Array.from({ length: 2000 }, (_, i) => ((i * 7919) % 65536) - 32768)), raw: 's16le' },
    { name: 'pcm24x3', block: intBlock(pcmFormat(96000, 3, 24), Int32Array.from({ length: 3003 }, (_, i) => ((i * 104729) % 16777216) - 8388608)), raw: 's24le' },
    { name: 'f32', block: floatBlock(floatFormat(48000, 1, 32), Float64Array.from({ length: 1001 }, (_, i) => Math.fround(Math.sin(i) * 0.9))), raw: 'f32le' },
  ];
  for (const c of cases) {
    const file = path.join(dir, `${c.name}.wav`);
    writeWav(file, c.block);
    const back = run('ffmpeg', ['-v', 'error', '-i', file, '-f', c.raw, '-']);
    assert.deepEqual(new Uint8Array(back), wavDataBytes(c.block), c.name);
  }
});
