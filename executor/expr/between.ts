import * as arrow from 'apache-arrow';
import { and, not } from '../kernels/boolean.js';
import { compare } from '../kernels/compare.js';
import type { PhysicalExpr } from './physical-expr.js';

/** `x [NOT] BETWEEN low AND high` ≡ `low <= x AND x <= high`, evaluating x once. */
export class BetweenExpr implements PhysicalExpr {
  readonly type = new arrow.Bool();

  constructor(readonly input: PhysicalExpr, readonly low: PhysicalExpr, readonly high: PhysicalExpr, readonly negated: boolean) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const v = this.input.evaluate(batch);
    const inside = and(compare('>=', v, this.low.evaluate(batch)), compare('<=', v, this.high.evaluate(batch)));
    return this.negated ? not(inside) : inside;
  }

  toString(): string {
    return `${this.input} ${this.negated ? 'NOT ' : ''}BETWEEN ${this.low} AND ${this.high}`;
  }
}
