// The codec the DR log's "Codec:" line names (issue 16 item 13): a lossy codec that decodes to
// floats (MP3, Vorbis, Opus, AAC) keeps its own name; only float PCM is "PCM (floating-point)".
// Files made by ffmpeg, opened as `auris dr` opens them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { openAnalysisSource } from '../../src/core/analysis-source.ts';

test('DR log codec label: MP3, Vorbis, Opus and AAC by name, float WAV as PCM (floating-point), 16-bit WAV as PCM', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const cases: [string, string[], string][] = [
    ['a.mp3', ['-c:a', 'libmp3lame'], 'MP3'],
    ['a.ogg', ['-c:a', 'libvorbis'], 'Vorbis'],
    ['a.opus', ['-c:a', 'libopus'], 'Opus'],
    ['a.m4a', ['-c:a', 'aac'], 'AAC'],
    ['f.wav', ['-c:a', 'pcm_f32le'], 'PCM (floating-point)'],
    ['i.wav', ['-c:a', 'pcm_s16le'], 'PCM'],
  ];
  for (const [name, args, label] of cases) {
    const file = path.join(dir, name);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=0.5', ...args, file]);
    const source = await openAnalysisSource(file);
    try {
      assert.equal(source.codec, label, name);
    } finally {
      await source.close();
    }
  }
});
