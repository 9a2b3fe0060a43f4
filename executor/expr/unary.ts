import type * as arrow from 'apache-arrow';
import { negate } from '../kernels/arith.js';
import { isNull, not } from '../kernels/boolean.js';
import type { PhysicalExpr } from './physical-expr.js';

/** `NOT x`, `-x`, `x IS NULL`, `x IS NOT NULL`. */
export class UnaryExpr implements PhysicalExpr {
  constructor(readonly op: 'NOT' | '-' | 'IS NULL' | 'IS NOT NULL', readonly input: PhysicalExpr, readonly type: arrow.DataType) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const v = this.input.evaluate(batch);
    switch (this.op) {
      case 'NOT': return not(v);
      case '-': return negate(v);
      case 'IS NULL': return isNull(v, false);
      case 'IS NOT NULL': return isNull(v, true);
    }
  }

  toString(): string {
    return this.op === 'IS NULL' || this.op === 'IS NOT NULL' ? `${this.input} ${this.op}` : `${this.op === 'NOT' ? 'NOT ' : '-'}${this.input}`;
  }
}
