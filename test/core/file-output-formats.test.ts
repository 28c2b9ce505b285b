// Issue 16 #6: the `file:` output through the core with a queue of two formats. A WAV holds one
// format, so the second format goes into a numbered file beside the first; nothing is replaced,
// and each track's signal path names the file it went into.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chunk, intBytesLE, riffWave, wavFmt } from '../helpers/containers.ts';
import { isEnd, nextEvent, ofType, testCore } from '../helpers/core.ts';
import { noise } from '../helpers/signals.ts';
import { tempDir } from '../helpers/tmp.ts';
import { wavHeaderSize } from '../../src/audio/wav.ts';
import { pcmFormat } from '../../src/audio/format.ts';
import { packInt } from '../../src/audio/pack.ts';

const dir = tempDir('auris-file-formats-');

function wav(name: string, rate: number, bits: 16 | 24, seconds: number, seed: number): { file: string; samples: Int32Array } {
  const samples = noise(Math.round(rate * seconds), 2, bits, seed);
  const file = path.join(dir, `${name}.wav`);
  writeFileSync(file, riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate, containerBits: bits })), chunk('data', intBytesLE(samples, bits / 8))]));
  return { file, samples };
}

/** The sample bytes of a WAV the file output wrote. */
const dataOf = (file: string, rate: number, bits: 16 | 24): Buffer => readFileSync(file).subarray(wavHeaderSize(pcmFormat(rate, 2, bits)));

test('a queue of two formats into file: writes out.wav and out-2.wav, each exact, and the signal paths name them', async () => {
  const first = wav('cd', 44100, 16, 0.3, 1);
  const second = wav('hires', 48000, 24, 0.25, 2);
  const third = wav('cd-again', 44100, 16, 0.2, 3);
  const out = path.join(dir, 'out.wav');
  const { core, events } = await testCore({ output: `file:${out}` });
  try {
    await core.queue.add([first.file, second.file, third.file]);
    const ended = nextEvent(core, events, isEnd);
    await core.player.play();
    await ended;
  } finally {
    await core.close();
  }
  const out2 = path.join(dir, 'out-2.wav');
  const out3 = path.join(dir, 'out-3.wav');
  assert.ok(existsSync(out2) && existsSync(out3), 'one file per format change');
  assert.ok(dataOf(out, 44100, 16).equals(packInt(first.samples, 16, 'S16_LE')), 'out.wav keeps the first track, exact');
  assert.ok(dataOf(out2, 48000, 24).equals(packInt(second.samples, 24, 'S24_3LE')), 'out-2.wav holds the second track, exact');
  assert.ok(dataOf(out3, 44100, 16).equals(packInt(third.samples, 16, 'S16_LE')), 'out-3.wav holds the third track, exact');
  const ends = ofType(events, 'track-end');
  assert.equal(ends.length, 3);
  const fileOf = (i: number) => ends[i]!.signalPath.stages.find((s) => s.kind === 'output')!.name;
  assert.deepEqual([fileOf(0), fileOf(1), fileOf(2)], [`WAV file ${out}`, `WAV file ${out2}`, `WAV file ${out3}`]);
  assert.ok(ends.every((e) => e.completed && e.proof.verified));
});
