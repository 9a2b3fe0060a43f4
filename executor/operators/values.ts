import * as arrow from 'apache-arrow';
import { makeBatch } from '../arrow/batch.js';
import { concat } from '../arrow/concat.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * Leaf: a fixed list of rows, each a list of constant expressions (`VALUES (…), (…)`; a
 * `SELECT` without FROM is one row of zero columns with a Projection above it).
 *
 * EXPLAIN: `Values: rows=1 columns=0`
 */
export class ValuesExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[] = [];

  constructor(readonly rows: readonly (readonly PhysicalExpr[])[], readonly schema: arrow.Schema) {}

  explain(): string {
    return `Values: rows=${this.rows.length} columns=${this.schema.fields.length}`;
  }

  execute(_ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { rows, schema } = this;
    return (async function* values() {
      if (rows.length === 0) return;
      const one = makeBatch(new arrow.Schema([]), [], 1);
      const columns = schema.fields.map((_, c) => concat(rows.map((row) => row[c].evaluate(one))));
      yield makeBatch(schema, columns, rows.length);
    })();
  }
}
