import * as arrow from 'apache-arrow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deltaSchemaToArrow } from '../../schema/arrow.js';
import { decimalWords } from '../../scan/partition-values.js';
import type { DeltaType, StructType } from '../../schema/types.js';

/** A fresh empty folder for a table a test writes. */
export function tempTableDir(name = 't'): string {
  return join(mkdtempSync(join(tmpdir(), 'deltasql-write-')), name);
}

/** A record batch in the table's Arrow types from plain row objects (test input only). */
export function batchOf(schema: StructType, rows: readonly Record<string, unknown>[]): arrow.RecordBatch {
  const arrowSchema = deltaSchemaToArrow(schema);
  const columns = arrowSchema.fields.map((f, k) => column((schema.fields[k] as StructType['fields'][number]).type, f.type, rows.map((r) => r[f.name] ?? null)));
  const struct = arrow.makeData({ type: new arrow.Struct(arrowSchema.fields), length: rows.length, nullCount: 0, children: columns });
  return new arrow.RecordBatch(arrowSchema, struct);
}

/** A schema from `name: type` pairs (all nullable). */
export function schemaOf(fields: Record<string, StructType['fields'][number]['type'] | string>): StructType {
  return {
    kind: 'struct',
    fields: Object.entries(fields).map(([name, type]) => ({
      name,
      type: typeof type === 'string' ? (type.startsWith('decimal') ? decimalOf(type) : { kind: 'primitive', name: type as never }) : type,
      nullable: true,
      metadata: {},
    })),
  };
}

function decimalOf(text: string): StructType['fields'][number]['type'] {
  const m = /decimal\((\d+),(\d+)\)/.exec(text);
  return { kind: 'decimal', precision: Number(m?.[1]), scale: Number(m?.[2]) };
}

/**
 * One column: dates (days), timestamps (bigint µs) and decimals (bigint unscaled) are laid out by
 * hand, since vectorFromArray wants Date objects for them; the rest through vectorFromArray.
 */
function column(type: DeltaType, arrowType: arrow.DataType, values: unknown[]): arrow.Data {
  const n = values.length;
  const valid = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  values.forEach((v, i) => (v === null ? nulls++ : (valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7)))));
  const base = { type: arrowType, length: n, nullCount: nulls, ...(nulls > 0 ? { nullBitmap: valid } : {}) };
  if (type.kind === 'decimal') {
    const words = new Uint32Array(n * 4);
    values.forEach((v, i) => v !== null && words.set(decimalWords(v as bigint), i * 4));
    return arrow.makeData({ ...base, data: words } as never);
  }
  if (type.kind === 'primitive' && (type.name === 'timestamp' || type.name === 'timestamp_ntz')) {
    return arrow.makeData({ ...base, data: BigInt64Array.from(values, (v) => (v === null ? 0n : (v as bigint))) } as never);
  }
  if (type.kind === 'primitive' && type.name === 'date') {
    return arrow.makeData({ ...base, data: Int32Array.from(values, (v) => (v === null ? 0 : (v as number))) } as never);
  }
  return arrow.vectorFromArray(values, arrowType).data[0] as arrow.Data;
}
