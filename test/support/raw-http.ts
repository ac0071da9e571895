import net from 'node:net';

/** One HTTP/1.1 answer read off a raw socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A keep-alive HTTP/1.1 connection on a raw socket: send any bytes, read answers one by one
 * (Content-Length or chunked), each wait bounded. For tests of the edge, where fetch hides too much.
 */
export class RawConnection {
  private buffer = Buffer.alloc(0);
  private closed = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;
  readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake?.();
    });
    socket.on('end', () => ((this.closed = true), this.wake?.()));
    socket.on('close', () => ((this.closed = true), this.wake?.()));
    socket.on('error', (e) => ((this.error = e), this.wake?.()));
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: hostname, port: Number(port) }, () =>
        resolve(new RawConnection(socket)),
      );
      socket.once('error', reject);
    });
  }

  /** Writes, and resolves even if the server stops reading (the answer may come first). */
  write(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data, () => undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get socketError(): Error | null {
    return this.error;
  }

  /** The next whole answer; rejects on a reset, a close before a whole answer, or after `timeoutMs`. */
  async answer(timeoutMs = 10_000): Promise<RawAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.error) throw this.error;
      if (this.closed) throw new Error(`closed before a whole answer (${this.buffer.length} bytes read)`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no whole answer within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = null;
    }
  }

  /** Waits for the server to close; resolves true when it did so without a reset. */
  async closedGracefully(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && !this.error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed && !this.error;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): RawAnswer | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    let rest = this.buffer.subarray(end + 4);
    if (status === 100) {
      this.buffer = rest;
      return { status, headers, body: Buffer.alloc(0) };
    }
    let body: Buffer;
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = rest.indexOf('\r\n');
        if (lineEnd < 0) return null;
        const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
        if (rest.length < lineEnd + 2 + size + 2) return null;
        parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
        rest = rest.subarray(lineEnd + 2 + size + 2);
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < length) return null;
      body = rest.subarray(0, length);
      rest = rest.subarray(length);
    }
    this.buffer = rest;
    return { status, headers, body };
  }
}
