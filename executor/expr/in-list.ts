import * as arrow from 'apache-arrow';
import { not, or } from '../kernels/boolean.js';
import { compare } from '../kernels/compare.js';
import type { PhysicalExpr } from './physical-expr.js';

/**
 * `x [NOT] IN (a, b, …)` ≡ `x = a OR x = b OR …` with SQL's NULL rules: no match and a NULL in
 * the list gives NULL, not FALSE.
 */
export class InListExpr implements PhysicalExpr {
  readonly type = new arrow.Bool();

  constructor(readonly input: PhysicalExpr, readonly list: readonly PhysicalExpr[], readonly negated: boolean) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const v = this.input.evaluate(batch);
    let result: arrow.Data | undefined;
    for (const item of this.list) {
      const eq = compare('=', v, item.evaluate(batch));
      result = result === undefined ? eq : or(result, eq);
    }
    const found = result ?? compare('<>', v, v);
    return this.negated ? not(found) : found;
  }

  toString(): string {
    return `${this.input} ${this.negated ? 'NOT ' : ''}IN (${this.list.join(', ')})`;
  }
}
