import type * as arrow from 'apache-arrow';
import { batchColumns } from '../../arrow/batch.js';
import { concat } from '../../arrow/concat.js';
import { yieldThenCheckCancelled } from '../../cancel.js';
import { BufferBudget } from '../../memory.js';
import type { PhysicalExpr } from '../../expr/physical-expr.js';
import { GroupTable } from '../../hash/group-table.js';
import type { ExecContext, PhysicalOperator } from '../../operator.js';
import { KeyBitmaps } from './key-bitmap.js';
import { emptyColumn } from './output.js';

/**
 * The build side of a hash join, held as Arrow columns and addressed by row index:
 *
 * - `columns`: every build batch concatenated, one Data per column (no per-row JS objects);
 * - `table`: a GroupTable over the key columns, mapping each distinct key to a dense group id;
 * - `first[group]` / `next[row]`: the rows of each group as a chain in build order
 *   (`first[g]` is the group's first row, `next[r]` the row after `r`, -1 ends the chain).
 *
 * Rows with a NULL in any key column are kept in `columns` (outer joins emit them) but are in no
 * chain: SQL equality never holds for NULL, so no probe can reach them. A group whose key holds
 * a NULL therefore has an empty chain, which is what makes a NULL probe key miss.
 */
export interface JoinHashTable {
  readonly rows: number;
  readonly columns: readonly arrow.Data[];
  readonly table: GroupTable;
  readonly first: Int32Array;
  readonly next: Int32Array;
  /** Whether some build row has a NULL key (NOT IN semantics need it). */
  readonly hasNullKey: boolean;
  /** Row prefilter on the integer / date keys (key-bitmap.ts), when some key qualifies. */
  readonly bitmaps: KeyBitmaps | undefined;
}

/** Drains `input`, keeping its batches and inserting each batch's keys as it arrives. */
export async function buildHashTable(
  input: PhysicalOperator,
  keys: readonly PhysicalExpr[],
  ctx: ExecContext,
): Promise<JoinHashTable> {
  const table = new GroupTable(keys.map((k) => k.type));
  const parts: arrow.Data[][] = input.schema.fields.map(() => []);
  const groupParts: Int32Array[] = [];
  let rows = 0;
  let hasNullKey = false;

  const budget = new BufferBudget('hash join build side');
  for await (const batch of input.execute(ctx)) {
    await yieldThenCheckCancelled(ctx.signal);
    const n = batch.numRows;
    if (n === 0) continue;
    budget.add(batch);
    batchColumns(batch).forEach((c, i) => parts[i].push(c));
    const keyData = keys.map((k) => k.evaluate(batch));
    const groups = table.findOrInsert(keyData, n);
    const nulls = GroupTable.nullKeyRows(keyData, n);
    if (nulls !== null) {
      for (let i = 0; i < n; i++) {
        if (nulls[i] !== 0) {
          groups[i] = -1;
          hasNullKey = true;
        }
      }
    }
    groupParts.push(groups);
    rows += n;
  }

  const columns = input.schema.fields.map((f, i) => (parts[i].length === 0 ? emptyColumn(f.type) : concat(parts[i])));

  // ── chains ── walked backwards so that each chain lists its rows in build order.
  const rowGroup = concatInt32(groupParts, rows);
  const first = new Int32Array(table.size).fill(-1);
  const next = new Int32Array(rows);
  for (let r = rows - 1; r >= 0; r--) {
    const g = rowGroup[r];
    if (g < 0) {
      next[r] = -1;
      continue;
    }
    next[r] = first[g];
    first[g] = r;
  }
  return { rows, columns, table, first, next, hasNullKey, bitmaps: rows === 0 ? undefined : KeyBitmaps.build(table) };
}

function concatInt32(parts: readonly Int32Array[], length: number): Int32Array {
  if (parts.length === 1) return parts[0];
  const out = new Int32Array(length);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
