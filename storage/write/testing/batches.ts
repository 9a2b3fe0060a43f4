import * as arrow from 'apache-arrow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deltaSchemaToArrow } from '../../schema/arrow.js';
import type { StructType } from '../../schema/types.js';

/** A fresh empty folder for a table a test writes. */
export function tempTableDir(name = 't'): string {
  return join(mkdtempSync(join(tmpdir(), 'deltasql-write-')), name);
}

/** A record batch in the table's Arrow types from plain row objects (test input only). */
export function batchOf(schema: StructType, rows: readonly Record<string, unknown>[]): arrow.RecordBatch {
  const arrowSchema = deltaSchemaToArrow(schema);
  const columns = arrowSchema.fields.map((f) => arrow.vectorFromArray(rows.map((r) => r[f.name] ?? null), f.type).data[0] as arrow.Data);
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
