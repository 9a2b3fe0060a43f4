import * as arrow from 'apache-arrow';
import { not } from '../kernels/boolean.js';
import { like } from '../kernels/string.js';
import { perDistinctValue } from './per-distinct-value.js';
import type { PhysicalExpr } from './physical-expr.js';

/** `x [NOT] LIKE|ILIKE 'pattern'` with a constant pattern. */
export class LikeExpr implements PhysicalExpr {
  readonly type = new arrow.Bool();

  constructor(readonly input: PhysicalExpr, readonly pattern: string, readonly caseInsensitive: boolean, readonly negated: boolean) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const input = this.input.evaluate(batch);
    const m = perDistinctValue(input, (values) => like(values, this.pattern, this.caseInsensitive)) ?? like(input, this.pattern, this.caseInsensitive);
    return this.negated ? not(m) : m;
  }

  toString(): string {
    const op = this.caseInsensitive ? 'ILIKE' : 'LIKE';
    return `${this.input} ${this.negated ? 'NOT ' : ''}${op} '${this.pattern.replace(/'/g, "''")}'`;
  }
}
