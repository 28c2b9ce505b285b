// Writing a response to one client. Lines gather in a small buffer that goes to the socket in
// chunks; a handler that prints much (listallinfo of a large library) awaits `flushIfFull()`
// between records, which waits for the socket to drain when the kernel and Node buffers are full.
// A slow reader therefore pauses only its own handler: no giant string is built, and other clients
// and playback go on.

/** Where a response goes: one client's socket. */
export interface ResponseSink {
  /** Queues bytes; false when the socket's buffer is over its high-water mark. */
  write(chunk: Uint8Array): boolean;
  /** Resolves when the socket drained, or rejects when it closed (or stalled past its deadline). */
  drained(): Promise<void>;
  readonly closed: boolean;
}

/** Bytes gathered before they go to the socket. */
const CHUNK = 32 * 1024;

export class Response {
  private parts: string[] = [];
  private size = 0;
  private backlog = false;

  constructor(private readonly sink: ResponseSink) {}

  /** One `key: value` line. */
  kv(key: string, value: string | number): void {
    this.text(`${key}: ${value}\n`);
  }

  /** Raw text (lines with their newlines). */
  text(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.send();
  }

  /** A binary chunk: `binary: N`, the bytes, a newline (MPD's Response::WriteBinary). */
  binary(bytes: Uint8Array): void {
    this.text(`binary: ${bytes.length}\n`);
    this.send();
    this.push(bytes);
    this.text('\n');
  }

  /** Sends what is gathered; awaits the socket when its buffer is full. Call it between records. */
  async flushIfFull(): Promise<void> {
    if (this.size >= CHUNK) this.send();
    if (this.backlog) {
      this.backlog = false;
      await this.sink.drained();
    }
  }

  /** Sends what is gathered (at the end of a command). */
  send(): void {
    if (this.parts.length === 0) return;
    const s = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.push(Buffer.from(s, 'utf8'));
  }

  private push(bytes: Uint8Array): void {
    if (this.sink.closed) return;
    if (!this.sink.write(bytes)) this.backlog = true;
  }

  /** True when the socket asked to wait: the connection awaits a drain before reading the next command. */
  get congested(): boolean {
    return this.backlog;
  }
}
