import * as arrow from 'apache-arrow';
import { makeBatch } from '../../arrow/batch.js';
import { dataFromValues, valuesOf, type ScalarValue } from '../../arrow/scalar.js';
import type { ExecContext, PhysicalOperator } from '../../operator.js';

/**
 * Test support for the join and set-operation tests (not used by the engine): an in-memory leaf
 * that yields `rows` in batches of `batchSize` and counts how often it was opened and closed,
 * and `collect`, which runs an operator and renders each output row as `v1|v2|…` (`NULL` for
 * NULL), the shape `psql -A -F'|' -P null=NULL` prints, so PostgreSQL's output pastes in.
 */
export class MemorySource implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[] = [];
  readonly state = { opened: 0, closed: 0, batches: 0 };

  constructor(readonly schema: arrow.Schema, readonly rows: readonly (readonly ScalarValue[])[], readonly batchSize = 3) {}

  explain(): string {
    return `Memory: rows=${this.rows.length}`;
  }

  execute(_ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { schema, rows, batchSize, state } = this;
    return (async function* memory() {
      state.opened++;
      try {
        for (let start = 0; start < rows.length; start += batchSize) {
          const slice = rows.slice(start, start + batchSize);
          const columns = schema.fields.map((f, c) => dataFromValues(f.type, slice.map((r) => r[c])));
          state.batches++;
          yield makeBatch(schema, columns, slice.length);
        }
      } finally {
        state.closed++;
      }
    })();
  }
}

export function schemaOf(fields: readonly [string, arrow.DataType][]): arrow.Schema {
  return new arrow.Schema(fields.map(([name, type]) => new arrow.Field(name, type, true)));
}

export interface Collected {
  /** Each row as `v1|v2|…`, in output order. */
  readonly rows: string[];
  /** Row count of each batch, in order. */
  readonly batchSizes: number[];
  readonly schema: arrow.Schema | undefined;
}

export async function collect(op: PhysicalOperator, ctx: ExecContext = {}): Promise<Collected> {
  const rows: string[] = [];
  const batchSizes: number[] = [];
  let schema: arrow.Schema | undefined;
  for await (const batch of op.execute(ctx)) {
    schema = batch.schema;
    batchSizes.push(batch.numRows);
    const columns = batch.data.children.map((c) => valuesOf(c));
    for (let i = 0; i < batch.numRows; i++) rows.push(columns.map((c) => render(c[i])).join('|'));
  }
  return { rows, batchSizes, schema };
}

/** Rows sorted as strings, for comparing results whose order SQL leaves open. */
export function sorted(rows: readonly string[]): string[] {
  return [...rows].sort();
}

function render(v: ScalarValue): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
  return String(v);
}
