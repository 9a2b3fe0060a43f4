import * as arrow from 'apache-arrow';
import { boolBytes, packBits, validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { SqlError } from '../../common/sql-error.js';
import { compareBytes } from '../kernels/compare.js';
import { compareDecimalWords } from '../values/decimal.js';
import type { Accumulator } from './accumulator.js';
import { ensure } from './growable.js';

type Layout = 'number' | 'int64' | 'decimal' | 'interval' | 'bool' | 'bytes';

/** How min/max keeps a type's per-group value; undefined for types without an order here. */
function layoutOf(type: arrow.DataType): Layout | undefined {
  switch (type.typeId) {
    case arrow.Type.Bool:
      return 'bool';
    case arrow.Type.Decimal:
      return (type as arrow.Decimal).bitWidth === 128 ? 'decimal' : undefined;
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return 'bytes';
    case arrow.Type.Interval:
      return (type as arrow.Interval).unit === arrow.IntervalUnit.MONTH_DAY_NANO ? 'interval' : undefined;
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Duration: {
      const Ctor = (type as arrow.Int).ArrayType as unknown;
      if (Ctor === BigInt64Array || Ctor === BigUint64Array) return 'int64';
      return Ctor === Uint16Array && arrow.DataType.isFloat(type) ? undefined : 'number';
    }
    default:
      return undefined;
  }
}

/** Whether min/max (and so percentile_disc / ordering aggregates) accept `type`. */
export function isMinMaxType(type: arrow.DataType): boolean {
  return layoutOf(type) !== undefined;
}

/**
 * `min` / `max` for every orderable type: numbers, dates and 32-bit times in a float64 per group
 * (exact for all of them); 64-bit integers, timestamps and durations as two words compared
 * high (signed) then low (unsigned); decimals on their four words; intervals by span (PostgreSQL:
 * a month is 30 days); booleans (false < true);
 * strings and binaries in byte order (UTF-8 byte order is code-point order, PostgreSQL's "C"
 * collation). Floats order NaN above every number, as PostgreSQL does. NULLs are skipped; a group
 * without non-NULL input gives NULL.
 */
export class MinMaxAccumulator implements Accumulator {
  private readonly layout: Layout;
  /** +1 to keep larger values (max), -1 smaller (min). */
  private readonly sign: number;
  private has = new Uint8Array(0);
  private numbers = new Float64Array(0);
  private words = new Uint32Array(0);
  private readonly strings: ByteValues | undefined;

  constructor(name: 'min' | 'max', private readonly type: arrow.DataType) {
    const layout = layoutOf(type);
    if (layout === undefined) throw SqlError.undefinedFunction(`${name}(${String(type)})`);
    this.layout = layout;
    this.sign = name === 'max' ? 1 : -1;
    this.strings = layout === 'bytes' ? new ByteValues() : undefined;
  }

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const data = args[0];
    const valid = validityBytes(data);
    const has = (this.has = ensure(this.has, groups));
    const n = groupIds.length;
    const sign = this.sign;
    switch (this.layout) {
      case 'number': {
        const state = (this.numbers = ensure(this.numbers, groups));
        const v = data.values as Float64Array;
        const max = sign > 0;
        for (let i = 0; i < n; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const g = groupIds[i];
          const x = v[i];
          if (has[g] === 0) {
            has[g] = 1;
            state[g] = x;
            continue;
          }
          const s = state[g];
          // NaN is the largest value: max takes it over anything; min takes anything over it.
          if (max ? x > s || (x !== x && s === s) : x < s || (s !== s && x === x)) state[g] = x;
        }
        return;
      }
      case 'int64': {
        const words = (this.words = ensure(this.words, groups * 2));
        const raw = data.values as BigInt64Array;
        const u = new Uint32Array(raw.buffer, raw.byteOffset, n * 2);
        const unsigned = raw instanceof BigUint64Array;
        const hi = unsigned ? u : new Int32Array(raw.buffer, raw.byteOffset, n * 2);
        const stateHi = unsigned ? words : new Int32Array(words.buffer, 0, words.length);
        for (let i = 0; i < n; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const g = groupIds[i];
          const h = hi[2 * i + 1];
          const l = u[2 * i];
          if (has[g] !== 0) {
            const sh = stateHi[2 * g + 1];
            const c = h !== sh ? (h < sh ? -1 : 1) : l === words[2 * g] ? 0 : l < words[2 * g] ? -1 : 1;
            if (c * sign <= 0) continue;
          }
          has[g] = 1;
          words[2 * g] = l;
          words[2 * g + 1] = h;
        }
        return;
      }
      case 'decimal':
      case 'interval': {
        const words = (this.words = ensure(this.words, groups * 4));
        const v = data.values as Uint32Array;
        const compare = this.layout === 'decimal' ? compareDecimalWords : compareIntervalWords;
        for (let i = 0; i < n; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const g = groupIds[i];
          if (has[g] !== 0 && compare(v, i, words, g) * sign <= 0) continue;
          has[g] = 1;
          const a = 4 * i;
          const b = 4 * g;
          words[b] = v[a];
          words[b + 1] = v[a + 1];
          words[b + 2] = v[a + 2];
          words[b + 3] = v[a + 3];
        }
        return;
      }
      case 'bool': {
        const state = (this.numbers = ensure(this.numbers, groups));
        const bits = boolBytes(data);
        for (let i = 0; i < n; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const g = groupIds[i];
          const x = bits[i];
          if (has[g] === 0 || (x - state[g]) * sign > 0) state[g] = x;
          has[g] = 1;
        }
        return;
      }
      case 'bytes':
        (this.strings as ByteValues).update(groupIds, data, valid, groups, sign, has);
        return;
    }
  }

  finish(groups: number): arrow.Data {
    const has = (this.has = ensure(this.has, groups)).subarray(0, groups);
    const validity = validityProps(has);
    const type = this.type;
    switch (this.layout) {
      case 'number': {
        const state = ensure(this.numbers, groups);
        const Ctor = (type as arrow.Int).ArrayType as unknown as new (n: number) => Float64Array;
        const out = new Ctor(groups);
        for (let g = 0; g < groups; g++) out[g] = state[g];
        return arrow.makeData({ type, length: groups, ...validity, data: out } as never);
      }
      case 'int64': {
        const words = ensure(this.words, groups * 2).slice(0, groups * 2);
        const Ctor = (type as arrow.Int).ArrayType as unknown as new (b: ArrayBuffer) => BigInt64Array;
        return arrow.makeData({ type, length: groups, ...validity, data: new Ctor(words.buffer) } as never);
      }
      case 'decimal':
        return arrow.makeData({ type, length: groups, ...validity, data: ensure(this.words, groups * 4).slice(0, groups * 4) } as never);
      case 'interval': {
        const words = ensure(this.words, groups * 4).slice(0, groups * 4);
        return arrow.makeData({ type, length: groups, ...validity, data: new Int32Array(words.buffer) } as never);
      }
      case 'bool': {
        const state = ensure(this.numbers, groups);
        const bytes = new Uint8Array(groups);
        for (let g = 0; g < groups; g++) bytes[g] = state[g];
        return arrow.makeData({ type, length: groups, ...validity, data: packBits(bytes) } as never);
      }
      case 'bytes':
        return (this.strings as ByteValues).toData(type, groups, has);
    }
  }
}

const NANOS_PER_DAY = 86_400_000_000_000;

/**
 * Orders two MONTH_DAY_NANO intervals (four words: months, days, nanoseconds as int64) as
 * PostgreSQL does: by their span with a month as 30 days and a day as 24 hours, so
 * '1 month' = '30 days' and min/max keep the first of equal spans. Float spans decide unless
 * they are too close to call, then bigint does.
 */
function compareIntervalWords(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  const pa = ai * 4;
  const pb = bi * 4;
  const daysA = (a[pa] | 0) * 30 + (a[pa + 1] | 0);
  const daysB = (b[pb] | 0) * 30 + (b[pb + 1] | 0);
  const nanosA = (a[pa + 3] | 0) * 4_294_967_296 + a[pa + 2];
  const nanosB = (b[pb + 3] | 0) * 4_294_967_296 + b[pb + 2];
  const x = daysA * NANOS_PER_DAY + nanosA;
  const y = daysB * NANOS_PER_DAY + nanosB;
  if (Math.abs(x - y) > 1e-9 * Math.max(Math.abs(x), Math.abs(y)) + 4096) return x < y ? -1 : 1;
  const exact = (w: Uint32Array, p: number, days: number) =>
    BigInt(days) * BigInt(NANOS_PER_DAY) + ((BigInt(w[p + 3] | 0) << 32n) | BigInt(w[p + 2]));
  const ex = exact(a, pa, daysA);
  const ey = exact(b, pb, daysB);
  return ex < ey ? -1 : ex > ey ? 1 : 0;
}

/**
 * The current min/max string of each group, copied into one growable byte arena (offset and
 * length per group: no per-group strings). Within a batch, each group's best row is found
 * against the batch's own bytes first, so a group's arena copy is rewritten at most once per
 * batch; superseded bytes are garbage, compacted away when they outweigh the live ones.
 */
class ByteValues {
  private arena = new Uint8Array(1024);
  private used = 0;
  private live = 0;
  private offsets = new Float64Array(0);
  private lengths = new Int32Array(0);
  /** Per group during one batch: -1 untouched, -2 arena value still best, else the best row. */
  private best = new Int32Array(0);

  update(groupIds: Int32Array, data: arrow.Data, valid: Uint8Array | null, groups: number, sign: number, has: Uint8Array): void {
    this.offsets = ensure(this.offsets, groups);
    this.lengths = ensure(this.lengths, groups);
    const best = (this.best = ensure(this.best, groups, -1));
    const o = data.valueOffsets as Int32Array;
    const v = data.values as Uint8Array;
    const touched = new Int32Array(Math.min(groupIds.length, groups));
    let touchedCount = 0;
    const { arena, offsets, lengths } = this;
    for (let i = 0; i < groupIds.length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i];
      const b = best[g];
      if (b === -1) {
        touched[touchedCount++] = g;
        if (has[g] === 0 || compareBytes(v, o[i], o[i + 1], arena, offsets[g], offsets[g] + lengths[g]) * sign > 0) best[g] = i;
        else best[g] = -2;
      } else if (b === -2) {
        if (compareBytes(v, o[i], o[i + 1], arena, offsets[g], offsets[g] + lengths[g]) * sign > 0) best[g] = i;
      } else if (compareBytes(v, o[i], o[i + 1], v, o[b], o[b + 1]) * sign > 0) {
        best[g] = i;
      }
    }
    for (let k = 0; k < touchedCount; k++) {
      const g = touched[k];
      const row = best[g];
      best[g] = -1;
      if (row < 0) continue;
      const length = o[row + 1] - o[row];
      if (has[g] !== 0) this.live -= this.lengths[g];
      this.reserve(length);
      this.arena.set(v.subarray(o[row], o[row + 1]), this.used);
      this.offsets[g] = this.used;
      this.lengths[g] = length;
      this.used += length;
      this.live += length;
      has[g] = 1;
    }
    if (this.used > 2 * this.live + 65_536) this.compact(groups, has);
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.arena.length) return;
    const grown = new Uint8Array(Math.max(this.used + extra, this.arena.length * 2));
    grown.set(this.arena.subarray(0, this.used));
    this.arena = grown;
  }

  private compact(groups: number, has: Uint8Array): void {
    const arena = new Uint8Array(Math.max(1024, this.live * 2));
    let pos = 0;
    for (let g = 0; g < groups; g++) {
      if (has[g] === 0) continue;
      const start = this.offsets[g];
      arena.set(this.arena.subarray(start, start + this.lengths[g]), pos);
      this.offsets[g] = pos;
      pos += this.lengths[g];
    }
    this.arena = arena;
    this.used = pos;
  }

  toData(type: arrow.DataType, groups: number, has: Uint8Array): arrow.Data {
    this.offsets = ensure(this.offsets, groups);
    this.lengths = ensure(this.lengths, groups);
    const valueOffsets = new Int32Array(groups + 1);
    let total = 0;
    for (let g = 0; g < groups; g++) {
      if (has[g] !== 0) total += this.lengths[g];
      valueOffsets[g + 1] = total;
    }
    const bytes = new Uint8Array(total);
    for (let g = 0; g < groups; g++) {
      if (has[g] === 0) continue;
      const start = this.offsets[g];
      bytes.set(this.arena.subarray(start, start + this.lengths[g]), valueOffsets[g]);
    }
    return arrow.makeData({ type, length: groups, ...validityProps(has), valueOffsets, data: bytes } as never);
  }
}
