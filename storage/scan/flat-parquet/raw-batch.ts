/**
 * A decoded batch as plain buffers: what the decode worker posts to the main thread (every
 * buffer transferred, none copied) and what `toRecordBatch` (to-arrow.ts) turns into Arrow Data.
 */
import type { StringDictionary } from '../../../common/arrow/string-dictionary.js';

export type ValueArray = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

export interface RawColumn {
  readonly length: number;
  readonly nullCount: number;
  /** Arrow validity bitmap; null when no row is null. */
  readonly validity: Uint8Array | null;
  /** Fixed-width values (one per row; NULL rows hold 0), or a boolean column's bitmap. */
  readonly values: ValueArray | null;
  /** Utf8 / Binary stored PLAIN: `length + 1` offsets into `bytes`, starting at 0. */
  readonly offsets: Int32Array | null;
  readonly bytes: Uint8Array | null;
  /** Utf8 / Binary stored dictionary-encoded, instead of offsets and bytes: the batch's own dictionary (common/arrow/string-dictionary.ts). */
  readonly dictionary: StringDictionary | null;
}

export interface RawBatch {
  readonly length: number;
  /** The columns' top-level names, in file field order (as parquet-wasm orders a projection). */
  readonly names: readonly string[];
  /** Aligned with `names`. */
  readonly columns: readonly RawColumn[];
}

/** The distinct ArrayBuffers of a batch's columns: the transfer list of a postMessage. */
export function rawBuffers(batches: readonly RawBatch[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (view: ArrayBufferView | null) => {
    if (view !== null) out.add(view.buffer as ArrayBuffer);
  };
  for (const batch of batches) {
    for (const c of batch.columns) {
      add(c.validity);
      add(c.values);
      add(c.offsets);
      add(c.bytes);
      if (c.dictionary !== null) {
        add(c.dictionary.codes);
        add(c.dictionary.valueOffsets);
        add(c.dictionary.valueBytes);
        add(c.dictionary.firstRows);
      }
    }
  }
  return [...out];
}
