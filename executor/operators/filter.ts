import type * as arrow from 'apache-arrow';
import { filterBatch } from '../arrow/filter.js';
import { throwIfCancelled } from '../cancel.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * Keeps the rows where `predicate` is TRUE (NULL and FALSE drop the row). The predicate is
 * evaluated over the whole batch into a mask, and the batch is filtered with `take`.
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
        throwIfCancelled(ctx.signal);
        const kept = filterBatch(batch, predicate.evaluate(batch));
        if (kept.numRows > 0) yield kept;
      }
    })();
  }
}
