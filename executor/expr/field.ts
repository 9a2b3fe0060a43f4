import type * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import type { PhysicalExpr } from './physical-expr.js';

/** `struct.field`: the child column, NULL wherever the struct itself is NULL. */
export class FieldExpr implements PhysicalExpr {
  constructor(readonly input: PhysicalExpr, readonly fieldIndex: number, readonly fieldName: string, readonly type: arrow.DataType) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const parent = this.input.evaluate(batch);
    const child = parent.children[this.fieldIndex];
    const parentValid = validityBytes(parent);
    if (parentValid === null) return child;
    // Rows of a NULL struct may hold anything in the child: mask them with take's -1.
    const indices = new Int32Array(parent.length);
    for (let i = 0; i < indices.length; i++) indices[i] = parentValid[i] === 1 ? i : -1;
    return take(child, indices);
  }

  toString(): string {
    return `${this.input}.${this.fieldName}`;
  }
}
