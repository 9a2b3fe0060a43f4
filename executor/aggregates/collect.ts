import * as arrow from 'apache-arrow';
import { validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import { SqlError } from '../../common/sql-error.js';
import { concat } from '../arrow/concat.js';
import type { ScalarValue } from '../arrow/scalar.js';
import { rowComparator } from '../kernels/sort.js';
import type { Accumulator } from './accumulator.js';
import { nullData } from '../../common/arrow/null-data.js';
import { gather } from './growable.js';
import { isMinMaxType } from './min-max.js';
import { toFloat64 } from './numeric.js';

export type CollectName = 'percentile_cont' | 'percentile_disc' | 'median' | 'mode' | 'collect_list' | 'collect_set' | 'array_agg' | 'string_agg';

const utf8 = new TextEncoder();

/**
 * The aggregates that need all of a group's values: exact percentiles (`percentile_cont`,
 * `percentile_disc`, `median`), `collect_list` / `collect_set` and `string_agg`. Non-NULL rows
 * are kept as (group id, value, ORDER BY keys) chunks; at the end one stable counting sort by
 * group id puts each group's rows together in input order, and each group is then sorted by
 * its value (percentiles: float8 values with the native typed-array sort) or by the call's
 * ORDER BY keys. Memory is O(non-NULL input rows) — these are PostgreSQL's ordered-set
 * aggregates, which also sort all input.
 *
 * - percentile_cont(f) / median: PostgreSQL's linear interpolation between the values at
 *   positions floor and ceil of f·(n−1);
 * - percentile_disc(f): the first value whose cumulative share reaches f (the ⌈f·n⌉-th);
 * - mode(): the most frequent value, the first in sort order among equally frequent ones
 *   (PostgreSQL's `mode() WITHIN GROUP (ORDER BY x [DESC])`; `params[0]` true for DESC);
 * - collect_list / collect_set: a list in input order (or ORDER BY), NULLs skipped, an empty
 *   list for a group with no input (Spark); collect_set arrives de-duplicated (the operator
 *   treats it as DISTINCT);
 * - array_agg: PostgreSQL's — NULL values kept as elements, NULL for a group with no input;
 * - string_agg(x, sep): the values joined by sep, NULL for a group with no input (PostgreSQL).
 */
export class CollectAccumulator implements Accumulator {
  private groupChunks: Int32Array[] = [];
  private valueChunks: arrow.Data[] = [];
  private keyChunks: arrow.Data[][] = [];
  private readonly fraction: number;

  constructor(
    private readonly name: CollectName,
    private readonly type: arrow.DataType,
    argType: arrow.DataType,
    private readonly params: readonly ScalarValue[],
    private readonly orderBy: readonly { readonly descending: boolean; readonly nullsFirst: boolean }[],
  ) {
    this.fraction = name === 'median' ? 0.5 : Number(params[0] ?? 0.5);
    if ((name === 'percentile_cont' || name === 'percentile_disc') && !(this.fraction >= 0 && this.fraction <= 1)) {
      throw new SqlError('22003', `percentile value ${String(params[0])} is not between 0 and 1`);
    }
    if ((name === 'percentile_disc' || name === 'mode') && !isMinMaxType(argType)) throw SqlError.undefinedFunction(`${name}(${String(argType)})`);
    if ((name === 'percentile_cont' || name === 'median') && toFloatable(argType) === false) throw SqlError.undefinedFunction(`${name}(${String(argType)})`);
    if (name === 'string_agg' && !arrow.DataType.isUtf8(argType) && !arrow.DataType.isBinary(argType)) throw SqlError.undefinedFunction(`string_agg(${String(argType)})`);
  }

  update(groupIds: Int32Array, args: readonly arrow.Data[], _groups: number): void {
    const value = args[0];
    // array_agg keeps NULL values as elements: every row counts.
    const valid = this.name === 'array_agg' ? null : validityBytes(value);
    let rows: Int32Array | null = null;
    if (valid !== null) {
      let count = 0;
      for (let i = 0; i < valid.length; i++) count += valid[i];
      rows = new Int32Array(count);
      for (let i = 0, k = 0; i < valid.length; i++) if (valid[i] !== 0) rows[k++] = i;
    }
    if (rows !== null && rows.length === 0) return;
    this.groupChunks.push(rows === null ? groupIds.slice() : gather(groupIds, rows));
    this.valueChunks.push(rows === null ? value : take(value, rows));
    if (this.orderBy.length > 0 && this.usesOrderBy()) this.keyChunks.push(args.slice(1).map((k) => (rows === null ? k : take(k, rows))));
  }

  private usesOrderBy(): boolean {
    return this.name === 'collect_list' || this.name === 'collect_set' || this.name === 'array_agg' || this.name === 'string_agg';
  }

  finish(groups: number): arrow.Data {
    const total = this.groupChunks.reduce((n, c) => n + c.length, 0);
    const ids = new Int32Array(total);
    let at = 0;
    for (const c of this.groupChunks) {
      ids.set(c, at);
      at += c.length;
    }
    // ── stable counting sort by group ──
    const starts = new Int32Array(groups + 1);
    for (let i = 0; i < total; i++) starts[ids[i] + 1]++;
    for (let g = 0; g < groups; g++) starts[g + 1] += starts[g];
    const order = new Int32Array(total);
    const next = starts.slice(0, groups);
    for (let i = 0; i < total; i++) order[next[ids[i]]++] = i;
    const values = total === 0 ? nullData(this.valueType(), 0) : concat(this.valueChunks);
    switch (this.name) {
      case 'percentile_cont':
      case 'median':
        return this.percentileCont(values, order, starts, groups);
      case 'percentile_disc':
        return this.percentileDisc(values, order, starts, groups);
      case 'mode':
        return this.mode(values, order, starts, groups);
      default: {
        if (this.keyChunks.length > 0) {
          const keys = this.orderBy.map((k, c) => ({ data: concat(this.keyChunks.map((chunk) => chunk[c])), descending: k.descending, nullsFirst: k.nullsFirst }));
          this.sortSegments(order, starts, groups, keys.map(rowComparator));
        }
        return this.name === 'string_agg' ? this.join(values, order, starts, groups) : this.list(values, order, starts, groups);
      }
    }
  }

  private valueType(): arrow.DataType {
    return arrow.DataType.isList(this.type) ? (this.type as arrow.List).children[0].type : this.type;
  }

  /** Sorts each group's segment of `order` by the comparators, ties in input order. */
  private sortSegments(order: Int32Array, starts: Int32Array, groups: number, comparators: readonly ((a: number, b: number) => number)[]): void {
    const compare = (a: number, b: number): number => {
      for (const c of comparators) {
        const r = c(a, b);
        if (r !== 0) return r;
      }
      return a - b;
    };
    for (let g = 0; g < groups; g++) if (starts[g + 1] - starts[g] > 1) order.subarray(starts[g], starts[g + 1]).sort(compare);
  }

  private percentileCont(values: arrow.Data, order: Int32Array, starts: Int32Array, groups: number): arrow.Data {
    const x = toFloat64(values);
    const sorted = new Float64Array(order.length);
    for (let k = 0; k < order.length; k++) sorted[k] = x[order[k]];
    const out = new Float64Array(groups);
    const valid = new Uint8Array(groups);
    const f = this.fraction;
    for (let g = 0; g < groups; g++) {
      const n = starts[g + 1] - starts[g];
      if (n === 0) continue;
      const segment = sorted.subarray(starts[g], starts[g + 1]);
      segment.sort(); // numeric, NaN last: PostgreSQL's float8 order
      const position = f * (n - 1);
      const lo = Math.floor(position);
      const hi = Math.ceil(position);
      const a = segment[lo];
      out[g] = hi === lo ? a : a + (position - lo) * (segment[hi] - a);
      valid[g] = 1;
    }
    return arrow.makeData({ type: new arrow.Float64(), length: groups, ...validityProps(valid), data: out });
  }

  private percentileDisc(values: arrow.Data, order: Int32Array, starts: Int32Array, groups: number): arrow.Data {
    this.sortSegments(order, starts, groups, [rowComparator({ data: values, descending: false, nullsFirst: false })]);
    const picks = new Int32Array(groups);
    for (let g = 0; g < groups; g++) {
      const n = starts[g + 1] - starts[g];
      if (n === 0) {
        picks[g] = -1;
        continue;
      }
      const k = Math.max(1, Math.ceil(this.fraction * n)); // PostgreSQL: the ceil(f·n)-th row, at least the first
      picks[g] = order[starts[g] + Math.min(n, k) - 1];
    }
    if (values.length === 0) return nullData(this.type, groups);
    return take(values, picks);
  }

  private mode(values: arrow.Data, order: Int32Array, starts: Int32Array, groups: number): arrow.Data {
    const compare = rowComparator({ data: values, descending: this.params[0] === true, nullsFirst: false });
    this.sortSegments(order, starts, groups, [compare]);
    const picks = new Int32Array(groups).fill(-1);
    for (let g = 0; g < groups; g++) {
      let best = -1;
      let bestRun = 0;
      let run = 0;
      for (let k = starts[g]; k < starts[g + 1]; k++) {
        run = k > starts[g] && compare(order[k - 1], order[k]) === 0 ? run + 1 : 1;
        // Strictly longer: among runs of equal length the first (in sort order) stays.
        if (run > bestRun) {
          bestRun = run;
          best = order[k];
        }
      }
      picks[g] = best;
    }
    if (values.length === 0) return nullData(this.type, groups);
    return take(values, picks);
  }

  private list(values: arrow.Data, order: Int32Array, starts: Int32Array, groups: number): arrow.Data {
    const child = take(values, order);
    if (this.name !== 'array_agg') return arrow.makeData({ type: this.type as arrow.List, length: groups, nullCount: 0, valueOffsets: starts, child });
    const valid = new Uint8Array(groups);
    for (let g = 0; g < groups; g++) valid[g] = starts[g + 1] > starts[g] ? 1 : 0;
    return arrow.makeData({ type: this.type as arrow.List, length: groups, ...validityProps(valid), valueOffsets: starts, child });
  }

  private join(values: arrow.Data, order: Int32Array, starts: Int32Array, groups: number): arrow.Data {
    const sepParam = this.params[0] ?? null;
    const sep = sepParam === null ? new Uint8Array(0) : typeof sepParam === 'string' ? utf8.encode(sepParam) : (sepParam as Uint8Array);
    const o = values.valueOffsets as Int32Array;
    const bytes = values.values as Uint8Array;
    const valueOffsets = new Int32Array(groups + 1);
    let size = 0;
    for (let g = 0; g < groups; g++) {
      const n = starts[g + 1] - starts[g];
      for (let k = starts[g]; k < starts[g + 1]; k++) size += o[order[k] + 1] - o[order[k]];
      if (n > 1) size += sep.length * (n - 1);
      valueOffsets[g + 1] = size;
    }
    const out = new Uint8Array(size);
    const valid = new Uint8Array(groups);
    let pos = 0;
    for (let g = 0; g < groups; g++) {
      valid[g] = starts[g + 1] > starts[g] ? 1 : 0;
      for (let k = starts[g]; k < starts[g + 1]; k++) {
        if (k > starts[g]) {
          out.set(sep, pos);
          pos += sep.length;
        }
        const r = order[k];
        out.set(bytes.subarray(o[r], o[r + 1]), pos);
        pos += o[r + 1] - o[r];
      }
    }
    return arrow.makeData({ type: this.type, length: groups, ...validityProps(valid), valueOffsets, data: out } as never);
  }
}

function toFloatable(type: arrow.DataType): boolean {
  return arrow.DataType.isInt(type) || arrow.DataType.isFloat(type) || arrow.DataType.isDecimal(type);
}
