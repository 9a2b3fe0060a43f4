import type * as arrow from 'apache-arrow';

/**
 * A compiled expression: evaluated over a whole batch at a time, producing one Data with a row
 * per input row, of type `type`. Implementations call the vectorised kernels of
 * executor/kernels; none of them loops over rows through `vector.get`.
 */
export interface PhysicalExpr {
  readonly type: arrow.DataType;
  evaluate(batch: arrow.RecordBatch): arrow.Data;
  /** SQL-like text for EXPLAIN (`close > 10`). */
  toString(): string;
}
