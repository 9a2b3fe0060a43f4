import type * as arrow from 'apache-arrow';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { take, takeBatch } from '../../common/arrow/take.js';

/**
 * Filtering by a boolean mask: a row is kept where the mask is TRUE (NULL and FALSE drop it,
 * as SQL's WHERE does). `maskIndices` turns the mask into the row numbers to keep; `filter`
 * and `filterBatch` then reuse `take`, so every type filters exactly as it takes.
 */
export function maskIndices(mask: arrow.Data): Int32Array {
  const bits = boolBytes(mask);
  const valid = validityBytes(mask);
  const length = mask.length;
  let count = 0;
  if (valid === null) {
    for (let i = 0; i < length; i++) count += bits[i];
  } else {
    for (let i = 0; i < length; i++) count += bits[i] & valid[i];
  }
  const out = new Int32Array(count);
  let pos = 0;
  if (valid === null) {
    for (let i = 0; i < length; i++) if (bits[i] !== 0) out[pos++] = i;
  } else {
    for (let i = 0; i < length; i++) if ((bits[i] & valid[i]) !== 0) out[pos++] = i;
  }
  return out;
}

/** The rows of `data` where `mask` is TRUE. */
export function filter(data: arrow.Data, mask: arrow.Data): arrow.Data {
  return take(data, maskIndices(mask));
}

/** The rows of a batch where `mask` is TRUE; the batch itself when every row passes. */
export function filterBatch(batch: arrow.RecordBatch, mask: arrow.Data): arrow.RecordBatch {
  const indices = maskIndices(mask);
  if (indices.length === batch.numRows) return batch;
  return takeBatch(batch, indices);
}
