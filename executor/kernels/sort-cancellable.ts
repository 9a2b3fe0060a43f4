import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import { GroupTable } from '../hash/group-table.js';
import { keyWords, radixSortRange, RadixScratch, type KeyWords } from '../window/radix.js';
import { rowComparator, sortIndices, type SortKey } from './sort.js';

/** Rows per sorted run, and outputs between two chances for the event loop while merging. */
const RUN = 1 << 16;
/** A text key is ranked (for the radix path) while its distinct values stay under rows / 8, and 4,096. */
const RANKED_TEXT_RATIO = 8;
const RANKED_TEXT_MIN = 4096;

/**
 * `sortIndices` for inputs that can take seconds (ORDER BY over millions of rows): the same
 * stable order, computed as sorted runs of 65,536 rows and then bottom-up merges, with
 * `yieldThenCheckCancelled` between runs and every 65,536 merged rows. One `Array.sort` over the
 * whole input cannot be interrupted: 10 million rows kept the event loop for ~12 s, so neither a
 * CancelRequest nor `statement_timeout` nor any other client could get in. The comparison count
 * is the same as one sort's (n·log₂ 65,536 for the runs + n·log₂(n / 65,536) for the merges).
 *
 * When every key has order-preserving words (numbers, dates, timestamps: window/radix.ts) or is
 * text with few distinct values (ranked through a hash table of its values, the distinct values
 * sorted once), the runs are radix-sorted and the merges compare words, not values: the spill's
 * runs of `PARTITION BY ticker ORDER BY close` over 10M rows spent 5.5 of 11 s in the comparator
 * sort (compareBytes on the ticker, closures per key).
 */
export async function sortIndicesCancellable(keys: readonly SortKey[], length: number, signal: AbortSignal | undefined): Promise<Int32Array> {
  if (length <= RUN) return sortIndices(keys, length);
  const words = await radixKeys(keys, length, signal);
  let sortRun: (order: Int32Array, start: number, end: number) => void;
  let compare: (a: number, b: number) => number;
  if (words !== undefined) {
    const scratch = new RadixScratch();
    sortRun = (order, start, end) => radixSortRange(order, start, end, words, scratch);
    compare = wordComparator(words);
  } else {
    const comparators = keys.map(rowComparator);
    const n = comparators.length;
    // Ties go by row number: runs and merges then give the stable order whatever the merge does.
    compare = (a: number, b: number): number => {
      for (let k = 0; k < n; k++) {
        const c = (comparators[k] as (a: number, b: number) => number)(a, b);
        if (c !== 0) return c;
      }
      return a - b;
    };
    sortRun = (order, start, end) => order.subarray(start, end).sort(compare);
  }

  // ── sorted runs ──
  let from = new Int32Array(length);
  for (let i = 0; i < length; i++) from[i] = i;
  for (let start = 0; start < length; start += RUN) {
    sortRun(from, start, Math.min(length, start + RUN));
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

/** Each key's order-preserving words, or undefined when one key has none (the comparator path). */
async function radixKeys(keys: readonly SortKey[], length: number, signal: AbortSignal | undefined): Promise<KeyWords[] | undefined> {
  const out: KeyWords[] = [];
  for (const key of keys) {
    const type = key.data.type;
    const words = keyWords(key, length) ?? (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type) ? await textRanks(key, length, signal) : undefined);
    if (words === undefined) return undefined;
    out.push(words);
  }
  return out;
}

/**
 * A text key as one word per row: the rank of its value among the key's distinct values (found
 * 65,536 rows at a time through a GroupTable, then sorted by bytes once), so equal values get
 * equal words and the order is the byte order. Undefined as soon as the distinct values pass
 * rows / 8: sorting them would cost about what sorting the rows does.
 */
async function textRanks(key: SortKey, length: number, signal: AbortSignal | undefined): Promise<KeyWords | undefined> {
  const table = new GroupTable([key.data.type]);
  const ids = new Int32Array(length);
  for (let start = 0; start < length; start += RUN) {
    const n = Math.min(RUN, length - start);
    ids.set(table.findOrInsert([key.data.slice(start, n)], n), start);
    if (table.size > Math.max(RANKED_TEXT_MIN, (start + n) / RANKED_TEXT_RATIO)) return undefined;
    await yieldThenCheckCancelled(signal);
  }
  const distinct = table.keys()[0] as arrow.Data;
  const byValue = sortIndices([{ data: distinct, descending: false, nullsFirst: false }], table.size);
  const rank = new Uint32Array(table.size);
  for (let r = 0; r < byValue.length; r++) rank[byValue[r] as number] = r;
  const word = new Uint32Array(length);
  const flip = key.descending ? 0xffffffff : 0;
  for (let i = 0; i < length; i++) word[i] = ((rank[ids[i] as number] as number) ^ flip) >>> 0;
  const valid = validityBytes(key.data);
  if (valid !== null) for (let i = 0; i < length; i++) if (valid[i] === 0) word[i] = 0;
  return { words: [word], valid, nullsFirst: key.nullsFirst };
}

/** Compares two rows by their keys' words (NULLs placed per key), ties by row number. */
function wordComparator(keys: readonly KeyWords[]): (a: number, b: number) => number {
  return (a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as KeyWords;
      const valid = key.valid;
      if (valid !== null) {
        const va = valid[a] as number;
        const vb = valid[b] as number;
        if (va !== vb) return (va === 0) === key.nullsFirst ? -1 : 1;
        if (va === 0) continue;
      }
      const words = key.words;
      for (let w = 0; w < words.length; w++) {
        const x = (words[w] as Uint32Array)[a] as number;
        const y = (words[w] as Uint32Array)[b] as number;
        if (x !== y) return x < y ? -1 : 1;
      }
    }
    return a - b;
  };
}
