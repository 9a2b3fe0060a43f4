import * as arrow from 'apache-arrow';
import { not, or } from '../kernels/boolean.js';
import { compare } from '../kernels/compare.js';
import { allConstant, constantRows, perDistinctValue } from './per-distinct-value.js';
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
    const items = this.list.map((item) => item.evaluate(batch));
    // A list of constants over a dictionary-coded column: matched once per distinct value.
    const found = (allConstant(this.list) ? perDistinctValue(v, (values, m) => anyEqual(values, items.map((d) => constantRows(d, m)))) : undefined) ?? anyEqual(v, items);
    return this.negated ? not(found) : found;
  }

  toString(): string {
    return `${this.input} ${this.negated ? 'NOT ' : ''}IN (${this.list.join(', ')})`;
  }
}

/** `v = a OR v = b OR …` (with no items: FALSE, NULL where `v` is NULL). */
function anyEqual(v: arrow.Data, items: readonly arrow.Data[]): arrow.Data {
  let result: arrow.Data | undefined;
  for (const item of items) {
    const eq = compare('=', v, item);
    result = result === undefined ? eq : or(result, eq);
  }
  return result ?? compare('<>', v, v);
}
