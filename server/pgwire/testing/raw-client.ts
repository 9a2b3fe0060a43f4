import { connect, type Socket } from 'node:net';
import { parse, serialize } from 'pg-protocol';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

/**
 * A raw protocol client for tests: writes frontend bytes (pg-protocol's `serialize` or
 * hand-made), reads backend messages with pg-protocol's parser, and waits for a given one.
 */
export class RawClient {
  readonly messages: BackendMessage[] = [];
  /** Every byte received, for byte-exact checks (pg-protocol decodes binary fields as UTF-8). */
  readonly received: Buffer[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.received.push(d));
    void parse(socket, (m) => {
      this.messages.push(m);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  /** Connects and completes startup (trust auth), returning the client after the first ReadyForQuery. */
  static async started(port: number, parameters: Record<string, string> = {}): Promise<RawClient> {
    const c = await RawClient.connect(port);
    c.send(serialize.startup({ user: 'tester', database: 'db', ...parameters }));
    await c.until('readyForQuery');
    return c;
  }

  send(bytes: Buffer | Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Resolves with the messages since `from` once one named `name` (after `from`) arrived. */
  async until(name: string, from = 0, timeoutMs = 10_000): Promise<BackendMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.messages.findIndex((m, i) => i >= from && m.name === name);
      if (at >= 0) return this.messages.slice(from, at + 1);
      if (this.closed) throw new Error(`connection closed before ${name}; got ${this.names(from).join(',')}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}; got ${this.names(from).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits until the server closes the connection. */
  async untilClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('server did not close the connection');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  names(from = 0): string[] {
    return this.messages.slice(from).map((m) => m.name);
  }

  /** The fields of every DataRow received so far, as raw bytes (null for NULL). */
  dataRows(): (Buffer | null)[][] {
    const all = Buffer.concat(this.received);
    const rows: (Buffer | null)[][] = [];
    let at = all[0] === 0x52 ? 0 : 0; // every backend message after startup is tagged
    while (at + 5 <= all.length) {
      const code = all[at]!;
      const length = all.readInt32BE(at + 1);
      if (code === 0x44) {
        const n = all.readInt16BE(at + 5);
        let p = at + 7;
        const fields: (Buffer | null)[] = [];
        for (let i = 0; i < n; i++) {
          const len = all.readInt32BE(p);
          p += 4;
          fields.push(len < 0 ? null : all.subarray(p, p + len));
          if (len > 0) p += len;
        }
        rows.push(fields);
      }
      at += 1 + length;
    }
    return rows;
  }

  end(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export { serialize };
