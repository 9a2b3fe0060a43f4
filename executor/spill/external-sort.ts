import type * as arrow from 'apache-arrow';
import { take } from '../../common/arrow/take.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { concat } from '../arrow/concat.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import { sortIndicesCancellable } from '../kernels/sort-cancellable.js';
import type { BufferBudget } from '../memory.js';
import type { PhysicalSortKey } from '../operators/sort.js';
import { gather } from './gather.js';
import { mergeRuns } from './merge.js';
import { newSpillMetrics, type SpillMetrics } from './metrics.js';
import { RunFile } from './run-file.js';

/** Rows per sorted batch written to a run or emitted. */
const CHUNK_ROWS = 65_536;
/** Runs merged at once; past it, groups of runs are first merged into longer runs (one file each open while merging). */
const MAX_FAN_IN = 64;

/**
 * A sort that spills: batches are buffered until `budget` is passed, then sorted into a run and
 * written to a file in the spill directory (spill-dir.ts); `sorted()` k-way merges the runs
 * with what is still buffered (merge.ts), so memory stays near the budget plus one batch per
 * run. Stable: runs are cut in arrival order and the merge gives ties to the earlier run.
 *
 * Owns its files: `dispose()` deletes them, and callers run it in a `finally` so success, an
 * error and a cancel (the generator's `return()`) all leave the spill directory as they found it.
 *
 * ```ts
 * const sort = new ExternalSort(schema, keys, new BufferBudget('sort'), signal);
 * try {
 *   for await (const batch of input) await sort.add(batch);
 *   yield* sort.sorted();
 * } finally {
 *   await sort.dispose();
 * }
 * ```
 */
export class ExternalSort {
  private buffered: arrow.RecordBatch[] = [];
  private readonly runs: RunFile[] = [];
  private disposed = false;

  constructor(
    readonly schema: arrow.Schema,
    readonly keys: readonly PhysicalSortKey[],
    private readonly budget: BufferBudget,
    private readonly signal: AbortSignal | undefined,
    /** Where the operator counts what was spilled (EXPLAIN ANALYZE). */
    private readonly metrics: SpillMetrics = newSpillMetrics(),
    /** Runs merged at once (tests lower it to exercise the multi-pass merge). */
    private readonly fanIn = MAX_FAN_IN,
  ) {}

  /** Runs written to disk so far. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** Buffers one batch; past the budget, sorts what is buffered into a run on disk. */
  async add(batch: arrow.RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    this.buffered.push(batch);
    if (this.budget.addOrOverflow(batch)) await this.spill();
  }

  /** Sorts what is buffered into a new run file and empties the buffer. */
  async spill(): Promise<void> {
    if (this.buffered.length === 0) return;
    const batches = this.buffered;
    this.buffered = [];
    this.budget.reset();
    const run = await RunFile.write(sortedChunks(this.schema, batches, this.keys, this.signal));
    this.keep(run);
  }

  /**
   * Every batch added, in `keys` order, as batches of up to 65,536 rows. Without a spill the
   * buffer is sorted in memory; with one, the runs and the sorted buffer are merged.
   */
  async *sorted(): AsyncGenerator<arrow.RecordBatch> {
    const buffered = this.buffered;
    this.buffered = [];
    if (this.runs.length === 0) {
      yield* sortedInMemory(this.schema, buffered, this.keys, this.signal);
      return;
    }
    // Too many runs to hold a batch of each: merge them a group at a time into longer runs.
    while (this.runs.length + 1 > this.fanIn) {
      // The group stays in `runs` (so `dispose()` finds it) until its merge is on disk; the
      // merged run takes its place in front: it holds the earliest rows, which keeps ties stable.
      const group = this.runs.slice(0, this.fanIn);
      const merged = await RunFile.write(mergeRuns(this.schema, group.map((r) => r.read(this.schema)), this.keys, this.signal));
      this.runs.splice(0, group.length, merged);
      this.count(merged);
      await Promise.all(group.map((r) => r.delete()));
    }
    const sources: AsyncIterator<arrow.RecordBatch>[] = this.runs.map((r) => r.read(this.schema));
    // The buffer comes last: its rows arrived after every spilled run's.
    sources.push(sortedChunks(this.schema, buffered, this.keys, this.signal));
    yield* mergeRuns(this.schema, sources, this.keys, this.signal);
  }

  /** Deletes every run file (idempotent). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.buffered = [];
    const runs = this.runs.splice(0);
    await Promise.all(runs.map((r) => r.delete()));
  }

  private keep(run: RunFile): void {
    if (this.disposed) {
      void run.delete();
      return;
    }
    this.runs.push(run);
    this.count(run);
  }

  private count(run: RunFile): void {
    this.metrics.files++;
    this.metrics.bytes += run.bytes;
  }
}

/**
 * `batches` sorted by `keys` (stable), gathered `CHUNK_ROWS` rows at a time: the keys are
 * evaluated per batch and concatenated (the columns are not), the order computed once, and each
 * chunk's rows gathered from the batches they sit in, so the sort holds its input plus one chunk.
 */
export async function* sortedChunks(schema: arrow.Schema, batches: readonly arrow.RecordBatch[], keys: readonly PhysicalSortKey[], signal: AbortSignal | undefined): AsyncGenerator<arrow.RecordBatch> {
  const live = batches.filter((b) => b.numRows > 0);
  if (live.length === 0) return;
  const starts = new Int32Array(live.length + 1);
  for (let b = 0; b < live.length; b++) starts[b + 1] = (starts[b] as number) + (live[b] as arrow.RecordBatch).numRows;
  const length = starts[live.length] as number;
  const sortKeys = keys.map((k) => ({ data: concat(live.map((b) => k.expr.evaluate(b))), descending: k.descending, nullsFirst: k.nullsFirst }));
  const order = await sortIndicesCancellable(sortKeys, length, signal);
  if (live.length === 1) {
    // One batch: rows are gathered straight from it.
    const only = live[0] as arrow.RecordBatch;
    for (let from = 0; from < length; from += CHUNK_ROWS) {
      const rows = order.subarray(from, Math.min(length, from + CHUNK_ROWS));
      yield gather(schema, [only], new Int32Array(rows.length), rows);
      await yieldThenCheckCancelled(signal);
    }
    return;
  }
  for (let from = 0; from < length; from += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, length - from);
    const source = new Int32Array(n);
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const g = order[from + i] as number;
      // The batch holding global row g: a binary search over the batches' first rows.
      let lo = 0;
      let hi = live.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] as number) <= g) lo = mid;
        else hi = mid - 1;
      }
      source[i] = lo;
      rows[i] = g - (starts[lo] as number);
    }
    yield gather(schema, live, source, rows);
    await yieldThenCheckCancelled(signal);
  }
}

/**
 * `batches` sorted by `keys` when they fit in the budget: the columns concatenated once, the keys
 * evaluated over them, and each output batch `take`n from them (one copy fewer per row than
 * gathering, at the price of holding the input twice, which the budget allowed).
 */
async function* sortedInMemory(schema: arrow.Schema, batches: readonly arrow.RecordBatch[], keys: readonly PhysicalSortKey[], signal: AbortSignal | undefined): AsyncGenerator<arrow.RecordBatch> {
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  if (length === 0) return;
  const columns = schema.fields.map((_, c) => concat(batches.map((b) => batchColumns(b)[c] as arrow.Data)));
  const all = makeBatch(schema, columns, length);
  const order = await sortIndicesCancellable(keys.map((k) => ({ data: k.expr.evaluate(all), descending: k.descending, nullsFirst: k.nullsFirst })), length, signal);
  // Gathered an output batch at a time: one `take` of millions of rows (strings above all) would
  // hold the event loop for seconds, and the first batch leaves sooner.
  for (let from = 0; from < length; from += CHUNK_ROWS) {
    const rows = order.subarray(from, Math.min(length, from + CHUNK_ROWS));
    yield makeBatch(schema, columns.map((c) => take(c, rows)), rows.length);
  }
}
