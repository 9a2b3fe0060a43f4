import { SqlError } from '../../common/sql-error.js';

/** One frontend message: its code byte (0 for untagged startup-phase messages) and its body. */
export interface Frame {
  readonly code: number;
  /** The bytes after the length word (a view into the reader's buffer: consume before the next `push`). */
  readonly body: Buffer;
}

/** The largest message accepted (PostgreSQL's own limit for most messages is 1 GB; ours is lower). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Startup packets are small; PostgreSQL refuses those over 10 000 bytes. */
const MAX_STARTUP_BYTES = 10_000;

/**
 * Cuts the TCP byte stream into messages: a message may arrive split over several chunks, and a
 * chunk may hold several messages. Until `startupDone()` messages are untagged (length first),
 * afterwards each starts with its code byte. A length below 4 or above the maximum is a
 * protocol violation (`08P01`): the caller answers with an ErrorResponse and closes.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private tagged = false;

  constructor(private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** After the StartupMessage: messages carry a code byte from now on. */
  startupDone(): void {
    this.tagged = true;
  }

  /** Appends a chunk and returns every message it completes, in order. */
  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    let at = 0;
    for (;;) {
      const header = this.tagged ? 5 : 4;
      if (this.buffer.length - at < header) break;
      const code = this.tagged ? this.buffer[at]! : 0;
      const length = this.buffer.readInt32BE(at + header - 4);
      const limit = this.tagged ? this.maxMessageBytes : MAX_STARTUP_BYTES;
      if (length < 4 || length > limit) {
        this.buffer = Buffer.alloc(0);
        throw new SqlError('08P01', length < 4 ? `invalid message length ${length}` : `message of ${length} bytes exceeds the limit of ${limit}`);
      }
      const end = at + header - 4 + length;
      if (this.buffer.length < end) break;
      frames.push({ code, body: this.buffer.subarray(at + header, end) });
      at = end;
      // A startup-phase reader stops at the first message: the caller decides whether the next
      // is tagged (after a StartupMessage) or not (after SSLRequest answered N).
      if (!this.tagged) break;
    }
    this.buffer = at === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(at);
    return frames;
  }

  /** Messages still buffered after a startup-phase message (re-read them once the mode is known). */
  drain(): Frame[] {
    return this.push(Buffer.alloc(0));
  }

  /** Bytes buffered but not yet forming a message. */
  get pending(): number {
    return this.buffer.length;
  }
}
