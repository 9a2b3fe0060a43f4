import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { take, takeBatch } from '../../common/arrow/take.js';
import { SqlError } from '../../common/sql-error.js';
import type { Accumulator } from '../aggregates/accumulator.js';
import { aggregateCallText, type AggregateCall } from '../aggregates/aggregate-call.js';
import { nullData } from '../../common/arrow/null-data.js';
import { createAccumulator, distinctMatters, isDistinct } from '../aggregates/create.js';
import { gather } from '../aggregates/growable.js';
import { makeBatch } from '../arrow/batch.js';
import { maskIndices } from '../arrow/filter.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import { GroupTable } from '../hash/group-table.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { operatorMemoryLimit } from '../memory.js';
import { HashPartitions } from '../spill/hash-partitions.js';
import { newSpillMetrics, spillText, type SpillMetrics } from '../spill/metrics.js';

const OUTPUT_BATCH_ROWS = 65_536;
/** Default for `maxGroups`: ~50 M groups is a few GB of keys and state. */
export const DEFAULT_MAX_GROUPS = 50_000_000;
/** The last column with grouping sets: PostgreSQL's GROUPING() bits of the set that made the row. */
export const GROUPING_ID_COLUMN = '__grouping_id';

export interface HashAggregateOptions {
  /** GROUPING SETS / ROLLUP / CUBE, expanded: per set, the indexes into `groupBy` it groups by. */
  readonly groupingSets?: readonly (readonly number[])[];
  /** Past this many groups (per grouping set, or distinct (group, value) pairs of one DISTINCT aggregate): 53200. */
  readonly maxGroups?: number;
}

/**
 * GROUP BY with aggregates, DISTINCT aggregates, FILTER and grouping sets, by hashing
 * (DESIGN.md §3). Per input batch: the group expressions and every call's arguments are
 * evaluated once; one `GroupTable.findOrInsert` maps the batch's rows to dense group ids (per
 * grouping set); FILTER and DISTINCT narrow each call's rows (DISTINCT through a second
 * GroupTable over (group id, arguments) per call: a pair seen for the first time is the only
 * row that reaches the accumulator); then each accumulator folds the batch in one tight loop
 * over typed arrays (executor/aggregates/*). When the input ends, each set's keys and
 * accumulator results are emitted in batches of at most 65,536 rows, in group-id order
 * (first appearance in the input).
 *
 * PostgreSQL's semantics: without GROUP BY (no group expressions and no grouping sets) exactly
 * one row, even over no input, with count 0 and every other aggregate NULL; a grouping set `()`
 * likewise always yields its one row. Group columns outside a row's grouping set are NULL, and
 * `__grouping_id` holds GROUPING() over all group columns (bit set = column not grouped, most
 * significant bit = first group column).
 *
 * Memory: state is O(groups) typed arrays (collecting aggregates — percentiles, collect_list,
 * string_agg — keep their input rows). With one set of group keys, groups past what
 * DELTASQL_OPERATOR_MEMORY_MB holds (or `maxGroups`) spill their rows to disk by hash and are
 * aggregated partition by partition (`aggregate` below); with grouping sets, more than
 * `maxGroups` groups is a 53200 error, not a crash.
 *
 * EXPLAIN: `HashAggregate: group=[ticker] aggr=[avg(close), count(DISTINCT day)]`, with
 * `sets=[(ticker, day), (ticker), ()]` for grouping sets, ` spilled=N files X MiB` after a run that
 * spilled (EXPLAIN ANALYZE).
 */
export class HashAggregateExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;
  readonly groupingSets: readonly (readonly number[])[] | undefined;
  readonly maxGroups: number;
  /** What this node's runs spilled so far (EXPLAIN ANALYZE prints it after the run). */
  readonly metrics: SpillMetrics = newSpillMetrics();

  constructor(
    readonly input: PhysicalOperator,
    readonly groupBy: readonly PhysicalExpr[],
    readonly groupNames: readonly string[],
    readonly aggregates: readonly AggregateCall[],
    options: HashAggregateOptions = {},
  ) {
    this.children = [input];
    this.groupingSets = options.groupingSets;
    this.maxGroups = options.maxGroups ?? DEFAULT_MAX_GROUPS;
    if (groupNames.length !== groupBy.length) throw SqlError.internal('HashAggregateExec: one name per group expression');
    for (const set of this.groupingSets ?? []) {
      for (const k of set) if (!(k >= 0 && k < groupBy.length)) throw SqlError.internal(`grouping set index ${k} out of range`);
    }
    if (this.groupingSets !== undefined && groupBy.length > 31) throw SqlError.unsupportedFeature('grouping sets over more than 31 group columns');
    this.schema = new arrow.Schema([
      ...groupBy.map((e, i) => new arrow.Field(groupNames[i], e.type, true)),
      ...aggregates.map((a) => new arrow.Field(a.outputName, a.type, true)),
      ...(this.groupingSets === undefined ? [] : [new arrow.Field(GROUPING_ID_COLUMN, new arrow.Int32(), false)]),
    ]);
    // Fail at plan time on arguments no accumulator takes (42883 / 0A000), not after reading input.
    for (const a of aggregates) createAccumulator(a);
  }

  explain(): string {
    const group = `group=[${this.groupBy.map(String).join(', ')}]`;
    const aggr = `aggr=[${this.aggregates.map(aggregateCallText).join(', ')}]`;
    const sets = this.groupingSets === undefined
      ? ''
      : ` sets=[${this.groupingSets.map((s) => `(${s.map((k) => String(this.groupBy[k])).join(', ')})`).join(', ')}]`;
    return `HashAggregate: ${group} ${aggr}${sets}${spillText(this.metrics)}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const op = this;
    return (async function* hashAggregate() {
      yield* op.aggregate(op.input.execute(ctx), ctx, 0);
    })();
  }

  /**
   * Aggregates `source` (the input, or at `level` > 0 one spilled partition of it). With one
   * grouping set of keys, once the table holds `groupsInMemory()` groups it stops taking new ones:
   * rows of groups already in it are still folded in memory, rows of new groups go to 16 files by
   * a hash of their keys (spill/hash-partitions.ts); after the in-memory groups are emitted, each
   * file is aggregated the same way, one at a time (a grace / hybrid hash aggregation). Every
   * group's rows thus meet in one place, whatever its aggregates are (percentiles and DISTINCT
   * included). Groups come out in first-appearance order, in-memory ones before spilled ones.
   */
  private async *aggregate(source: AsyncIterable<arrow.RecordBatch>, ctx: ExecContext, level: number): AsyncGenerator<arrow.RecordBatch> {
    const { groupBy, aggregates, schema, maxGroups } = this;
    const sets = this.groupingSets ?? [groupBy.map((_, i) => i)];
    const withGroupingId = this.groupingSets !== undefined;
    const spillable = this.groupingSets === undefined && groupBy.length > 0;
    const spillAt = spillable ? Math.min(maxGroups, groupsInMemory(groupBy, aggregates)) : Infinity;
    // ── open: one hash table and one accumulator per call, per grouping set ──
    const states = sets.map((keys) => new SetState(keys, groupBy, aggregates));
    let spill: HashPartitions | undefined;
    let zeros = new Int32Array(0);
    try {
      // ── consume ──
      for await (const whole of source) {
        await yieldThenCheckCancelled(ctx.signal);
        let batch = whole;
        let n = batch.numRows;
        if (n === 0) continue;
        let keyData = groupBy.map((e) => e.evaluate(batch));
        // Once spilling: the ids of rows whose group is in memory; the others go to disk.
        let known: Int32Array | undefined;
        if (spill !== undefined) {
          const ids = (states[0] as SetState).table?.find(keyData, n) ?? new Int32Array(n);
          let missing = 0;
          for (let i = 0; i < n; i++) if ((ids[i] as number) < 0) missing++;
          if (missing > 0) {
            const out = new Int32Array(missing);
            const kept = new Int32Array(n - missing);
            for (let i = 0, o = 0, k = 0; i < n; i++) {
              if ((ids[i] as number) < 0) out[o++] = i;
              else kept[k++] = i;
            }
            await spill.add(takeBatch(batch, out), keyData.map((d) => take(d, out)));
            if (kept.length === 0) continue;
            batch = takeBatch(batch, kept);
            keyData = keyData.map((d) => take(d, kept));
            known = gather(ids, kept);
            n = kept.length;
          } else known = ids;
        }
        const inputs = aggregates.map((call) => callInput(call, batch));
        if (zeros.length < n) zeros = new Int32Array(n);
        for (const state of states) {
          let ids: Int32Array;
          if (known !== undefined) ids = known;
          else if (state.table === undefined) ids = zeros.subarray(0, n);
          else {
            ids = state.table.findOrInsert(state.keys.map((k) => keyData[k] as arrow.Data), n);
            state.groups = state.table.size;
            if (!spillable) checkGroups(state.groups, maxGroups);
          }
          for (let j = 0; j < aggregates.length; j++) {
            const { rows, args } = inputs[j] as { rows: Int32Array | null; args: arrow.Data[] };
            let groupIds = rows === null ? ids : gather(ids, rows);
            let callArgs = args;
            const dedup = state.distinct[j];
            if (dedup !== undefined) {
              const firsts = firstOccurrences(dedup, state.table === undefined ? null : groupIds, args.slice(0, (aggregates[j] as AggregateCall).args.length));
              checkGroups(dedup.size, maxGroups);
              if (firsts !== null) {
                groupIds = gather(groupIds, firsts);
                callArgs = args.map((a) => take(a, firsts));
              }
            }
            if (groupIds.length > 0) (state.accumulators[j] as Accumulator).update(groupIds, callArgs, state.groups);
          }
        }
        if (spill === undefined && (states[0] as SetState).groups >= spillAt) {
          if (level >= MAX_SPILL_LEVELS) throw tooManyGroups(spillAt, level);
          spill = new HashPartitions(groupBy.map((e) => e.type), level, this.metrics);
        }
      }
      // ── emit ──
      for (const state of states) {
        await yieldThenCheckCancelled(ctx.signal);
        const groups = state.groups;
        if (groups === 0) continue;
        const keys = state.table?.keys() ?? [];
        const columns: arrow.Data[] = groupBy.map((e, i) => {
          const at = state.keys.indexOf(i);
          return at === -1 ? nullData(e.type, groups) : (keys[at] as arrow.Data);
        });
        for (const acc of state.accumulators) columns.push(acc.finish(groups));
        if (withGroupingId) {
          const bits = new Int32Array(groups).fill(groupingId(state.keys, groupBy.length));
          columns.push(arrow.makeData({ type: new arrow.Int32(), length: groups, nullCount: 0, data: bits }));
        }
        for (let start = 0; start < groups; start += OUTPUT_BATCH_ROWS) {
          const length = Math.min(OUTPUT_BATCH_ROWS, groups - start);
          yield makeBatch(schema, start === 0 && length === groups ? columns : columns.map((c) => c.slice(start, length)), length);
        }
      }
      states.length = 0; // the in-memory groups are out: their memory is the partitions' now
      // ── the spilled partitions, one at a time ──
      if (spill !== undefined) {
        const files = await spill.finish();
        try {
          for (const file of files) {
            yield* this.aggregate(file.read(this.input.schema), ctx, level + 1);
            await file.delete();
          }
        } finally {
          await Promise.all(files.map((f) => f.delete()));
        }
      }
    } finally {
      await spill?.dispose();
    }
  }
}

/** Spilled partitions split again at most this deep (16^4 partitions: a key skew no split helps). */
const MAX_SPILL_LEVELS = 4;
/** Estimated bytes per group besides its aggregates: hash slot and id, and a key of 8 bytes (strings: 24). */
const GROUP_BYTES = 16;

/**
 * How many groups one aggregation keeps in memory before spilling new groups' rows: the operator
 * budget (DELTASQL_OPERATOR_MEMORY_MB) over an estimate of a group's bytes — its keys, its slot
 * in the hash table, 16 bytes per aggregate (collecting aggregates hold more; the estimate is a
 * bound on groups, not on bytes).
 */
function groupsInMemory(groupBy: readonly PhysicalExpr[], aggregates: readonly AggregateCall[]): number {
  let perGroup = GROUP_BYTES + 16 * aggregates.length;
  for (const e of groupBy) perGroup += arrow.DataType.isUtf8(e.type) || arrow.DataType.isBinary(e.type) ? 24 : 8;
  return Math.max(1, Math.floor(operatorMemoryLimit() / perGroup));
}

function tooManyGroups(spillAt: number, level: number): SqlError {
  return new SqlError('53200', `out of memory: the aggregation still has more than ${spillAt.toLocaleString('en-US')} groups after splitting its input ${level} times`, {
    detail: 'deltasql spills groups that do not fit to disk by a hash of their keys and splits them again, but one share of the keys is still too large.',
    hint: 'Raise DELTASQL_OPERATOR_MEMORY_MB, or group by fewer distinct keys.',
  });
}

/** One grouping set's hash table, group count and accumulators for one run. */
class SetState {
  readonly table: GroupTable | undefined;
  /** Without keys the set is one group, present even before (and without) any input row. */
  groups: number;
  readonly accumulators: Accumulator[];
  readonly distinct: (GroupTable | undefined)[];

  constructor(readonly keys: readonly number[], groupBy: readonly PhysicalExpr[], aggregates: readonly AggregateCall[]) {
    this.table = keys.length === 0 ? undefined : new GroupTable(keys.map((k) => groupBy[k].type));
    this.groups = keys.length === 0 ? 1 : 0;
    this.accumulators = aggregates.map(createAccumulator);
    // Without keys every row is in group 0, so the pairs are keyed by the arguments alone (a
    // single string argument then takes the GroupTable's dictionary path).
    const groupColumn = keys.length === 0 ? [] : [new arrow.Int32()];
    this.distinct = aggregates.map((a) =>
      isDistinct(a) && distinctMatters(a) ? new GroupTable([...groupColumn, ...a.args.map((e) => e.type)]) : undefined,
    );
  }
}

/**
 * One call's rows and arguments for a batch, shared by every grouping set: `rows` are the rows
 * FILTER keeps (and, for DISTINCT calls, whose arguments are all non-NULL, as NULLs are never
 * counted — except array_agg's, which keeps NULL as an element, once), null for all rows; `args`
 * are the call's arguments then its ORDER BY keys, already narrowed to `rows`.
 */
function callInput(call: AggregateCall, batch: arrow.RecordBatch): { rows: Int32Array | null; args: arrow.Data[] } {
  let args = call.args.map((e) => e.evaluate(batch));
  if (call.orderBy !== undefined) for (const k of call.orderBy) args.push(k.expr.evaluate(batch));
  let rows: Int32Array | null = call.filter === undefined ? null : maskIndices(call.filter.evaluate(batch));
  if (isDistinct(call) && distinctMatters(call) && call.name !== 'array_agg') {
    for (const arg of args.slice(0, call.args.length)) {
      const valid = validityBytes(arg);
      if (valid === null) continue;
      const kept = rows ?? identity(batch.numRows);
      let n = 0;
      for (let k = 0; k < kept.length; k++) if (valid[kept[k]] !== 0) kept[n++] = kept[k];
      rows = kept.subarray(0, n);
    }
  }
  if (rows !== null && rows.length === batch.numRows) return { rows: null, args };
  if (rows !== null) {
    const selected = rows;
    args = args.map((a) => take(a, selected));
  }
  return { rows, args };
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * The rows whose (group, arguments) pair `table` has not seen before, first occurrence only (new
 * pairs get the next ids in row order); null when every row is new. `groupIds` null: one group,
 * and `table` is keyed by the arguments alone.
 */
function firstOccurrences(table: GroupTable, groupIds: Int32Array | null, args: readonly arrow.Data[]): Int32Array | null {
  const n = args[0]?.length ?? groupIds?.length ?? 0;
  const groupColumn = groupIds === null ? [] : [arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: groupIds })];
  const firsts = table.insertNew([...groupColumn, ...args], n);
  return firsts.length === n ? null : firsts;
}

/** GROUPING(all group columns) for a set: bit (count − 1 − i) set when column i is not grouped. */
export function groupingId(keys: readonly number[], count: number): number {
  let bits = 0;
  for (let i = 0; i < count; i++) if (!keys.includes(i)) bits |= 1 << (count - 1 - i);
  return bits;
}

function checkGroups(groups: number, maxGroups: number): void {
  if (groups <= maxGroups) return;
  throw new SqlError('53200', `out of memory: the aggregation passed ${maxGroups.toLocaleString('en-US')} groups`, {
    detail: 'Hash aggregation keeps every group in memory.',
    hint: 'Group by fewer distinct keys, filter the input first, or raise the group limit.',
  });
}
