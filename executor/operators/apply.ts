import * as arrow from 'apache-arrow';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { dataFromValues, scalarAt, type ScalarValue } from '../arrow/scalar.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * Appends, to every input row, a value computed by running a subquery for that row
 * (planner/logical/apply.ts): the row's values of `columns` go to `evaluate`, which plans and
 * runs it. Row by row on purpose — it serves catalog queries over a few hundred rows whose
 * subqueries cannot be joined in; plans that can be decorrelated never use it.
 *
 * EXPLAIN: `Apply: (subquery) over [#3, #5]`
 */
export class ApplyExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(
    readonly input: PhysicalOperator,
    readonly columns: readonly number[],
    readonly evaluate: (values: readonly ScalarValue[], signal: AbortSignal | undefined) => Promise<ScalarValue>,
    readonly type: arrow.DataType,
    readonly label: string,
  ) {
    this.children = [input];
    this.schema = new arrow.Schema([...input.schema.fields, new arrow.Field('__value', type, true)]);
  }

  explain(): string {
    return `Apply: ${this.label} over [${this.columns.map((c) => `#${c}`).join(', ')}]`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, columns, evaluate, type, schema } = this;
    return (async function* apply() {
      for await (const batch of input.execute(ctx)) {
        const inputs = batchColumns(batch);
        const values: ScalarValue[] = [];
        for (let i = 0; i < batch.numRows; i++) values.push(await evaluate(columns.map((c) => scalarAt(inputs[c], i)), ctx.signal));
        yield makeBatch(schema, [...inputs, dataFromValues(type, values)], batch.numRows);
      }
    })();
  }
}
