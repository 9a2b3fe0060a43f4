import type * as arrow from 'apache-arrow';
import { cast } from '../kernels/cast.js';
import { pgShortTypeName } from '../values/type-names.js';
import type { PhysicalExpr } from './physical-expr.js';

/** `CAST(x AS type)`. */
export class CastExpr implements PhysicalExpr {
  constructor(readonly input: PhysicalExpr, readonly type: arrow.DataType) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    return cast(this.input.evaluate(batch), this.type);
  }

  toString(): string {
    return `CAST(${this.input} AS ${pgShortTypeName(this.type)})`;
  }
}
