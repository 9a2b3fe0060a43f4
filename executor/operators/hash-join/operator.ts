import * as arrow from 'apache-arrow';
import { assert } from '../../../common/sql-error.js';
import type { PhysicalExpr } from '../../expr/physical-expr.js';
import { sameType } from '../../kernels/cast.js';
import type { ExecContext, PhysicalOperator } from '../../operator.js';
import type { GroupTable } from '../../hash/group-table.js';
import type { RuntimeScanFilter } from '../scan.js';
import { buildHashTable } from './build.js';
import type { KeyBitmaps } from './key-bitmap.js';
import { newSpillMetrics, spillText, type SpillMetrics } from '../../spill/metrics.js';
import { graceJoin } from './grace.js';
import { joinSchema, pairSchema, type JoinOutput, type JoinType } from './output.js';
import { probeAll, type ProbeSpec } from './probe.js';
import { dropsUnmatchedProbeRows, filtersForKeys, MAX_IN_VALUES, rangeFilterType, runtimeFilterTargets, type RuntimeFilterTarget } from './runtime-filter.js';

export type { JoinType } from './output.js';

export interface HashJoinOptions {
  /**
   * `x NOT IN (subquery)` semantics for an anti join: if the build side has a NULL key no row
   * qualifies; a left row with a NULL key qualifies only when the build side is empty.
   */
  readonly nullAwareAnti?: boolean;
  /**
   * The output columns the plan above reads (ascending indexes into left ++ right fields, the
   * left ones alone for semi/anti): only those are gathered. All of them by default.
   */
  readonly outputColumns?: readonly number[];
}

/**
 * Equi-join by hashing: builds a hash table on the RIGHT input, then streams the LEFT input
 * through it batch by batch.
 *
 * - `leftKeys[i] = rightKeys[i]` are the equi-join keys (the planner has coerced each pair to one
 *   type); rows with a NULL key never match (SQL equality) but still appear in outer joins.
 * - `residual`, when given, is the rest of the ON condition, evaluated over the combined row
 *   (left fields ++ right fields), e.g. `imps.impTimestamp < convs.convTimestamp`; a pair joins
 *   only where it is TRUE.
 * - Output: left fields ++ right fields, or left fields only for semi/anti; the padded side of an
 *   outer join becomes nullable. Batches hold at most 65,536 rows. Unmatched build rows of
 *   RIGHT/FULL joins come last, after the whole probe side.
 *
 * - `nullAwareAnti` (`x NOT IN (subquery)`): a NULL in any build key empties the result, and a
 *   probe row with a NULL key qualifies only against an empty build side. That is exact for an
 *   uncorrelated single-column NOT IN only. A correlated (or row-valued) NOT IN is planned as a
 *   plain anti join keyed on the correlation's equalities with `(x = y) IS NOT FALSE` in the
 *   residual (planner/binder/bind-select.ts `semiJoin`), which makes the NULL check per
 *   correlation group: a probe row is dropped when some build row of its group compares TRUE or
 *   NULL, and kept when its group is empty.
 *
 * The build side is kept as concatenated Arrow columns addressed by row index (build.ts), the
 * probe is vectorised per batch (probe.ts): no per-row JS objects at any size. A build side past
 * DELTASQL_OPERATOR_MEMORY_MB spills: both sides are split by key hash into files joined pair by
 * pair (grace.ts), without runtime filters.
 *
 * `outputColumns`: only the columns the plan above reads are gathered into output batches (the
 * other side's keys of `SELECT p.*, f.eps FROM p JOIN f ON …` never are).
 *
 * EXPLAIN: `HashJoin: type=left on=[a.id = b.id] residual=a.ts < b.ts`, then ` output=[…]` when
 * it outputs fewer columns than both sides hold
 */
export class HashJoinExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;
  readonly nullAwareAnti: boolean;
  /** Probe-side scan columns that get the build keys' range once the table is built. */
  readonly runtimeFilters: readonly RuntimeFilterTarget[];
  /** What runs of this node spilled (EXPLAIN ANALYZE). */
  readonly metrics: SpillMetrics = newSpillMetrics();
  /** The columns of each side it outputs; `pruned` when fewer than all. */
  private readonly output: JoinOutput;
  private readonly pruned: boolean;

  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    readonly leftKeys: readonly PhysicalExpr[],
    readonly rightKeys: readonly PhysicalExpr[],
    readonly type: JoinType,
    readonly residual?: PhysicalExpr,
    options: HashJoinOptions = {},
  ) {
    assert(leftKeys.length === rightKeys.length && leftKeys.length > 0, 'hash join needs as many left as right keys, at least one');
    leftKeys.forEach((k, i) =>
      assert(sameKeyLayout(k.type, rightKeys[i].type), `hash join key ${i} has types ${k.type} and ${rightKeys[i].type}; the planner must coerce them`),
    );
    this.nullAwareAnti = options.nullAwareAnti === true;
    assert(!this.nullAwareAnti || type === 'anti', 'nullAwareAnti is for anti joins');
    this.children = [left, right];
    const whole = joinSchema(left.schema, right.schema, type);
    const width = left.schema.fields.length;
    const columns = options.outputColumns ?? whole.fields.map((_, i) => i);
    assert(columns.every((c, k) => c >= 0 && c < whole.fields.length && (k === 0 || c > (columns[k - 1] as number))), 'hash join output columns must be ascending indexes of its fields');
    this.output = { left: columns.filter((c) => c < width), right: columns.filter((c) => c >= width).map((c) => c - width) };
    this.pruned = columns.length < whole.fields.length;
    this.schema = this.pruned ? new arrow.Schema(columns.map((c) => whole.fields[c] as arrow.Field)) : whole;
    this.runtimeFilters = dropsUnmatchedProbeRows(type) ? runtimeFilterTargets(left, leftKeys) : [];
  }

  explain(): string {
    const on = this.leftKeys.map((k, i) => `${k} = ${this.rightKeys[i]}`).join(', ');
    const residual = this.residual === undefined ? '' : ` residual=${this.residual}`;
    const runtime = this.runtimeFilters.length === 0 ? '' : ` runtime_filter=[${this.runtimeFilters.map((t) => t.column).join(', ')}]`;
    const output = this.pruned ? ` output=[${this.schema.fields.map((f) => f.name).join(', ')}]` : '';
    return `HashJoin: type=${this.type} on=[${on}]${residual}${this.nullAwareAnti ? ' null_aware=true' : ''}${runtime}${output}${spillText(this.metrics)}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { left, right, leftKeys, rightKeys, type, schema, runtimeFilters, metrics } = this;
    const spec: ProbeSpec = {
      type,
      keys: this.leftKeys,
      residual: this.residual,
      nullAwareAnti: this.nullAwareAnti,
      outputSchema: schema,
      output: this.output,
      pairSchema: pairSchema(left.schema, right.schema),
    };
    return (async function* hashJoin() {
      // ── build ── (past the memory budget: to hash partitions on disk, joined pairwise by grace.ts)
      // Once every build key is in the table, the probe side starts, its runtime filters known,
      // while the build finishes its chains — unless the build side may mean the probe side is
      // never read (no row; NOT IN's NULL key).
      let probe: StartedInput | undefined;
      try {
        const onKeys = (table: GroupTable, bitmaps: KeyBitmaps | undefined) => {
          if (table.size === 0 || spec.nullAwareAnti) return;
          probe = startNow(left.execute(runtimeFilters.length === 0 ? ctx : withRuntimeFilters(ctx, runtimeFilters, table, bitmaps)));
        };
        // The build columns read after the build: those output, or all of them for a residual.
        const columns = spec.residual === undefined ? new Set(spec.output.right) : undefined;
        const built = await buildHashTable(right, rightKeys, ctx, { level: 0, metrics }, { onKeys, ...(columns === undefined ? {} : { columns }) });
        if (built.kind === 'spilled') {
          yield* graceJoin({ spec, leftSchema: left.schema, rightSchema: right.schema, leftKeys, rightKeys, metrics }, built, left.execute(ctx), 0, ctx);
          return;
        }
        const ht = built.ht;
        // Nothing can come out: skip reading the probe side at all.
        if (ht.rows === 0 && (type === 'inner' || type === 'right' || type === 'semi')) return;
        if (spec.nullAwareAnti && ht.hasNullKey) return;

        // ── probe ── (not started above for an empty build side or NOT IN: neither has runtime filters)
        yield* probeAll(spec, ht, probe?.batches ?? left.execute(ctx), left.schema, ctx);
      } finally {
        await probe?.close();
      }
    })();
  }
}

/** An input already asked for its first batch, and how to close it if it is never read. */
interface StartedInput {
  readonly batches: AsyncIterable<arrow.RecordBatch>;
  close(): Promise<void>;
}

/** Asks `input` for its first batch now: the scans under it open files and decode ahead meanwhile. */
function startNow(input: AsyncIterable<arrow.RecordBatch>): StartedInput {
  const it = input[Symbol.asyncIterator]();
  const first = it.next();
  first.catch(() => undefined); // reported when read; unread (nothing to probe), it does not matter
  async function* batches(): AsyncGenerator<arrow.RecordBatch> {
    for (let next = await first; next.done !== true; next = await it.next()) yield next.value;
  }
  return {
    batches: batches(),
    close: async () => {
      await first.catch(() => undefined);
      await it.return?.();
    },
  };
}

/** `ctx` plus, for each target scan, the filters the built table's keys allow, and their key sets. */
function withRuntimeFilters(ctx: ExecContext, targets: readonly RuntimeFilterTarget[], table: GroupTable, bitmaps: KeyBitmaps | undefined): ExecContext {
  const scanFilters = new Map(ctx.scanFilters ?? []);
  for (const { key, scan, column } of targets) {
    const filters: RuntimeScanFilter[] = [];
    // Too many distinct values for an IN list: skip building the key column at all.
    if (rangeFilterType(table.keyTypes[key] as arrow.DataType) || table.size <= MAX_IN_VALUES) filters.push(...filtersForKeys(column, table.keyColumn(key)));
    const bitmap = bitmaps?.bitmapOf(key);
    if (bitmap !== undefined && bitmap.bits.length <= MAX_KEY_SET_BYTES) filters.push({ kind: 'keySet', column, ...bitmap });
    if (filters.length > 0) scanFilters.set(scan, [...(scanFilters.get(scan) ?? []), ...filters]);
  }
  return { ...ctx, scanFilters };
}

/**
 * A key bitmap goes to the probe's scan up to 128 KiB (a million values: a date range of 2,800
 * years): each file read carries a copy of it to its decode worker.
 */
const MAX_KEY_SET_BYTES = 128 * 1024;

/**
 * Whether two key types hash and compare alike in a GroupTable: the same physical layout and,
 * for decimals, the same scale. Stricter than needed is a planner bug caught early; looser (a
 * timestamp's zone name, a decimal's precision) would only refuse a correct plan.
 */
function sameKeyLayout(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  switch (a.typeId) {
    case arrow.Type.Int:
      return (a as arrow.Int).bitWidth === (b as arrow.Int).bitWidth && (a as arrow.Int).isSigned === (b as arrow.Int).isSigned;
    case arrow.Type.Float:
      return (a as arrow.Float).precision === (b as arrow.Float).precision;
    case arrow.Type.Decimal:
      return (a as arrow.Decimal).scale === (b as arrow.Decimal).scale && (a as arrow.Decimal).bitWidth === (b as arrow.Decimal).bitWidth;
    case arrow.Type.Timestamp:
      return (a as arrow.Timestamp).unit === (b as arrow.Timestamp).unit;
    case arrow.Type.Date:
      return (a as arrow.Date_).unit === (b as arrow.Date_).unit;
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
    case arrow.Type.Bool:
    case arrow.Type.Null:
      return true;
    default:
      return sameType(a, b);
  }
}
