// Generated music trees for the library tests: FLAC files made by sox + flac and tagged by
// metaflac, MP3 by ffmpeg, covers by ffmpeg. Every file has real audio and real tags.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

const bases = new Map<string, string>();

/** A FLAC of `seconds` of a sine at `rate`, made once per shape and copied. */
function baseFlac(seconds: number, rate: number, freq: number): string {
  const key = `${seconds}/${rate}/${freq}`;
  let file = bases.get(key);
  if (!file) {
    const dir = tempDir('auris-lib-base-');
    const wav = path.join(dir, 'a.wav');
    file = path.join(dir, 'a.flac');
    run('sox', ['-n', '-r', String(rate), '-b', '16', '-c', '2', wav, 'synth', String(seconds), 'sine', String(freq), 'vol', '0.5']);
    run('flac', ['-s', '-f', wav, '-o', file]);
    bases.set(key, file);
  }
  return file;
}

export interface FlacSpec {
  readonly tags?: Record<string, string | readonly string[]>;
  readonly seconds?: number;
  readonly rate?: number;
  readonly freq?: number;
  /** A picture file to embed as the front cover. */
  readonly picture?: string;
}

/** Writes a tagged FLAC at `root/rel`; returns its path. */
export function flacAt(root: string, rel: string, spec: FlacSpec = {}): string {
  const file = path.join(root, ...rel.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(baseFlac(spec.seconds ?? 0.5, spec.rate ?? 44100, spec.freq ?? 440), file);
  const args: string[] = [];
  for (const [k, v] of Object.entries(spec.tags ?? {})) for (const one of typeof v === 'string' ? [v] : v) args.push(`--set-tag=${k}=${one}`);
  if (spec.picture) args.push(`--import-picture-from=3||||${spec.picture}`);
  if (args.length > 0) run('metaflac', [...args, file]);
  return file;
}

/** A JPEG or PNG of w x h made by ffmpeg (a test pattern). */
export function imageAt(file: string, w: number, h: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${w}x${h}:rate=1`, '-frames:v', '1', file]);
  return file;
}

/** An MP3 with ID3 tags, made by ffmpeg. */
export function mp3At(root: string, rel: string, tags: Record<string, string>): string {
  const file = path.join(root, ...rel.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  const meta = Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', ...meta, file]);
  return file;
}

export function textAt(root: string, rel: string, text: string | Uint8Array): string {
  const file = path.join(root, ...rel.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}
