import type * as arrow from 'apache-arrow';
import { take } from '../../common/arrow/take.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { concat } from '../arrow/concat.js';

/**
 * A batch whose row i is row `rows[i]` of `sources[source[i]]` (all sharing `schema`): a sorted
 * run's chunk gathered from the batches it was buffered in, or a merge's output gathered from
 * each run's current batch — without first concatenating the sources.
 *
 * Each source's rows are taken (or sliced, when they are one ascending range, as a merge's are),
 * the parts concatenated, and the concatenation put in output order by one more `take` — skipped
 * when the parts already are (one source, or ranges that follow each other).
 */
export function gather(schema: arrow.Schema, sources: readonly arrow.RecordBatch[], source: Int32Array, rows: Int32Array): arrow.RecordBatch {
  const length = source.length;
  const k = sources.length;
  const start = new Int32Array(k + 1);
  for (let i = 0; i < length; i++) start[(source[i] as number) + 1]++;
  for (let s = 0; s < k; s++) start[s + 1] += start[s] as number;
  // local: each source's rows, grouped by source in output order; at[i]: where row i went.
  const fill = start.slice(0, k);
  const local = new Int32Array(length);
  const at = new Int32Array(length);
  let inOrder = true;
  for (let i = 0; i < length; i++) {
    const s = source[i] as number;
    const p = fill[s]++;
    local[p] = rows[i] as number;
    at[i] = p;
    if (p !== i) inOrder = false;
  }
  const parts: arrow.Data[][] = [];
  for (let s = 0; s < k; s++) {
    const from = start[s] as number;
    const to = start[s + 1] as number;
    if (to === from) continue;
    const indices = local.subarray(from, to);
    const first = indices[0] as number;
    let contiguous = true;
    for (let j = 1; j < indices.length; j++) {
      if (indices[j] !== first + j) {
        contiguous = false;
        break;
      }
    }
    const columns = batchColumns(sources[s] as arrow.RecordBatch);
    parts.push(columns.map((c) => (contiguous ? c.slice(first, indices.length) : take(c, indices))));
  }
  const columns = schema.fields.map((_, c) => {
    const joined = concat(parts.map((p) => p[c] as arrow.Data));
    return inOrder ? joined : take(joined, at);
  });
  return makeBatch(schema, columns, length);
}
