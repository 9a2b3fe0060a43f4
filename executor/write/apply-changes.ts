import * as arrow from 'apache-arrow';
import { takeBatch } from '../../common/arrow/take.js';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { SqlError } from '../../common/sql-error.js';
import { makeBatch } from '../arrow/batch.js';
import { throwIfCancelled } from '../cancel.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import type { PhysicalOperator } from '../operator.js';

/**
 * The row-level heart of DELETE, UPDATE and MERGE. Its input is an ordinary plan over the
 * target's rows (a TargetSource scan: table columns, then file and row identity) — filtered by
 * the WHERE for DELETE/UPDATE, joined with the source for MERGE / UPDATE … FROM. Each input
 * row is classified (matched: target and source; not matched: source only; not matched by
 * source: target only), the first clause of its class whose condition holds acts on it:
 * `delete` and `update` record the target row's position (to be deleted from its file),
 * `update` and `insert` compute the new row in the table's schema.
 *
 * A target row that two source rows act on is Spark's DELTA_MULTIPLE_SOURCE_ROW_MATCHING_
 * TARGET_ROW_IN_MERGE error for MERGE (`duplicates: 'error'`); UPDATE … FROM keeps the first
 * match as PostgreSQL does (`'first'`).
 */
export interface ChangeClause {
  readonly match: 'matched' | 'notMatched' | 'notMatchedBySource';
  readonly condition?: PhysicalExpr;
  /** `none`: PostgreSQL's DO NOTHING (the row is claimed by the clause, nothing changes). */
  readonly action: 'update' | 'delete' | 'insert' | 'none';
  /** update / insert: the new row, one expression per table column, over the input batch. */
  readonly values?: readonly PhysicalExpr[];
}

export interface ChangePlan {
  readonly input: PhysicalOperator;
  /** Input columns holding the target file index and physical row (NULL when no target row). */
  readonly fileColumn: number;
  readonly rowColumn: number;
  /** Input column that is non-NULL exactly when a source row is present; undefined: no source (DELETE/UPDATE). */
  readonly sourceColumn?: number;
  readonly clauses: readonly ChangeClause[];
  /** `unique`: the input holds each target row at most once (no join), so nothing is tracked. */
  readonly duplicates: 'error' | 'first' | 'unique';
  /** The table's schema: updated and inserted rows are built in it. */
  readonly tableSchema: arrow.Schema;
}

/** What a change plan did, filled in while its new rows stream out of `streamChanges`. */
export interface ChangeState {
  /** Physical rows to delete, per file index. */
  readonly deletions: Map<number, number[]>;
  /** Of those, the rows an UPDATE replaced (the rest were deleted), for the change data feed. */
  readonly updatedRows: Map<number, Set<number>>;
  /** The streamed batches that INSERT clauses produced (the others are updated rows). */
  readonly inserts: Set<arrow.RecordBatch>;
  updated: number;
  deleted: number;
  inserted: number;
}

export function newChangeState(): ChangeState {
  return { deletions: new Map(), updatedRows: new Map(), inserts: new Set(), updated: 0, deleted: 0, inserted: 0 };
}

export const MULTIPLE_MATCH_MESSAGE =
  'Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table in possibly conflicting ways. ' +
  'By SQL semantics of Merge, when multiple source rows match on the same target row, the result may be ambiguous as it is unclear which source row should be used to update or delete the matching target row. ' +
  'You can preprocess the source table to eliminate the possibility of multiple matches.';

/**
 * Runs the plan: yields the new rows (updated and inserted, in the table's schema) as they are
 * computed, so a big UPDATE streams into its data files instead of being held in memory, and
 * records in `state` which target rows go.
 */
export async function* streamChanges(plan: ChangePlan, state: ChangeState, signal?: AbortSignal): AsyncGenerator<arrow.RecordBatch> {
  const { deletions, updatedRows, inserts } = state;
  const touched = new Map<number, Set<number>>();
  const kindOf = (c: ChangeClause) => (c.match === 'matched' ? 0 : c.match === 'notMatched' ? 1 : 2);
  for await (const batch of plan.input.execute(signal === undefined ? {} : { signal })) {
    throwIfCancelled(signal);
    const n = batch.numRows;
    if (n === 0) continue;
    const fileData = batch.data.children[plan.fileColumn] as arrow.Data;
    const rowData = batch.data.children[plan.rowColumn] as arrow.Data;
    const files = fileData.values as Int32Array;
    const positions = rowData.values as Float64Array;
    const fileOffset = fileData.offset;
    const rowOffset = rowData.offset;
    const targetValid = validityBytes(fileData);
    const sourceValid = plan.sourceColumn === undefined ? null : validityBytes(batch.data.children[plan.sourceColumn] as arrow.Data);
    // Row class: 0 matched, 1 not matched (source only), 2 not matched by source (target only).
    const kind = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const hasTarget = targetValid === null || targetValid[i] === 1;
      const hasSource = sourceValid === null || sourceValid[i] === 1;
      kind[i] = hasTarget ? (hasSource ? 0 : 2) : 1;
    }
    // The first clause of the row's class whose condition is true acts on it.
    const chosen = new Int32Array(n).fill(-1);
    plan.clauses.forEach((clause, c) => {
      const k = kindOf(clause);
      let truth: Uint8Array | undefined;
      let truthValid: Uint8Array | null = null;
      if (clause.condition !== undefined) {
        const result = clause.condition.evaluate(batch);
        truth = boolBytes(result);
        truthValid = validityBytes(result);
      }
      for (let i = 0; i < n; i++) {
        if (chosen[i] !== -1 || kind[i] !== k) continue;
        if (truth !== undefined && (truth[i] === 0 || (truthValid !== null && truthValid[i] === 0))) continue;
        chosen[i] = c;
      }
    });
    // Target rows acted on: record their positions, once each.
    const keep = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = chosen[i] as number;
      if (c < 0) continue;
      const clause = plan.clauses[c] as ChangeClause;
      if (clause.action === 'none') continue;
      keep[i] = 1;
      if (clause.action === 'insert') continue;
      const file = files[fileOffset + i] as number;
      const row = positions[rowOffset + i] as number;
      if (plan.duplicates !== 'unique') {
        let seen = touched.get(file);
        if (seen === undefined) touched.set(file, (seen = new Set()));
        if (seen.has(row)) {
          if (plan.duplicates === 'error') throw new SqlError('21506', MULTIPLE_MATCH_MESSAGE);
          keep[i] = 0;
          continue;
        }
        seen.add(row);
      }
      let list = deletions.get(file);
      if (list === undefined) deletions.set(file, (list = []));
      list.push(row);
      if (clause.action === 'delete') state.deleted++;
      else {
        let updates = updatedRows.get(file);
        if (updates === undefined) updatedRows.set(file, (updates = new Set()));
        updates.add(row);
      }
    }
    // New rows of each update / insert clause, computed over just the rows it acts on.
    for (let c = 0; c < plan.clauses.length; c++) {
      const clause = plan.clauses[c] as ChangeClause;
      if (clause.action === 'delete' || clause.action === 'none' || clause.values === undefined) continue;
      let count = 0;
      for (let i = 0; i < n; i++) if (chosen[i] === c && keep[i] === 1) count++;
      if (count === 0) continue;
      const indices = new Int32Array(count);
      for (let i = 0, j = 0; i < n; i++) if (chosen[i] === c && keep[i] === 1) indices[j++] = i;
      const subset = count === n ? batch : takeBatch(batch, indices);
      const columns = clause.values.map((e) => e.evaluate(subset));
      const out = makeBatch(plan.tableSchema, columns, count);
      if (clause.action === 'update') state.updated += count;
      else {
        state.inserted += count;
        inserts.add(out);
      }
      yield out;
    }
  }
}
