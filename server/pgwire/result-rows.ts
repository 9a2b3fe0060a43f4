import * as arrow from 'apache-arrow';
import { columnsOf } from '../encode/data-access.js';
import { pgTypeInfo, pgTypeName } from '../encode/pg-types.js';
import { textWriter } from '../encode/text-values.js';
import type { TimeZone } from '../../common/time/time-zone.js';
import { encodeRowDescription, type FieldDescription } from './backend/rows.js';
import { BackendCode } from './codes.js';
import { binaryWriter } from './binary-values.js';

/** Format code of result column `i` from Bind's list (none = all text, one = for all). */
export function formatOf(formats: readonly number[], i: number): number {
  if (formats.length === 0) return 0;
  return formats.length === 1 ? formats[0]! : formats[i] ?? 0;
}

/** RowDescription of a result schema with the given format codes. */
export function encodeSchema(schema: arrow.Schema, formats: readonly number[]): Buffer {
  const fields: FieldDescription[] = schema.fields.map((f, i) => {
    const { oid, size } = pgTypeInfo(pgTypeName(f.type));
    return { name: f.name, tableOid: 0, columnNumber: 0, typeOid: oid, typeSize: size, typeModifier: -1, format: formatOf(formats, i) };
  });
  return encodeRowDescription(fields);
}

/**
 * DataRow messages for rows `[from, to)` of a batch, written straight into one buffer (no
 * per-value Buffer, no per-row message object) so a batch costs one socket write. Column writers
 * are built once per batch (typed-array readers, never `vector.get(i)`); text values are
 * UTF-8-encoded in place. Text timestamptz values are shown in `zone` (the session's TimeZone,
 * as PostgreSQL does); binary ones are microseconds since 2000-01-01 UTC, zone-free.
 */
export function encodeRows(batch: arrow.RecordBatch, formats: readonly number[], from = 0, to = batch.numRows, zone?: TimeZone): Buffer {
  const columns = columnsOf(batch);
  const n = columns.length;
  const text = columns.map((data, c) => (formatOf(formats, c) === 1 ? undefined : textWriter(data, zone)));
  const binary = columns.map((data, c) => (formatOf(formats, c) === 1 ? binaryWriter(data) : undefined));
  let buffer = Buffer.allocUnsafe(Math.max(1024, (to - from) * (7 + n * 12)));
  let at = 0;
  const ensure = (bytes: number): void => {
    if (at + bytes <= buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(buffer.length * 2, at + bytes));
    buffer.copy(next, 0, 0, at);
    buffer = next;
  };
  for (let r = from; r < to; r++) {
    ensure(7);
    const start = at;
    buffer[at] = BackendCode.dataRow;
    buffer.writeInt16BE(n, at + 5);
    at += 7;
    for (let c = 0; c < n; c++) {
      const t = text[c];
      if (t !== undefined) {
        const v = t(r);
        if (v === null) {
          ensure(4);
          buffer.writeInt32BE(-1, at);
          at += 4;
          continue;
        }
        ensure(4 + v.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
        const written = v.length <= SHORT_TEXT ? writeShort(buffer, v, at + 4) : buffer.write(v, at + 4, 'utf8');
        buffer.writeInt32BE(written, at);
        at += 4 + written;
      } else {
        const v = (binary[c] as NonNullable<(typeof binary)[number]>)(r);
        ensure(4 + (v?.length ?? 0));
        buffer.writeInt32BE(v === null ? -1 : v.length, at);
        at += 4;
        if (v !== null) {
          buffer.set(v, at);
          at += v.length;
        }
      }
    }
    buffer.writeInt32BE(at - start - 1, start + 1);
  }
  return buffer.subarray(0, at);
}

/** Texts up to this many UTF-16 units are copied by `writeShort`; longer ones by `Buffer.write`. */
const SHORT_TEXT = 48;

/**
 * Writes a short text as UTF-8 at `at`, returning the bytes written. Most values of a result are
 * short ASCII (numbers, dates, codes): a plain loop over their char codes costs less than the
 * native call `Buffer.write` makes per value (measured: encoding the load bench's 40k-row
 * all-types result took ~15% less time). Any non-ASCII text goes to `Buffer.write` whole.
 */
function writeShort(buffer: Buffer, text: string, at: number): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return buffer.write(text, at, 'utf8');
    buffer[at + i] = code;
  }
  return n;
}
