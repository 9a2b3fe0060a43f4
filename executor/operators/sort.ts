import type * as arrow from 'apache-arrow';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { concat } from '../arrow/concat.js';
import { take } from '../../common/arrow/take.js';
import { throwIfCancelled } from '../cancel.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import { sortIndices } from '../kernels/sort.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

export interface PhysicalSortKey {
  readonly expr: PhysicalExpr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

const OUTPUT_BATCH_ROWS = 65_536;

/**
 * ORDER BY. Without `fetch`: a full sort — every input batch is buffered, concatenated, the keys
 * evaluated once, and the row order computed by `sortIndices` then applied with `take`. With
 * `fetch` (a LIMIT above asked for at most that many rows): top-N — the buffer is cut back to
 * the best `fetch` rows whenever it grows past a bound, so memory stays O(fetch + batch).
 *
 * EXPLAIN: `Sort: close DESC NULLS FIRST, ticker ASC NULLS LAST` or `TopN: fetch=10 …`
 */
export class SortExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(readonly input: PhysicalOperator, readonly keys: readonly PhysicalSortKey[], readonly fetch?: number) {
    this.children = [input];
    this.schema = input.schema;
  }

  explain(): string {
    const keys = this.keys
      .map((k) => `${k.expr} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`)
      .join(', ');
    return this.fetch === undefined ? `Sort: ${keys}` : `TopN: fetch=${this.fetch} ${keys}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, keys, fetch, schema } = this;
    return (async function* sort() {
      // ── buffer (cut back to the best `fetch` rows as it grows, for top-N) ──
      let buffered: arrow.RecordBatch[] = [];
      let rows = 0;
      const bound = fetch === undefined ? Infinity : Math.max(2 * fetch, OUTPUT_BATCH_ROWS);
      for await (const batch of input.execute(ctx)) {
        throwIfCancelled(ctx.signal);
        buffered.push(batch);
        rows += batch.numRows;
        if (rows > bound) {
          const best = sortBuffered(schema, buffered, keys, fetch);
          buffered = [best];
          rows = best.numRows;
        }
      }
      if (rows === 0) return;
      // ── emit ──
      const sorted = sortBuffered(schema, buffered, keys, fetch);
      for (let start = 0; start < sorted.numRows; start += OUTPUT_BATCH_ROWS) {
        yield start === 0 && sorted.numRows <= OUTPUT_BATCH_ROWS ? sorted : sorted.slice(start, start + OUTPUT_BATCH_ROWS);
      }
    })();
  }
}

/** Concatenates `batches`, sorts them by `keys`, keeps the first `fetch` rows (all without). */
function sortBuffered(schema: arrow.Schema, batches: readonly arrow.RecordBatch[], keys: readonly PhysicalSortKey[], fetch: number | undefined): arrow.RecordBatch {
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const columns = schema.fields.map((_, c) => concat(batches.map((b) => batchColumns(b)[c])));
  const all = makeBatch(schema, columns, length);
  const order = sortIndices(keys.map((k) => ({ data: k.expr.evaluate(all), descending: k.descending, nullsFirst: k.nullsFirst })), length);
  const kept = fetch === undefined || fetch >= length ? order : order.subarray(0, fetch);
  return makeBatch(schema, columns.map((c) => take(c, kept)), kept.length);
}
