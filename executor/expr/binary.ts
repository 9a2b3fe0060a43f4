import type * as arrow from 'apache-arrow';
import { arith, type ArithOp } from '../kernels/arith.js';
import { and, or } from '../kernels/boolean.js';
import { compare, type CompareOp } from '../kernels/compare.js';
import type { PhysicalExpr } from './physical-expr.js';

export type BinaryOp = ArithOp | CompareOp | 'AND' | 'OR';

/** `left op right`: arithmetic, comparison or three-valued AND/OR over whole batches. */
export class BinaryExpr implements PhysicalExpr {
  constructor(readonly op: BinaryOp, readonly left: PhysicalExpr, readonly right: PhysicalExpr, readonly type: arrow.DataType) {}

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const l = this.left.evaluate(batch);
    const r = this.right.evaluate(batch);
    switch (this.op) {
      case 'AND': return and(l, r);
      case 'OR': return or(l, r);
      case '=': case '<>': case '<': case '<=': case '>': case '>=':
        return compare(this.op, l, r);
      default:
        return arith(this.op, l, r, this.type);
    }
  }

  toString(): string {
    return `${wrap(this.left)} ${this.op} ${wrap(this.right)}`;
  }
}

function wrap(e: PhysicalExpr): string {
  return e instanceof BinaryExpr ? `(${e.toString()})` : e.toString();
}
