/**
 * Turning a file's deleted row indexes into a keep-mask for one batch of its rows.
 *
 * reference/delta-protocol.md §4.6: "Drop the rows in the DV"; §5: "Values are 0-based row
 * indexes in the Parquet file." A scan reads a file in batches, so the mask covers the batch's
 * slice `[firstRow, firstRow + numRows)` of the file's rows.
 */

/**
 * A 0/1 mask over rows `[firstRow, firstRow + numRows)` of a file, 1 = keep, given the file's
 * deleted row indexes sorted ascending (as `loadDeletionVector` returns them). Returns
 * `undefined` when no deleted row falls in the range, so the caller can pass the batch through.
 *
 * @example keepMask(Float64Array.of(0, 9), 8, 4) // Uint8Array [1, 0, 1, 1]
 */
export function keepMask(deleted: Float64Array, firstRow: number, numRows: number): Uint8Array | undefined {
  const end = firstRow + numRows;
  let i = lowerBound(deleted, firstRow);
  if (i === deleted.length || deleted[i] >= end) return undefined;
  const mask = new Uint8Array(numRows).fill(1);
  for (; i < deleted.length && deleted[i] < end; i++) mask[deleted[i] - firstRow] = 0;
  return mask;
}

/** The first index whose value is ≥ `value` (`sorted.length` when none is). */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
