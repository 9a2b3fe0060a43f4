import type * as arrow from 'apache-arrow';
import { cast } from '../kernels/cast.js';
import { pgShortTypeName } from '../values/type-names.js';
import { perDistinctValue } from './per-distinct-value.js';
import type { PhysicalExpr } from './physical-expr.js';

/** `CAST(x AS type)`. */
export class CastExpr implements PhysicalExpr {
  constructor(readonly input: PhysicalExpr, readonly type: arrow.DataType) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const input = this.input.evaluate(batch);
    return perDistinctValue(input, (values) => cast(values, this.type)) ?? cast(input, this.type);
  }

  toString(): string {
    return `CAST(${this.input} AS ${pgShortTypeName(this.type)})`;
  }
}
