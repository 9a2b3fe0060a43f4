import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { throwIfCancelled } from '../cancel.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { nullData } from '../../common/arrow/null-data.js';

/**
 * The input of a scalar subquery (`(SELECT max(x) FROM t)` used as a value): passes through at
 * most one row. A second row is PostgreSQL's cardinality error 21000; no row at all yields one
 * row of NULLs, because a scalar subquery with no row is NULL. The row is held back until the
 * input is exhausted, so a consumer never sees a value from a subquery that then fails.
 *
 * Every field is nullable (the zero-row case).
 *
 * EXPLAIN: `AssertSingleRow`
 */
export class AssertSingleRowExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(readonly input: PhysicalOperator) {
    this.children = [input];
    this.schema = new arrow.Schema(input.schema.fields.map((f) => (f.nullable ? f : new arrow.Field(f.name, f.type, true, f.metadata))));
  }

  explain(): string {
    return 'AssertSingleRow';
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, schema } = this;
    return (async function* assertSingleRow() {
      let row: arrow.RecordBatch | undefined;
      for await (const batch of input.execute(ctx)) {
        throwIfCancelled(ctx.signal);
        if (batch.numRows === 0) continue;
        // Leaving the loop by throwing returns the input iterator, so its `finally` runs.
        if (row !== undefined || batch.numRows > 1) throw moreThanOneRow();
        row = batch;
      }
      if (row !== undefined) {
        yield makeBatch(schema, batchColumns(row), 1);
        return;
      }
      yield makeBatch(schema, schema.fields.map((f) => nullData(f.type, 1)), 1);
    })();
  }
}

/** PostgreSQL's wording and SQLSTATE for a scalar subquery that returned several rows. */
function moreThanOneRow(): SqlError {
  return new SqlError('21000', 'more than one row returned by a subquery used as an expression');
}
