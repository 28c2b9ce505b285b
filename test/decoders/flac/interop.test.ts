// Files made here by the reference encoder (`flac`) across its settings decode to exactly what
// `flac -d` gives, to the STREAMINFO MD5, and to the samples they were made from.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, run } from '../../helpers/tools.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { decodeAll, encodeFlac, musicSignal, referenceMd5, sourceMd5, wavToMd5Layout, md5Hex } from './flac-helpers.ts';

interface Case {
  readonly name: string;
  readonly channels: number;
  readonly bits: number;
  readonly rate: number;
  readonly seconds: number;
  readonly args: string[];
  /** Full-scale antiphase second channel: the side channel needs bits + 1. */
  readonly wide?: boolean;
  /** Low bits forced to zero, so the encoder uses wasted bits. */
  readonly wastedBits?: number;
  /** Stretches of digital silence and DC, so the encoder uses constant subframes. */
  readonly constantStretches?: boolean;
}

const CASES: Case[] = [
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((level): Case => ({ name: `16-bit stereo -${level}`, channels: 2, bits: 16, rate: 44100, seconds: 0.4, args: [`-${level}`] })),
  { name: '24-bit stereo -8 exhaustive + precision search', channels: 2, bits: 24, rate: 96000, seconds: 0.2, args: ['-8', '-e', '-p'] },
  { name: '24-bit LPC order 32, precision 15 (--lax)', channels: 2, bits: 24, rate: 96000, seconds: 0.2, args: ['--lax', '-l', '32', '-q', '15', '-b', '4096'] },
  { name: '16-bit LPC order 32, precision 15 (--lax)', channels: 1, bits: 16, rate: 44100, seconds: 0.3, args: ['--lax', '-l', '32', '-q', '15'] },
  { name: '32-bit stereo -5 (--lax)', channels: 2, bits: 32, rate: 48000, seconds: 0.3, args: ['--lax', '-5'] },
  { name: '32-bit stereo, side channel needs 33 bits, -8 (--lax)', channels: 2, bits: 32, rate: 48000, seconds: 0.3, args: ['--lax', '-8'], wide: true },
  { name: '32-bit stereo, 33-bit side, mid-side forced (--lax -m)', channels: 2, bits: 32, rate: 48000, seconds: 0.2, args: ['--lax', '-m', '-l', '12'], wide: true },
  { name: '32-bit at 384 kHz with wasted bits (--lax)', channels: 2, bits: 32, rate: 384000, seconds: 0.2, args: ['--lax'], wastedBits: 8 },
  { name: '24-bit at 768 kHz (--lax)', channels: 2, bits: 24, rate: 768000, seconds: 0.25, args: ['--lax'] },
  { name: '16-bit at 1,048,575 Hz (--lax)', channels: 1, bits: 16, rate: 1048575, seconds: 0.2, args: ['--lax'] },
  { name: 'block size 16', channels: 2, bits: 16, rate: 44100, seconds: 0.2, args: ['-b', '16'] },
  { name: 'block size 192', channels: 2, bits: 16, rate: 44100, seconds: 0.3, args: ['-b', '192'] },
  { name: 'block size 4096', channels: 2, bits: 16, rate: 44100, seconds: 0.3, args: ['-b', '4096'] },
  { name: 'block size 65535 (--lax)', channels: 2, bits: 16, rate: 44100, seconds: 1.6, args: ['--lax', '-b', '65535'] },
  { name: 'block size 65535 at 24 bits, rice order 15 allowed (--lax)', channels: 1, bits: 24, rate: 96000, seconds: 0.7, args: ['--lax', '-b', '65535', '-r', '15'] },
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((channels): Case => ({ name: `${channels} channels`, channels, bits: 16, rate: 48000, seconds: 0.2, args: ['-5'] })),
  ...[4, 8, 12, 16, 20, 24, 32].map((bits): Case => ({ name: `${bits} bits`, channels: 2, bits, rate: 44100, seconds: 0.25, args: ['--lax', '-6'] })),
  { name: '24-bit with 4 wasted bits', channels: 2, bits: 24, rate: 48000, seconds: 0.2, args: ['-5'], wastedBits: 4 },
  { name: 'silence and DC stretches (constant subframes)', channels: 2, bits: 16, rate: 44100, seconds: 0.4, args: ['-5', '-b', '1024'], constantStretches: true },
  { name: 'verbatim-friendly white noise at 8 bits', channels: 1, bits: 8, rate: 8000, seconds: 0.5, args: ['-8'] },
];

function makeSignal(c: Case): Int32Array {
  const frames = Math.round(c.rate * c.seconds);
  const s = musicSignal(frames, c.channels, c.bits, c.rate, c.bits * 31 + c.channels, c.wide);
  if (c.wastedBits) {
    const step = 2 ** c.wastedBits;
    for (let i = 0; i < s.length; i++) s[i] = Math.floor(s[i]! / step) * step;
  }
  if (c.constantStretches) {
    const third = Math.floor(frames / 3) * c.channels;
    s.fill(0, 0, third);
    s.fill(1234, 2 * third, s.length);
  }
  if (c.name.startsWith('verbatim')) {
    let x = 12345;
    for (let i = 0; i < s.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; s[i] = (x >>> 24) - 128; }
  }
  return s;
}

test('FLAC interop: files made by flac decode bit-exactly', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, 'flac', 'sox')) return;
  const dir = tempDir('auris-flac-interop-');
  for (const [i, c] of CASES.entries()) {
    await t.test(c.name, async () => {
      const samples = makeSignal(c);
      const file = encodeFlac(dir, `case${i}`, samples, c.channels, c.bits, c.rate, c.args);
      const ours = await decodeAll(file);
      assert.deepEqual(ours.formats.map((f) => [f.rate, f.channels, f.validBits]), [[c.rate, c.channels, c.bits]]);
      assert.equal(ours.frames, samples.length / c.channels, 'frames decoded');
      assert.equal(ours.md5, sourceMd5(samples, c.bits), 'decoded samples equal the encoded input');
      assert.equal(ours.md5, referenceMd5(file, c.bits), 'decoded samples equal flac -d');
      assert.equal(ours.integrity.md5, 'match', 'STREAMINFO MD5 checked and equal');
      assert.equal(ours.integrity.crcErrors, 0);
    });
  }

  await t.test('signal made by sox (24-bit 96 kHz WAV), encoded by flac -8', async () => {
    const wav = path.join(dir, 'sox.wav');
    run('sox', ['-n', '-r', '96000', '-b', '24', '-c', '2', wav, 'synth', '0.5', 'pinknoise', 'sine', '997', 'vol', '0.5']);
    const file = path.join(dir, 'sox.flac');
    run('flac', ['-s', '-f', '-8', '-o', file, wav]);
    const ours = await decodeAll(file);
    const { readFileSync } = await import('node:fs');
    assert.equal(ours.md5, md5Hex(wavToMd5Layout(readFileSync(wav))), 'equal to the WAV sox wrote');
    assert.equal(ours.md5, referenceMd5(file, 24));
    assert.equal(ours.integrity.md5, 'match');
  });

  await t.test('a stream read through an ID3v2 tag before fLaC', async () => {
    const samples = musicSignal(8000, 2, 16, 44100, 7);
    const file = encodeFlac(dir, 'id3', samples, 2, 16, 44100, ['-5']);
    const { readFileSync } = await import('node:fs');
    const tag = Buffer.alloc(10 + 300);
    tag.write('ID3', 0);
    tag[3] = 4;
    tag[9] = 300 & 0x7f;
    tag[8] = 300 >> 7;
    const withTag = path.join(dir, 'id3-tagged.flac');
    writeFileSync(withTag, Buffer.concat([tag, readFileSync(file)]));
    const ours = await decodeAll(withTag);
    assert.equal(ours.md5, sourceMd5(samples, 16));
    assert.equal(ours.integrity.md5, 'match');
    assert.ok(ours.integrity.warnings.some((w) => w.includes('ID3v2')));
  });
});
