import type * as arrow from 'apache-arrow';
import { broadcast, type ScalarValue } from '../arrow/scalar.js';
import type { PhysicalExpr } from './physical-expr.js';

/** A constant, broadcast to the batch's length (cached per length: batches are mostly full). */
export class LiteralExpr implements PhysicalExpr {
  private cached: arrow.Data | undefined;

  constructor(readonly value: ScalarValue, readonly type: arrow.DataType, private readonly text: string) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    if (this.cached === undefined || this.cached.length !== batch.numRows) this.cached = broadcast(this.type, this.value, batch.numRows);
    return this.cached;
  }

  toString(): string {
    return this.text;
  }
}
