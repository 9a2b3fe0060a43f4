import type * as arrow from 'apache-arrow';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { concat } from '../arrow/concat.js';
import { take } from '../../common/arrow/take.js';
import { nextBatch, yieldThenCheckCancelled } from '../cancel.js';
import { BufferBudget } from '../memory.js';
import { ExternalSort } from '../spill/external-sort.js';
import { newSpillMetrics, spillText, type SpillMetrics } from '../spill/metrics.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import { crossComparator, rowsBeforeRow } from '../kernels/sort.js';
import { sortIndicesCancellable } from '../kernels/sort-cancellable.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { TopNBoundary } from './top-n-boundary.js';

export interface PhysicalSortKey {
  readonly expr: PhysicalExpr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

const OUTPUT_BATCH_ROWS = 65_536;
/** Rows of the first input sorted to find top-N's first boundary (at least 4 × fetch). */
const FIRST_SLICE_ROWS = 1024;

/**
 * ORDER BY. Without `fetch`: a full sort — every input batch is buffered, concatenated, the keys
 * evaluated once, and the row order computed by `sortIndices` then applied with `take`; past
 * DELTASQL_OPERATOR_MEMORY_MB the buffer is written to disk as sorted runs that are merged at the
 * end (an external sort, executor/spill/), so memory stays near the limit. With
 * `fetch` (a LIMIT above asked for at most that many rows): top-N — the buffer is cut back to
 * the best `fetch` rows whenever it grows past a bound, so memory stays O(fetch + batch).
 *
 * EXPLAIN: `Sort: close DESC NULLS FIRST, ticker ASC NULLS LAST` or `TopN: fetch=10 …`; after a run that
 * spilled (EXPLAIN ANALYZE), ` spilled=N files X MiB`.
 */
export class SortExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;
  /** What this node's runs spilled so far (EXPLAIN ANALYZE prints it after the run). */
  readonly metrics: SpillMetrics = newSpillMetrics();
  /** Top-N's dynamic filter for the scan its first key comes from (top-n-boundary.ts), if any. */
  readonly boundary: TopNBoundary | undefined;

  constructor(readonly input: PhysicalOperator, readonly keys: readonly PhysicalSortKey[], readonly fetch?: number) {
    this.children = [input];
    this.schema = input.schema;
    this.boundary = fetch === undefined ? undefined : TopNBoundary.over(input, keys);
  }

  explain(): string {
    const keys = this.keys
      .map((k) => `${k.expr} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`)
      .join(', ');
    if (this.fetch === undefined) return `Sort: ${keys}${spillText(this.metrics)}`;
    const dynamic = this.boundary === undefined ? '' : ` dynamic_filter=[${this.boundary}]`;
    return `TopN: fetch=${this.fetch} ${keys}${dynamic}${spillText(this.metrics)}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    return this.fetch === undefined ? this.fullSort(ctx) : this.topN(ctx, this.fetch);
  }

  // ── full sort ──
  // Buffered up to DELTASQL_OPERATOR_MEMORY_MB, then spilled to sorted runs on disk and merged
  // (executor/spill/external-sort.ts); the run files go in the `finally`, whatever ends the query.
  private async *fullSort(ctx: ExecContext): AsyncGenerator<arrow.RecordBatch> {
    const sort = new ExternalSort(this.schema, this.keys, new BufferBudget('sort'), ctx.signal, this.metrics);
    try {
      for await (const batch of this.input.execute(ctx)) {
        await yieldThenCheckCancelled(ctx.signal);
        await sort.add(batch);
      }
      yield* sort.sorted();
    } finally {
      await sort.dispose();
    }
  }

  // ── top-N ──
  private async *topN(ctx: ExecContext, fetch: number): AsyncGenerator<arrow.RecordBatch> {
    const { input, keys, schema } = this;
    if (fetch === 0) return;
    // Top-N keeps the best `fetch` rows sorted; once it has them, each new batch is first
    // tested row by row against the worst kept row, so most rows never reach a sort.
    let buffered: arrow.RecordBatch[] = [];
    let rows = 0;
    let best: arrow.RecordBatch | undefined;
    // A large LIMIT (or OFFSET) keeps many rows: past DELTASQL_OPERATOR_MEMORY_MB what is held and
    // the rest of the input go to the spilling full sort instead, cut to `fetch` rows at the end.
    const budget = new BufferBudget('sort');
    // The scan below hears the boundary as it tightens, and skips what cannot beat it.
    const boundary = this.boundary?.start(ctx);
    const batches = input.execute(boundary?.ctx ?? ctx)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const batch = await nextBatch(batches, ctx.signal);
        if (batch === undefined) break;
        // Until the first `fetch` rows are kept, a batch is taken a slice at a time: sorting a
        // small slice gives a boundary the rest of the batch is tested against, instead of a
        // comparator sort of the whole first batch (65,536 rows for LIMIT 10).
        for (let start = 0; start < batch.numRows; ) {
          const step = best === undefined ? Math.max(FIRST_SLICE_ROWS, 4 * fetch) : batch.numRows;
          const end = Math.min(batch.numRows, start + step);
          const part = start === 0 && end === batch.numRows ? batch : batch.slice(start, end);
          start = end;
          const candidates = best === undefined ? part : rowsBeating(part, best, keys);
          if (candidates === undefined || candidates.numRows === 0) continue;
          buffered.push(candidates);
          rows += candidates.numRows;
          if (budget.addOrOverflow(candidates)) {
            // Rows already dropped sorted after the `fetch`-th best: they cannot be in the answer.
            const held = [...(best === undefined ? [] : [best]), ...buffered, ...(end < batch.numRows ? [batch.slice(end)] : [])];
            yield* this.spilledTopN(held, batches, fetch, ctx);
            return;
          }
          if (rows >= fetch) {
            best = await sortBuffered(schema, best === undefined ? buffered : [best, ...buffered], keys, fetch, ctx.signal);
            boundary?.tighten(best);
            buffered = [];
            rows = 0;
            budget.reset();
            // Over already? Then the next candidates switch to the spilling sort.
            budget.addOrOverflow(best);
          }
        }
      }
    } finally {
      // Stopped early (a LIMIT above, cancel): close the input as `for await` would.
      await batches.return?.();
    }
    if (best !== undefined) buffered.unshift(best);
    if (buffered.length === 0 || buffered.every((b) => b.numRows === 0)) return;
    // ── emit ──
    const { columns, kept } = await sortedOrder(schema, buffered, keys, fetch, ctx.signal);
    buffered = [];
    for (let start = 0; start < kept.length; start += OUTPUT_BATCH_ROWS) {
      const rows = kept.subarray(start, Math.min(kept.length, start + OUTPUT_BATCH_ROWS));
      yield makeBatch(schema, columns.map((c) => take(c, rows)), rows.length);
    }
  }

  /**
   * Top-N past the memory budget: the rows held (in arrival order, so ties keep it) and the rest
   * of the input through the external sort, whose first `fetch` rows are the answer.
   */
  private async *spilledTopN(held: readonly arrow.RecordBatch[], rest: AsyncIterator<arrow.RecordBatch>, fetch: number, ctx: ExecContext): AsyncGenerator<arrow.RecordBatch> {
    const sort = new ExternalSort(this.schema, this.keys, new BufferBudget('sort'), ctx.signal, this.metrics);
    try {
      for (const batch of held) await sort.add(batch);
      let batch: arrow.RecordBatch | undefined;
      while ((batch = await nextBatch(rest, ctx.signal)) !== undefined) await sort.add(batch);
      let left = fetch;
      for await (const batch of sort.sorted()) {
        if (left <= 0) break;
        yield batch.numRows <= left ? batch : batch.slice(0, left);
        left -= batch.numRows;
      }
    } finally {
      await rest.return?.();
      await sort.dispose();
    }
  }
}

/**
 * The rows of `batch` that sort strictly before the last row of `best` (a sorted top-N buffer);
 * ties lose, as they arrived later (the sort is stable). Undefined when none does.
 */
function rowsBeating(batch: arrow.RecordBatch, best: arrow.RecordBatch, keys: readonly PhysicalSortKey[]): arrow.RecordBatch | undefined {
  const boundary = best.numRows - 1;
  // Made only when needed: a comparator reads its column's values, and a string column held as
  // dictionary codes would build every row's bytes for the few rows that tie on the first key.
  let made: ((a: number, b: number) => number)[] | undefined;
  const comparators = () =>
    (made ??= keys.map((k) => {
      const key = { data: k.expr.evaluate(batch), descending: k.descending, nullsFirst: k.nullsFirst };
      return crossComparator(key, k.expr.evaluate(best));
    }));
  // The first key decides almost every row: split in one typed-array pass where it can be, the
  // comparators then only break the ties with the boundary on it.
  const first = keys[0] as PhysicalSortKey;
  const split = rowsBeforeRow({ data: first.expr.evaluate(batch), descending: first.descending, nullsFirst: first.nullsFirst }, first.expr.evaluate(best), boundary);
  let kept: Int32Array;
  let n = 0;
  if (split !== undefined) {
    kept = new Int32Array(split.before.length + split.ties.length);
    kept.set(split.before);
    n = split.before.length;
    for (const row of split.ties) if (beats(comparators(), row, boundary, 1)) kept[n++] = row;
    if (n > split.before.length) kept.subarray(0, n).sort(); // ties interleave with the rows before
  } else {
    kept = new Int32Array(batch.numRows);
    const all = comparators();
    for (let row = 0; row < batch.numRows; row++) if (beats(all, row, boundary, 0)) kept[n++] = row;
  }
  if (n === 0) return undefined;
  return makeBatch(batch.schema, batchColumns(batch).map((c) => take(c, kept.subarray(0, n))), n);
}

/** Whether `row` sorts strictly before `boundary` on keys `from…` (ties lose: they came later). */
function beats(comparators: readonly ((a: number, b: number) => number)[], row: number, boundary: number, from: number): boolean {
  for (let k = from; k < comparators.length; k++) {
    const c = (comparators[k] as (a: number, b: number) => number)(row, boundary);
    if (c !== 0) return c < 0;
  }
  return false;
}

/**
 * Concatenates `batches`, sorts them by `keys`, keeps the first `fetch` rows (all without). The
 * sort lets the event loop in as it goes (sort-cancellable.ts): millions of rows take seconds.
 */
async function sortBuffered(schema: arrow.Schema, batches: readonly arrow.RecordBatch[], keys: readonly PhysicalSortKey[], fetch: number | undefined, signal: AbortSignal | undefined): Promise<arrow.RecordBatch> {
  const { columns, kept } = await sortedOrder(schema, batches, keys, fetch, signal);
  return makeBatch(schema, columns.map((c) => take(c, kept)), kept.length);
}

/** The concatenated columns of `batches` and the row numbers of their first `fetch` rows (all without) in `keys` order. */
async function sortedOrder(schema: arrow.Schema, batches: readonly arrow.RecordBatch[], keys: readonly PhysicalSortKey[], fetch: number | undefined, signal: AbortSignal | undefined): Promise<{ columns: arrow.Data[]; kept: Int32Array }> {
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const columns = schema.fields.map((_, c) => concat(batches.map((b) => batchColumns(b)[c])));
  const all = makeBatch(schema, columns, length);
  const order = await sortIndicesCancellable(keys.map((k) => ({ data: k.expr.evaluate(all), descending: k.descending, nullsFirst: k.nullsFirst })), length, signal);
  return { columns, kept: fetch === undefined || fetch >= length ? order : order.subarray(0, fetch) };
}
