import type * as arrow from 'apache-arrow';
import { validityBytes } from '../../../common/arrow/bitmap.js';
import { takeBatch } from '../../../common/arrow/take.js';
import { require, SqlError } from '../../../common/sql-error.js';

/**
 * Z-order (OPTIMIZE … ZORDER BY): each row's key is the interleaved bits of its columns' ranks,
 * so rows close in every column land in the same files and per-file min/max stay narrow on all
 * of them. Ranks (not raw values) make columns of any type and skew weigh the same; Spark's
 * `interleave_bits(range_partition_id(col))` is the same idea. NULLs rank first.
 *
 * Returns the rows of `batches` reordered, as batches (runs of rows from one input batch).
 */
export function zOrder(batches: readonly arrow.RecordBatch[], columns: readonly string[]): arrow.RecordBatch[] {
  const total = batches.reduce((n, b) => n + b.numRows, 0);
  if (total === 0 || columns.length === 0) return [...batches];
  // Global row r is row `rowOf[r]` of batch `batchOf[r]`.
  const batchOf = new Int32Array(total);
  const rowOf = new Int32Array(total);
  let r = 0;
  batches.forEach((b, k) => {
    for (let i = 0; i < b.numRows; i++, r++) {
      batchOf[r] = k;
      rowOf[r] = i;
    }
  });
  const bits = Math.max(1, Math.min(16, Math.floor(52 / columns.length)));
  const scaled = columns.map((name) => scaledRanks(batches, name, total, bits));
  const z = new Float64Array(total);
  for (let row = 0; row < total; row++) {
    let key = 0;
    for (let bit = bits - 1; bit >= 0; bit--) {
      for (const ranks of scaled) key = key * 2 + (((ranks[row] as number) >>> bit) & 1);
    }
    z[row] = key;
  }
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => (z[a] as number) - (z[b] as number) || a - b);
  const out: arrow.RecordBatch[] = [];
  let run: number[] = [];
  let runBatch = -1;
  const flush = () => {
    if (run.length > 0) out.push(takeBatch(batches[runBatch] as arrow.RecordBatch, Int32Array.from(run)));
    run = [];
  };
  for (const g of order) {
    if (batchOf[g] !== runBatch) {
      flush();
      runBatch = batchOf[g] as number;
    }
    run.push(rowOf[g] as number);
  }
  flush();
  return out;
}

/** Each row's rank in one column, scaled to `bits` bits. */
function scaledRanks(batches: readonly arrow.RecordBatch[], name: string, total: number, bits: number): Uint32Array {
  const keys: (number | string)[] = new Array(total);
  let r = 0;
  for (const batch of batches) {
    const index = batch.schema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    require(index >= 0, () => SqlError.undefinedColumn(name, undefined, batch.schema.fields.map((f) => f.name)));
    const data = batch.data.children[index] as arrow.Data;
    const valid = validityBytes(data);
    const values = sortKeys(data);
    for (let i = 0; i < data.length; i++, r++) keys[r] = valid && valid[i] === 0 ? -Infinity : (values[i] as number | string);
  }
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => compare(keys[a] as number | string, keys[b] as number | string));
  const out = new Uint32Array(total);
  const scale = 2 ** bits;
  let rank = 0;
  for (let i = 0; i < total; i++) {
    if (i > 0 && compare(keys[order[i] as number] as number | string, keys[order[i - 1] as number] as number | string) !== 0) rank = i;
    out[order[i] as number] = Math.min(scale - 1, Math.floor((rank * scale) / total));
  }
  return out;
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1; // NULL (-Infinity) before strings
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The column's values in an order-preserving JS form, read off its buffers. */
function sortKeys(data: arrow.Data): ArrayLike<number | string> {
  const values = data.values as unknown;
  if (data.valueOffsets && values instanceof Uint8Array) {
    const offsets = data.valueOffsets as Int32Array;
    const decoder = new TextDecoder();
    return Array.from({ length: data.length }, (_, i) => decoder.decode(values.subarray(offsets[i], offsets[i + 1])));
  }
  if (values instanceof BigInt64Array) return Array.from(values.subarray(0, data.length), Number);
  if (values instanceof Uint32Array && data.stride === 4) {
    // Decimal128: the two low words as a signed 64-bit value are exact enough to rank by.
    return Array.from({ length: data.length }, (_, i) => Number(BigInt.asIntN(64, (BigInt(values[i * 4 + 1] as number) << 32n) | BigInt(values[i * 4] as number))));
  }
  if (values instanceof Uint8Array && data.typeId === 6 /* Bool */) {
    return Array.from({ length: data.length }, (_, i) => ((values[(data.offset + i) >> 3] as number) >> ((data.offset + i) & 7)) & 1);
  }
  return values as ArrayLike<number>;
}
