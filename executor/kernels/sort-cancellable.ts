import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import { GroupTable } from '../hash/group-table.js';
import { keyWords, radixSortRange, RadixScratch, type KeyWords } from '../window/radix.js';
import { rowComparator, sortIndices, type SortKey } from './sort.js';

/** Rows per sorted run, and outputs between two chances for the event loop while merging. */
const RUN = 1 << 16;
/**
 * Rows per radix-sorted run: a run of 2^20 rows takes ~50 ms, and each merge level it saves
 * (a pass over every row with a comparator call each) took ~300 ms over 10M rows.
 */
const RADIX_RUN = 1 << 20;
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
  if (words !== undefined) return radixOrder(words, length, signal);
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
  const order = new Int32Array(length);
  for (let i = 0; i < length; i++) order[i] = i;
  return runsAndMerges(order, (view, start, end) => view.subarray(start, end).sort(compare), RUN, compare, signal);
}

/**
 * The radix path: one counting pass over the first key's most significant 16 bits that vary
 * (NULLs in a bucket of their own, first or last), then each bucket radix-sorted whole
 * (cache-sized ranges, the event loop let in between); a bucket of more than 2^20 rows (values
 * crowded into one 16-bit prefix) is radix-sorted in runs and merged. A single LSD radix sort of
 * 10M rows took 1.2 s in one piece; runs of 2^20 merged on words 2.9 s (the merges' random reads).
 */
async function radixOrder(keys: readonly KeyWords[], length: number, signal: AbortSignal | undefined): Promise<Int32Array> {
  const first = keys[0] as KeyWords;
  const top = first.words[0] as Uint32Array;
  const valid = first.valid;
  // The high half when it varies; else the low half (then every higher bit is equal, so the low
  // half alone orders the rows).
  let shift = 0;
  const high = (top[0] as number) >>> 16;
  for (let i = 0; i < length; i++) {
    if ((valid === null || valid[i] !== 0) && (top[i] as number) >>> 16 !== high) {
      shift = 16;
      break;
    }
  }
  const nullBucket = first.nullsFirst ? 0 : 65_537;
  const bucket = new Int32Array(length);
  const starts = new Int32Array(65_539);
  for (let i = 0; i < length; i++) {
    const b = valid !== null && valid[i] === 0 ? nullBucket : 1 + (((top[i] as number) >>> shift) & 0xffff);
    bucket[i] = b;
    starts[b + 1]++;
  }
  for (let b = 0; b < 65_538; b++) starts[b + 1] += starts[b] as number;
  const fill = starts.slice(0, 65_538);
  const order = new Int32Array(length);
  for (let i = 0; i < length; i++) order[fill[bucket[i] as number]++] = i;
  await yieldThenCheckCancelled(signal);
  const scratch = new RadixScratch();
  const sortRun = (view: Int32Array, start: number, end: number): void => radixSortRange(view, start, end, keys, scratch);
  let sinceYield = 0;
  for (let b = 0; b < 65_538; b++) {
    const start = starts[b] as number;
    const end = starts[b + 1] as number;
    if (end - start < 2) continue;
    if (end - start <= RADIX_RUN) sortRun(order, start, end);
    else {
      const sorted = await runsAndMerges(order.subarray(start, end), sortRun, RADIX_RUN, wordComparator(keys), signal);
      if (sorted.buffer !== order.buffer) order.set(sorted, start);
    }
    sinceYield += end - start;
    if (sinceYield >= RUN) {
      await yieldThenCheckCancelled(signal);
      sinceYield = 0;
    }
  }
  return order;
}

/**
 * Sorts `view` (row numbers) as runs of `runLength` (`sortRun`, the event loop let in between),
 * then bottom-up merges by `compare` (letting it in every 65,536 rows). Returns the sorted rows:
 * `view` itself or a new array of the same length.
 */
async function runsAndMerges(view: Int32Array, sortRun: (view: Int32Array, start: number, end: number) => void, runLength: number, compare: (a: number, b: number) => number, signal: AbortSignal | undefined): Promise<Int32Array> {
  const length = view.length;
  // ── sorted runs ──
  let from: Int32Array = view;
  for (let start = 0; start < length; start += runLength) {
    sortRun(from, start, Math.min(length, start + runLength));
    await yieldThenCheckCancelled(signal);
  }

  // ── bottom-up merges ──
  let to: Int32Array = new Int32Array(length);
  for (let width = runLength; width < length; width *= 2) {
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
