import type * as arrow from 'apache-arrow';
import type { PhysicalExpr } from './physical-expr.js';

/** Column `index` of the input batch. */
export class ColumnExpr implements PhysicalExpr {
  constructor(readonly index: number, readonly name: string, readonly type: arrow.DataType) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const child = batch.data.children[this.index];
    return child.length === batch.numRows ? child : child.slice(0, batch.numRows);
  }

  toString(): string {
    return this.name;
  }
}
