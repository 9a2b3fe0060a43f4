import * as arrow from 'apache-arrow';

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

/** The dictionary encoding of `data` (a Utf8 or Binary column), if known: coded columns carry theirs. */
export function stringDictionaryOf(data: arrow.Data): StringDictionary | undefined {
  if (data instanceof CodedStringData) return data.coding;
  return known.get(data);
}

/**
 * A Utf8 or Binary column that arrives as dictionary codes (the flat Parquet decoder's string
 * columns) and builds its Arrow offsets and bytes only when something reads them — Velox's lazy
 * vectors, DuckDB's dictionary vectors. Hash keys (GROUP BY, DISTINCT, join keys) use the codes
 * (`stringDictionaryOf`), `take` keeps the taken rows coded (`takeCoded`) and row-wise
 * expressions run once per distinct value (executor/expr/per-distinct-value.ts), so a query
 * that filters, groups or joins on a string column never writes each row's bytes; anything else
 * (`valueOffsets`, `values`, `slice`, a vector's `get`) sees an ordinary column.
 *
 * Arrow's `Data` assigns `valueOffsets` / `values` in its constructor; here they are accessors
 * on the prototype (defined below: TypeScript does not let a subclass turn a property into one).
 */
export class CodedStringData extends arrow.Data<arrow.Utf8 | arrow.Binary> {
  /** Offsets and bytes once built (`materialise`). */
  private built: { readonly offsets: Int32Array; readonly bytes: Uint8Array } | undefined;

  constructor(
    type: arrow.Utf8 | arrow.Binary,
    length: number,
    nullCount: number,
    nullBitmap: Uint8Array | undefined,
    readonly coding: StringDictionary,
  ) {
    super(type, 0, length, nullCount, [undefined as never, undefined as never, nullBitmap as never]);
  }

  /** Whether the offsets and bytes have been built. */
  get materialised(): boolean {
    return this.built !== undefined;
  }

  /** Bytes held now: the codes and distinct values, plus the built buffers once built. */
  get heldBytes(): number {
    const { codes, valueOffsets, valueBytes, firstRows } = this.coding;
    const built = this.built === undefined ? 0 : this.built.offsets.byteLength + this.built.bytes.byteLength;
    return codes.byteLength + valueOffsets.byteLength + valueBytes.byteLength + firstRows.byteLength + (this.nullBitmap?.byteLength ?? 0) + built;
  }

  /** Builds the Arrow offsets and bytes (once), registering the dictionary against them for copies of this Data. */
  materialise(): { readonly offsets: Int32Array; readonly bytes: Uint8Array } {
    if (this.built === undefined) {
      const { codes, valueOffsets, valueBytes } = this.coding;
      const { valueOffsets: offsets, values: bytes } = gatherStrings(codes, valueOffsets, valueBytes);
      this.built = { offsets, bytes };
      known.set(this, this.coding);
    }
    return this.built;
  }
}

for (const [name, part] of [
  ['valueOffsets', 'offsets'],
  ['values', 'bytes'],
] as const) {
  Object.defineProperty(CodedStringData.prototype, name, {
    configurable: true,
    get(this: CodedStringData) {
      return this.materialise()[part];
    },
    // Arrow's constructor assigns only the buffers it is given, and none of these are given.
    set() {
      throw new Error(`CodedStringData.${name} is built from its dictionary, not assigned`);
    },
  });
}

/**
 * Rows `indices[i]` of a coded column (-1: NULL), still coded: the taken codes renumbered in order
 * of first appearance, with the distinct values they use — a filter or a join keeps a column's
 * dictionary for the hash tables after it, and writes no row's bytes.
 */
export function takeCoded(data: CodedStringData, indices: Int32Array, type: arrow.Utf8 | arrow.Binary, nullCount: number, nullBitmap: Uint8Array | undefined): CodedStringData {
  const { codes, valueOffsets, valueBytes } = data.coding;
  const remap = new Int32Array(valueOffsets.length - 1).fill(-1);
  const n = indices.length;
  const taken = new Int32Array(n);
  const used: number[] = [];
  const firstRows: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = indices[i] as number;
    const code = j < 0 ? -1 : (codes[j] as number);
    if (code < 0) {
      taken[i] = -1;
      continue;
    }
    let mapped = remap[code] as number;
    if (mapped < 0) {
      mapped = remap[code] = used.length;
      used.push(code);
      firstRows.push(i);
    }
    taken[i] = mapped;
  }
  const distinct = gatherStrings(Int32Array.from(used), valueOffsets, valueBytes);
  const coding: StringDictionary = { codes: taken, valueOffsets: distinct.valueOffsets, valueBytes: distinct.values, firstRows: Int32Array.from(firstRows) };
  return new CodedStringData(type, n, nullCount, nullBitmap, coding);
}

/** Arrow offsets and bytes of the strings `codes` name among the distinct values (-1: an empty slot). */
function gatherStrings(codes: Int32Array, valueOffsets: Int32Array, valueBytes: Uint8Array): { valueOffsets: Int32Array; values: Uint8Array } {
  const n = codes.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i] as number;
    if (c >= 0) total += (valueOffsets[c + 1] as number) - (valueOffsets[c] as number);
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  copyValues(codes, offsets, valueOffsets, valueBytes, bytes);
  return { valueOffsets: offsets, values: bytes };
}

/** Each row's bytes; short values byte by byte (cheaper than a `set` per row), long ones with `set`. */
function copyValues(codes: Int32Array, offsets: Int32Array, valueOffsets: Int32Array, valueBytes: Uint8Array, bytes: Uint8Array): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c < 0) continue;
    const from = valueOffsets[c] as number;
    const to = valueOffsets[c + 1] as number;
    let at = offsets[i] as number;
    if (to - from > 32) {
      bytes.set(valueBytes.subarray(from, to), at);
      continue;
    }
    for (let k = from; k < to; k++) bytes[at++] = valueBytes[k] as number;
  }
}
