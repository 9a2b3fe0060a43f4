import type * as arrow from 'apache-arrow';
import { takeBatch, take } from '../../common/arrow/take.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { concat } from '../arrow/concat.js';
import { maskIndices } from '../arrow/filter.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import { BufferBudget } from '../memory.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import {
  chunks, emptyColumn, joinSchema, nullIndices, OUTPUT_BATCH_ROWS, pairBatch, pairSchema, positionsOf, type JoinType,
} from './hash-join/output.js';

export type { JoinType } from './hash-join/output.js';

/**
 * A join on any condition (or none: a cross join), for ON clauses without an equality the hash
 * join could use — `a.ts BETWEEN b.start AND b.end`, `a.x < b.y`.
 *
 * The right input is buffered as concatenated Arrow columns; the left streams. Each left batch
 * is paired with every right row in blocks of at most 65,536 pairs: one `take` per column on
 * each side builds the block, the condition is evaluated once over it, and the pairs where it
 * is TRUE are kept (vectorised; nothing per row). All join types are supported: LEFT/FULL pad
 * left rows that matched nothing, RIGHT/FULL emit unmatched right rows after the left side is
 * done, SEMI/ANTI output each left row at most once.
 *
 * Cost is |left| × |right| condition evaluations: the planner chooses it only without equi keys.
 *
 * EXPLAIN: `NestedLoopJoin: type=left condition=a.ts < b.ts`, `CrossJoin` (inner, no condition)
 */
export class NestedLoopJoinExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    readonly type: JoinType,
    readonly condition?: PhysicalExpr,
  ) {
    this.children = [left, right];
    this.schema = joinSchema(left.schema, right.schema, type);
  }

  explain(): string {
    if (this.condition === undefined && this.type === 'inner') return 'CrossJoin';
    return `NestedLoopJoin: type=${this.type}${this.condition === undefined ? '' : ` condition=${this.condition}`}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { left, right, type, condition, schema } = this;
    const pairs = pairSchema(left.schema, right.schema);
    return (async function* nestedLoopJoin() {
      // ── buffer the right side ──
      const parts: arrow.Data[][] = right.schema.fields.map(() => []);
      let rightRows = 0;
      const budget = new BufferBudget('nested loop join\'s right side');
      for await (const batch of right.execute(ctx)) {
        await yieldThenCheckCancelled(ctx.signal);
        if (batch.numRows === 0) continue;
        budget.add(batch);
        batchColumns(batch).forEach((c, i) => parts[i].push(c));
        rightRows += batch.numRows;
      }
      const rightColumns = right.schema.fields.map((f, i) => (parts[i].length === 0 ? emptyColumn(f.type) : concat(parts[i])));
      if (rightRows === 0 && (type === 'inner' || type === 'right' || type === 'semi')) return;
      const rightMatched = type === 'right' || type === 'full' ? new Uint8Array(rightRows) : null;
      const semiAnti = type === 'semi' || type === 'anti';
      const leftProbe = new Int32Array(OUTPUT_BATCH_ROWS);
      const rightProbe = new Int32Array(OUTPUT_BATCH_ROWS);

      // ── stream the left side ──
      for await (const batch of left.execute(ctx)) {
        await yieldThenCheckCancelled(ctx.signal);
        const n = batch.numRows;
        if (n === 0) continue;
        const leftColumns = batchColumns(batch);
        const leftMatched = new Uint8Array(n);
        // Pairs in row-major order (left row i, right row j), resumed block after block.
        let i = 0;
        let j = 0;
        while (i < n && rightRows > 0) {
          let count = 0;
          while (count < OUTPUT_BATCH_ROWS && i < n) {
            // A semi/anti row needs only its first match: skip the rest of its pairs.
            if (semiAnti && leftMatched[i] !== 0) {
              i++;
              j = 0;
              continue;
            }
            const span = Math.min(OUTPUT_BATCH_ROWS - count, rightRows - j);
            leftProbe.fill(i, count, count + span);
            for (let k = 0; k < span; k++) rightProbe[count + k] = j + k;
            count += span;
            j += span;
            if (j === rightRows) {
              i++;
              j = 0;
            }
          }
          if (count === 0) break;
          // A block where nothing matches yields nothing downstream: let the event loop in here.
          await yieldThenCheckCancelled(ctx.signal);
          const l = leftProbe.subarray(0, count);
          const r = rightProbe.subarray(0, count);
          const candidates = pairBatch(semiAnti ? pairs : schema, leftColumns, rightColumns, l, r);
          const kept = condition === undefined ? null : maskIndices(condition.evaluate(candidates));
          if (kept === null) {
            for (let k = 0; k < count; k++) leftMatched[l[k]] = 1;
            if (rightMatched !== null) for (let k = 0; k < count; k++) rightMatched[r[k]] = 1;
          } else {
            for (let k = 0; k < kept.length; k++) {
              leftMatched[l[kept[k]]] = 1;
              if (rightMatched !== null) rightMatched[r[kept[k]]] = 1;
            }
          }
          if (semiAnti) continue;
          if (kept === null || kept.length === count) yield candidates;
          else if (kept.length > 0) yield takeBatch(candidates, kept);
        }

        if (semiAnti) {
          const rows = positionsOf(leftMatched, type === 'semi' ? 1 : 0);
          for (const chunk of chunks(rows)) yield makeBatch(schema, leftColumns.map((c) => take(c, chunk)), chunk.length);
        } else if (type === 'left' || type === 'full') {
          for (const rows of chunks(positionsOf(leftMatched, 0))) {
            yield pairBatch(schema, leftColumns, rightColumns, rows, nullIndices(rows.length));
          }
        }
      }

      // ── emit unmatched right rows (RIGHT, FULL) ──
      if (rightMatched === null) return;
      const leftEmpty = left.schema.fields.map((f) => emptyColumn(f.type));
      for (const rows of chunks(positionsOf(rightMatched, 0))) {
        yield pairBatch(schema, leftEmpty, rightColumns, nullIndices(rows.length), rows);
      }
    })();
  }
}
