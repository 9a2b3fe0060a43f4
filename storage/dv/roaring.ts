/**
 * The serialized deletion-vector bitmap: a magic number, then a 64-bit "portable" RoaringTreemap.
 *
 * reference/delta-protocol.md §5: "The bitmap is little-endian: magic 1681511377, then a 64-bit
 * "portable" RoaringBitmap: u64 bucket count, and per bucket a u32 high key followed by a standard
 * 32-bit Roaring bitmap (array, bitmap and run containers; cookies 12346 and 12347). Values are
 * 0-based row indexes in the Parquet file."
 *
 * Each 32-bit bitmap follows the RoaringFormatSpec (github.com/RoaringBitmap/RoaringFormatSpec):
 *
 * ```
 * cookie u32 = 12346              | cookie u32 = 12347 | (containers − 1) << 16
 * containers u32                  | run flags: ceil(containers / 8) bytes, bit i = container i is a run
 * per container: key u16, cardinality − 1 u16
 * per container: offset u32       — always with 12346; with 12347 only when containers ≥ 4
 * per container, in key order:
 *   run container:    runs u16, then per run start u16, length − 1 u16
 *   array container:  cardinality ≤ 4096: the values, u16 each, ascending
 *   bitmap container: cardinality > 4096: 1024 × u64, bit v = value v
 * ```
 *
 * Why hand-written and not a library: `roaring` (roaring-node) is native and installs through
 * node-pre-gyp, downloading a prebuilt binary or compiling; `roaring-wasm` parses one 32-bit
 * portable bitmap but has no 64-bit treemap wrapper and needs an async WebAssembly start-up for a
 * few dozen bytes per file. The format is small and fully specified, and reading it straight into a
 * Float64Array avoids copying values out of a foreign heap.
 */
import { require, SqlError } from '../../common/sql-error.js';

/** The little-endian u32 that opens every serialized deletion vector. */
export const DV_BITMAP_MAGIC = 1681511377;

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
/** With cookie 12347 the offset header is present only from this many containers on. */
const NO_OFFSET_THRESHOLD = 4;
/** An array container holds at most this many values; above it the container is a bitmap. */
const MAX_ARRAY_CARDINALITY = 4096;
const BITMAP_CONTAINER_BYTES = 8192;
/** Row indexes are exact in a double below 2^53, so a high key must stay below 2^21. */
const MAX_HIGH_KEY = 2 ** 21;

type ContainerKind = 'array' | 'bitmap' | 'run';

/** One container located by the first pass: where its data starts and what it holds. */
interface ContainerRef {
  /** `high · 2^32 + key · 2^16`: the row index of the container's value 0. */
  readonly base: number;
  readonly kind: ContainerKind;
  readonly cardinality: number;
  /** Byte offset of the container's data in the input. */
  readonly at: number;
}

/**
 * Parses a serialized deletion vector (magic + portable RoaringTreemap) into its row indexes,
 * sorted ascending and without duplicates. The input must be exactly the bitmap: trailing bytes
 * are an error, since the descriptor's `sizeInBytes` gives its exact length.
 *
 * Every inconsistency (bad magic or cookie, truncation, keys or values out of order, a header
 * cardinality the data disagrees with) raises `SqlError.corruptData(where, …)`, `XX001`.
 */
export function parseDeletionVectorBitmap(bytes: Uint8Array, where: string): Float64Array {
  const reader = new Reader(bytes, where);
  const magic = reader.u32();
  require(magic === DV_BITMAP_MAGIC, () =>
    SqlError.corruptData(where, `deletion vector magic is ${magic}, expected ${DV_BITMAP_MAGIC}`),
  );

  // ── pass 1: locate every container and validate its contents ──
  const containers: ContainerRef[] = [];
  let total = 0;
  const buckets = reader.u64();
  // Each bucket takes at least 12 bytes (high key + cookie + count), which bounds a garbage count.
  require(buckets <= reader.remaining / 12, () =>
    SqlError.corruptData(where, `deletion vector claims ${buckets} buckets in ${reader.remaining} bytes`),
  );
  let previousHigh = -1;
  for (let b = 0; b < buckets; b++) {
    const high = reader.u32();
    require(high > previousHigh, () =>
      SqlError.corruptData(where, `deletion vector bucket keys are not ascending (${high} after ${previousHigh})`),
    );
    require(high < MAX_HIGH_KEY, () =>
      SqlError.corruptData(where, `deletion vector row index with high key ${high} is beyond 2^53`),
    );
    previousHigh = high;
    total += readBitmap32(reader, high * 2 ** 32, containers);
  }
  require(reader.remaining === 0, () =>
    SqlError.corruptData(where, `${reader.remaining} unexpected bytes after the deletion vector bitmap`),
  );

  // ── pass 2: emit the values, already in order ──
  const out = new Float64Array(total);
  let n = 0;
  for (const c of containers) n = emit(reader.view, c, out, n);
  return out;
}

/** Reads one 32-bit portable bitmap; appends its containers and returns its cardinality. */
function readBitmap32(reader: Reader, highBase: number, containers: ContainerRef[]): number {
  const where = reader.where;
  const start = reader.pos;
  const cookie = reader.u32();
  let count: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    count = (cookie >>> 16) + 1;
    runFlags = reader.bytes(Math.ceil(count / 8));
  } else {
    require(cookie === SERIAL_COOKIE_NO_RUNCONTAINER, () =>
      SqlError.corruptData(where, `roaring bitmap at byte ${start} has cookie ${cookie}, expected 12346 or 12347`),
    );
    count = reader.u32();
    // 4 header bytes + 4 offset bytes per container at least: bounds a garbage count.
    require(count <= 65536 && count * 8 <= reader.remaining, () =>
      SqlError.corruptData(where, `roaring bitmap at byte ${start} claims ${count} containers`),
    );
  }

  const headerAt = reader.pos;
  reader.skip(count * 4);
  if (runFlags === undefined || count >= NO_OFFSET_THRESHOLD) reader.skip(count * 4); // offsets: read sequentially instead

  let total = 0;
  let previousKey = -1;
  for (let i = 0; i < count; i++) {
    const key = reader.view.getUint16(headerAt + i * 4, true);
    const cardinality = reader.view.getUint16(headerAt + i * 4 + 2, true) + 1;
    require(key > previousKey, () =>
      SqlError.corruptData(where, `roaring container keys are not ascending (${key} after ${previousKey})`),
    );
    previousKey = key;
    const isRun = runFlags !== undefined && (runFlags[i >>> 3] & (1 << (i & 7))) !== 0;
    const kind = isRun ? 'run' : cardinality <= MAX_ARRAY_CARDINALITY ? 'array' : 'bitmap';
    const ref: ContainerRef = { base: highBase + key * 65536, kind, cardinality, at: reader.pos };
    validateContainer(reader, ref);
    containers.push(ref);
    total += cardinality;
  }
  return total;
}

/** Advances past one container's data, checking it holds `cardinality` ascending values. */
function validateContainer(reader: Reader, c: ContainerRef): void {
  const { view, where } = reader;
  const fail = (problem: string) => SqlError.corruptData(where, `roaring container at byte ${c.at}: ${problem}`);
  switch (c.kind) {
    case 'array': {
      reader.skip(c.cardinality * 2);
      let previous = -1;
      for (let i = 0; i < c.cardinality; i++) {
        const v = view.getUint16(c.at + i * 2, true);
        require(v > previous, () => fail(`array values are not ascending (${v} after ${previous})`));
        previous = v;
      }
      return;
    }
    case 'bitmap': {
      reader.skip(BITMAP_CONTAINER_BYTES);
      let bits = 0;
      for (let w = 0; w < BITMAP_CONTAINER_BYTES; w += 4) bits += popcount32(view.getUint32(c.at + w, true));
      require(bits === c.cardinality, () => fail(`bitmap has ${bits} bits set, header says ${c.cardinality}`));
      return;
    }
    case 'run': {
      const runs = reader.u16();
      reader.skip(runs * 4);
      let sum = 0;
      let previousEnd = -1;
      for (let r = 0; r < runs; r++) {
        const first = view.getUint16(c.at + 2 + r * 4, true);
        const last = first + view.getUint16(c.at + 4 + r * 4, true);
        require(first > previousEnd && last <= 0xffff, () => fail(`run ${first}..${last} overlaps or overflows`));
        previousEnd = last;
        sum += last - first + 1;
      }
      require(sum === c.cardinality, () => fail(`runs hold ${sum} values, header says ${c.cardinality}`));
      return;
    }
  }
}

/** Writes a validated container's row indexes into `out` from `n`; returns the new length. */
function emit(view: DataView, c: ContainerRef, out: Float64Array, n: number): number {
  switch (c.kind) {
    case 'array':
      for (let i = 0; i < c.cardinality; i++) out[n++] = c.base + view.getUint16(c.at + i * 2, true);
      return n;
    case 'bitmap':
      for (let w = 0; w < BITMAP_CONTAINER_BYTES / 4; w++) {
        let word = view.getUint32(c.at + w * 4, true);
        const wordBase = c.base + w * 32;
        while (word !== 0) {
          const lowest = word & -word;
          out[n++] = wordBase + 31 - Math.clz32(lowest);
          word ^= lowest;
        }
      }
      return n;
    case 'run': {
      const runs = view.getUint16(c.at, true);
      for (let r = 0; r < runs; r++) {
        const first = c.base + view.getUint16(c.at + 2 + r * 4, true);
        const last = first + view.getUint16(c.at + 4 + r * 4, true);
        for (let v = first; v <= last; v++) out[n++] = v;
      }
      return n;
    }
  }
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** A little-endian cursor whose every read is bounds-checked into a `corruptData` error. */
class Reader {
  readonly view: DataView;
  pos = 0;

  constructor(
    private readonly data: Uint8Array,
    readonly where: string,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get remaining(): number {
    return this.data.length - this.pos;
  }

  /** Claims `n` bytes and returns where they start; throws when the input ends first. */
  skip(n: number): number {
    require(n <= this.remaining, () =>
      SqlError.corruptData(this.where, `deletion vector bitmap is truncated: needs ${n} bytes at ${this.pos}, has ${this.remaining}`),
    );
    const at = this.pos;
    this.pos += n;
    return at;
  }

  bytes(n: number): Uint8Array {
    const at = this.skip(n);
    return this.data.subarray(at, at + n);
  }

  u16(): number {
    return this.view.getUint16(this.skip(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.skip(4), true);
  }

  /** A u64 as a double; values past 2^53 are only approximate, which is fine for a count check. */
  u64(): number {
    const at = this.skip(8);
    return this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
  }
}
