import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { take } from '../../common/arrow/take.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { concat } from '../arrow/concat.js';
import { dataFromValues, scalarAt, type ScalarValue } from '../arrow/scalar.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/** One run of the subquery: its rows as columns (planner/logical/apply.ts `ApplyRows`). */
export interface ApplyRows {
  readonly columns: readonly arrow.Data[];
  readonly length: number;
}

/** Distinct value combinations remembered per run; past it the cache starts over (memory stays bounded). */
export const APPLY_CACHE_ENTRIES = 4096;
/** Subquery rows remembered per run, over all entries; past it the cache starts over too. */
export const APPLY_CACHE_ROWS = 1_000_000;

/**
 * Runs a subquery per input row (planner/logical/apply.ts): the row's values of `columns` go to
 * `evaluate`, which plans the subquery with them as constants and runs it. Runs are cached by
 * those values, so a subquery correlated on a ticker runs once per ticker, not once per price
 * row; the cache holds at most APPLY_CACHE_ENTRIES results of APPLY_CACHE_ROWS rows in all and
 * is dropped when full.
 *
 * Output: the input columns, then the subquery's columns, one row per row it returned; with
 * `join = 'left'` an input row whose run returned nothing appears once, padded with NULLs.
 *
 * EXPLAIN: `Apply: (subquery) over [#3, #5]`
 */
export class ApplyExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(
    readonly input: PhysicalOperator,
    readonly columns: readonly number[],
    readonly evaluate: (values: readonly ScalarValue[], signal: AbortSignal | undefined) => Promise<ApplyRows>,
    readonly fields: readonly arrow.Field[],
    readonly label: string,
    readonly join: 'inner' | 'left' = 'inner',
  ) {
    this.children = [input];
    this.schema = new arrow.Schema([...input.schema.fields, ...fields]);
  }

  explain(): string {
    return `Apply: ${this.label} over [${this.columns.map((c) => `#${c}`).join(', ')}]${this.join === 'left' ? ' join=left' : ''}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, columns, evaluate, fields, schema, join } = this;
    return (async function* apply() {
      const cache = new Map<string, ApplyRows>();
      let cachedRows = 0;
      const nullRow: ApplyRows = { columns: fields.map((f) => dataFromValues(f.type, [null])), length: 1 };
      for await (const batch of input.execute(ctx)) {
        const inputs = batchColumns(batch);
        // ── run (or recall) the subquery for each row's values ──
        const runs: ApplyRows[] = [];
        for (let i = 0; i < batch.numRows; i++) {
          const values = columns.map((c) => scalarAt(inputs[c], i));
          const key = valuesKey(values);
          let rows = cache.get(key);
          if (rows === undefined) {
            await yieldThenCheckCancelled(ctx.signal);
            rows = await evaluate(values, ctx.signal);
            if (rows.columns.length !== fields.length) throw SqlError.internal(`Apply expected ${fields.length} columns from its subquery, got ${rows.columns.length}`);
            if (cache.size >= APPLY_CACHE_ENTRIES || cachedRows + rows.length > APPLY_CACHE_ROWS) {
              cache.clear();
              cachedRows = 0;
            }
            cache.set(key, rows);
            cachedRows += rows.length;
          }
          runs.push(rows);
        }
        // ── repeat each input row once per subquery row, and lay the subquery rows beside them ──
        let total = 0;
        for (const r of runs) total += r.length === 0 && join === 'left' ? 1 : r.length;
        if (total === 0) continue;
        const repeat = new Int32Array(total);
        const parts: ApplyRows[] = [];
        let at = 0;
        runs.forEach((r, i) => {
          const rows = r.length === 0 && join === 'left' ? nullRow : r;
          repeat.fill(i, at, at + rows.length);
          at += rows.length;
          if (rows.length > 0) parts.push(rows);
        });
        const right = fields.map((_, c) => concat(parts.map((p) => p.columns[c])));
        yield makeBatch(schema, [...inputs.map((d) => take(d, repeat)), ...right], total);
      }
    })();
  }
}

/** A string that is equal for equal values (bigints, bytes and nested values included). */
export function valuesKey(values: readonly ScalarValue[]): string {
  return JSON.stringify(values, (_, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
    if (typeof v === 'number' && !Number.isFinite(v)) return `${v}`;
    if (typeof v === 'string') return `s${v}`;
    return v;
  });
}
