/**
 * Builds one backend message: code byte, int32 length (filled in by `finish`), fields. Grows by
 * doubling, like pg-protocol's BufferWriter.
 */
export class MessageWriter {
  private buffer: Buffer;
  private at = 5;

  constructor(private readonly code: number, size = 64) {
    this.buffer = Buffer.allocUnsafe(Math.max(size, 16));
  }

  int16(v: number): this {
    this.ensure(2);
    this.buffer.writeInt16BE(v, this.at);
    this.at += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buffer.writeInt32BE(v | 0, this.at);
    this.at += 4;
    return this;
  }

  byte(v: number): this {
    this.ensure(1);
    this.buffer[this.at++] = v;
    return this;
  }

  /** A UTF-8 string and its NUL terminator. */
  cstring(s: string): this {
    const n = Buffer.byteLength(s);
    this.ensure(n + 1);
    this.buffer.write(s, this.at, 'utf8');
    this.at += n;
    this.buffer[this.at++] = 0;
    return this;
  }

  /** Raw bytes (length-prefix them yourself where the message wants one). */
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buffer.set(b, this.at);
    this.at += b.length;
    return this;
  }

  /** A UTF-8 string without terminator, preceded by its int32 byte length. */
  lengthPrefixedString(s: string): this {
    const n = Buffer.byteLength(s);
    this.ensure(n + 4);
    this.buffer.writeInt32BE(n, this.at);
    this.buffer.write(s, this.at + 4, 'utf8');
    this.at += 4 + n;
    return this;
  }

  finish(): Buffer {
    this.buffer[0] = this.code;
    this.buffer.writeInt32BE(this.at - 1, 1);
    return this.buffer.subarray(0, this.at);
  }

  private ensure(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + n));
    this.buffer.copy(next, 0, 0, this.at);
    this.buffer = next;
  }
}
