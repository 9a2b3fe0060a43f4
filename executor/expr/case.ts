import type * as arrow from 'apache-arrow';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { interleave } from '../kernels/select.js';
import type { PhysicalExpr } from './physical-expr.js';

/**
 * `CASE WHEN c1 THEN r1 … [ELSE e] END`: each row takes the result of its first TRUE condition
 * (NULL counts as not true), else the ELSE value, else NULL. Branches are evaluated over the
 * whole batch and combined with `interleave`. (A branch that fails on rows it does not select,
 * e.g. a division by zero, still fails: TODO(#4) evaluate branches on their selected rows only.)
 */
export class CaseExpr implements PhysicalExpr {
  constructor(
    readonly whens: readonly { readonly condition: PhysicalExpr; readonly result: PhysicalExpr }[],
    readonly otherwise: PhysicalExpr | undefined,
    readonly type: arrow.DataType,
  ) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const length = batch.numRows;
    const choice = new Int32Array(length).fill(-1);
    const decided = new Uint8Array(length);
    const sources: arrow.Data[] = [];
    this.whens.forEach(({ condition, result }, k) => {
      const c = condition.evaluate(batch);
      const bits = boolBytes(c);
      const valid = validityBytes(c);
      for (let i = 0; i < length; i++) {
        if (decided[i] === 0 && bits[i] === 1 && (valid === null || valid[i] === 1)) {
          decided[i] = 1;
          choice[i] = k;
        }
      }
      sources.push(result.evaluate(batch));
    });
    if (this.otherwise !== undefined) {
      const k = sources.length;
      sources.push(this.otherwise.evaluate(batch));
      for (let i = 0; i < length; i++) if (decided[i] === 0) choice[i] = k;
    }
    return interleave(sources, choice);
  }

  toString(): string {
    const whens = this.whens.map((w) => `WHEN ${w.condition} THEN ${w.result}`).join(' ');
    return `CASE ${whens}${this.otherwise === undefined ? '' : ` ELSE ${this.otherwise}`} END`;
  }
}
