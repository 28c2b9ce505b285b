// One client connection, as MPD 0.23 runs it (src/client/Process.cxx, Read.cxx, Idle.cxx):
// greeting, one line per command, command lists, idle/noidle, ACK lines, and MPD's limits. A line
// that does not start with a lower-case letter, a partial line past 16 KiB, a command list past
// 2 MiB, or anything but `noidle` during idle closes the connection, as MPD does. Commands run one
// at a time; while one runs the socket is not read, and after one whose output filled the socket
// the next waits for it to drain, so a client that does not read slows only itself.

import type { Socket } from 'node:net';
import type { ChangeWatcher } from '../core/api.ts';
import { ACK, MpdError, ackLine, toMpdError } from './ack.ts';
import { ALL_PERMISSIONS, PERMISSION, makeContext, type ClientState, type CommandOutcome, type CommandSpec, type FrontendState } from './context.ts';
import { bitsOfFlags, changedLines, flagsOfBits } from './idle.ts';
import { Response, type ResponseSink } from './response.ts';
import { ANNOUNCED_TAGS } from './tags.ts';
import { TokenizeError, tokenize } from './tokenizer.ts';

/** The protocol version Debian's MPD 0.23.12 announces (checked against the real `mpd`). */
export const PROTOCOL_VERSION = '0.23.5';
/** MPD's input buffer: a line and its newline must fit in 16 KiB. */
export const MAX_LINE_BYTES = 16384;
/** MPD's default max_command_list_size. */
export const MAX_COMMAND_LIST_BYTES = 2048 * 1024;
/** MPD's default connection_timeout (not applied while idle). */
export const CLIENT_TIMEOUT_MS = 60_000;
/** Bytes a response may queue on its socket before its handler waits for the client to read (MPD allows 8 MiB). */
export const OUTPUT_BUFFER_BYTES = 1024 * 1024;
/** How long a response may wait for a client that does not read before the connection is dropped. */
export const DRAIN_DEADLINE_MS = 60_000;

type LineResult = 'ok' | 'error' | 'close' | 'finish' | 'idle';

export class MpdConnection {
  private input: Buffer = Buffer.alloc(0);
  private busy = false;
  private closed = false;
  private list: { ok: boolean; lines: string[]; bytes: number } | null = null;
  private idle: { bits: number; abort: AbortController; woken: boolean } | null = null;
  private localBits = 0;
  private readonly watcher: ChangeWatcher;
  private readonly client: ClientState;
  private readonly sink: ResponseSink;

  constructor(
    private readonly socket: Socket,
    private readonly frontend: FrontendState,
    private readonly commands: ReadonlyMap<string, CommandSpec>,
    private readonly onClose: () => void,
  ) {
    this.watcher = frontend.core.watchChanges();
    this.client = {
      permission: frontend.password === '' ? ALL_PERMISSIONS : PERMISSION.NONE,
      tagMask: new Set(ANNOUNCED_TAGS),
      binaryLimit: 8192,
    };
    this.sink = {
      // Node's socket asks to wait past 16 KiB; a response may run ahead to OUTPUT_BUFFER_BYTES
      // before its handler waits, so a large listing is not a round trip per chunk.
      write: (chunk) => {
        if (this.closed) return false;
        socket.write(chunk);
        return socket.writableLength < OUTPUT_BUFFER_BYTES;
      },
      drained: () => this.drained(),
      get closed() {
        return socket.destroyed || !socket.writable;
      },
    };
    socket.setNoDelay(true);
    socket.setTimeout(CLIENT_TIMEOUT_MS, () => {
      if (!this.idle) this.close();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.write(`OK MPD ${PROTOCOL_VERSION}\n`);
  }

  /** Ends the connection (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.idle?.abort.abort();
    this.watcher.close();
    this.socket.destroy();
    this.onClose();
  }

  private drained(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    if (this.socket.writableLength === 0 || this.socket.writableNeedDrain !== true) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
        if (ok) resolve();
        else reject(new Error('connection closed'));
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      const timer = setTimeout(() => {
        done(false);
        this.close();
      }, DRAIN_DEADLINE_MS);
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    this.pump();
  }

  /** Runs the complete lines in the input, one at a time. */
  private pump(): void {
    while (!this.busy && !this.closed) {
      const nl = this.input.indexOf(0x0a);
      if (nl < 0) {
        if (this.input.length >= MAX_LINE_BYTES) this.close();
        return;
      }
      if (nl + 1 > MAX_LINE_BYTES) {
        this.close();
        return;
      }
      let end = nl;
      while (end > 0 && this.input[end - 1]! <= 0x20) end--;
      const line = this.input.toString('utf8', 0, end);
      this.input = this.input.subarray(nl + 1);
      const result = this.processLine(line);
      if (result instanceof Promise) {
        this.busy = true;
        this.socket.pause();
        result
          .then((r) => this.afterLine(r))
          .catch(() => this.close())
          .finally(() => {
            this.busy = false;
            if (!this.closed) {
              this.socket.resume();
              this.pump();
            }
          });
        return;
      }
      this.afterLine(result);
    }
  }

  private afterLine(result: LineResult): void {
    if (result === 'close') this.close();
    else if (result === 'finish') this.socket.end(() => this.close());
  }

  private processLine(line: string): LineResult | Promise<LineResult> {
    const c = line.charCodeAt(0);
    // All MPD commands start with a lower-case letter; anything else (a blank line, an HTTP
    // request) is not the protocol, and MPD closes.
    if (!(c >= 0x61 && c <= 0x7a)) return 'close';
    if (line === 'noidle') {
      this.idle?.abort.abort();
      return 'ok';
    }
    if (this.idle) return 'close';
    if (this.list) {
      if (line === 'command_list_end') {
        const list = this.list;
        this.list = null;
        return this.runList(list.ok, list.lines);
      }
      this.list.bytes += line.length + 1;
      if (this.list.bytes > MAX_COMMAND_LIST_BYTES) return 'close';
      this.list.lines.push(line);
      return 'ok';
    }
    if (line === 'command_list_begin' || line === 'command_list_ok_begin') {
      this.list = { ok: line === 'command_list_ok_begin', lines: [], bytes: 0 };
      return 'ok';
    }
    return this.runSingle(line);
  }

  private async runSingle(line: string): Promise<LineResult> {
    const r = new Response(this.sink);
    const result = await this.runCommand(line, 0, r);
    if (result === 'ok') r.text('OK\n');
    r.send();
    if (r.congested) await this.sink.drained();
    return result;
  }

  private async runList(okMode: boolean, lines: readonly string[]): Promise<LineResult> {
    const r = new Response(this.sink);
    let result: LineResult = 'ok';
    for (let i = 0; i < lines.length; i++) {
      result = await this.runCommand(lines[i]!, i, r);
      if (result !== 'ok') break;
      if (okMode) r.text('list_OK\n');
      await r.flushIfFull();
    }
    if (result === 'ok') r.text('OK\n');
    r.send();
    if (r.congested) await this.sink.drained();
    return result;
  }

  /** Runs one command; writes its output or its ACK. */
  private async runCommand(line: string, index: number, r: Response): Promise<LineResult> {
    let request;
    try {
      request = tokenize(line);
    } catch (e) {
      const err = toMpdError(e);
      r.text(ackLine(err.ack, index, '', err.message));
      // A bad command word means the client does not speak the protocol: MPD answers and closes.
      return e instanceof TokenizeError && e.inName ? 'finish' : 'error';
    }
    const spec = this.commands.get(request.name);
    if (!spec) {
      r.text(ackLine(ACK.UNKNOWN, index, '', `unknown command "${request.name}"`));
      return 'error';
    }
    const n = request.args.length;
    let problem: MpdError | null = null;
    if ((spec.permission & this.client.permission) !== spec.permission) problem = new MpdError(ACK.PERMISSION, `you don't have permission for "${spec.name}"`);
    else if (spec.min >= 0) {
      if (spec.min === spec.max && n !== spec.max) problem = new MpdError(ACK.ARG, `wrong number of arguments for "${spec.name}"`);
      else if (n < spec.min) problem = new MpdError(ACK.ARG, `too few arguments for "${spec.name}"`);
      else if (spec.max >= 0 && n > spec.max) problem = new MpdError(ACK.ARG, `too many arguments for "${spec.name}"`);
    }
    if (problem) {
      r.text(ackLine(problem.ack, index, spec.name, problem.message));
      return 'error';
    }
    let outcome: CommandOutcome;
    try {
      outcome = await spec.run(makeContext(this.frontend, this.client, r), request.args);
    } catch (e) {
      const err = toMpdError(e);
      r.text(ackLine(err.ack, index, spec.name, err.message));
      return 'error';
    }
    if (outcome === 'close') return 'close';
    if (outcome && typeof outcome === 'object') {
      this.startIdle(outcome.idle);
      return 'idle';
    }
    return 'ok';
  }

  /**
   * Flags the frontend raises itself (its own edits of stored playlists and stickers, the library's
   * scans when the library is not attached to the core): kept per connection like the core's.
   */
  notify(bits: number): void {
    this.localBits |= bits;
    const idle = this.idle;
    if (idle && (idle.bits & bits) !== 0) {
      idle.woken = true;
      idle.abort.abort();
    }
  }

  /** Waits for changes of the subsystems in `bits`; `noidle` ends the wait with an empty answer. */
  private startIdle(bits: number): void {
    const idle = { bits, abort: new AbortController(), woken: false };
    this.idle = idle;
    const wanted = flagsOfBits(bits);
    if ((this.localBits & bits) !== 0) idle.woken = true;
    const wait = idle.woken
      ? Promise.resolve([])
      : wanted.length > 0
        ? this.watcher.wait(wanted, idle.abort.signal)
        : new Promise<[]>((resolve) => idle.abort.signal.addEventListener('abort', () => resolve([]), { once: true }));
    wait
      .then((flags) => {
        if (this.closed) return;
        this.idle = null;
        let answer = 0;
        if (flags.length > 0 || idle.woken) {
          // MPD clears every pending flag when it answers an idle, not only the subscribed ones;
          // after `noidle` (nothing came) the pending ones stay for the next idle.
          answer = (bitsOfFlags(flags) | bitsOfFlags(this.watcher.take()) | this.localBits) & bits;
          this.localBits = 0;
        }
        const r = new Response(this.sink);
        r.text(changedLines(answer));
        r.text('OK\n');
        r.send();
      })
      .catch(() => this.close());
  }
}
