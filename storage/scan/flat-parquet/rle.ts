/**
 * The RLE / bit-packed hybrid encoding (Parquet Encodings.md "Run Length Encoding / Bit-Packing
 * Hybrid"), used for definition levels, boolean RLE pages and dictionary indexes:
 *
 *   run := (varint header) ( header & 1 ? bit-packed groups of 8 values : one repeated value )
 *   bit-packed: (header >> 1) groups × 8 values × `width` bits, LSB first
 *   RLE:        (header >> 1) repeats of one value in ceil(width / 8) little-endian bytes
 */
import { Declined } from './decline.js';

/**
 * Decodes `count` values of `width` bits from `bytes[pos, end)` into `out[outAt, outAt + count)`.
 * A final bit-packed group may be padded past `count`; the padding is ignored.
 */
export function decodeHybrid(bytes: Uint8Array, pos: number, end: number, width: number, out: Int32Array, outAt: number, count: number): void {
  if (width === 0) {
    out.fill(0, outAt, outAt + count);
    return;
  }
  if (width > 32) throw new Declined(`bit width ${width}`);
  const mask = width === 32 ? -1 : (1 << width) - 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = outAt;
  const stop = outAt + count;
  const run = newRun(pos);
  while (o < stop) {
    nextRun(bytes, run, end, width);
    const n = Math.min(run.count, stop - o);
    if (run.packed) unpack(bytes, view, run.at, width, mask, out, o, n);
    else out.fill(run.value, o, o + n);
    o += n;
  }
}

/**
 * Decodes only the values at `positions[0…m)` (ascending indexes among the values coded at
 * `bytes[pos, end)`) into `out[outAt, outAt + m)`: a read narrowed to a few rows (key-set.ts).
 * An RLE run gives its value to every position inside it; a bit-packed value is read at its bit
 * offset; runs holding no position are skipped unread.
 */
export function decodeHybridAt(bytes: Uint8Array, pos: number, end: number, width: number, positions: Int32Array, m: number, out: Int32Array, outAt: number): void {
  if (width === 0) {
    out.fill(0, outAt, outAt + m);
    return;
  }
  if (width > 32) throw new Declined(`bit width ${width}`);
  let first = 0; // index of the run's first value
  let k = 0;
  const run = newRun(pos);
  while (k < m) {
    nextRun(bytes, run, end, width);
    const runEnd = first + run.count;
    if (run.packed) {
      for (; k < m && (positions[k] as number) < runEnd; k++) out[outAt + k] = bitsAt(bytes, run.at * 8 + ((positions[k] as number) - first) * width, width);
    } else {
      for (; k < m && (positions[k] as number) < runEnd; k++) out[outAt + k] = run.value;
    }
    first = runEnd;
  }
}

/** The `width` bits (≤ 32) at bit offset `bit`, LSB first (32 bits as a signed int, as Int32Array stores them). */
function bitsAt(bytes: Uint8Array, bit: number, width: number): number {
  let value = 0;
  for (let got = 0; got < width; ) {
    const off = bit & 7;
    const take = Math.min(8 - off, width - got);
    value |= (((bytes[bit >> 3] as number) >> off) & ((1 << take) - 1)) << got;
    got += take;
    bit += take;
  }
  return value;
}

/** Unpacks `n` values of `width` bits, LSB first, from byte `pos` (one loop per function: see slice.ts). */
function unpack(bytes: Uint8Array, view: DataView, pos: number, width: number, mask: number, out: Int32Array, at: number, n: number): void {
  if (width === 1) return unpackBits(bytes, pos, out, at, n);
  if (width > 24) return unpackWide(bytes, pos, width, out, at, n);
  // Whole groups of 8 whose last value's 4-byte read stays inside the buffer: one unaligned load a value.
  const groups = Math.min(n >> 3, Math.max(0, Math.floor((bytes.length - 3 - pos) / width) - 1));
  unpackLoads(view, pos, width, mask, out, at, groups * 8);
  unpackNarrow(bytes, pos + groups * width, width, mask, out, at + groups * 8, n - groups * 8);
}

/** Each value from one little-endian 4-byte load at its byte, shifted by its bit (width ≤ 24). */
function unpackLoads(view: DataView, pos: number, width: number, mask: number, out: Int32Array, at: number, n: number): void {
  let bit = pos * 8;
  for (let i = 0; i < n; i++) {
    out[at + i] = (view.getUint32(bit >> 3, true) >>> (bit & 7)) & mask;
    bit += width;
  }
}

function unpackBits(bytes: Uint8Array, pos: number, out: Int32Array, at: number, n: number): void {
  for (let i = 0; i < n; i++) out[at + i] = ((bytes[pos + (i >> 3)] as number) >> (i & 7)) & 1;
}

/** An accumulator of at most 31 bits: refill a byte at a time, take `width` bits. */
function unpackNarrow(bytes: Uint8Array, pos: number, width: number, mask: number, out: Int32Array, at: number, n: number): void {
  let acc = 0;
  let bits = 0;
  let p = pos;
  for (let i = 0; i < n; i++) {
    while (bits < width) {
      acc |= (bytes[p++] as number) << bits;
      bits += 8;
    }
    out[at + i] = acc & mask;
    acc >>>= width;
    bits -= width;
  }
}

/** Wide values (25–32 bits): bit ranges byte by byte. */
function unpackWide(bytes: Uint8Array, pos: number, width: number, out: Int32Array, at: number, n: number): void {
  let bit = pos * 8;
  for (let i = 0; i < n; i++) {
    let value = 0;
    let got = 0;
    while (got < width) {
      const off = bit & 7;
      const take = Math.min(8 - off, width - got);
      value |= (((bytes[bit >> 3] as number) >> off) & ((1 << take) - 1)) << got;
      got += take;
      bit += take;
    }
    out[at + i] = value;
  }
}

/**
 * Marks in `used` (one byte per dictionary entry) the entries that `count` hybrid-coded dictionary
 * indexes at `bytes[pos, end)` refer to, for a distinct-values read, and answers how many entries
 * are marked, `marked` being the count before. It stops as soon as every entry is marked: the
 * rest of the page cannot add a value (500 tickers are all seen in a page's first rows, not its
 * 262,144). Codes it stops before are not checked; a code it reads past the dictionary is corrupt.
 */
export function markDictionaryCodes(bytes: Uint8Array, pos: number, end: number, width: number, count: number, used: Uint8Array, marked: number): number {
  const size = used.length;
  if (width === 0) return count > 0 ? markCode(0, used, marked) : marked;
  if (width > 32) throw new Declined(`bit width ${width}`);
  const mask = width === 32 ? -1 : (1 << width) - 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const codes = sliceScratch;
  let o = 0;
  const run = newRun(pos);
  while (o < count && marked < size) {
    nextRun(bytes, run, end, width);
    const runEnd = o + Math.min(run.count, count - o);
    if (!run.packed) {
      marked = markCode(run.value, used, marked);
      o = runEnd;
      continue;
    }
    // Slices of whole groups, so each starts on a byte and the run can stop after any of them.
    for (let slice = run.at; o < runEnd && marked < size; slice += (SLICE_VALUES / 8) * width) {
      const n = Math.min(SLICE_VALUES, runEnd - o);
      unpack(bytes, view, slice, width, mask, codes, 0, n);
      marked = markCodes(codes, n, used, marked);
      o += n;
    }
  }
  return marked;
}

/** Values unpacked per step of a distinct-values read or a key-set selection (a multiple of 8). */
const SLICE_VALUES = 1024;
const sliceScratch = new Int32Array(SLICE_VALUES);

function markCode(code: number, used: Uint8Array, marked: number): number {
  if (code >>> 0 >= used.length) throw new Declined('dictionary index out of range');
  const seen = used[code] as number;
  used[code] = 1;
  return marked + 1 - seen;
}

function markCodes(codes: Int32Array, n: number, used: Uint8Array, marked: number): number {
  const size = used.length;
  let bad = 0;
  let fresh = 0;
  for (let i = 0; i < n; i++) {
    const code = codes[i] as number;
    if (code >>> 0 >= size) {
      bad = 1;
      continue;
    }
    fresh += 1 - (used[code] as number);
    used[code] = 1;
  }
  if (bad !== 0) throw new Declined('dictionary index out of range');
  return marked + fresh;
}

/**
 * The rows among `count` hybrid-coded dictionary indexes at `bytes[pos, end)` whose entry is a
 * `member` (one byte per dictionary entry): each such row (`firstRow` + its index) into `rows`
 * and its code into `codes`, from `kept` on; answers the new `kept`. An RLE run is tested once —
 * a date key stored in date order is runs of hundreds of rows — and bit-packed values one by one.
 * A code past the dictionary is corrupt data.
 */
export function selectDictionaryRuns(bytes: Uint8Array, pos: number, end: number, width: number, count: number, member: Uint8Array, firstRow: number, rows: Int32Array, codes: Int32Array, kept: number): number {
  const size = member.length;
  if (width > 32) throw new Declined(`bit width ${width}`);
  const mask = width === 32 ? -1 : (1 << width) - 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  // Width 0: every code is 0, as one run with nothing to read.
  const run = width === 0 ? { ...newRun(pos), count } : newRun(pos);
  while (o < count) {
    if (width > 0) nextRun(bytes, run, end, width);
    const n = Math.min(run.count, count - o);
    if (!run.packed) {
      if (run.value >>> 0 >= size) throw new Declined('dictionary index out of range');
      if (member[run.value] === 1) {
        for (let i = 0; i < n; i++) rows[kept + i] = firstRow + o + i;
        codes.fill(run.value, kept, kept + n);
        kept += n;
      }
    } else {
      for (let done = 0, slice = run.at; done < n; done += SLICE_VALUES, slice += (SLICE_VALUES / 8) * width) {
        const m = Math.min(SLICE_VALUES, n - done);
        unpack(bytes, view, slice, width, mask, sliceScratch, 0, m);
        kept = selectCodes(sliceScratch, m, member, firstRow + o + done, rows, codes, kept);
      }
    }
    o += n;
  }
  return kept;
}

/** `selectDictionaryRuns` over unpacked codes. */
function selectCodes(unpacked: Int32Array, n: number, member: Uint8Array, firstRow: number, rows: Int32Array, codes: Int32Array, kept: number): number {
  const size = member.length;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const code = unpacked[i] as number;
    bad |= code >>> 0 >= size ? 1 : 0;
    rows[kept] = firstRow + i;
    codes[kept] = code;
    kept += member[code] === 1 ? 1 : 0;
  }
  if (bad !== 0) throw new Declined('dictionary index out of range');
  return kept;
}

/**
 * Definition levels of a flat optional column (bit width 1) straight into one validity byte per
 * row, `valid[at, at + n)`; answers how many are 1. Runs are filled, not looped over. A level
 * above 1 (only possible in an RLE run) is declined. With `valid` null the levels are only
 * counted: a page whose rows are all non-NULL — every page of a column written OPTIONAL that
 * holds no NULL — then needs no validity bytes at all.
 */
export function decodeDefinitionLevels(bytes: Uint8Array, pos: number, end: number, valid: Uint8Array | null, at: number, n: number): number {
  let o = at;
  const stop = at + n;
  let ones = 0;
  const run = newRun(pos);
  while (o < stop) {
    nextRun(bytes, run, end, 1);
    const k = Math.min(run.count, stop - o);
    if (run.packed) {
      ones += valid === null ? countBits(bytes, run.at, k) : unpackLevels(bytes, run.at, valid, o, k);
    } else {
      if (run.value > 1) throw new Declined('definition level above 1');
      valid?.fill(run.value, o, o + k);
      if (run.value === 1) ones += k;
    }
    o += k;
  }
  return ones;
}

/** Bit-packed levels into validity bytes `valid[at, at + k)`; answers how many are 1. */
function unpackLevels(bytes: Uint8Array, pos: number, valid: Uint8Array, at: number, k: number): number {
  let ones = 0;
  for (let i = 0; i < k; i++) {
    const bit = ((bytes[pos + (i >> 3)] as number) >> (i & 7)) & 1;
    valid[at + i] = bit;
    ones += bit;
  }
  return ones;
}

/** How many of the first `k` bits from byte `pos` are 1 (LSB first). */
function countBits(bytes: Uint8Array, pos: number, k: number): number {
  let ones = 0;
  for (let i = 0; i < k; i++) ones += ((bytes[pos + (i >> 3)] as number) >> (i & 7)) & 1;
  return ones;
}

/**
 * One run of the hybrid encoding, as `nextRun` reads it: `count` repeats of `value` (RLE), or
 * `count` bit-packed values (whole groups of 8) starting at byte `at`; `pos` is where the next
 * run starts. One object per decode, refilled run after run.
 */
interface Run {
  pos: number;
  packed: boolean;
  count: number;
  value: number;
  at: number;
}

function newRun(pos: number): Run {
  return { pos, packed: false, count: 0, value: 0, at: 0 };
}

/** Reads the run at `run.pos` of values `width` bits wide into `run`, moving `run.pos` past it. */
function nextRun(bytes: Uint8Array, run: Run, end: number, width: number): void {
  if (run.pos >= end) throw new Declined('hybrid run past the end of its buffer');
  const header = runHeader(bytes, run, end);
  if ((header & 1) === 0) {
    const valueBytes = (width + 7) >> 3;
    let value = 0;
    for (let k = 0; k < valueBytes; k++) value |= (bytes[run.pos + k] as number) << (8 * k);
    run.packed = false;
    run.count = Math.floor(header / 2);
    run.value = value;
    run.pos += valueBytes;
  } else {
    const groups = Math.floor(header / 2);
    // 8 values × width bits = width bytes per group.
    if (run.pos + groups * width > end) throw new Declined('bit-packed run past the end of its buffer');
    run.packed = true;
    run.count = groups * 8;
    run.at = run.pos;
    run.pos += groups * width;
  }
}

/** A run's varint header at `at.pos` (ULEB128, up to 35 bits), moving `at.pos` past it. */
function runHeader(bytes: Uint8Array, at: { pos: number }, end: number): number {
  let pos = at.pos;
  let header = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++] as number;
    header += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
    shift += 7;
    if (shift > 35 || pos >= end) throw new Declined('bad hybrid run header');
  }
  at.pos = pos;
  return header;
}
