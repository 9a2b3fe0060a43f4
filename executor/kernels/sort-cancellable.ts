import { yieldThenCheckCancelled } from '../cancel.js';
import { rowComparator, sortIndices, type SortKey } from './sort.js';

/** Rows per sorted run, and outputs between two chances for the event loop while merging. */
const RUN = 1 << 16;

/**
 * `sortIndices` for inputs that can take seconds (ORDER BY over millions of rows): the same
 * stable order, computed as sorted runs of 65,536 rows and then bottom-up merges, with
 * `yieldThenCheckCancelled` between runs and every 65,536 merged rows. One `Array.sort` over the
 * whole input cannot be interrupted: 10 million rows kept the event loop for ~12 s, so neither a
 * CancelRequest nor `statement_timeout` nor any other client could get in. The comparison count
 * is the same as one sort's (n·log₂ 65,536 for the runs + n·log₂(n / 65,536) for the merges).
 */
export async function sortIndicesCancellable(keys: readonly SortKey[], length: number, signal: AbortSignal | undefined): Promise<Int32Array> {
  if (length <= RUN) return sortIndices(keys, length);
  const comparators = keys.map(rowComparator);
  const n = comparators.length;
  // Ties go by row number: runs and merges then give the stable order whatever the merge does.
  const compare = (a: number, b: number): number => {
    for (let k = 0; k < n; k++) {
      const c = (comparators[k] as (a: number, b: number) => number)(a, b);
      if (c !== 0) return c;
    }
    return a - b;
  };

  // ── sorted runs ──
  let from = new Int32Array(length);
  for (let i = 0; i < length; i++) from[i] = i;
  for (let start = 0; start < length; start += RUN) {
    from.subarray(start, Math.min(length, start + RUN)).sort(compare);
    await yieldThenCheckCancelled(signal);
  }

  // ── bottom-up merges ──
  let to = new Int32Array(length);
  for (let width = RUN; width < length; width *= 2) {
    for (let lo = 0; lo < length; lo += 2 * width) {
      const mid = Math.min(lo + width, length);
      const hi = Math.min(lo + 2 * width, length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = from[i] as number;
        const b = from[j] as number;
        if (compare(a, b) <= 0) {
          to[k++] = a;
          i++;
        } else {
          to[k++] = b;
          j++;
        }
        if ((k & (RUN - 1)) === 0) await yieldThenCheckCancelled(signal);
      }
      if (i < mid) to.set(from.subarray(i, mid), k);
      else if (j < hi) to.set(from.subarray(j, hi), k);
    }
    [from, to] = [to, from];
    await yieldThenCheckCancelled(signal);
  }
  return from;
}
