import type * as arrow from 'apache-arrow';
import { arith, type ArithOp } from '../kernels/arith.js';
import { and, or } from '../kernels/boolean.js';
import { compare, type CompareOp } from '../kernels/compare.js';
import { LiteralExpr } from './literal.js';
import { constantRows, perDistinctValue } from './per-distinct-value.js';
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
        return this.compareOverDictionary(this.op, l, r) ?? compare(this.op, l, r);
      default:
        return arith(this.op, l, r, this.type);
    }
  }

  /** A dictionary-coded string column against a constant: compared once per distinct value. */
  private compareOverDictionary(op: CompareOp, l: arrow.Data, r: arrow.Data): arrow.Data | undefined {
    if (this.right instanceof LiteralExpr) return perDistinctValue(l, (values, m) => compare(op, values, constantRows(r, m)));
    if (this.left instanceof LiteralExpr) return perDistinctValue(r, (values, m) => compare(op, constantRows(l, m), values));
    return undefined;
  }

  toString(): string {
    return `${wrap(this.left)} ${this.op} ${wrap(this.right)}`;
  }
}

function wrap(e: PhysicalExpr): string {
  return e instanceof BinaryExpr ? `(${e.toString()})` : e.toString();
}
