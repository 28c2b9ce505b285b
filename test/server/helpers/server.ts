// A server over a core for the server tests, with a library root holding short real WAV files.
// The one place that makes the core, so switching to the real core touches one function.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AurisCore } from '../../../src/core/api.ts';
import { buildServer, type ServerOptions } from '../../../src/server/app.ts';
import { chunk, intBytesLE, riffWave, wavFmt } from '../../helpers/containers.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { InterimCore } from './interim-core.ts';

/** A 16-bit stereo 44.1 kHz WAV of `frames` frames of a tone (its frequency set by `seed`). */
export function writeWav(file: string, frames = 4410, seed = 1): void {
  const samples = Int32Array.from({ length: frames * 2 }, (_, i) => Math.round(12000 * Math.sin((2 * Math.PI * 110 * seed * (i >> 1)) / 44100)));
  writeFileSync(file, riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate: 44100, containerBits: 16 })), chunk('data', intBytesLE(samples, 2))]));
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly core: AurisCore;
  /** The library root, holding a/1.wav, a/2.wav, a/3.wav. */
  readonly root: string;
  readonly tracks: readonly string[];
  close(): Promise<void>;
}

export async function openTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const root = tempDir('auris-server-root-');
  mkdirSync(path.join(root, 'a'));
  const tracks = [1, 2, 3].map((n) => path.join(root, 'a', `${n}.wav`));
  tracks.forEach((t, i) => writeWav(t, 4410, i + 1));
  const core = new InterimCore({ library: { roots: [root] }, output: { name: 'null:unpaced' } });
  const app = await buildServer(core, { webRoot: null, ...options });
  await app.ready();
  return {
    app, core, root, tracks,
    async close() {
      await app.close();
      await core.close();
    },
  };
}
