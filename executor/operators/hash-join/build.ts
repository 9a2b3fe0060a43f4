import type * as arrow from 'apache-arrow';
import { batchColumns } from '../../arrow/batch.js';
import { concat, concatInt32 } from '../../arrow/concat.js';
import { nextBatch } from '../../cancel.js';
import { BufferBudget } from '../../memory.js';
import { HashPartitions } from '../../spill/hash-partitions.js';
import type { SpillMetrics } from '../../spill/metrics.js';
import type { RunFile } from '../../spill/run-file.js';
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

/**
 * What building gave: the table, or — when the build side outgrew its budget and spilling was
 * allowed — its rows split by key hash into partition files (grace.ts joins them pairwise).
 */
export type BuildOutcome =
  | { readonly kind: 'table'; readonly ht: JoinHashTable }
  | { readonly kind: 'spilled'; readonly partitions: (RunFile | undefined)[]; readonly hasNullKey: boolean };

/** Levels of re-partitioning (16 ways each) before a build side too skewed to split is `53200`. */
export const MAX_SPILL_LEVEL = 3;

/** Where a build side that outgrows its budget goes: `level` seeds the partition hash. */
export interface BuildSpill {
  readonly level: number;
  readonly metrics: SpillMetrics;
}

/** What a join asks of the build beyond the table. */
export interface BuildOptions {
  /**
   * Hears the table and its key bitmaps once every key is in it, before the rest is built (the
   * columns, the chains), which then lets the event loop run between its steps: a join starts
   * reading its probe side there, so the probe's files open and decode meanwhile.
   */
  readonly onKeys?: (table: GroupTable, bitmaps: KeyBitmaps | undefined) => void;
  /**
   * The build columns read once the table is built (the join's output and residual): the others
   * are not concatenated — an empty column of their type stands in. All of them by default.
   */
  readonly columns?: ReadonlySet<number>;
}

/**
 * Drains `input`, keeping its batches and inserting each batch's keys as it arrives. Past
 * DELTASQL_OPERATOR_MEMORY_MB: `53200` without `spill`; with it, what is held and the rest of
 * the input go to hash partitions on disk.
 */
export async function buildHashTable(input: PhysicalOperator, keys: readonly PhysicalExpr[], ctx: ExecContext): Promise<JoinHashTable>;
export async function buildHashTable(input: PhysicalOperator, keys: readonly PhysicalExpr[], ctx: ExecContext, spill: BuildSpill, options?: BuildOptions): Promise<BuildOutcome>;
export async function buildHashTable(
  input: PhysicalOperator,
  keys: readonly PhysicalExpr[],
  ctx: ExecContext,
  spill?: BuildSpill,
  options: BuildOptions = {},
): Promise<JoinHashTable | BuildOutcome> {
  const { onKeys, columns: kept } = options;
  const table = new GroupTable(keys.map((k) => k.type));
  const parts: arrow.Data[][] = input.schema.fields.map(() => []);
  const held: arrow.RecordBatch[] = [];
  const groupParts: Int32Array[] = [];
  let rows = 0;
  let hasNullKey = false;

  const budget = new BufferBudget('hash join build side');
  const batches = input.execute(ctx)[Symbol.asyncIterator]();
  let handedOver = false;
  try {
    for (;;) {
      const batch = await nextBatch(batches, ctx.signal);
      if (batch === undefined) break;
      const n = batch.numRows;
      if (n === 0) continue;
      if (spill === undefined) budget.add(batch);
      else if (budget.addOrOverflow(batch)) {
        if (spill.level > MAX_SPILL_LEVEL) {
          throw budget.exceeded(`Split ${spill.level} times by key hash, one part of the build side still needs more: a few join keys hold too many rows.`);
        }
        handedOver = true;
        return await spillBuildSide(keys, [...held, batch], batches, spill, ctx);
      }
      held.push(batch);
      batchColumns(batch).forEach((c, i) => {
        if (kept === undefined || kept.has(i)) parts[i].push(c);
      });
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
  } catch (err) {
    // Stopped early (cancel, 53200): close the input as `for await` would.
    if (!handedOver) await batches.return?.();
    throw err;
  }
  held.length = 0;
  // The probe side may start now; each step below lets its replies from the decode workers in.
  const step = onKeys === undefined ? async () => undefined : () => new Promise<void>((resolve) => setImmediate(resolve));
  const bitmaps = rows === 0 ? undefined : KeyBitmaps.build(table);
  onKeys?.(table, bitmaps);
  await step();

  const columns = input.schema.fields.map((f, i) => (parts[i].length === 0 ? emptyColumn(f.type) : concat(parts[i])));

  // ── chains ── walked backwards so that each chain lists its rows in build order.
  await step();
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
  await step();
  const ht: JoinHashTable = { rows, columns, table, first, next, hasNullKey, bitmaps };
  return spill === undefined ? ht : { kind: 'table', ht };
}

/** Writes the batches held so far, then the rest of the input, to hash partitions by key. */
async function spillBuildSide(
  keys: readonly PhysicalExpr[],
  held: readonly arrow.RecordBatch[],
  rest: AsyncIterator<arrow.RecordBatch>,
  spill: BuildSpill,
  ctx: ExecContext,
): Promise<BuildOutcome> {
  const partitions = new HashPartitions(keys.map((k) => k.type), spill.level, spill.metrics);
  let hasNullKey = false;
  const write = async (batch: arrow.RecordBatch): Promise<void> => {
    const keyData = keys.map((k) => k.evaluate(batch));
    if (GroupTable.nullKeyRows(keyData, batch.numRows) !== null) hasNullKey = true;
    await partitions.add(batch, keyData);
  };
  try {
    for (const batch of held) await write(batch);
    let batch: arrow.RecordBatch | undefined;
    while ((batch = await nextBatch(rest, ctx.signal)) !== undefined) if (batch.numRows > 0) await write(batch);
    return { kind: 'spilled', partitions: await partitions.finishEach(), hasNullKey };
  } catch (err) {
    await partitions.dispose();
    await rest.return?.();
    throw err;
  }
}
