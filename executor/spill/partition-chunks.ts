import * as arrow from 'apache-arrow';
import type { SqlError } from '../../common/sql-error.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import { crossComparator, type SortKey } from '../kernels/sort.js';

/**
 * Cuts a stream sorted by `partitionBy` into chunks of whole partitions: each chunk is the
 * batches (or batch slices) of one or more consecutive partitions, about `chunkBytes` in all, so
 * a window can be computed chunk by chunk over an external sort's output while holding one chunk.
 *
 * A partition is never split across chunks; one that alone outgrows `limit` throws
 * `tooBig()` (53200: no order of the input can make it fit). Partition keys are equal when the
 * sort's comparator says so (NULLs equal NULLs, -0 equals 0, NaN equals NaN), the same grouping
 * as the in-memory window's hash table.
 */
export async function* partitionChunks(
  sorted: AsyncIterable<arrow.RecordBatch>,
  partitionBy: readonly PhysicalExpr[],
  chunkBytes: number,
  limit: number,
  tooBig: () => SqlError,
): AsyncGenerator<arrow.RecordBatch[]> {
  /** Complete partitions not yet handed out. */
  let done: arrow.RecordBatch[] = [];
  let doneBytes = 0;
  /** The partition still being read (it may continue in the next batch). */
  let open: arrow.RecordBatch[] = [];
  let openBytes = 0;
  let last: { keys: arrow.Data[]; row: number } | undefined;
  for await (const batch of sorted) {
    const n = batch.numRows;
    if (n === 0) continue;
    const keys = partitionBy.map((e) => e.evaluate(batch));
    const sortKeys: SortKey[] = keys.map((data) => ({ data, descending: false, nullsFirst: false }));
    // The last row of this batch where a partition starts (0 when the batch's first row starts
    // one), or -1: the whole batch continues the open partition.
    let start = -1;
    const within = sortKeys.map((k) => crossComparator(k, k.data));
    for (let r = n - 1; r > 0 && start < 0; r--) {
      for (let k = 0; k < within.length; k++) {
        if ((within[k] as (a: number, b: number) => number)(r, r - 1) !== 0) {
          start = r;
          break;
        }
      }
    }
    if (start < 0 && last !== undefined) {
      const previous = last;
      if (sortKeys.some((k, i) => crossComparator(k, previous.keys[i] as arrow.Data)(0, previous.row) !== 0)) start = 0;
    }
    const bytes = rowBytes(batch.data);
    const bytesPerRow = bytes / n;
    if (start < 0) {
      open.push(batch);
      openBytes += bytes;
    } else {
      // Rows before `start` close the open partition (and hold any whole partitions between).
      if (start > 0) open.push(batch.slice(0, start));
      openBytes += start * bytesPerRow;
      done.push(...open);
      doneBytes += openBytes;
      open = [start === 0 ? batch : batch.slice(start, n)];
      openBytes = (n - start) * bytesPerRow;
    }
    if (openBytes > limit) throw tooBig();
    if (doneBytes >= chunkBytes) {
      yield done;
      done = [];
      doneBytes = 0;
    }
    last = { keys, row: n - 1 };
  }
  done.push(...open);
  if (done.length > 0) yield done;
}

/** Whether `type` has a sort order (what partitioning through the external sort needs). */
export function sortable(type: arrow.DataType): boolean {
  switch (type.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Timestamp:
    case arrow.Type.Time:
    case arrow.Type.Duration:
    case arrow.Type.Bool:
    case arrow.Type.Decimal:
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
    case arrow.Type.Interval:
    case arrow.Type.Null:
      return true;
    default:
      return false;
  }
}

/**
 * Bytes the rows of `data` hold, for a slice too: a merge hands out zero-copy slices of a run's
 * batch, whose string columns still point at the whole batch's bytes (`dataBytes` would count
 * them all, and a window could fail 53200 over bytes it does not own).
 */
function rowBytes(data: arrow.Data): number {
  const n = data.length;
  let bytes = data.nullCount > 0 ? Math.ceil(n / 8) : 0;
  const offsets = data.valueOffsets as Int32Array | undefined;
  if (offsets !== undefined && offsets.length > 0) {
    bytes += 4 * (n + 1);
    const spanned = (offsets[n] as number) - (offsets[0] as number);
    if (data.typeId === arrow.Type.Utf8 || data.typeId === arrow.Type.Binary) return bytes + spanned;
    // List / Map: the child's share of the rows the offsets span.
    for (const child of data.children) bytes += child.length === 0 ? 0 : (rowBytes(child) * spanned) / child.length;
    return bytes;
  }
  bytes += data.values?.byteLength ?? 0;
  for (const child of data.children) bytes += rowBytes(child);
  return bytes;
}
