import * as arrow from 'apache-arrow';
import { columnsOf } from '../encode/data-access.js';
import { pgTypeInfo, pgTypeName } from '../encode/pg-types.js';
import { textWriter } from '../encode/text-values.js';
import { encodeDataRow, encodeRowDescription, type FieldDescription } from './backend/rows.js';
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
 * DataRow messages for rows `[from, to)` of a batch, concatenated into one buffer so a batch
 * costs one socket write. Column writers are built once per batch (typed-array readers, never
 * `vector.get(i)`).
 */
export function encodeRows(batch: arrow.RecordBatch, formats: readonly number[], from = 0, to = batch.numRows): Buffer {
  const columns = columnsOf(batch);
  const writers = columns.map((data, c) => {
    if (formatOf(formats, c) === 1) return binaryWriter(data);
    const text = textWriter(data);
    return (i: number): Uint8Array | null => {
      const v = text(i);
      return v === null ? null : Buffer.from(v, 'utf8');
    };
  });
  const rows: Buffer[] = [];
  const values: (Uint8Array | null)[] = new Array(writers.length);
  for (let r = from; r < to; r++) {
    for (let c = 0; c < writers.length; c++) values[c] = writers[c]!(r);
    rows.push(encodeDataRow(values));
  }
  return Buffer.concat(rows);
}
