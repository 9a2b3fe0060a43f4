import { SqlError } from '../../../common/sql-error.js';

/** Reads a message body field by field; running past its end is a protocol violation (`08P01`). */
export class BodyReader {
  private at = 0;
  constructor(private readonly body: Buffer) {}

  int16(): number {
    this.need(2);
    const v = this.body.readInt16BE(this.at);
    this.at += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.body.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  byte(): number {
    this.need(1);
    return this.body[this.at++]!;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.body.indexOf(0, this.at);
    if (end < 0) throw malformed('a string is missing its terminator');
    const s = this.body.toString('utf8', this.at, end);
    this.at = end + 1;
    return s;
  }

  bytes(n: number): Buffer {
    if (n < 0) throw malformed(`negative length ${n}`);
    this.need(n);
    const b = this.body.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  rest(): Buffer {
    const b = this.body.subarray(this.at);
    this.at = this.body.length;
    return b;
  }

  /** A count of following items: negative or absurd (more than the bytes left) is malformed. */
  count16(minItemBytes: number): number {
    const n = this.int16();
    if (n < 0 || n * minItemBytes > this.body.length - this.at) throw malformed(`invalid item count ${n}`);
    return n;
  }

  get remaining(): number {
    return this.body.length - this.at;
  }

  private need(n: number): void {
    if (this.at + n > this.body.length) throw malformed('the message ends too early');
  }
}

export function malformed(what: string): SqlError {
  return new SqlError('08P01', `invalid message format: ${what}`);
}
