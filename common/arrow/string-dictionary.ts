import type * as arrow from 'apache-arrow';

/**
 * A string (or binary) column's dictionary encoding, known without hashing its rows: `codes[i]`
 * is row i's index into the distinct values (-1 for NULL), the values numbered in order of first
 * appearance (`firstRows`, increasing), stored as Arrow-style offsets + bytes. The flat Parquet
 * decoder (storage/scan/flat-parquet) makes one per batch from the file's own dictionary pages;
 * hash operators (executor/hash/chunk-dictionary.ts) key rows by code instead of by bytes.
 */
export interface StringDictionary {
  readonly codes: Int32Array;
  readonly valueOffsets: Int32Array;
  readonly valueBytes: Uint8Array;
  readonly firstRows: Int32Array;
}

/**
 * Values attached to Arrow string columns by the buffers they are made of. Arrow buffers are never
 * written after a Data is made, so the same offsets into the same bytes always hold the same
 * strings: entries are keyed by the offsets' ArrayBuffer (Data objects are re-made — by a scan
 * assembling batches, by the column cache — their buffers are not), then by where the column
 * starts in it, checked against the bytes' buffer and position (a cast may share offsets), and
 * are dropped with the buffer.
 */
export class BufferKeyedRegistry<T> {
  private readonly entries = new WeakMap<ArrayBufferLike, Map<number, { readonly length: number; readonly bytes: ArrayBufferLike; readonly bytesAt: number; readonly value: T }>>();

  get(data: arrow.Data): T | undefined {
    const offsets = data.valueOffsets as Int32Array | undefined;
    const bytes = data.values as Uint8Array | undefined;
    if (offsets === undefined || bytes === undefined) return undefined;
    const known = this.entries.get(offsets.buffer)?.get(offsets.byteOffset);
    if (known === undefined || known.length !== data.length || known.bytes !== bytes.buffer || known.bytesAt !== bytes.byteOffset) return undefined;
    return known.value;
  }

  set(data: arrow.Data, value: T): void {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    let byStart = this.entries.get(offsets.buffer);
    if (byStart === undefined) this.entries.set(offsets.buffer, (byStart = new Map()));
    byStart.set(offsets.byteOffset, { length: data.length, bytes: bytes.buffer, bytesAt: bytes.byteOffset, value });
  }
}

const known = new BufferKeyedRegistry<StringDictionary>();

/** Records that `data` (a Utf8 or Binary column) has this dictionary encoding. */
export function registerStringDictionary(data: arrow.Data, dictionary: StringDictionary): void {
  known.set(data, dictionary);
}

/** The dictionary encoding registered for `data`'s buffers, if any. */
export function stringDictionaryOf(data: arrow.Data): StringDictionary | undefined {
  return known.get(data);
}
