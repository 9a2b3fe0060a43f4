import * as arrow from 'apache-arrow';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { nullData } from '../../common/arrow/null-data.js';
import { take, takeBatch } from '../../common/arrow/take.js';
import { concat } from '../arrow/concat.js';
import { interleave } from '../kernels/select.js';
import { ColumnExpr } from './column.js';
import { LiteralExpr } from './literal.js';
import type { PhysicalExpr } from './physical-expr.js';

/**
 * `CASE WHEN c1 THEN r1 … [ELSE e] END`: each row takes the result of its first TRUE condition
 * (NULL counts as not true), else the ELSE value, else NULL. As in PostgreSQL, a condition is
 * evaluated only on the rows no earlier WHEN took, and a result only on the rows it selects — so
 * `CASE WHEN eps = 0 THEN NULL ELSE close / eps END` never divides by zero. Still vectorised:
 * each step runs over the batch of its rows (taken once), and the pieces are put back in row
 * order with one `take`. A CASE that only picks among columns and constants cannot fail on any
 * row, and takes the cheaper whole-batch path.
 */
export class CaseExpr implements PhysicalExpr {
  constructor(
    readonly whens: readonly { readonly condition: PhysicalExpr; readonly result: PhysicalExpr }[],
    readonly otherwise: PhysicalExpr | undefined,
    readonly type: arrow.DataType,
  ) {
    this.wholeBatch = whens.every((w, k) => cannotFail(w.result) && (k === 0 || cannotFail(w.condition))) && (otherwise === undefined || cannotFail(otherwise));
  }

  /**
   * Whether every branch is a column or a constant (and every condition after the first too):
   * nothing can fail on rows it does not select, so the whole batch can be evaluated at once.
   */
  private readonly wholeBatch: boolean;

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    return this.wholeBatch ? this.evaluateWhole(batch) : this.evaluateGuarded(batch);
  }

  /** Every branch over every row, then each row's choice picked with `interleave`. */
  private evaluateWhole(batch: arrow.RecordBatch): arrow.Data {
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

  /** Each condition on the rows still undecided, each result on the rows it selects. */
  private evaluateGuarded(batch: arrow.RecordBatch): arrow.Data {
    const length = batch.numRows;
    const pieces: { readonly rows: Int32Array; readonly data: arrow.Data }[] = [];
    // Rows of `batch` no WHEN has taken yet, and the same rows as a batch of their own.
    let remaining: Int32Array | undefined; // undefined: every row
    let current = batch;
    for (const { condition, result } of this.whens) {
      if (current.numRows === 0) break;
      const c = condition.evaluate(current);
      const bits = boolBytes(c);
      const valid = validityBytes(c);
      const chosen: number[] = [];
      const rest: number[] = [];
      for (let i = 0; i < current.numRows; i++) (bits[i] === 1 && (valid === null || valid[i] === 1) ? chosen : rest).push(i);
      if (chosen.length > 0) {
        const local = Int32Array.from(chosen);
        const subset = chosen.length === current.numRows ? current : takeBatch(current, local);
        pieces.push({ rows: rowsOf(remaining, local), data: result.evaluate(subset) });
      }
      if (rest.length === current.numRows) continue;
      const local = Int32Array.from(rest);
      remaining = rowsOf(remaining, local);
      current = takeBatch(current, local);
    }
    if (this.otherwise !== undefined && current.numRows > 0) {
      pieces.push({ rows: remaining ?? identity(length), data: this.otherwise.evaluate(current) });
    }
    if (pieces.length === 0) return nullData(this.type, length);
    if (pieces.length === 1 && pieces[0]?.rows.length === length && isIdentity(pieces[0].rows)) return pieces[0].data;
    // ── put the pieces back in row order; rows no piece took (no ELSE) are NULL (-1) ──
    const position = new Int32Array(length).fill(-1);
    let offset = 0;
    for (const piece of pieces) {
      for (let k = 0; k < piece.rows.length; k++) position[piece.rows[k] as number] = offset + k;
      offset += piece.rows.length;
    }
    return take(concat(pieces.map((p) => p.data)), position);
  }

  toString(): string {
    const whens = this.whens.map((w) => `WHEN ${w.condition} THEN ${w.result}`).join(' ');
    return `CASE ${whens}${this.otherwise === undefined ? '' : ` ELSE ${this.otherwise}`} END`;
  }
}

function cannotFail(e: PhysicalExpr): boolean {
  return e instanceof ColumnExpr || e instanceof LiteralExpr;
}

/** Positions `local` (into the rows still remaining) as row numbers of the whole batch. */
function rowsOf(remaining: Int32Array | undefined, local: Int32Array): Int32Array {
  if (remaining === undefined) return local;
  const out = new Int32Array(local.length);
  for (let k = 0; k < local.length; k++) out[k] = remaining[local[k] as number] as number;
  return out;
}

function identity(length: number): Int32Array {
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = i;
  return out;
}

function isIdentity(rows: Int32Array): boolean {
  for (let i = 0; i < rows.length; i++) if (rows[i] !== i) return false;
  return true;
}
