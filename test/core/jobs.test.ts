// The job service's worker pool: workers start from the TypeScript sources, results equal an
// in-process run, errors keep their code, and a closed service refuses work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JobService, workerUrl } from '../../src/core/jobs.ts';
import { filesNamedBy } from '../../src/cli/analysis/workers.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { tempDir } from '../helpers/tmp.ts';
import { analyseFile, toChannels, writeWav } from '../analysis/files.ts';
import { pinkNoise, quantise } from '../analysis/plugins/authenticity/signals.ts';
import type { DrResult } from '../../src/analysis/plugins/dr/meter.ts';

test('the worker file sits next to the pool with the same extension', () => {
  assert.ok(workerUrl().pathname.endsWith('/src/core/job-worker.ts'));
});

test('a pool of 2 analyses 4 files like an in-process run and keeps error codes', async () => {
  const dir = tempDir();
  const files = [0, 1, 2, 3].map((i) => {
    const f = path.join(dir, `t${i}.wav`);
    writeWav(f, 44100, 2, 16, quantise(toChannels(pinkNoise(44100 * 2, 0.5 / (i + 1), 40 + i), 2), 16));
    return f;
  });
  const pool = new JobService({ size: 2 });
  try {
    const results = await Promise.all(files.map((f) => pool.analyse(f, [{ name: 'dr' }, { name: 'loudness' }])));
    for (const [i, f] of files.entries()) {
      const local = await analyseFile(f, [{ name: 'dr' }, { name: 'loudness' }]);
      assert.equal((results[i]!.results.dr as DrResult).dr, (local.results.dr as DrResult).dr);
      assert.deepEqual(results[i]!.results.loudness, local.results.loudness);
      assert.equal(results[i]!.frames, 88200);
      assert.equal(results[i]!.codec, 'PCM');
    }
    await assert.rejects(pool.analyse(path.join(dir, 'missing.wav'), [{ name: 'dr' }]), (e) => isAurisError(e, 'E_NOT_FOUND'));
    await assert.rejects(pool.analyse(files[0]!, [{ name: 'nope' }]), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.analyse(files[0]!, [{ name: 'dr' }]), (e) => isAurisError(e, 'E_STATE'));
});

test('a damaged file: the job rejects with its damage by default (the library, the downloads), or measures what decodes when asked (the command line)', async () => {
  const dir = tempDir();
  const whole = path.join(dir, 'whole.wav');
  writeWav(whole, 44100, 2, 16, quantise(toChannels(pinkNoise(44100, 0.3, 7), 2), 16));
  const cut = path.join(dir, 'cut.wav');
  const bytes = readFileSync(whole);
  writeFileSync(cut, bytes.subarray(0, bytes.length - 4 * 11025)); // the header still states 44100 frames
  const pool = new JobService({ size: 1 });
  try {
    await assert.rejects(pool.analyse(cut, [{ name: 'dr' }]), (e) => isAurisError(e, 'E_TRUNCATED') && /cut\.wav/.test(e.message));
    const measured = await pool.analyse(cut, [{ name: 'dr' }], undefined, { damaged: 'measure' });
    assert.equal(measured.frames, 44100 - 11025);
    assert.equal(measured.damaged?.code, 'E_TRUNCATED');
    assert.equal((await pool.analyse(whole, [{ name: 'dr' }])).damaged, null);
  } finally {
    await pool.close();
  }
});

test('a warmed pool starts its workers before any job, then analyses as usual', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'w.wav');
  writeWav(file, 48000, 2, 24, quantise(toChannels(pinkNoise(48000, 0.3, 7), 2), 24));
  const pool = new JobService({ size: 2 });
  try {
    assert.equal(pool.started, 0);
    pool.warm();
    assert.equal(pool.started, 2);
    pool.warm();
    assert.equal(pool.started, 2, 'warming twice starts no more');
    const r = await pool.analyse(file, [{ name: 'dr' }]);
    assert.equal((r.results.dr as DrResult).dr, ((await analyseFile(file, [{ name: 'dr' }])).results.dr as DrResult).dr);
    assert.equal(pool.started, 2);
  } finally {
    await pool.close();
  }
  pool.warm();
  assert.equal(pool.started, 0, 'a closed pool starts nothing');
});

test('with useCallingThread the caller is one of the pool: one worker fewer, same results and error codes', async () => {
  const dir = tempDir();
  const files = [0, 1, 2].map((i) => {
    const f = path.join(dir, `c${i}.wav`);
    writeWav(f, 44100, 2, 16, quantise(toChannels(pinkNoise(44100, 0.4 / (i + 1), 50 + i), 2), 16));
    return f;
  });
  const pool = new JobService({ size: 2, useCallingThread: true });
  try {
    pool.warm();
    assert.equal(pool.started, 1, 'the calling thread takes the second share');
    const results = await Promise.all(files.map((f) => pool.analyse(f, [{ name: 'dr' }])));
    for (const [i, f] of files.entries()) {
      assert.deepEqual(results[i]!.results.dr, (await analyseFile(f, [{ name: 'dr' }])).results.dr);
    }
    await assert.rejects(pool.analyse(path.join(dir, 'missing.wav'), [{ name: 'dr' }]), (e) => isAurisError(e, 'E_NOT_FOUND'));
    await assert.rejects(pool.analyse(files[0]!, [{ name: 'nope' }]), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  } finally {
    await pool.close();
  }
  const alone = new JobService({ size: 1, useCallingThread: true });
  try {
    alone.warm();
    const r = await alone.analyse(files[1]!, [{ name: 'dr' }]);
    assert.equal(alone.started, 0, 'one share: no worker at all');
    assert.equal(r.frames, 44100);
  } finally {
    await alone.close();
  }
});

test('a pool warmed with fewer workers starts the others when jobs run at once', async () => {
  const dir = tempDir();
  const files = [0, 1].map((i) => {
    const f = path.join(dir, `p${i}.wav`);
    writeWav(f, 48000, 2, 16, quantise(toChannels(pinkNoise(24000, 0.3, 20 + i), 2), 16));
    return f;
  });
  const pool = new JobService({ size: 2 });
  try {
    pool.warm(1);
    assert.equal(pool.started, 1);
    pool.warm(5);
    assert.equal(pool.started, 2, 'never more than the pool size');
    const calling = new JobService({ size: 2, useCallingThread: true });
    calling.warm(1);
    assert.equal(calling.started, 0, 'the calling thread takes the one job');
    await calling.close();
    await pool.close();
    const again = new JobService({ size: 2 });
    try {
      again.warm(1);
      const results = await Promise.all(files.map((f) => again.analyse(f, [{ name: 'dr' }])));
      assert.equal(again.started, 2, 'the second job started the second worker');
      for (const [i, f] of files.entries()) assert.equal((results[i]!.results.dr as DrResult).dr, ((await analyseFile(f, [{ name: 'dr' }])).results.dr as DrResult).dr);
    } finally {
      await again.close();
    }
  } finally {
    await pool.close();
  }
});

test('a finishing pool completes the jobs given, takes no more, and stops each worker once it has none left', async () => {
  const dir = tempDir();
  const files = [0, 1, 2].map((i) => {
    const f = path.join(dir, `f${i}.wav`);
    writeWav(f, 48000, 2, 16, quantise(toChannels(pinkNoise(24000 * (i + 1), 0.3, 40 + i), 2), 16));
    return f;
  });
  const pool = new JobService({ size: 2 });
  const jobs = files.map((f) => pool.analyse(f, [{ name: 'dr' }]));
  assert.equal(pool.started, 2);
  const finished = pool.finish();
  await assert.rejects(pool.analyse(files[0]!, [{ name: 'dr' }]), (e) => isAurisError(e, 'E_STATE'));
  const results = await Promise.all(jobs);
  for (const [i, f] of files.entries()) assert.equal((results[i]!.results.dr as DrResult).dr, ((await analyseFile(f, [{ name: 'dr' }])).results.dr as DrResult).dr);
  await finished;
  assert.equal(pool.started, 0, 'every worker stopped');
  await pool.close();

  // A warmed worker with nothing to do stops at once.
  const idle = new JobService({ size: 2 });
  idle.warm();
  const one = idle.analyse(files[0]!, [{ name: 'dr' }]);
  const done = idle.finish();
  assert.equal(idle.started, 1, 'the idle worker stopped when the pool began to finish');
  assert.ok(((await one).results.dr as DrResult).dr > 0);
  await done;
  assert.equal(idle.started, 0);

  // With the calling thread in the pool, a finishing pool still runs its queue there.
  for (const size of [1, 2]) {
    const calling = new JobService({ size, useCallingThread: true });
    const given = files.map((f) => calling.analyse(f, [{ name: 'dr' }]));
    const end = calling.finish();
    const got = await Promise.all(given);
    for (const [i, r] of got.entries()) assert.equal((r.results.dr as DrResult).dr, (results[i]!.results.dr as DrResult).dr, `size ${size}`);
    await end;
    assert.equal(calling.started, 0);
  }
});

test('the analysis commands count the files their words name before parsing them', () => {
  const dir = tempDir();
  const files = [0, 1, 2].map((i) => {
    const f = path.join(dir, `n${i}.wav`);
    writeWav(f, 8000, 1, 16, quantise(toChannels(pinkNoise(800, 0.3, 30 + i), 1), 16));
    return f;
  });
  assert.equal(filesNamedBy([files[0]!]), 1);
  assert.equal(filesNamedBy(['--json', ...files]), 3);
  // An option's value that names nothing (or an option) is no file; one that names a file only counts more.
  assert.equal(filesNamedBy(['--variant', '1.0.8', '--log', path.join(dir, 'new.txt'), files[1]!]), 1);
  assert.equal(filesNamedBy([files[0]!, dir]), null, 'a folder holds any number of files');
  assert.equal(filesNamedBy([]), 0);
});

/** `count` short WAV files in a new folder. */
function wavFiles(count: number, prefix: string): string[] {
  const dir = tempDir();
  return Array.from({ length: count }, (_, i) => {
    const f = path.join(dir, `${prefix}${i}.wav`);
    writeWav(f, 48000, 2, 16, quantise(toChannels(pinkNoise(12000 * (i + 1), 0.3, 60 + i), 2), 16));
    return f;
  });
}

test('verify runs on the same workers as analysis; a failure is a result with its code', async () => {
  const [good] = wavFiles(1, 'v');
  const service = new JobService({ size: 2 });
  try {
    const [ok, missing, analysis] = await Promise.all([
      service.verify(good!),
      service.verify(path.join(path.dirname(good!), 'missing.wav')),
      service.analyse(good!, [{ name: 'dr' }]),
    ]);
    assert.equal(ok.ok, true);
    assert.equal(ok.frames, 12000);
    assert.equal(ok.codec, 'PCM');
    assert.equal(ok.error, null);
    assert.equal(missing.ok, false);
    assert.equal(missing.error?.code, 'E_NOT_FOUND');
    assert.equal(analysis.frames, 12000);
    assert.ok(service.started <= 2, 'one pool for both kinds');
  } finally {
    await service.close();
  }
  await assert.rejects(service.verify(good!), (e) => isAurisError(e, 'E_STATE'));
});

test('normal jobs go before low ones, and low ones run one at a time', async () => {
  const files = wavFiles(4, 'o');
  const two = new JobService({ size: 2 });
  try {
    const lows = [two.analyse(files[0]!, [{ name: 'dr' }], undefined, { priority: 'low' }), two.analyse(files[1]!, [{ name: 'dr' }], undefined, { priority: 'low' })];
    assert.equal(two.started, 1, 'a second low job waits for the first: one worker');
    const normal = two.analyse(files[2]!, [{ name: 'dr' }]);
    assert.equal(two.started, 2, 'a normal job takes the second worker at once');
    await Promise.all([...lows, normal]);
  } finally {
    await two.close();
  }
  // One thread: the jobs run one by one, normal ones first whenever one is waiting.
  const one = new JobService({ size: 1 });
  try {
    const order: string[] = [];
    const job = (f: string, priority: 'normal' | 'low', name: string) =>
      one.analyse(f, [{ name: 'dr' }], undefined, { priority }).then(() => order.push(name));
    const all = [job(files[0]!, 'low', 'low0'), job(files[1]!, 'low', 'low1'), job(files[2]!, 'normal', 'normal0'), job(files[3]!, 'normal', 'normal1')];
    await Promise.all(all);
    assert.deepEqual(order, ['low0', 'normal0', 'normal1', 'low1']);
  } finally {
    await one.close();
  }
});

test('while the engine plays the service runs one job at a time', async () => {
  const files = wavFiles(3, 'b');
  let playing = true;
  const service = new JobService({ size: 3, busy: () => playing });
  try {
    const jobs = files.map((f) => service.analyse(f, [{ name: 'dr' }]));
    assert.equal(service.started, 1);
    assert.equal(service.pending, 3);
    const first = await jobs[0]!;
    assert.equal(first.frames, 12000);
    playing = false; // the next dispatch (a job's end) may use every worker again
    const rest = await Promise.all(jobs.slice(1));
    assert.deepEqual(rest.map((r) => r.frames), [24000, 36000]);
  } finally {
    await service.close();
  }
});

test('a cancelled job that has not started is dropped with E_STATE; the running one ends normally', async () => {
  const files = wavFiles(2, 'c');
  const service = new JobService({ size: 1 });
  try {
    const abort = new AbortController();
    const running = service.analyse(files[0]!, [{ name: 'dr' }]);
    const waiting = service.analyse(files[1]!, [{ name: 'dr' }], undefined, { signal: abort.signal });
    abort.abort();
    await assert.rejects(waiting, (e) => isAurisError(e, 'E_STATE') && e.details.cancelled === true);
    assert.equal((await running).frames, 12000);
    await assert.rejects(service.verify(files[1]!, { signal: abort.signal }), (e) => isAurisError(e, 'E_STATE'));
  } finally {
    await service.close();
  }
});

test('a long-lived service stops a worker that has been idle for idleStopMs', async () => {
  const [file] = wavFiles(1, 'i');
  const service = new JobService({ size: 1, idleStopMs: 20 });
  try {
    await service.analyse(file!, [{ name: 'dr' }]);
    assert.equal(service.started, 1);
    for (let i = 0; i < 200 && service.started > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(service.started, 0, 'the idle worker stopped');
    assert.equal((await service.analyse(file!, [{ name: 'dr' }])).frames, 12000, 'a new job starts a new worker');
  } finally {
    await service.close();
  }
});
