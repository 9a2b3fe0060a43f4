import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import type { ScalarValue } from '../arrow/scalar.js';
import { compareNaN } from '../kernels/compare.js';
import type { SortKey } from '../kernels/sort.js';
import { decimalAt, numberToDecimal, parseDecimal } from '../values/decimal.js';
import { WindowError } from './errors.js';
import type { WindowLayout } from './layout.js';
import type { FrameBound, WindowFrame } from './window-call.js';

/**
 * The rows of each row's frame, in sorted positions. Every frame has the shape
 *
 *     [lo, aHi)  ∪  {current row, when self[r] = 1}  ∪  [bLo, hi)
 *
 * in position order: without EXCLUDE, `aHi` and `bLo` are `hi` itself (one range, no extra row);
 * EXCLUDE CURRENT ROW / GROUP cut a hole `[aHi, bLo)` out of `[lo, hi)`; EXCLUDE TIES cuts the
 * peer group and puts the current row back (`self`).
 *
 * Guarantees used by the fast paths: within a partition `lo` and `hi` never decrease from one
 * row to the next (true of every ROWS, RANGE and GROUPS frame), and `lo ≤ aHi ≤ bLo ≤ hi`.
 */
export interface FrameExtent {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly aHi: Int32Array;
  readonly bLo: Int32Array;
  readonly self: Uint8Array | null;
  /** Nothing is excluded (`aHi === bLo === hi`). */
  readonly contiguous: boolean;
  /** Contiguous and `lo` is the partition start for every row: aggregates can run as prefixes. */
  readonly running: boolean;
}

/** SQL's default frame: RANGE UNBOUNDED PRECEDING .. CURRENT ROW (the whole partition without ORDER BY, as all rows are peers). */
export const DEFAULT_FRAME: WindowFrame = { units: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } };

/** Refuses frames PostgreSQL's parser refuses (`42P20`), before any row is read. */
export function validateFrame(frame: WindowFrame, orderKeyCount: number): void {
  const { start, end, units } = frame;
  if (start.kind === 'unboundedFollowing') throw WindowError.windowing('frame start cannot be UNBOUNDED FOLLOWING');
  if (end.kind === 'unboundedPreceding') throw WindowError.windowing('frame end cannot be UNBOUNDED PRECEDING');
  if (start.kind === 'currentRow' && end.kind === 'preceding') throw WindowError.windowing('frame starting from current row cannot have preceding rows');
  if (start.kind === 'following' && (end.kind === 'preceding' || end.kind === 'currentRow')) {
    throw WindowError.windowing(end.kind === 'currentRow' ? 'frame starting from following row cannot end with current row' : 'frame starting from following row cannot have preceding rows');
  }
  const hasOffset = start.kind === 'preceding' || start.kind === 'following' || end.kind === 'preceding' || end.kind === 'following';
  if (units === 'range' && hasOffset && orderKeyCount !== 1) throw WindowError.windowing('RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column');
  if (units === 'groups' && orderKeyCount === 0) throw WindowError.windowing('GROUPS mode requires an ORDER BY clause');
  const exclude = frame.exclude ?? 'noOthers';
  if (exclude !== 'noOthers' && exclude !== 'currentRow' && exclude !== 'group' && exclude !== 'ties') throw SqlError.unsupportedFeature(`window frame EXCLUDE ${String(exclude)}`);
}

/** A stable text for a frame, to share one computed extent between calls with the same frame. */
export function frameKey(frame: WindowFrame): string {
  const bound = (b: FrameBound) => (b.kind === 'preceding' || b.kind === 'following' ? `${b.kind}:${typeof b.offset}:${stringify(b.offset)}` : b.kind);
  return `${frame.units}|${bound(frame.start)}|${bound(frame.end)}|${frame.exclude ?? 'noOthers'}`;
}

function stringify(v: ScalarValue): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

/**
 * Computes every row's frame. `rangeKey` is the single ORDER BY key (needed for RANGE with
 * offsets; its `data` is in input-row order, as evaluated).
 */
export function computeFrame(layout: WindowLayout, frame: WindowFrame, rangeKey: SortKey | undefined): FrameExtent {
  const n = layout.length;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  switch (frame.units) {
    case 'rows':
      rowsBounds(layout, frame, lo, hi);
      break;
    case 'groups':
      groupsBounds(layout, frame, lo, hi);
      break;
    case 'range':
      rangeBounds(layout, frame, rangeKey, lo, hi);
      break;
  }
  // An empty frame is written hi = lo, which keeps both sequences non-decreasing.
  for (let r = 0; r < n; r++) if (hi[r] < lo[r]) hi[r] = lo[r];
  const exclude = frame.exclude ?? 'noOthers';
  if (exclude === 'noOthers') {
    return { lo, hi, aHi: hi, bLo: hi, self: null, contiguous: true, running: frame.start.kind === 'unboundedPreceding' };
  }
  const aHi = new Int32Array(n);
  const bLo = new Int32Array(n);
  const self = exclude === 'ties' ? new Uint8Array(n) : null;
  const { groupBounds, groupOf } = layout;
  for (let r = 0; r < n; r++) {
    const l = lo[r];
    const h = hi[r];
    const xlo = exclude === 'currentRow' ? r : groupBounds[groupOf[r]];
    const xhi = exclude === 'currentRow' ? r + 1 : groupBounds[groupOf[r] + 1];
    aHi[r] = xlo < l ? l : xlo > h ? h : xlo;
    bLo[r] = xhi < l ? l : xhi > h ? h : xhi;
    if (self !== null) self[r] = r >= l && r < h ? 1 : 0;
  }
  return { lo, hi, aHi, bLo, self, contiguous: false, running: false };
}

// ── ROWS ──

function rowsBounds(layout: WindowLayout, frame: WindowFrame, lo: Int32Array, hi: Int32Array): void {
  const { partitionBounds } = layout;
  const s = countOffset(frame.start, 'starting');
  const e = countOffset(frame.end, 'ending');
  for (let p = 0; p + 1 < partitionBounds.length; p++) {
    const ps = partitionBounds[p];
    const pe = partitionBounds[p + 1];
    for (let r = ps; r < pe; r++) {
      let l: number;
      switch (frame.start.kind) {
        case 'unboundedPreceding': l = ps; break;
        case 'preceding': l = r - s; break;
        case 'currentRow': l = r; break;
        default: l = r + s;
      }
      let h: number;
      switch (frame.end.kind) {
        case 'unboundedFollowing': h = pe; break;
        case 'following': h = r + e + 1; break;
        case 'currentRow': h = r + 1; break;
        default: h = r - e + 1;
      }
      lo[r] = l < ps ? ps : l > pe ? pe : l;
      hi[r] = h < ps ? ps : h > pe ? pe : h;
    }
  }
}

// ── GROUPS ──

function groupsBounds(layout: WindowLayout, frame: WindowFrame, lo: Int32Array, hi: Int32Array): void {
  const { partitionBounds, groupBounds, groupOf } = layout;
  const s = countOffset(frame.start, 'starting');
  const e = countOffset(frame.end, 'ending');
  for (let p = 0; p + 1 < partitionBounds.length; p++) {
    const ps = partitionBounds[p];
    const pe = partitionBounds[p + 1];
    if (ps === pe) continue;
    const gs = groupOf[ps];
    const ge = groupOf[pe - 1] + 1;
    for (let r = ps; r < pe; r++) {
      const g = groupOf[r];
      let l: number;
      switch (frame.start.kind) {
        case 'unboundedPreceding': l = ps; break;
        case 'preceding': l = groupBounds[Math.max(gs, g - s)]; break;
        case 'currentRow': l = groupBounds[g]; break;
        default: l = g + s >= ge ? pe : groupBounds[g + s];
      }
      let h: number;
      switch (frame.end.kind) {
        case 'unboundedFollowing': h = pe; break;
        case 'following': h = groupBounds[Math.min(ge, g + e + 1)]; break;
        case 'currentRow': h = groupBounds[g + 1]; break;
        default: h = g - e < gs ? ps : groupBounds[g - e + 1];
      }
      lo[r] = l;
      hi[r] = h;
    }
  }
}

/** A ROWS / GROUPS offset as a non-negative count (huge counts clamp: no partition is that long). */
function countOffset(bound: FrameBound, which: 'starting' | 'ending'): number {
  if (bound.kind !== 'preceding' && bound.kind !== 'following') return 0;
  const v = bound.offset;
  if (v === null || v === undefined) throw WindowError.nullOffset(which);
  let count: number;
  if (typeof v === 'bigint') count = v > 2_147_483_647n ? 2_147_483_647 : Number(v);
  else if (typeof v === 'number' && !Number.isNaN(v)) count = Math.min(Math.trunc(v), 2_147_483_647);
  else throw SqlError.datatypeMismatch(`frame ${which} offset must be an integer`);
  if (count < 0) throw WindowError.negativeOffset(which);
  return count;
}

// ── RANGE ──

function rangeBounds(layout: WindowLayout, frame: WindowFrame, key: SortKey | undefined, lo: Int32Array, hi: Int32Array): void {
  const { partitionBounds, groupBounds, groupOf } = layout;
  const { start, end } = frame;
  const startOffset = start.kind === 'preceding' || start.kind === 'following';
  const endOffset = end.kind === 'preceding' || end.kind === 'following';
  const keys = startOffset || endOffset ? rangeKeys(layout, key, start, end) : undefined;
  for (let p = 0; p + 1 < partitionBounds.length; p++) {
    const ps = partitionBounds[p];
    const pe = partitionBounds[p + 1];
    for (let r = ps; r < pe; r++) {
      switch (start.kind) {
        case 'unboundedPreceding': lo[r] = ps; break;
        case 'currentRow': lo[r] = groupBounds[groupOf[r]]; break;
        default: break;
      }
      switch (end.kind) {
        case 'unboundedFollowing': hi[r] = pe; break;
        case 'currentRow': hi[r] = groupBounds[groupOf[r] + 1]; break;
        default: break;
      }
    }
    if (keys !== undefined) rangeOffsetScan(keys, ps, pe, start, end, lo, hi);
  }
}

/** The ORDER BY key in sorted order as numbers (or bigints beyond 2^53), and the offsets in the same units. */
interface RangeKeys {
  readonly values: ArrayLike<number> | ArrayLike<bigint>;
  readonly valid: Uint8Array | null;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  readonly start: number | bigint;
  readonly end: number | bigint;
}

const MAX_SAFE = 2 ** 53;
const MICROS_PER_DAY = 86_400_000_000;

function rangeKeys(layout: WindowLayout, key: SortKey | undefined, start: FrameBound, end: FrameBound): RangeKeys {
  if (key === undefined) throw WindowError.windowing('RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column');
  const { order, length } = layout;
  const data = key.data;
  const type = data.type;
  const validIn = validityBytes(data);
  let valid: Uint8Array | null = null;
  if (validIn !== null) {
    valid = new Uint8Array(length);
    for (let p = 0; p < length; p++) valid[p] = validIn[order[p]];
  }
  const startRaw = start.kind === 'preceding' || start.kind === 'following' ? start.offset : 0;
  const endRaw = end.kind === 'preceding' || end.kind === 'following' ? end.offset : 0;
  if (startRaw === null || startRaw === undefined) throw WindowError.nullOffset('starting');
  if (endRaw === null || endRaw === undefined) throw WindowError.nullOffset('ending');
  const unsupported = () => SqlError.unsupportedFeature(`RANGE with offset PRECEDING/FOLLOWING for column type ${String(type)}`);

  let values: Float64Array | BigInt64Array | bigint[];
  let toOffset: (v: ScalarValue) => number | bigint;
  switch (type.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Timestamp:
    case arrow.Type.Date: {
      const src = data.values as Float64Array | BigInt64Array;
      const isDate = type.typeId === arrow.Type.Date;
      const interval = isInterval(startRaw) || isInterval(endRaw);
      const unitMicros = type.typeId === arrow.Type.Timestamp ? timestampUnitMicros(type as arrow.Timestamp) : 1;
      // A date ordered with an interval offset compares as a timestamp at midnight (PostgreSQL's `date ± interval`).
      const scale = isDate && interval ? MICROS_PER_DAY : 1;
      if (src instanceof BigInt64Array) {
        let safe = true;
        for (let p = 0; p < length && safe; p++) {
          const v = src[order[p]];
          if (v >= 9_007_199_254_740_992n || v <= -9_007_199_254_740_992n) safe = false;
        }
        if (safe) {
          const out = new Float64Array(length);
          for (let p = 0; p < length; p++) out[p] = Number(src[order[p]]);
          values = out;
        } else {
          const out = new BigInt64Array(length);
          for (let p = 0; p < length; p++) out[p] = src[order[p]];
          values = out;
        }
      } else {
        const out = new Float64Array(length);
        for (let p = 0; p < length; p++) out[p] = src[order[p]] * scale;
        values = out;
      }
      const big = values instanceof BigInt64Array;
      toOffset = (v) => {
        let x: number | bigint;
        if (isInterval(v)) {
          if (!(isDate || type.typeId === arrow.Type.Timestamp)) throw unsupported();
          if (Number(v.months) !== 0) throw SqlError.unsupportedFeature('RANGE offsets with months or years (use days or hours)');
          const micros = BigInt(Number(v.days)) * 86_400_000_000n + BigInt(v.micros as bigint | number);
          x = isDate ? micros : micros / BigInt(unitMicros);
        } else if (typeof v === 'number' || typeof v === 'bigint') {
          x = isDate && interval ? BigInt(v) * 86_400_000_000n : v;
        } else throw unsupported();
        if (big) return typeof x === 'bigint' ? x : BigInt(Math.trunc(x));
        return Number(x);
      };
      break;
    }
    case arrow.Type.Decimal: {
      const scale = (type as arrow.Decimal).scale;
      const words = data.values as Uint32Array;
      const unscaled: bigint[] = new Array(length);
      let safe = true;
      for (let p = 0; p < length; p++) {
        const v = decimalAt(words, order[p]);
        unscaled[p] = v;
        if (v >= 9_007_199_254_740_992n || v <= -9_007_199_254_740_992n) safe = false;
      }
      values = safe ? Float64Array.from(unscaled, Number) : unscaled;
      toOffset = (v) => {
        let x: bigint | undefined;
        if (typeof v === 'bigint') x = v; // the ScalarValue form of a decimal: unscaled at the key's scale
        else if (typeof v === 'number') x = numberToDecimal(v, scale);
        else if (typeof v === 'string') x = parseDecimal(v, scale);
        if (x === undefined) throw unsupported();
        return safe ? (Number(x) >= MAX_SAFE ? Infinity : Number(x)) : x;
      };
      break;
    }
    default:
      throw unsupported();
  }
  const startOffset = toOffset(startRaw);
  const endOffset = toOffset(endRaw);
  for (const o of [startOffset, endOffset]) if (o < 0 || (typeof o === 'number' && Number.isNaN(o))) throw WindowError.invalidRangeOffset();
  return { values, valid, descending: key.descending, nullsFirst: key.nullsFirst, start: startOffset, end: endOffset };
}

function isInterval(v: ScalarValue): v is { readonly months: number; readonly days: number; readonly micros: bigint } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && 'micros' in v && 'days' in v;
}

function timestampUnitMicros(type: arrow.Timestamp): number {
  switch (type.unit) {
    case arrow.TimeUnit.SECOND: return 1_000_000;
    case arrow.TimeUnit.MILLISECOND: return 1_000;
    default: return 1;
  }
}

/**
 * Two-pointer scan of one partition for RANGE offset bounds, following PostgreSQL's
 * `update_frameheadpos`/`update_frametailpos`: a non-null row's offset bound never reaches the
 * NULL-keyed rows; a NULL-keyed row's offset bound is the edge of the NULL peer group.
 * Targets `key ± offset` move in sort order as the row advances, so each pointer only advances.
 */
function rangeOffsetScan(keys: RangeKeys, ps: number, pe: number, start: FrameBound, end: FrameBound, lo: Int32Array, hi: Int32Array): void {
  const { valid, descending } = keys;
  const values = keys.values as ArrayLike<number>;
  let nulls = 0;
  if (valid !== null) for (let r = ps; r < pe; r++) nulls += valid[r] === 0 ? 1 : 0;
  const ns = keys.nullsFirst ? ps + nulls : ps; // non-null region [ns, ne)
  const ne = keys.nullsFirst ? pe : pe - nulls;
  const nullStart = keys.nullsFirst ? ps : ne;
  const nullEnd = keys.nullsFirst ? ns : pe;
  const dir = descending ? -1 : 1;
  // key - offset when moving toward the partition start in sort order, key + offset toward its end
  const target = (v: number, offset: number, towardStart: boolean) => ((towardStart ? -dir : dir) === 1 ? v + offset : v - offset);
  const cmp = (x: number, t: number) => dir * (x < t ? -1 : x > t ? 1 : x === t ? 0 : compareNaN(x, t));

  if (start.kind === 'preceding' || start.kind === 'following') {
    const offset = keys.start as number;
    const towardStart = start.kind === 'preceding';
    const infinite = towardStart && offset === Infinity;
    let q = ns;
    for (let r = ps; r < pe; r++) {
      if (r < ns || r >= ne) {
        lo[r] = nullStart;
        continue;
      }
      if (infinite) {
        lo[r] = ns;
        continue;
      }
      const t = target(values[r], offset, towardStart);
      while (q < ne && cmp(values[q], t) < 0) q++;
      lo[r] = q;
    }
  }
  if (end.kind === 'preceding' || end.kind === 'following') {
    const offset = keys.end as number;
    const towardStart = end.kind === 'preceding';
    const infinite = !towardStart && offset === Infinity;
    let q = ns;
    for (let r = ps; r < pe; r++) {
      if (r < ns || r >= ne) {
        hi[r] = nullEnd;
        continue;
      }
      if (infinite) {
        hi[r] = ne;
        continue;
      }
      const t = target(values[r], offset, towardStart);
      while (q < ne && cmp(values[q], t) <= 0) q++;
      hi[r] = q;
    }
  }
}
