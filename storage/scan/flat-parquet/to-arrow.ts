/**
 * Rebuilds a raw batch (raw-batch.ts) as an Arrow RecordBatch against the file's fields as
 * parquet-wasm reports them — `makeData` over the buffers as they are, no IPC; a dictionary-coded
 * string column becomes a `CodedStringData` (common/arrow/string-dictionary.ts), its bytes built
 * only if read.
 */
import * as arrow from 'apache-arrow';
import { recordBatch } from '../../../common/arrow/record-batch.js';
import { CodedStringData } from '../../../common/arrow/string-dictionary.js';
import { assert } from '../../../common/sql-error.js';
import { parseStateName } from './partial-aggregate.js';
import type { RawBatch, RawColumn } from './raw-batch.js';

export function toRecordBatch(raw: RawBatch, fields: readonly arrow.Field[]): arrow.RecordBatch {
  const fieldOf = (name: string) => {
    const field = fields.find((f) => f.name === name);
    assert(field !== undefined, `decoded column ${name} is not a field of the file`); // the read was planned from these fields
    return field;
  };
  const picked = raw.names.map((name) => {
    // A partial aggregate's state (partial-aggregate.ts): counts and sums are float64; min and max the column's type.
    const state = parseStateName(name);
    if (state === undefined) return fieldOf(name);
    const type = state.state === 'min' || state.state === 'max' ? fieldOf(state.column).type : new arrow.Float64();
    return new arrow.Field(name, type, true);
  });
  const children = raw.columns.map((column, i) => toData(column, (picked[i] as arrow.Field).type));
  const schema = new arrow.Schema(picked);
  return recordBatch(schema, children, raw.length);
}

function toData(column: RawColumn, type: arrow.DataType): arrow.Data {
  const { length, nullCount } = column;
  const nullBitmap = column.validity ?? undefined;
  if (column.dictionary !== null) return new CodedStringData(type as arrow.Utf8 | arrow.Binary, length, nullCount, nullBitmap, column.dictionary);
  if (column.offsets !== null) {
    return arrow.makeData({ type: type as arrow.Utf8, length, nullCount, nullBitmap, valueOffsets: column.offsets, data: column.bytes ?? new Uint8Array(0) });
  }
  return arrow.makeData({ type: type as arrow.Int32, length, nullCount, nullBitmap, data: column.values as Int32Array });
}
