// The real stack the MPD tests drive: a generated library (sox + flac + metaflac, covers by
// ffmpeg), a LibraryService that scanned it, a core with the engine in-process, and the MPD
// frontend on a free loopback port. Also a small line-protocol client for in-process tests, and
// readers of what a `file:` output captured and of what libFLAC decodes (the reference).

import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { startCore, type Core } from '../../src/core/index.ts';
import { startMpdFrontend, type MpdFrontend } from '../../src/mpd/index.ts';
import { wavSamples } from '../helpers/containers.ts';
import { tempDir } from '../helpers/tmp.ts';
import { run } from '../helpers/tools.ts';
import { flacAt, imageAt } from '../library/tree.ts';

/** Tools the generated library needs. */
export const TREE_TOOLS = ['sox', 'flac', 'metaflac', 'ffmpeg'];

export interface TreeTrack {
  readonly uri: string;
  readonly tags: Record<string, string>;
}

/** The tracks of the generated library, in uri order. */
export const TREE: readonly TreeTrack[] = [
  { uri: 'Alpha Band/First Album/01 - Opening.flac', tags: { TITLE: 'Opening', ARTIST: 'Alpha Band', ALBUM: 'First Album', TRACKNUMBER: '1', DATE: '2001', GENRE: 'Rock' } },
  { uri: 'Alpha Band/First Album/02 - Second Song.flac', tags: { TITLE: 'Second Song', ARTIST: 'Alpha Band', ALBUM: 'First Album', TRACKNUMBER: '2', DATE: '2001', GENRE: 'Rock' } },
  { uri: 'Beta Singer/Quiet Record/01 - Hush.flac', tags: { TITLE: 'Hush', ARTIST: 'Beta Singer', ALBUM: 'Quiet Record', TRACKNUMBER: '1', DATE: '1999', GENRE: 'Jazz' } },
  { uri: 'Beta Singer/Quiet Record/02 - Whisper "Low".flac', tags: { TITLE: 'Whisper "Low"', ARTIST: 'Beta Singer', ALBUM: 'Quiet Record', TRACKNUMBER: '2', DATE: '1999', GENRE: 'Jazz' } },
  { uri: 'Compilations/Mix/01 - Gamma Tune.flac', tags: { TITLE: 'Gamma Tune', ARTIST: 'Gamma', ALBUMARTIST: 'Various Artists', ALBUM: 'Mix', TRACKNUMBER: '1', DATE: '2010', GENRE: 'Pop' } },
  { uri: 'Compilations/Mix/02 - Delta Tune.flac', tags: { TITLE: 'Delta Tune', ARTIST: "Delta's", ALBUMARTIST: 'Various Artists', ALBUM: 'Mix', TRACKNUMBER: '2', DATE: '2010', GENRE: 'Pop' } },
];

/** Seconds of audio per track: long enough to pause and seek in while it plays. */
export const TRACK_SECONDS = 8;

export interface LibraryTree {
  readonly root: string;
  /** The folder cover of "Alpha Band/First Album" (MPD's albumart finds it too). */
  readonly cover: string;
  /** The picture embedded in the Compilations tracks (readpicture reads it). */
  readonly embedded: string;
}

/** Writes the library under a new temporary folder. */
export function makeTree(): LibraryTree {
  const root = tempDir('auris-mpd-music-');
  const embedded = imageAt(path.join(tempDir('auris-mpd-pic-'), 'front.png'), 64, 48);
  TREE.forEach((t, i) => flacAt(root, t.uri, { tags: t.tags, seconds: TRACK_SECONDS, freq: 330 + 110 * i, picture: t.uri.startsWith('Compilations/') ? embedded : undefined }));
  const cover = imageAt(path.join(root, 'Alpha Band', 'First Album', 'cover.jpg'), 320, 240);
  return { root, cover, embedded };
}

export interface Stack {
  readonly core: Core;
  /** The core's library. */
  readonly service: NonNullable<Core['library']>;
  readonly frontend: MpdFrontend;
  readonly port: number;
  close(): Promise<void>;
}

/** Core + library + frontend on 127.0.0.1:<free port>. `output`: 'null' plays at real time. */
export async function startStack(tree: LibraryTree, options: { output?: string; password?: string } = {}): Promise<Stack> {
  const dataDir = tempDir('auris-mpd-data-');
  const core = await startCore({
    settingsFile: path.join(dataDir, 'settings.json'),
    settings: { output: { name: options.output ?? 'null', mode: 'exclusive', bufferMs: 100 } },
    engine: 'in-process',
    dataDir,
    library: true,
  });
  const service = core.library!;
  const root = await service.addRoot(tree.root);
  await service.scan({ rootId: root.id });
  const frontend = await startMpdFrontend(core, { host: '127.0.0.1', port: 0, password: options.password });
  return {
    core,
    service,
    frontend,
    port: frontend.port,
    async close() {
      await frontend.close();
      await core.close();
    },
  };
}

export interface Reply {
  /** Lines before the completion line. */
  readonly lines: string[];
  /** 'OK', or the ACK line. */
  readonly end: string;
  /** Binary chunks, in order. */
  readonly binary: Buffer[];
}

/** A bare MPD client over TCP: send a line, read the reply up to OK or ACK (binary chunks included). */
export class LineClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  greeting = '';

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<LineClient> {
    const socket = connect(port, '127.0.0.1');
    const c = new LineClient(socket);
    c.greeting = await c.line();
    return c;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  private async need(n: number): Promise<void> {
    while (this.buf.length < n) {
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** The next line (without its newline). */
  async line(): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        const s = this.buf.toString('utf8', 0, nl);
        this.buf = this.buf.subarray(nl + 1);
        return s;
      }
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Everything the server sent until it closed the connection. */
  async rest(): Promise<string> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
    const s = this.buf.toString('utf8');
    this.buf = Buffer.alloc(0);
    return s;
  }

  send(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /** Reads one reply (until OK, list end or ACK). */
  async reply(): Promise<Reply> {
    const lines: string[] = [];
    const binary: Buffer[] = [];
    for (;;) {
      const l = await this.line();
      if (l === 'OK' || l.startsWith('ACK ')) return { lines, end: l, binary };
      const m = /^binary: (\d+)$/.exec(l);
      if (m) {
        const n = Number(m[1]);
        await this.need(n + 1);
        binary.push(Buffer.from(this.buf.subarray(0, n)));
        this.buf = this.buf.subarray(n + 1);
      }
      lines.push(l);
    }
  }

  async cmd(line: string): Promise<Reply> {
    this.send(`${line}\n`);
    return this.reply();
  }

  /** `cmd`, expecting OK; returns the lines. */
  async ok(line: string): Promise<string[]> {
    const r = await this.cmd(line);
    if (r.end !== 'OK') throw new Error(`${line}: ${r.end}`);
    return r.lines;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** `key: value` lines as pairs. */
export function pairs(lines: readonly string[]): [string, string][] {
  return lines.map((l) => {
    const i = l.indexOf(': ');
    return [l.slice(0, i), l.slice(i + 2)];
  });
}

export function field(lines: readonly string[], key: string): string | undefined {
  return pairs(lines).find(([k]) => k === key)?.[1];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true (or fails after `ms`). */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Each command's reply on one new connection, as its lines and then its end line (for comparing two servers). */
export async function answersOf(port: number, commands: readonly string[]): Promise<string[][]> {
  const c = await LineClient.open(port);
  const all: string[][] = [];
  for (const cmd of commands) {
    const r = await c.cmd(cmd);
    all.push([...r.lines, r.end]);
  }
  c.close();
  return all;
}

/** A PCM WAV's format and samples as integers (little-endian, signed, valid bits right-justified). */
export function readWav(file: string): { bits: number; channels: number; samples: Int32Array } {
  const { bits, channels, samples } = wavSamples(file);
  return { bits, channels, samples };
}

/** Frames [skip, until) of a 16-bit FLAC (all of it by default) as libFLAC's own `flac -d` decodes them. */
export function flacSamples(file: string, skip = 0, until: number | null = null): Int32Array {
  const out = path.join(tempDir('auris-flac-ref-'), 'ref.raw');
  run('flac', ['-d', '-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', `--skip=${skip}`, ...(until === null ? [] : [`--until=${until}`]), '-o', out, file]);
  const raw = readFileSync(out);
  return Int32Array.from(new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2));
}
