import type * as arrow from 'apache-arrow';
import { GroupTable } from '../hash/group-table.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import { sortIndicesCancellable } from '../kernels/sort-cancellable.js';
import { rowComparator, sortIndices, type SortKey } from '../kernels/sort.js';
import { RadixScratch, countingSort, keyWords, markPeerBreaks, radixSortRange, type KeyWords } from './radix.js';

/**
 * The shape of a window's input once sorted: which input row sits at each sorted position, where
 * each partition starts and ends, and the peer groups (rows of one partition equal on every
 * ORDER BY key, NULLs equal to NULLs). Every window function works on sorted positions
 * `0..length-1`; partitions and peer groups are contiguous ranges of them.
 *
 * ```
 * position   0  1  2  3  4  5
 * partition  a  a  a  b  b  b      partitionBounds = [0, 3, 6]
 * order key  1  1  2  5  7  7      groupBounds     = [0, 2, 3, 4, 6]   groupOf = [0, 0, 1, 2, 3, 3]
 * ```
 */
export interface WindowLayout {
  readonly length: number;
  /** `order[p]` = the input row at sorted position p. */
  readonly order: Int32Array;
  /** Start of each partition, then `length` (partitions + 1 entries). */
  readonly partitionBounds: Int32Array;
  /** Start of each peer group, then `length`; a peer group never spans two partitions. */
  readonly groupBounds: Int32Array;
  /** The peer group of each sorted position. */
  readonly groupOf: Int32Array;
  /**
   * With `PartitionIds` given: each partition's group in their table, in partition order (so a
   * partition key column can be emitted from the table's distinct keys).
   */
  readonly partitionGroups?: Int32Array;
}

/**
 * Partition ids already assigned while the input was buffered (batch by batch, where a string
 * key's dictionary is reused from the column cache): `ids[row]` is the row's group in `table`.
 */
export interface PartitionIds {
  readonly table: GroupTable;
  readonly ids: Int32Array;
}

/**
 * Sorts by (partition keys, order keys) and finds the boundaries in one pass over the sorted
 * keys. Partition keys sort ascending, NULLs last (any fixed order would do: it only decides the
 * order partitions are emitted in); ties keep input order (stable), as `sortIndices` does.
 *
 * Fast path, when every ORDER BY key is a number, date or timestamp (radix.ts): partitions get
 * dense ids from a GroupTable, the few distinct partition keys are sorted to ranks, the rows are
 * counting-sorted by partition rank, then each partition radix-sorted by its order keys' words
 * (radix.ts) — O(rows), no comparator calls; peers are equal words. Otherwise one comparator sort (`sortIndices`).
 */
export async function buildLayout(partitionKeys: readonly arrow.Data[], orderKeys: readonly SortKey[], length: number, partitioned: PartitionIds | undefined, signal: AbortSignal | undefined): Promise<WindowLayout> {
  const words: KeyWords[] = [];
  for (const key of orderKeys) {
    const w = keyWords(key, length);
    if (w === undefined) return comparatorLayout(partitionKeys, orderKeys, length, signal);
    words.push(w);
  }
  let partitionOf: Int32Array | null = null;
  let partitionGroups: Int32Array | undefined;
  let partitions = 1;
  if (partitionKeys.length > 0) {
    let table: GroupTable;
    let ids: Int32Array;
    if (partitioned !== undefined) ({ table, ids } = partitioned);
    else {
      table = new GroupTable(partitionKeys.map((k) => k.type));
      ids = table.findOrInsert(partitionKeys, length);
    }
    partitions = table.size;
    const byKey = sortIndices(table.keys().map((data) => ({ data, descending: false, nullsFirst: false })), partitions);
    const rank = new Int32Array(partitions);
    for (let r = 0; r < partitions; r++) rank[byKey[r]] = r;
    partitionOf = ids;
    for (let i = 0; i < length; i++) partitionOf[i] = rank[ids[i]];
    if (partitioned !== undefined) partitionGroups = byKey;
  }
  // ── rows grouped by partition (stable), then each partition radix-sorted by the order keys ──
  let order: Int32Array;
  let partitionBounds: Int32Array;
  if (partitionOf !== null && partitions > 1) {
    ({ order, starts: partitionBounds } = countingSort(partitionOf, partitions));
  } else {
    order = new Int32Array(length);
    for (let i = 0; i < length; i++) order[i] = i;
    partitionBounds = length === 0 ? new Int32Array([0]) : new Int32Array([0, length]);
  }
  const parts = partitionBounds.length - 1;
  const scratch = new RadixScratch();
  // Partition by partition, letting the event loop in between (millions of rows take seconds).
  for (let q = 0; q < parts; q++) {
    radixSortRange(order, partitionBounds[q], partitionBounds[q + 1], words, scratch);
    await yieldThenCheckCancelled(signal);
  }

  // ── peer groups: equal words within a partition ──
  const groupOf = new Int32Array(length);
  let groupStarts: Int32Array = new Int32Array(Math.min(length, 1024) + 1);
  let groups = 0;
  let newGroup = new Uint8Array(0);
  for (let q = 0; q < parts; q++) {
    const ps = partitionBounds[q];
    const pe = partitionBounds[q + 1];
    if (newGroup.length < pe - ps) newGroup = new Uint8Array(pe - ps);
    markPeerBreaks(order, ps, pe, words, newGroup, scratch);
    for (let p = ps; p < pe; p++) {
      if (newGroup[p - ps] !== 0) {
        if (groups + 1 >= groupStarts.length) groupStarts = grow(groupStarts, length);
        groupStarts[groups++] = p;
      }
      groupOf[p] = groups - 1;
    }
  }
  groupStarts[groups] = length;
  return { length, order, partitionBounds, groupBounds: groupStarts.slice(0, groups + 1), groupOf, ...(partitionGroups === undefined ? {} : { partitionGroups }) };
}

function grow(a: Int32Array, length: number): Int32Array {
  const grown = new Int32Array(Math.min(length + 1, a.length * 2));
  grown.set(a);
  return grown;
}

/** The general path: one comparator sort over (partition keys, order keys), cancellable as it goes. */
async function comparatorLayout(partitionKeys: readonly arrow.Data[], orderKeys: readonly SortKey[], length: number, signal: AbortSignal | undefined): Promise<WindowLayout> {
  const partitionSort: SortKey[] = partitionKeys.map((data) => ({ data, descending: false, nullsFirst: false }));
  const order = await sortIndicesCancellable([...partitionSort, ...orderKeys], length, signal);
  const samePartition = partitionSort.map(rowComparator);
  const samePeers = orderKeys.map(rowComparator);

  const partitionStarts: number[] = [];
  const groupOf = new Int32Array(length);
  let groupStarts: Int32Array = new Int32Array(Math.min(length, 1024) + 1);
  let groups = 0;
  for (let p = 0; p < length; p++) {
    let newPartition = p === 0;
    if (!newPartition) {
      const a = order[p - 1];
      const b = order[p];
      for (let k = 0; k < samePartition.length; k++) {
        if (samePartition[k](a, b) !== 0) {
          newPartition = true;
          break;
        }
      }
    }
    let newGroup = newPartition;
    if (newPartition) partitionStarts.push(p);
    else {
      const a = order[p - 1];
      const b = order[p];
      for (let k = 0; k < samePeers.length; k++) {
        if (samePeers[k](a, b) !== 0) {
          newGroup = true;
          break;
        }
      }
    }
    if (newGroup) {
      if (groups + 1 >= groupStarts.length) {
        const grown = new Int32Array(Math.min(length + 1, groupStarts.length * 2));
        grown.set(groupStarts);
        groupStarts = grown;
      }
      groupStarts[groups++] = p;
    }
    groupOf[p] = groups - 1;
  }
  groupStarts[groups] = length;
  const partitionBounds = new Int32Array(partitionStarts.length + 1);
  partitionBounds.set(partitionStarts);
  partitionBounds[partitionStarts.length] = length;
  return { length, order, partitionBounds, groupBounds: groupStarts.slice(0, groups + 1), groupOf };
}
