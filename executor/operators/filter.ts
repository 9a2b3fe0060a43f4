import type * as arrow from 'apache-arrow';
import { takeBatch } from '../../common/arrow/take.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import { selectRows } from '../expr/select-rows.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * Keeps the rows where `predicate` is TRUE (NULL and FALSE drop the row). The predicate gives a
 * selection vector (expr/select-rows.ts: conjunctions narrow term by term, numeric comparisons
 * run straight over the typed arrays), and the batch is filtered with `take` — or passed on as
 * it is when every row is kept.
 *
 * EXPLAIN: `Filter: close > 10`
 */
export class FilterExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(readonly input: PhysicalOperator, readonly predicate: PhysicalExpr) {
    this.children = [input];
    this.schema = input.schema;
  }

  explain(): string {
    return `Filter: ${this.predicate}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, predicate } = this;
    return (async function* filter() {
      for await (const batch of input.execute(ctx)) {
        await yieldThenCheckCancelled(ctx.signal);
        const rows = selectRows(predicate, batch);
        if (rows.length === batch.numRows) yield batch;
        else if (rows.length > 0) yield takeBatch(batch, rows);
      }
    })();
  }
}
