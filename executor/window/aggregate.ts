import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { boolBytes, packBits, validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import type { AggregateName } from '../aggregates/result-type.js';
import { rowComparator } from '../kernels/sort.js';
import { decimalAt, pow10 } from '../values/decimal.js';
import { bigintColumn, numberColumn } from './columns.js';
import type { FrameExtent } from './frame.js';
import type { WindowLayout } from './layout.js';
import { frameValueColumn } from './value.js';

/**
 * Aggregates over window frames. Every frame is `[lo, aHi) ∪ {self} ∪ [bLo, hi)` in sorted
 * positions (frame.ts); the strategy depends on the aggregate and the frame:
 *
 * | aggregate                         | strategy                                                            |
 * |-----------------------------------|---------------------------------------------------------------------|
 * | count, count(*), count_if, bool_* | prefix counts: O(1) per row for any frame                           |
 * | sum, avg of ints and decimals     | exact prefix sums (float64 while every partial sum is a safe integer, bigint beyond): O(1) per row |
 * | sum, avg of floats                | running frames: one sequential pass (PostgreSQL's order, bit for bit); sliding frames: recomputed per frame while that is cheap (Σ frame sizes ≤ 64·rows, again PostgreSQL's bits), else compensated prefix sums |
 * | min, max                          | running: one pass; sliding: a monotonic deque (frames only move forward); EXCLUDE: a scan per frame |
 * | first, last, any_value            | as first_value / last_value                                         |
 * | stddev_*, var_*                   | running: Youngs–Cramer in one pass (PostgreSQL's float8_accum); sliding: recomputed per frame (O(rows × frame)) |
 *
 * Results are Data in sorted positions, of the call's result type.
 */
export function aggregateColumn(name: AggregateName, args: readonly arrow.Data[], layout: WindowLayout, frame: FrameExtent, type: arrow.DataType, ignoreNulls: boolean): arrow.Data {
  switch (name) {
    case 'count_star':
      return numberColumn(type, frameSizes(layout, frame), null);
    case 'count':
      return numberColumn(type, frameCounts(prefixCounts(sortedValidity(args[0], layout)), frame, layout.length), null);
    case 'count_if':
      return countIf(args[0], layout, frame, type);
    case 'bool_and':
    case 'bool_or':
      return boolAggregate(name, args[0], layout, frame, type);
    case 'sum':
    case 'avg':
      return sumOrAvg(name, args[0], layout, frame, type);
    case 'min':
    case 'max':
      return minMax(name, args[0], layout, frame);
    case 'first':
      return frameValueColumn('first_value', args[0], layout, frame, [], ignoreNulls);
    case 'last':
      return frameValueColumn('last_value', args[0], layout, frame, [], ignoreNulls);
    case 'any_value':
      return frameValueColumn('first_value', args[0], layout, frame, [], true);
    case 'stddev_samp':
    case 'stddev_pop':
    case 'var_samp':
    case 'var_pop':
      return variance(name, args[0], layout, frame, type);
    default:
      throw SqlError.unsupportedFeature(`${name} as a window function`);
  }
}

/** Aggregates `aggregateColumn` computes; the others are refused with 0A000 when the plan is built. */
export const WINDOW_AGGREGATES: ReadonlySet<AggregateName> = new Set<AggregateName>([
  'count', 'count_star', 'count_if', 'bool_and', 'bool_or', 'sum', 'avg', 'min', 'max', 'first', 'last', 'any_value',
  'stddev_samp', 'stddev_pop', 'var_samp', 'var_pop',
]);

// ── counting ──

/** One byte per sorted position: 1 where the argument is not NULL. */
function sortedValidity(arg: arrow.Data, layout: WindowLayout): Uint8Array {
  const { length, order } = layout;
  const out = new Uint8Array(length);
  const valid = validityBytes(arg);
  if (valid === null) out.fill(1);
  else for (let p = 0; p < length; p++) out[p] = valid[order[p]];
  return out;
}

/** `P[p]` = sum of `bytes[0..p)` (length + 1 entries). */
function prefixCounts(bytes: Uint8Array): Int32Array {
  const out = new Int32Array(bytes.length + 1);
  let acc = 0;
  for (let p = 0; p < bytes.length; p++) {
    out[p] = acc;
    acc += bytes[p];
  }
  out[bytes.length] = acc;
  return out;
}

/** Per row, how many counted positions its frame holds (self counted by the prefix's own step). */
function frameCounts(prefix: Int32Array, frame: FrameExtent, length: number): Float64Array {
  const { lo, hi, aHi, bLo, self } = frame;
  const out = new Float64Array(length);
  if (frame.contiguous) {
    for (let r = 0; r < length; r++) out[r] = prefix[hi[r]] - prefix[lo[r]];
  } else {
    for (let r = 0; r < length; r++) {
      let n = prefix[aHi[r]] - prefix[lo[r]] + prefix[hi[r]] - prefix[bLo[r]];
      if (self !== null && self[r] !== 0) n += prefix[r + 1] - prefix[r];
      out[r] = n;
    }
  }
  return out;
}

function frameSizes(layout: WindowLayout, frame: FrameExtent): Float64Array {
  const { lo, hi, aHi, bLo, self } = frame;
  const out = new Float64Array(layout.length);
  for (let r = 0; r < layout.length; r++) out[r] = aHi[r] - lo[r] + hi[r] - bLo[r] + (self !== null ? self[r] : 0);
  return out;
}

function sortedTrue(arg: arrow.Data, layout: WindowLayout): Uint8Array {
  const bits = boolBytes(arg);
  const valid = validityBytes(arg);
  const { length, order } = layout;
  const out = new Uint8Array(length);
  for (let p = 0; p < length; p++) {
    const i = order[p];
    out[p] = valid === null ? bits[i] : bits[i] & valid[i];
  }
  return out;
}

function countIf(arg: arrow.Data, layout: WindowLayout, frame: FrameExtent, type: arrow.DataType): arrow.Data {
  return numberColumn(type, frameCounts(prefixCounts(sortedTrue(arg, layout)), frame, layout.length), null);
}

function boolAggregate(name: 'bool_and' | 'bool_or', arg: arrow.Data, layout: WindowLayout, frame: FrameExtent, type: arrow.DataType): arrow.Data {
  const n = layout.length;
  const counts = frameCounts(prefixCounts(sortedValidity(arg, layout)), frame, n);
  const trues = frameCounts(prefixCounts(sortedTrue(arg, layout)), frame, n);
  const out = new Uint8Array(n);
  const valid = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    valid[r] = counts[r] > 0 ? 1 : 0;
    out[r] = name === 'bool_and' ? (trues[r] === counts[r] ? 1 : 0) : trues[r] > 0 ? 1 : 0;
  }
  return boolColumn(type, out, valid);
}

function boolColumn(type: arrow.DataType, bytes: Uint8Array, valid: Uint8Array): arrow.Data {
  return arrow.makeData({ type, length: bytes.length, ...validityProps(valid), data: packBits(bytes) } as never);
}

// ── sum and avg ──

/** The argument's numeric values in sorted order: exact integers (ints, decimals' unscaled values) or floats. */
type Numbers =
  | { readonly kind: 'float'; readonly x: Float64Array; readonly valid: Uint8Array }
  | { readonly kind: 'exact'; readonly x: Float64Array; readonly valid: Uint8Array; readonly scale: number }
  | { readonly kind: 'big'; readonly x: bigint[]; readonly valid: Uint8Array; readonly scale: number };

function sortedNumbers(arg: arrow.Data, layout: WindowLayout): Numbers {
  const { length, order } = layout;
  const valid = sortedValidity(arg, layout);
  const type = arg.type;
  if (arrow.DataType.isFloat(type)) {
    const src = arg.values as Float64Array;
    const x = new Float64Array(length);
    for (let p = 0; p < length; p++) x[p] = valid[p] !== 0 ? src[order[p]] : 0;
    return { kind: 'float', x, valid };
  }
  if (arrow.DataType.isInt(type) && (type as arrow.Int).bitWidth < 64) {
    const src = arg.values as Int32Array;
    const x = new Float64Array(length);
    let max = 0;
    for (let p = 0; p < length; p++) {
      const v = valid[p] !== 0 ? src[order[p]] : 0;
      x[p] = v;
      if (v > max) max = v;
      else if (-v > max) max = -v;
    }
    if (max * length < 2 ** 53) return { kind: 'exact', x, valid, scale: 0 };
    return { kind: 'big', x: Array.from(x, (v) => BigInt(v)), valid, scale: 0 };
  }
  if (arrow.DataType.isInt(type) || arrow.DataType.isDecimal(type)) {
    const scale = arrow.DataType.isDecimal(type) ? (type as arrow.Decimal).scale : 0;
    const big: bigint[] = new Array(length);
    let max = 0n;
    if (arrow.DataType.isDecimal(type)) {
      const words = arg.values as Uint32Array;
      for (let p = 0; p < length; p++) {
        const v = valid[p] !== 0 ? decimalAt(words, order[p]) : 0n;
        big[p] = v;
        if (v > max) max = v;
        else if (-v > max) max = -v;
      }
    } else {
      const src = arg.values as BigInt64Array;
      for (let p = 0; p < length; p++) {
        const v = valid[p] !== 0 ? src[order[p]] : 0n;
        big[p] = v;
        if (v > max) max = v;
        else if (-v > max) max = -v;
      }
    }
    if (max * BigInt(Math.max(1, length)) < 2n ** 53n) return { kind: 'exact', x: Float64Array.from(big, Number), valid, scale };
    return { kind: 'big', x: big, valid, scale };
  }
  throw SqlError.undefinedFunction(`sum(${String(type)})`);
}

function sumOrAvg(name: 'sum' | 'avg', arg: arrow.Data, layout: WindowLayout, frame: FrameExtent, type: arrow.DataType): arrow.Data {
  const n = layout.length;
  const nums = sortedNumbers(arg, layout);
  const counts = frameCounts(prefixCounts(nums.valid), frame, n);
  const valid = new Uint8Array(n);
  for (let r = 0; r < n; r++) valid[r] = counts[r] > 0 ? 1 : 0;
  const outScale = arrow.DataType.isDecimal(type) ? (type as arrow.Decimal).scale : 0;

  if (nums.kind === 'float') {
    const sums = floatSums(nums, layout, frame);
    if (name === 'avg') for (let r = 0; r < n; r++) sums[r] = valid[r] !== 0 ? sums[r] / counts[r] : 0;
    return numberColumn(type, sums, valid);
  }
  if (nums.kind === 'exact') {
    const prefix = new Float64Array(n + 1);
    let acc = 0;
    for (let p = 0; p < n; p++) {
      prefix[p] = acc;
      acc += nums.x[p];
    }
    prefix[n] = acc;
    const sums = new Float64Array(n);
    const { lo, hi, aHi, bLo, self } = frame;
    for (let r = 0; r < n; r++) {
      let s = prefix[aHi[r]] - prefix[lo[r]] + prefix[hi[r]] - prefix[bLo[r]];
      if (self !== null && self[r] !== 0) s += nums.x[r];
      sums[r] = s;
    }
    if (name === 'sum') return exactColumn(type, sums, nums.scale, outScale, valid);
    if (!arrow.DataType.isDecimal(type)) {
      const factor = 10 ** nums.scale;
      for (let r = 0; r < n; r++) sums[r] = valid[r] !== 0 ? sums[r] / factor / counts[r] : 0;
      return numberColumn(type, sums, valid);
    }
    return bigintColumn(type, Array.from(sums, (s, r) => (valid[r] !== 0 ? divideRounded(BigInt(s) * pow10(outScale - nums.scale), BigInt(counts[r])) : 0n)), valid);
  }
  // bigint: exact at any size, slower
  const prefix: bigint[] = new Array(n + 1);
  let acc = 0n;
  for (let p = 0; p < n; p++) {
    prefix[p] = acc;
    acc += nums.x[p];
  }
  prefix[n] = acc;
  const { lo, hi, aHi, bLo, self } = frame;
  const sums: bigint[] = new Array(n);
  for (let r = 0; r < n; r++) {
    let s = prefix[aHi[r]] - prefix[lo[r]] + prefix[hi[r]] - prefix[bLo[r]];
    if (self !== null && self[r] !== 0) s += nums.x[r];
    sums[r] = s;
  }
  if (name === 'sum') {
    if (!arrow.DataType.isDecimal(type) && !(arrow.DataType.isInt(type) && (type as arrow.Int).bitWidth === 64)) {
      return numberColumn(type, Float64Array.from(sums, (s) => Number(s) / 10 ** nums.scale), valid);
    }
    const shift = pow10(Math.max(0, outScale - nums.scale));
    return bigintColumn(type, shift === 1n ? sums : sums.map((s) => s * shift), valid);
  }
  if (!arrow.DataType.isDecimal(type)) {
    const factor = 10 ** nums.scale;
    return numberColumn(type, Float64Array.from(sums, (s, r) => (valid[r] !== 0 ? Number(s) / factor / counts[r] : 0)), valid);
  }
  return bigintColumn(type, sums.map((s, r) => (valid[r] !== 0 ? divideRounded(s * pow10(outScale - nums.scale), BigInt(counts[r])) : 0n)), valid);
}

/** Exact sums (safe integers at `inScale`) as a column of `type`. */
function exactColumn(type: arrow.DataType, sums: Float64Array, inScale: number, outScale: number, valid: Uint8Array): arrow.Data {
  if (arrow.DataType.isFloat(type)) {
    const factor = 10 ** inScale;
    return numberColumn(type, inScale === 0 ? sums : sums.map((s) => s / factor), valid);
  }
  if (arrow.DataType.isDecimal(type) && outScale !== inScale) {
    const shift = pow10(outScale - inScale);
    return bigintColumn(type, Array.from(sums, (s) => BigInt(s) * shift), valid);
  }
  return numberColumn(type, sums, valid);
}

/** a / b rounded half away from zero (b > 0), as numeric division rounds. */
function divideRounded(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * Float sums per frame. Running frames accumulate in sorted order, and cheap sliding frames are
 * summed afresh, as PostgreSQL does (float8 `sum` has no inverse transition), so results match
 * it bit for bit; large sliding frames use Neumaier-compensated prefix sums (within an ulp or so).
 */
function floatSums(nums: { x: Float64Array; valid: Uint8Array }, layout: WindowLayout, frame: FrameExtent): Float64Array {
  const n = layout.length;
  const { x } = nums;
  const { lo, hi, aHi, bLo, self } = frame;
  const out = new Float64Array(n);
  if (frame.running) {
    const { partitionBounds } = layout;
    for (let p = 0; p + 1 < partitionBounds.length; p++) {
      const ps = partitionBounds[p];
      const pe = partitionBounds[p + 1];
      let acc = 0;
      let h = ps;
      for (let r = ps; r < pe; r++) {
        const target = hi[r];
        while (h < target) acc += x[h++];
        out[r] = acc;
      }
    }
    return out;
  }
  let work = 0;
  for (let r = 0; r < n; r++) work += hi[r] - lo[r];
  if (work <= 64 * n + 4096) {
    for (let r = 0; r < n; r++) {
      let acc = 0;
      for (let p = lo[r], e = aHi[r]; p < e; p++) acc += x[p];
      if (self !== null && self[r] !== 0) acc += x[r];
      for (let p = bLo[r], e = hi[r]; p < e; p++) acc += x[p];
      out[r] = acc;
    }
    return out;
  }
  // Compensated prefix sums of the finite values; infinities and NaN are counted apart so
  // one of them does not poison every later difference.
  const sum = new Float64Array(n + 1);
  const comp = new Float64Array(n + 1);
  const posInf = new Int32Array(n + 1);
  const negInf = new Int32Array(n + 1);
  const nan = new Int32Array(n + 1);
  let s = 0;
  let c = 0;
  for (let p = 0; p < n; p++) {
    const v = x[p];
    posInf[p + 1] = posInf[p];
    negInf[p + 1] = negInf[p];
    nan[p + 1] = nan[p];
    if (v === Infinity) posInf[p + 1]++;
    else if (v === -Infinity) negInf[p + 1]++;
    else if (v !== v) nan[p + 1]++;
    else {
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
    sum[p + 1] = s;
    comp[p + 1] = c;
  }
  const range = (a: number, b: number) => sum[b] - sum[a] + (comp[b] - comp[a]);
  for (let r = 0; r < n; r++) {
    let v = range(lo[r], aHi[r]) + range(bLo[r], hi[r]);
    let pi = posInf[aHi[r]] - posInf[lo[r]] + posInf[hi[r]] - posInf[bLo[r]];
    let ni = negInf[aHi[r]] - negInf[lo[r]] + negInf[hi[r]] - negInf[bLo[r]];
    let na = nan[aHi[r]] - nan[lo[r]] + nan[hi[r]] - nan[bLo[r]];
    if (self !== null && self[r] !== 0) {
      const w = x[r];
      if (w === Infinity) pi++;
      else if (w === -Infinity) ni++;
      else if (w !== w) na++;
      else v += w;
    }
    out[r] = na > 0 || (pi > 0 && ni > 0) ? NaN : pi > 0 ? Infinity : ni > 0 ? -Infinity : v;
  }
  return out;
}

// ── min and max ──

function minMax(name: 'min' | 'max', arg: arrow.Data, layout: WindowLayout, frame: FrameExtent): arrow.Data {
  const { length, order, partitionBounds } = layout;
  const valid = sortedValidity(arg, layout);
  const compare = rowComparator({ data: arg, descending: name === 'max', nullsFirst: false });
  // `better(a, b)`: position a's value strictly beats position b's
  const better = (a: number, b: number) => compare(order[a], order[b]) < 0;
  const picked = new Int32Array(length).fill(-1);
  const { lo, hi, aHi, bLo, self } = frame;
  if (frame.running) {
    for (let p = 0; p + 1 < partitionBounds.length; p++) {
      const ps = partitionBounds[p];
      const pe = partitionBounds[p + 1];
      let best = -1;
      let h = ps;
      for (let r = ps; r < pe; r++) {
        for (const target = hi[r]; h < target; h++) if (valid[h] !== 0 && (best < 0 || better(h, best))) best = h;
        picked[r] = best < 0 ? -1 : order[best];
      }
    }
  } else if (frame.contiguous) {
    // Monotonic deque: positions whose values strictly improve from back to front.
    const deque = new Int32Array(length);
    for (let p = 0; p + 1 < partitionBounds.length; p++) {
      const ps = partitionBounds[p];
      const pe = partitionBounds[p + 1];
      let head = 0;
      let tail = 0;
      let h = ps;
      for (let r = ps; r < pe; r++) {
        for (const target = hi[r]; h < target; h++) {
          if (valid[h] === 0) continue;
          while (tail > head && !better(deque[tail - 1], h)) tail--;
          deque[tail++] = h;
        }
        while (tail > head && deque[head] < lo[r]) head++;
        picked[r] = tail > head ? order[deque[head]] : -1;
      }
    }
  } else {
    for (let r = 0; r < length; r++) {
      let best = -1;
      for (let q = lo[r], e = aHi[r]; q < e; q++) if (valid[q] !== 0 && (best < 0 || better(q, best))) best = q;
      if (self !== null && self[r] !== 0 && valid[r] !== 0 && (best < 0 || better(r, best))) best = r;
      for (let q = bLo[r], e = hi[r]; q < e; q++) if (valid[q] !== 0 && (best < 0 || better(q, best))) best = q;
      picked[r] = best < 0 ? -1 : order[best];
    }
  }
  return take(arg, picked);
}

// ── variance and standard deviation ──

function variance(name: 'stddev_samp' | 'stddev_pop' | 'var_samp' | 'var_pop', arg: arrow.Data, layout: WindowLayout, frame: FrameExtent, type: arrow.DataType): arrow.Data {
  const n = layout.length;
  const nums = sortedNumbers(arg, layout);
  const x = nums.kind === 'big' ? Float64Array.from(nums.x, Number) : nums.x;
  if (nums.kind !== 'float' && nums.scale > 0) {
    const factor = 10 ** nums.scale;
    for (let p = 0; p < n; p++) x[p] /= factor;
  }
  const valid = nums.valid;
  const out = new Float64Array(n);
  const outValid = new Uint8Array(n);
  const sample = name === 'stddev_samp' || name === 'var_samp';
  const root = name === 'stddev_samp' || name === 'stddev_pop';
  // PostgreSQL's float8_accum (Youngs–Cramer): N, Sx, Sxx updated per value.
  let count = 0;
  let sx = 0;
  let sxx = 0;
  const add = (p: number) => {
    if (valid[p] === 0) return;
    const v = x[p];
    count += 1;
    sx += v;
    if (count > 1) {
      const t = v * count - sx;
      sxx += (t * t) / (count * (count - 1));
    } else if (!Number.isFinite(v)) sxx = NaN; // as PostgreSQL: a first Inf or NaN makes the variance NaN
  };
  const emit = (r: number) => {
    if (count === 0 || (sample && count === 1)) return;
    const v = sxx / (sample ? count - 1 : count);
    out[r] = root ? Math.sqrt(v) : v;
    outValid[r] = 1;
  };
  const { lo, hi, aHi, bLo, self } = frame;
  if (frame.running) {
    const { partitionBounds } = layout;
    for (let p = 0; p + 1 < partitionBounds.length; p++) {
      const ps = partitionBounds[p];
      const pe = partitionBounds[p + 1];
      count = sx = sxx = 0;
      let h = ps;
      for (let r = ps; r < pe; r++) {
        while (h < hi[r]) add(h++);
        emit(r);
      }
    }
  } else {
    for (let r = 0; r < n; r++) {
      count = sx = sxx = 0;
      for (let q = lo[r], e = aHi[r]; q < e; q++) add(q);
      if (self !== null && self[r] !== 0) add(r);
      for (let q = bLo[r], e = hi[r]; q < e; q++) add(q);
      emit(r);
    }
  }
  return numberColumn(type, out, outValid);
}
