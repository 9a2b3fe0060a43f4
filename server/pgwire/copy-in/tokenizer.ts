import { SqlError } from '../../../common/sql-error.js';
import type { CopyOptions } from '../../../planner/index.js';

/** Field flags in `FieldTable.flags`. */
export const FIELD_NULL = 1;
/** Text format: the field holds a backslash escape. CSV: it was (partly) quoted. Either way its bytes need decoding. */
export const FIELD_ENCODED = 2;

/**
 * The fields of a run of complete COPY rows, as byte ranges into one buffer: row `r`'s column
 * `c` is `buf[starts[r * columns + c] .. ends[r * columns + c])` with `flags[r * columns + c]`.
 * Bytes are raw (escapes and quotes still in them) when the field is `FIELD_ENCODED`.
 */
export interface FieldTable {
  readonly buf: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly flags: Uint8Array;
  readonly rows: number;
  readonly columns: number;
  /** `COPY line N` of row 0 (the header counts as a line, as in PostgreSQL). */
  readonly firstLine: number;
}

const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/**
 * Cuts COPY FROM STDIN data (text or CSV, PostgreSQL's rules) into rows and fields as it
 * arrives: `push` takes each CopyData chunk and calls `onRows` with a `FieldTable` every
 * `batchRows` complete rows; `end` flushes the rest. A row or a CSV quoted field split across
 * chunks is simply carried in the buffer: the scanner's state (in quotes, after a CR, …) is
 * kept between calls, so any split point reads the same as the whole input. Bytes are copied
 * once, into a per-batch buffer; the scan is one byte loop that records offsets into typed
 * arrays (no per-row objects). A row with the wrong number of fields is `22P04`; the
 * end-of-data marker `\.` ends the data (what follows is ignored, as PostgreSQL does).
 */
export class CopyTokenizer {
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  private scan = 0;
  private starts: Int32Array;
  private ends: Int32Array;
  private flags: Uint8Array;
  /** Complete rows in the buffer. */
  private rows = 0;
  /** Byte offset where the current (incomplete) row starts. */
  private rowStart = 0;
  /** Fields completed in the current row (may exceed `columns`: an error at the row's end). */
  private field = 0;
  private fieldStart = 0;
  private fieldFlags = 0;
  private inQuotes = false;
  /** CSV: a CR ended the last row; an LF right after it belongs to that line break. */
  private afterCr = false;
  private skipHeader: boolean;
  private linesBefore = 0;
  private finished = false;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly escape: number;
  private readonly nullBytes: Uint8Array;
  private readonly csv: boolean;
  private readonly columns: number;

  constructor(
    private readonly names: readonly string[],
    options: CopyOptions,
    private readonly onRows: (table: FieldTable) => void,
    private readonly batchRows = 65536,
  ) {
    this.columns = names.length;
    this.csv = options.format === 'csv';
    this.delimiter = singleByte(options.delimiter, 'DELIMITER');
    this.quote = singleByte(options.quote, 'QUOTE');
    this.escape = singleByte(options.escape, 'ESCAPE');
    this.nullBytes = Buffer.from(options.null, 'utf8');
    this.skipHeader = options.header;
    const slots = Math.max(1, this.columns) * (batchRows + 1);
    this.starts = new Int32Array(slots);
    this.ends = new Int32Array(slots);
    this.flags = new Uint8Array(slots);
  }

  /** Rows handed to `onRows` so far plus the header, i.e. the line number before the buffered rows. */
  get lines(): number {
    return this.linesBefore;
  }

  /** Adds one CopyData chunk. */
  push(chunk: Uint8Array): void {
    if (this.finished || chunk.length === 0) return;
    this.append(chunk);
    this.run(false);
  }

  /** CopyDone: the last row may lack its line break. */
  end(): void {
    if (!this.finished) {
      this.run(true);
      if (this.inQuotes) throw new SqlError('22P04', 'unterminated CSV quoted field', { detail: `COPY line ${this.linesBefore + this.rows + 1}` });
      if (!this.csv && this.isEndMarker(this.rowStart, this.scan)) this.finished = true;
      else if (this.scan > this.rowStart || this.field > 0) this.endRow(this.scan, true);
    }
    this.finished = true;
    this.emit();
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      let size = this.buf.length;
      while (size < this.len + chunk.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private run(last: boolean): void {
    for (;;) {
      if (this.csv) this.scanCsv(last);
      else this.scanText(last);
      if (this.finished || this.rows < this.batchRows) return;
      this.emit();
    }
  }

  // ── text format ──

  private scanText(last: boolean): void {
    const buf = this.buf;
    const len = this.len;
    const delimiter = this.delimiter;
    let i = this.scan;
    while (i < len) {
      const b = buf[i]!;
      if (b === BACKSLASH) {
        if (i + 1 >= len && !last) break; // the escaped byte is in the next chunk
        this.fieldFlags |= FIELD_ENCODED;
        i += 2;
        continue;
      }
      if (b === delimiter) {
        this.endField(i);
        this.fieldStart = ++i;
        continue;
      }
      if (b === LF) {
        const end = i > this.fieldStart && buf[i - 1] === CR ? i - 1 : i;
        i++;
        if (this.isEndMarker(this.rowStart, end)) {
          this.finished = true;
          break;
        }
        this.endField(end);
        this.endRow(i, false);
        if (this.rows >= this.batchRows) break;
        continue;
      }
      i++;
    }
    this.scan = Math.min(i, len);
  }

  // ── CSV ──

  private scanCsv(last: boolean): void {
    const buf = this.buf;
    const len = this.len;
    const delimiter = this.delimiter;
    const quote = this.quote;
    const escape = this.escape;
    let i = this.scan;
    while (i < len) {
      const b = buf[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (b === LF) {
          i++;
          this.rowStart = this.fieldStart = i;
          continue;
        }
      }
      if (this.inQuotes) {
        if (b === escape) {
          // Inside quotes the escape before a quote or another escape makes it data (`""`, `\"`).
          if (i + 1 >= len && !last) break; // `""` or a closing quote? the next chunk says
          const next = buf[i + 1];
          if (i + 1 < len && (next === quote || next === escape)) {
            i += 2;
            continue;
          }
        }
        if (b === quote) this.inQuotes = false;
        i++;
        continue;
      }
      if (b === BACKSLASH && i === this.rowStart && this.field === 0) {
        // `\.` alone on a line ends the data
        if (i + 2 >= len && !last) break;
        if (buf[i + 1] === DOT && (i + 2 >= len || buf[i + 2] === LF || buf[i + 2] === CR)) {
          this.finished = true;
          break;
        }
      }
      if (b === quote) {
        this.inQuotes = true;
        this.fieldFlags |= FIELD_ENCODED;
        i++;
        continue;
      }
      if (b === delimiter) {
        this.endField(i);
        this.fieldStart = ++i;
        continue;
      }
      if (b === LF || b === CR) {
        this.endField(i);
        i++;
        if (b === CR) this.afterCr = true;
        this.endRow(i, false);
        if (this.rows >= this.batchRows) break;
        continue;
      }
      i++;
    }
    this.scan = Math.min(i, len);
  }

  // ── rows and fields ──

  private isEndMarker(from: number, to: number): boolean {
    return this.field === 0 && to - from === 2 && this.buf[from] === BACKSLASH && this.buf[from + 1] === DOT;
  }

  private endField(end: number): void {
    const f = this.field++;
    if (f < this.columns) {
      const slot = this.rows * this.columns + f;
      let flags = this.fieldFlags;
      if ((flags & FIELD_ENCODED) === 0 || !this.csv) {
        // Text: NULL is the raw (unescaped) marker. CSV: an unquoted field equal to it.
        if (this.isNullMarker(this.fieldStart, end)) flags = FIELD_NULL;
      }
      this.starts[slot] = this.fieldStart;
      this.ends[slot] = end;
      this.flags[slot] = flags;
    }
    this.fieldFlags = 0;
  }

  private isNullMarker(from: number, to: number): boolean {
    const marker = this.nullBytes;
    if (to - from !== marker.length) return false;
    for (let k = 0; k < marker.length; k++) if (this.buf[from + k] !== marker[k]) return false;
    return true;
  }

  /** A row ended at byte `next` (after its line break). */
  private endRow(next: number, atEnd: boolean): void {
    if (atEnd) this.endField(next);
    const line = this.linesBefore + this.rows + 1;
    const fields = this.field;
    this.field = 0;
    this.fieldFlags = 0;
    this.rowStart = this.fieldStart = next;
    if (this.skipHeader) {
      this.skipHeader = false;
      this.linesBefore++;
      return;
    }
    if (fields !== this.columns) {
      const message = fields < this.columns ? `missing data for column "${this.names[fields]!}"` : 'extra data after last expected column';
      throw new SqlError('22P04', message, { detail: `COPY line ${line}` });
    }
    this.rows++;
  }

  /**
   * Hands the complete rows over (the callback consumes them before returning: the arrays are
   * reused) and moves the incomplete row to the front of the buffer.
   */
  private emit(): void {
    if (this.rows > 0) {
      this.onRows({ buf: this.buf, starts: this.starts, ends: this.ends, flags: this.flags, rows: this.rows, columns: this.columns, firstLine: this.linesBefore + 1 });
      this.linesBefore += this.rows;
    }
    const shift = this.rowStart;
    if (shift > 0) this.buf.copyWithin(0, shift, this.len);
    const from = this.rows * this.columns;
    for (let f = 0; f < Math.min(this.field, this.columns); f++) {
      this.starts[f] = this.starts[from + f]! - shift;
      this.ends[f] = this.ends[from + f]! - shift;
      this.flags[f] = this.flags[from + f]!;
    }
    this.len -= shift;
    this.scan -= shift;
    this.rowStart = 0;
    this.fieldStart -= shift;
    this.rows = 0;
  }
}

function singleByte(value: string, option: string): number {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length !== 1) throw new SqlError('0A000', `COPY ${option} must be a single one-byte character`);
  return bytes[0]!;
}
