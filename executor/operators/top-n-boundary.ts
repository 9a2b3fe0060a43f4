import type * as arrow from 'apache-arrow';
import { scalarAt } from '../arrow/scalar.js';
import { ColumnExpr } from '../expr/column.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { rangeFilterType } from './hash-join/runtime-filter.js';
import type { ScanExec, ScanFilter } from './scan.js';
import { scanColumnOf } from './scan-column.js';
import type { PhysicalSortKey } from './sort.js';

/**
 * Top-N's dynamic filter (DuckDB and Trino do the same): once top-N holds its `fetch` best rows,
 * a row can only get in if its first sort key sorts no later than the last kept row's —
 * `volume >= 4987654` under `ORDER BY volume DESC LIMIT 10`, or NULL where NULLs sort first. The
 * scan the first key comes from (unchanged, through filters and projections) hears the boundary
 * as it tightens; storage checks it as each later file starts and skips the files and row groups
 * whose statistics rule it out (storage/scan/scan.ts). Rows are never dropped here: top-N still
 * compares every row it gets.
 *
 * Only for integer, date and timestamp keys, whose statistics order exactly as the sort does
 * (float bounds leave NaN out, and string bounds may be truncated).
 */
export class TopNBoundary {
  /** The last run's final filter, for EXPLAIN ANALYZE. */
  private last: ScanFilter | undefined;

  private constructor(
    readonly scan: ScanExec,
    readonly column: string,
    private readonly key: PhysicalSortKey,
  ) {}

  /** A boundary for top-N over `input` by `keys`, when the first key qualifies. */
  static over(input: PhysicalOperator, keys: readonly PhysicalSortKey[]): TopNBoundary | undefined {
    const first = keys[0];
    if (first === undefined || !(first.expr instanceof ColumnExpr) || !rangeFilterType(first.expr.type)) return undefined;
    const found = scanColumnOf(input, first.expr.index);
    return found === undefined ? undefined : new TopNBoundary(found.scan, found.column, first);
  }

  /**
   * One run's boundary: the context for top-N's input (its scan hears the filter) and `tighten`,
   * to call with top-N's `fetch` best rows, sorted, each time it has cut back to them.
   */
  start(ctx: ExecContext): { readonly ctx: ExecContext; tighten(best: arrow.RecordBatch): void } {
    let filter: ScanFilter | undefined;
    const dynamicScanFilters = new Map(ctx.dynamicScanFilters ?? []);
    dynamicScanFilters.set(this.scan, [...(dynamicScanFilters.get(this.scan) ?? []), () => filter]);
    return {
      ctx: { ...ctx, dynamicScanFilters },
      tighten: (best) => {
        filter = this.filterAt(best);
        this.last = filter;
      },
    };
  }

  /** The filter `best`'s last row allows, or undefined. */
  private filterAt(best: arrow.RecordBatch): ScanFilter | undefined {
    const { key, column } = this;
    const value = scalarAt(key.expr.evaluate(best), best.numRows - 1);
    // A NULL boundary: where NULLs sort last every value beats it; where first, only NULLs tie.
    if (value === null) return undefined;
    return { kind: 'compare', column, op: key.descending ? '>=' : '<=', value, ...(key.nullsFirst ? { orNull: true } : {}) };
  }

  /** For EXPLAIN: `volume` before a run, `volume >= 4987654` after one. */
  toString(): string {
    const f = this.last;
    if (f === undefined || f.kind !== 'compare') return this.column;
    return `${this.column} ${f.op} ${String(f.value)}${f.orNull === true ? ' OR NULL' : ''}`;
  }
}
