import type * as arrow from 'apache-arrow';
import { makeBatch } from '../arrow/batch.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * Computes one output column per expression; `schema` names them (the SELECT list's names).
 *
 * EXPLAIN: `Projection: ticker, close * 2 AS doubled`
 */
export class ProjectExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];

  constructor(readonly input: PhysicalOperator, readonly exprs: readonly PhysicalExpr[], readonly schema: arrow.Schema) {
    this.children = [input];
  }

  explain(): string {
    const items = this.exprs.map((e, i) => {
      const text = e.toString();
      const name = this.schema.fields[i].name;
      return text === name ? text : `${text} AS ${name}`;
    });
    return `Projection: ${items.join(', ')}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, exprs, schema } = this;
    return (async function* project() {
      for await (const batch of input.execute(ctx)) {
        yield makeBatch(schema, exprs.map((e) => e.evaluate(batch)), batch.numRows);
      }
    })();
  }
}
