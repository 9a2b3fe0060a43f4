import type * as arrow from 'apache-arrow';
import { take } from '../../common/arrow/take.js';
import { assert } from '../../common/sql-error.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import { GroupTable } from '../hash/group-table.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { chunks } from './hash-join/output.js';

export type SetOpKind = 'intersect' | 'except';

/**
 * `INTERSECT [ALL]` and `EXCEPT [ALL]` with PostgreSQL's semantics: rows compare as wholes with
 * NULLs equal to each other (IS NOT DISTINCT FROM), and with ALL a row present m times on the
 * left and n times on the right comes out min(m, n) times (INTERSECT ALL) or max(m − n, 0) times
 * (EXCEPT ALL); without ALL, at most once.
 *
 * The right input is drained first into a GroupTable over all columns with a count per
 * distinct row; the left input then streams through it and each left row is kept or dropped as
 * it passes (so output follows the left input's order, and the left side is never buffered):
 *
 * | op            | keep the left row when …                                   |
 * |---------------|------------------------------------------------------------|
 * | INTERSECT     | its row is on the right and not emitted yet                |
 * | INTERSECT ALL | it is the k-th copy seen on the left and k ≤ right count   |
 * | EXCEPT        | its row is not on the right and this is its first copy     |
 * | EXCEPT ALL    | it is the k-th copy seen on the left and k > right count   |
 *
 * EXPLAIN: `SetOp: INTERSECT ALL`
 */
export class SetOpExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(readonly left: PhysicalOperator, readonly right: PhysicalOperator, readonly op: SetOpKind, readonly all: boolean) {
    assert(left.schema.fields.length === right.schema.fields.length, 'set operation inputs differ in column count');
    this.children = [left, right];
    // Every output row is a left row, so the left side's schema (names, nullability) holds.
    this.schema = left.schema;
  }

  explain(): string {
    return `SetOp: ${this.op.toUpperCase()}${this.all ? ' ALL' : ''}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { left, right, op, all, schema } = this;
    return (async function* setOp() {
      // ── build: the right side's distinct rows and how often each occurs ──
      const table = new GroupTable(schema.fields.map((f) => f.type));
      let rightCounts: Int32Array = new Int32Array(1024);
      for await (const batch of right.execute(ctx)) {
        await yieldThenCheckCancelled(ctx.signal);
        const n = batch.numRows;
        if (n === 0) continue;
        const ids = table.findOrInsert(batchColumns(batch), n);
        if (table.size > rightCounts.length) rightCounts = grow(rightCounts, table.size);
        for (let i = 0; i < n; i++) rightCounts[ids[i]]++;
      }
      const rightGroups = table.size;
      if (rightGroups === 0 && op === 'intersect') return;
      // INTERSECT: copies emitted so far; EXCEPT ALL: left copies seen so far (per right row).
      const seen = new Int32Array(rightGroups);

      // ── probe: stream the left side, keeping rows by the table above ──
      for await (const batch of left.execute(ctx)) {
        await yieldThenCheckCancelled(ctx.signal);
        const n = batch.numRows;
        if (n === 0) continue;
        const columns = batchColumns(batch);
        const keep = new Int32Array(n);
        let kept = 0;
        if (op === 'except' && !all) {
          // Rows absent on the right get new group ids in row order: a row is the first copy of
          // its kind exactly when its id is the next new one.
          let expect = table.size;
          const ids = table.findOrInsert(columns, n);
          for (let i = 0; i < n; i++) if (ids[i] === expect) { keep[kept++] = i; expect++; }
        } else {
          const ids = table.find(columns, n);
          const limit = all ? Infinity : 1;
          for (let i = 0; i < n; i++) {
            const g = ids[i];
            if (op === 'intersect') {
              if (g >= 0 && seen[g] < Math.min(rightCounts[g], limit)) { seen[g]++; keep[kept++] = i; }
            } else if (g < 0 || ++seen[g] > rightCounts[g]) {
              keep[kept++] = i;
            }
          }
        }
        if (kept === 0) continue;
        if (kept === n) {
          yield makeBatch(schema, columns, n);
          continue;
        }
        for (const rows of chunks(keep.subarray(0, kept))) yield makeBatch(schema, columns.map((c) => take(c, rows)), rows.length);
      }
    })();
  }
}

function grow(counts: Int32Array, atLeast: number): Int32Array {
  const out = new Int32Array(Math.max(atLeast, counts.length * 2));
  out.set(counts);
  return out;
}
