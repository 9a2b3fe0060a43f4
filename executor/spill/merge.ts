import type * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import { crossComparatorWithValidity, type SortKey } from '../kernels/sort.js';
import type { PhysicalSortKey } from '../operators/sort.js';
import { gather } from './gather.js';

type RowComparator = (a: number, b: number) => number;

/** Rows per merged output batch. */
const OUTPUT_BATCH_ROWS = 65_536;

/** One sorted run being merged: its current batch, the next row, the keys evaluated over the batch. */
interface Cursor {
  readonly iterator: AsyncIterator<arrow.RecordBatch>;
  batch: arrow.RecordBatch;
  row: number;
  keys: SortKey[];
  /** Each key's unpacked validity, once per batch (comparators against every other run share it). */
  valid: (Uint8Array | null)[];
}

/**
 * K-way merge of sorted runs (each an iterator of batches in `keys` order) into batches of up to
 * 65,536 rows in `keys` order. Ties go to the earlier run, so merging runs cut from the input in
 * arrival order gives the stable order one in-memory sort would.
 *
 * Memory: one batch per run, plus the output batch being gathered. A binary heap of runs keyed
 * by their next row; the smallest run then emits rows for as long as they do not pass the
 * second smallest's next row (so long ordered stretches cost one comparison per row, not a heap
 * step). Comparators between two runs' current batches are made on first use and dropped when
 * either run moves to its next batch. The iterators are closed (`return()`) when the merge ends,
 * fails or is abandoned.
 */
export async function* mergeRuns(schema: arrow.Schema, runs: readonly AsyncIterator<arrow.RecordBatch>[], keys: readonly PhysicalSortKey[], signal: AbortSignal | undefined): AsyncGenerator<arrow.RecordBatch> {
  const k = runs.length;
  const cursors: (Cursor | undefined)[] = new Array(k);
  /** comparators[i * k + j]: run i's current batch against run j's, one per key. */
  const comparators: (RowComparator[] | undefined)[] = new Array(k * k);
  const forget = (i: number): void => {
    for (let j = 0; j < k; j++) {
      comparators[i * k + j] = undefined;
      comparators[j * k + i] = undefined;
    }
  };
  const load = async (i: number, iterator: AsyncIterator<arrow.RecordBatch>): Promise<boolean> => {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) {
        cursors[i] = undefined;
        return false;
      }
      const batch = next.value;
      if (batch.numRows === 0) continue;
      const evaluated = keys.map((key) => ({ data: key.expr.evaluate(batch), descending: key.descending, nullsFirst: key.nullsFirst }));
      cursors[i] = { iterator, batch, row: 0, keys: evaluated, valid: evaluated.map((key) => validityBytes(key.data)) };
      forget(i);
      return true;
    }
  };
  const pair = (i: number, j: number): RowComparator[] => {
    let cs = comparators[i * k + j];
    if (cs === undefined) {
      const a = cursors[i] as Cursor;
      const b = cursors[j] as Cursor;
      cs = a.keys.map((key, n) => crossComparatorWithValidity(key, (b.keys[n] as SortKey).data, a.valid[n] as Uint8Array | null, b.valid[n] as Uint8Array | null));
      comparators[i * k + j] = cs;
    }
    return cs;
  };
  /** Run i's row `ri` against run j's next row; ties by run number. */
  const compareAt = (i: number, ri: number, j: number): number => {
    const cs = pair(i, j);
    const rj = (cursors[j] as Cursor).row;
    for (let n = 0; n < cs.length; n++) {
      const c = (cs[n] as RowComparator)(ri, rj);
      if (c !== 0) return c;
    }
    return i - j;
  };
  const less = (i: number, j: number): boolean => compareAt(i, (cursors[i] as Cursor).row, j) < 0;

  // ── heap of runs by next row ──
  const heap: number[] = [];
  const siftDown = (at: number): void => {
    const n = heap.length;
    const item = heap[at] as number;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && less(heap[right] as number, heap[left] as number) ? right : left;
      if (!less(heap[child] as number, item)) break;
      heap[at] = heap[child] as number;
      at = child;
    }
    heap[at] = item;
  };

  try {
    for (let i = 0; i < k; i++) {
      if (await load(i, runs[i] as AsyncIterator<arrow.RecordBatch>)) heap.push(i);
    }
    for (let at = (heap.length >> 1) - 1; at >= 0; at--) siftDown(at);

    // ── merge ──
    // The output batch being gathered: which of `sources` each row comes from, and its row there.
    let sources: arrow.RecordBatch[] = [];
    let sourceOf = new Map<arrow.RecordBatch, number>();
    let source = new Int32Array(OUTPUT_BATCH_ROWS);
    let rows = new Int32Array(OUTPUT_BATCH_ROWS);
    let filled = 0;
    while (heap.length > 0) {
      const top = heap[0] as number;
      const cursor = cursors[top] as Cursor;
      const second = heap.length === 1 ? -1 : heap.length === 2 || less(heap[1] as number, heap[2] as number) ? (heap[1] as number) : (heap[2] as number);
      let s = sourceOf.get(cursor.batch);
      if (s === undefined) {
        s = sources.length;
        sources.push(cursor.batch);
        sourceOf.set(cursor.batch, s);
      }
      const end = cursor.batch.numRows;
      const room = OUTPUT_BATCH_ROWS - filled;
      let r = cursor.row;
      const stop = Math.min(end, r + room);
      // The top run's next row never passes the second's (heap order): take it, then more while they hold.
      do {
        source[filled] = s;
        rows[filled++] = r++;
      } while (r < stop && (second < 0 || compareAt(top, r, second) < 0));
      cursor.row = r;
      if (filled === OUTPUT_BATCH_ROWS) {
        yield gather(schema, sources, source, rows);
        sources = [];
        sourceOf = new Map();
        source = new Int32Array(OUTPUT_BATCH_ROWS);
        rows = new Int32Array(OUTPUT_BATCH_ROWS);
        filled = 0;
        await yieldThenCheckCancelled(signal);
      }
      if (r === end && !(await load(top, cursor.iterator))) {
        const last = heap.pop() as number;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      siftDown(0);
    }
    if (filled > 0) yield gather(schema, sources, source.subarray(0, filled), rows.subarray(0, filled));
  } finally {
    await Promise.all(runs.map((run) => run.return?.()));
  }
}
