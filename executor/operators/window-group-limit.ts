import * as arrow from 'apache-arrow';
import { take, takeBatch } from '../../common/arrow/take.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { concat, concatInt32 } from '../arrow/concat.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import { GroupTable } from '../hash/group-table.js';
import { rowComparator, sortIndices, type SortKey } from '../kernels/sort.js';
import { BufferBudget } from '../memory.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import type { PhysicalSortKey } from './sort.js';

/** The ranking function whose `<= limit` the rows below a window are cut to. */
export type GroupLimitRank = 'row_number' | 'rank' | 'dense_rank';

const OUTPUT_BATCH_ROWS = 65_536;
/** Candidates are cut back to each partition's top rows once this many (or twice the last cut) are held. */
const MIN_PRUNE_ROWS = 65_536;

/**
 * A pre-filter under a window whose ranking result is filtered (`WHERE rk <= k`; Spark's
 * `WindowGroupLimit`, SPARK-37099): it passes on, per partition, only the rows whose `rank` can
 * still be at most `limit`, so the window above sorts hundreds of rows instead of millions.
 * The window and its filter still run on top and decide exactly; this operator's output is a
 * superset of the rows they keep, closed downwards in each partition's order (every row before a
 * kept row is kept), so the ranks of the rows it keeps are the ranks they have in the full input.
 *
 * How: rows arrive batch by batch; each gets its partition's group id (hash/group-table.ts).
 * Per partition a threshold on the first ORDER BY key is known once the partition holds `limit`
 * ranks' worth of candidates: a row strictly worse than it (one typed-array compare) ranks after
 * every candidate and is dropped. The rest become candidates, and when candidates pile up they
 * are sorted by (partition, ORDER BY) and cut to each partition's top `limit` ranks, ties kept,
 * which tightens the thresholds. NULL and NaN first keys always pass to the exact cut.
 *
 * EXPLAIN: `WindowGroupLimit: dense_rank <= 1 partition=[ticker] order=[close DESC NULLS FIRST]`
 */
export class WindowGroupLimitExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(
    readonly input: PhysicalOperator,
    readonly partitionBy: readonly PhysicalExpr[],
    readonly orderBy: readonly PhysicalSortKey[],
    readonly rank: GroupLimitRank,
    readonly limit: number,
    /** Candidates held before the first cut (tests make it small to cut mid-stream). */
    readonly minPruneRows = MIN_PRUNE_ROWS,
  ) {
    this.children = [input];
    this.schema = input.schema;
  }

  explain(): string {
    const partition = this.partitionBy.map(String).join(', ');
    const order = this.orderBy.map((k) => `${k.expr} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
    return `WindowGroupLimit: ${this.rank} <= ${this.limit} partition=[${partition}] order=[${order}]`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, partitionBy, orderBy, rank, limit, schema, minPruneRows } = this;
    return (async function* windowGroupLimit() {
      if (limit < 1) {
        // `rk <= 0` keeps nothing; the input still runs (its errors are the query's errors).
        for await (const _ of input.execute(ctx)) await yieldThenCheckCancelled(ctx.signal);
        return;
      }
      const table = partitionBy.length === 0 ? undefined : new GroupTable(partitionBy.map((e) => e.type));
      const candidates = new Candidates(schema, orderBy, rank, limit, minPruneRows);
      for await (const batch of input.execute(ctx)) {
        await yieldThenCheckCancelled(ctx.signal);
        const n = batch.numRows;
        if (n === 0) continue;
        const groups = table === undefined ? new Int32Array(n) : table.findOrInsert(partitionBy.map((e) => e.evaluate(batch)), n);
        candidates.add(batch, groups, table?.size ?? 1);
      }
      const kept = candidates.finish();
      if (kept === undefined) return;
      for (let start = 0; start < kept.numRows; start += OUTPUT_BATCH_ROWS) {
        await yieldThenCheckCancelled(ctx.signal);
        yield kept.slice(start, Math.min(kept.numRows, start + OUTPUT_BATCH_ROWS));
      }
    })();
  }
}

/** The rows that may still rank within the limit, with each partition's threshold. */
class Candidates {
  private batches: arrow.RecordBatch[] = [];
  private groupParts: Int32Array[] = [];
  private rows = 0;
  private pruneAt: number;
  /** Per partition: the first ORDER BY key of its worst candidate, once it has `limit` ranks (else NaN). */
  private threshold = new Float64Array(0);
  private budget = new BufferBudget('window group limit');

  constructor(
    private readonly schema: arrow.Schema,
    private readonly orderBy: readonly PhysicalSortKey[],
    private readonly rank: GroupLimitRank,
    private readonly limit: number,
    private readonly minPruneRows: number,
  ) {
    this.pruneAt = minPruneRows;
  }

  add(batch: arrow.RecordBatch, groups: Int32Array, groupCount: number): void {
    if (this.threshold.length < groupCount) {
      const grown = new Float64Array(Math.max(groupCount, this.threshold.length * 2)).fill(NaN);
      grown.set(this.threshold);
      this.threshold = grown;
    }
    const first = this.orderBy[0];
    const values = first === undefined ? undefined : numericView(first.expr.evaluate(batch));
    const rows = values === undefined ? undefined : passing(values, groups, this.threshold, (first as PhysicalSortKey).descending, this.limit === 1);
    if (rows !== undefined && rows.length === 0) return;
    const kept = rows === undefined || rows.length === batch.numRows ? batch : takeBatch(batch, rows);
    this.budget.add(kept);
    this.batches.push(kept);
    this.groupParts.push(rows === undefined || rows.length === batch.numRows ? groups : take32(groups, rows));
    this.rows += kept.numRows;
    if (this.rows >= this.pruneAt) {
      this.prune();
      this.pruneAt = Math.max(this.minPruneRows, this.rows * 2);
    }
  }

  /** Every candidate left after the last cut, or undefined for none. */
  finish(): arrow.RecordBatch | undefined {
    if (this.rows === 0) return undefined;
    this.prune();
    return this.batches[0];
  }

  /** Sorts the candidates by (partition, ORDER BY), keeps each partition's top `limit` ranks, sets thresholds. */
  private prune(): void {
    const { schema, rows, orderBy, rank, limit } = this;
    const columns = schema.fields.map((_, c) => concat(this.batches.map((b) => batchColumns(b)[c] as arrow.Data)));
    const all = makeBatch(schema, columns, rows);
    const groups = concatInt32(this.groupParts, rows);
    const groupKey: SortKey = { data: arrow.makeData({ type: new arrow.Int32(), length: rows, data: groups }), descending: false, nullsFirst: false };
    const orderKeys: SortKey[] = orderBy.map((k) => ({ data: k.expr.evaluate(all), descending: k.descending, nullsFirst: k.nullsFirst }));
    const order = sortIndices([groupKey, ...orderKeys], rows);
    const peers = orderKeys.map(rowComparator);
    const firstValues = orderKeys[0] === undefined ? undefined : numericView(orderKeys[0].data);

    const keep = new Int32Array(rows);
    let kept = 0;
    let position = 0; // rows of the current partition so far
    let current = 0; // the current row's rank
    let previous = -1;
    for (let s = 0; s < rows; s++) {
      const row = order[s] as number;
      const group = groups[row] as number;
      if (previous < 0 || groups[previous] !== group) {
        position = 0;
        current = 0;
      }
      const peer = position > 0 && previous >= 0 && peers.every((compare) => compare(previous, row) === 0);
      position++;
      if (rank === 'row_number') current = position;
      else if (rank === 'rank') current = peer ? current : position;
      else current = peer ? current : current + 1;
      previous = row;
      if (current > limit) continue;
      keep[kept++] = row;
      // The worst candidate so far sets the threshold once the partition holds `limit` ranks'
      // worth: `limit` rows (row_number, rank) or `limit` distinct peers (dense_rank).
      const full = rank === 'dense_rank' ? current === limit : position >= limit;
      this.threshold[group] = full && firstValues !== undefined ? firstValues.valueOrNaN(row) : NaN;
    }
    const rowsKept = keep.subarray(0, kept);
    this.batches = [takeBatch(all, rowsKept)];
    this.groupParts = [take32(groups, rowsKept)];
    this.rows = kept;
    this.budget = new BufferBudget('window group limit');
    this.budget.add(this.batches[0] as arrow.RecordBatch);
  }
}

/** A numeric first ORDER BY key read as doubles (int64 through its two words), NULL and NaN as NaN. */
interface NumericView {
  readonly length: number;
  valueOrNaN(row: number): number;
  /** Fills `out` with every row's value (NaN for NULL). */
  fill(out: Float64Array): void;
}

/**
 * The key as numbers when its type orders like its numeric value: integers, floats, dates,
 * timestamps. Rounding int64 to a double never reverses an order (it can only make values
 * equal), so "strictly worse as doubles" still means strictly worse.
 */
function numericView(data: arrow.Data): NumericView | undefined {
  const type = data.type;
  const numeric = arrow.DataType.isInt(type) || arrow.DataType.isFloat(type) || arrow.DataType.isDate(type) || arrow.DataType.isTimestamp(type);
  if (!numeric || (arrow.DataType.isFloat(type) && type.precision === arrow.Precision.HALF)) return undefined;
  const valid = validityBytes(data);
  const raw = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
  const wide = raw instanceof BigInt64Array || raw instanceof BigUint64Array;
  const words = wide ? new Int32Array(raw.buffer, raw.byteOffset, raw.length * 2) : undefined;
  const unsigned = raw instanceof BigUint64Array;
  const read = (i: number): number => {
    if (valid !== null && valid[i] === 0) return NaN;
    if (words === undefined) return (raw as ArrayLike<number>)[i] as number;
    const hi = words[2 * i + 1] as number;
    return (unsigned ? hi >>> 0 : hi) * 4294967296 + ((words[2 * i] as number) >>> 0);
  };
  return {
    length: data.length,
    valueOrNaN: read,
    fill(out) {
      for (let i = 0; i < data.length; i++) out[i] = read(i);
    },
  };
}

/**
 * The rows of a batch that are not strictly worse than their partition's threshold (NaN: no
 * threshold yet, or a NULL/NaN key — those always pass). With a limit of 1 every row seen is a
 * threshold (a row strictly worse than any other ranks at least 2nd), so the thresholds rise as
 * the batch is read — for "the top row per key" over a rising series, only new bests pass.
 */
function passing(values: NumericView, groups: Int32Array, threshold: Float64Array, descending: boolean, running: boolean): Int32Array {
  const n = values.length;
  const keys = new Float64Array(n);
  values.fill(keys);
  const out = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const g = groups[i] as number;
    const t = threshold[g] as number;
    const v = keys[i] as number;
    // NaN compares false both ways: a NaN threshold or value passes.
    const worse = descending ? v < t : v > t;
    if (worse) continue;
    out[count++] = i;
    if (running && v === v && (t !== t || (descending ? v > t : v < t))) threshold[g] = v;
  }
  return out.subarray(0, count);
}

function take32(values: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i] as number] as number;
  return out;
}
