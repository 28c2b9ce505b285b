// MPD protocol: Auris's frontend against Debian's real MPD 0.23 on the same 10,000-track library,
// both in their own process on loopback, measured by the same client: command round trip (ping,
// status), `listallinfo` of the whole library, and idle wake-up latency (one client's setvol to
// another client's `changed: mixer`). Prints one markdown section (bench/run.ts collects it).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRealMpd } from '../test/mpd/real-mpd.ts';

const repo = path.resolve(import.meta.dirname, '..');
const data = path.join(repo, 'bench', 'data', 'mpd');
const music = path.join(data, 'music-10k');
const FOLDERS = 100;
const PER_FOLDER = 100;
const TRACKS = FOLDERS * PER_FOLDER;

for (const tool of ['flac', 'sox', 'metaflac', 'mpd', 'mpc']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    process.stdout.write(`## MPD protocol vs MPD (bench/mpd.bench.ts)\n\nSkipped: ${tool} is not installed.\n`);
    process.exit(0);
  }
}

function must(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

// The library: 100 albums x 100 tracks of 0.2 s, tagged, copied from one file per album.
if (!existsSync(music) || readdirSync(music).length !== FOLDERS) {
  rmSync(music, { recursive: true, force: true });
  mkdirSync(music, { recursive: true });
  const wav = path.join(data, 'base.wav');
  must('sox', ['-n', '-r', '44100', '-b', '16', '-c', '2', wav, 'synth', '0.2', 'sine', '440']);
  for (let a = 0; a < FOLDERS; a++) {
    const dir = path.join(music, `Artist ${a % 20}`, `Album ${a}`);
    mkdirSync(dir, { recursive: true });
    const base = path.join(data, `album-${a}.flac`);
    must('flac', ['-s', '-f', '-o', base, wav]);
    must('metaflac', [`--set-tag=ARTIST=Artist ${a % 20}`, `--set-tag=ALBUM=Album ${a}`, '--set-tag=DATE=2000', '--set-tag=GENRE=Bench', '--set-tag=TITLE=Track', base]);
    for (let t = 0; t < PER_FOLDER; t++) copyFileSync(base, path.join(dir, `${String(t + 1).padStart(3, '0')} - Track.flac`));
    rmSync(base);
  }
  rmSync(wav);
}

/** A bare client: send a line, resolve with the bytes up to the final OK/ACK. */
class Client {
  private buf: Buffer = Buffer.alloc(0);
  private wait: (() => void) | null = null;
  private constructor(private readonly s: Socket) {
    s.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.wait?.();
    });
  }
  static async open(port: number): Promise<Client> {
    const c = new Client(connect(port, '127.0.0.1'));
    await c.until((b) => b.indexOf(0x0a) >= 0);
    c.buf = Buffer.alloc(0);
    return c;
  }
  /** Resolves when `done(buffer)` is true; returns the buffer and clears it. */
  async until(done: (b: Buffer) => boolean): Promise<Buffer> {
    while (!done(this.buf)) await new Promise<void>((r) => (this.wait = r));
    this.wait = null;
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }
  send(line: string): void {
    this.s.write(`${line}\n`);
  }
  async cmd(line: string): Promise<Buffer> {
    this.send(line);
    return this.until(endsReply);
  }
  close(): void {
    this.s.destroy();
  }
}

function endsReply(b: Buffer): boolean {
  if (b.length < 3) return false;
  const tail = b.subarray(Math.max(0, b.length - 512)).toString('latin1');
  return tail.endsWith('\nOK\n') || tail === 'OK\n' || /(^|\n)ACK [^\n]*\n$/.test(tail);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (ns: bigint): number => Number(ns) / 1e6;

interface Result {
  pingUs: number;
  statusUs: number;
  listMs: number;
  listBytes: number;
  listRecords: number;
  idleMs: number;
  idleQueueMs: number;
}

async function measure(port: number): Promise<Result> {
  const c = await Client.open(port);
  const rt = async (line: string, n: number): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      await c.cmd(line);
      xs.push(ms(process.hrtime.bigint() - t0) * 1000);
    }
    return median(xs);
  };
  await rt('ping', 200);
  const pingUs = await rt('ping', 2000);
  const statusUs = await rt('status', 2000);
  let listMs = Infinity;
  let listBytes = 0;
  let listRecords = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    const b = await c.cmd('listallinfo');
    listMs = Math.min(listMs, ms(process.hrtime.bigint() - t0));
    listBytes = b.length;
    listRecords = (b.toString('utf8').match(/^file: /gm) ?? []).length;
  }
  const waiter = await Client.open(port);
  const idle: number[] = [];
  for (let i = 0; i < 40; i++) {
    waiter.send('idle mixer');
    await new Promise((r) => setTimeout(r, 20));
    const t0 = process.hrtime.bigint();
    const woke = waiter.until(endsReply);
    c.send(`setvol ${i % 2 === 0 ? 50 : 60}`);
    await woke;
    idle.push(ms(process.hrtime.bigint() - t0));
    await c.until(endsReply);
  }
  // A queue change (nothing persisted): addid then deleteid, each waking `idle playlist`.
  const idleQueue: number[] = [];
  let id = '';
  for (let i = 0; i < 40; i++) {
    waiter.send('idle playlist');
    await new Promise((r) => setTimeout(r, 20));
    const t0 = process.hrtime.bigint();
    const woke = waiter.until(endsReply);
    c.send(i % 2 === 0 ? 'addid "Artist 0/Album 0/001 - Track.flac"' : `deleteid ${id}`);
    await woke;
    idleQueue.push(ms(process.hrtime.bigint() - t0));
    const reply = (await c.until(endsReply)).toString('utf8');
    if (i % 2 === 0) id = /Id: (\d+)/.exec(reply)?.[1] ?? '';
  }
  waiter.close();
  c.close();
  return { pingUs, statusUs, listMs, listBytes, listRecords, idleMs: median(idle), idleQueueMs: median(idleQueue) };
}

async function auris(): Promise<{ port: number; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'auris-mpd-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'mpd-child.ts'), music, dir], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`mpd-child exited ${code}`)));
  });
  return { port, child, dir };
}

const real = await startRealMpd(music);
const ref = await measure(real.port);
await real.close();
const ours = await auris();
const got = await measure(ours.port);
ours.child.kill('SIGTERM');
await new Promise((r) => ours.child.once('exit', r));
rmSync(ours.dir, { recursive: true, force: true });

const row = (what: string, a: number, b: number, unit: string, digits = 0): string => `| ${what} | ${a.toFixed(digits)} ${unit} | ${b.toFixed(digits)} ${unit} | **${(a / b).toFixed(2)}** |`;
process.stdout.write([
  '## MPD protocol vs MPD (bench/mpd.bench.ts)',
  '',
  `Library: ${TRACKS} tagged FLAC files (100 albums × 100 tracks, generated in bench/data/mpd). Auris (its core, library and MPD`,
  'frontend in one process, engine in a worker, null output) and Debian\'s MPD 0.23 (null output, software mixer) each in their own',
  'process on loopback, measured one after the other by the same client. Round trips: median of 2000; listallinfo: best of 3,',
  'from sending the command to the final OK; idle: median of 40, from one client sending `setvol` to another client receiving',
  '`changed: mixer`. Ratio = Auris / MPD (lower is better).',
  '',
  '| measure | Auris | MPD 0.23 | ratio |',
  '|---|---|---|---|',
  row('round trip `ping`', got.pingUs, ref.pingUs, 'µs'),
  row('round trip `status`', got.statusUs, ref.statusUs, 'µs'),
  row(`\`listallinfo\` (${got.listRecords} / ${ref.listRecords} songs, ${(got.listBytes / 2 ** 20).toFixed(1)} / ${(ref.listBytes / 2 ** 20).toFixed(1)} MiB)`, got.listMs, ref.listMs, 'ms'),
  row('idle wake-up (`setvol` -> `changed: mixer`)', got.idleMs, ref.idleMs, 'ms', 2),
  row('idle wake-up (`addid`/`deleteid` -> `changed: playlist`)', got.idleQueueMs, ref.idleQueueMs, 'ms', 2),
  '',
].join('\n'));
