import type * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import type { DeltaType, StructField } from '../schema/types.js';
import { formatDecimal, isoTimestamp } from './partition-path.js';
import { formatDate } from '../../common/time/datetime.js';

/**
 * Per-file statistics as `add.stats` carries them (reference/delta-protocol.md §8): "`numRecords`,
 * plus min, max and nullCount for the first `delta.dataSkippingNumIndexedCols` columns (32 by
 * default) … Truncate string prefixes (32 characters in Spark) and timestamps (to milliseconds)."
 * Keys are physical names (the batches given are already physical); nested structs nest.
 *
 * Min/max are kept for numbers, decimals, dates, timestamps and strings (what Spark collects);
 * booleans, binary, arrays and maps get a null count only. NaN never becomes a bound.
 */
export const STRING_PREFIX_LENGTH = 32;
export const DEFAULT_INDEXED_COLUMNS = 32;

/** A number whose exact JSON text is given (decimals, 64-bit integers beyond 2^53). */
class RawNumber {
  constructor(readonly text: string) {}
}

interface Leaf {
  readonly path: readonly string[];
  readonly type: DeltaType;
  min: unknown;
  max: unknown;
  nulls: number;
  readonly minMax: boolean;
}

/** Accumulates the statistics of one data file over the batches written into it. */
export class StatsCollector {
  private rows = 0;
  private readonly leaves: Leaf[] = [];

  /** `fields` are the physical fields of the file, in file order. */
  constructor(fields: readonly StructField[], indexedColumns = DEFAULT_INDEXED_COLUMNS) {
    const budget = { left: indexedColumns < 0 ? Number.MAX_SAFE_INTEGER : indexedColumns };
    const visit = (field: StructField, path: string[]) => {
      if (budget.left <= 0) return;
      if (field.type.kind === 'struct') {
        for (const child of field.type.fields) visit(child, [...path, child.name]);
        return;
      }
      budget.left--;
      this.leaves.push({ path, type: field.type, min: undefined, max: undefined, nulls: 0, minMax: collectsMinMax(field.type) });
    };
    for (const field of fields) visit(field, [field.name]);
  }

  /** Adds one physical batch (columns in the order of the constructor's fields). */
  add(columns: readonly arrow.Data[], fields: readonly StructField[]): void {
    const length = columns[0]?.length ?? 0;
    this.rows += length;
    let leafIndex = 0;
    const visit = (data: arrow.Data, field: StructField, parentValid: Uint8Array | null) => {
      const own = validityBytes(data);
      const valid = combine(parentValid, own, data.length);
      if (field.type.kind === 'struct') {
        field.type.fields.forEach((child, k) => visit(data.children[k] as arrow.Data, child, valid));
        return;
      }
      const leaf = this.leaves[leafIndex++];
      if (!leaf) return;
      leaf.nulls += valid === null ? 0 : countZeros(valid);
      if (leaf.minMax) updateMinMax(leaf, data, valid);
    };
    fields.forEach((field, k) => visit(columns[k] as arrow.Data, field, null));
  }

  get numRecords(): number {
    return this.rows;
  }

  /** The `add.stats` JSON text. */
  toJson(): string {
    const minValues: Record<string, unknown> = {};
    const maxValues: Record<string, unknown> = {};
    const nullCount: Record<string, unknown> = {};
    for (const leaf of this.leaves) {
      setPath(nullCount, leaf.path, leaf.nulls);
      if (leaf.min !== undefined) setPath(minValues, leaf.path, boundJson(leaf.type, leaf.min, 'min'));
      if (leaf.max !== undefined) setPath(maxValues, leaf.path, boundJson(leaf.type, leaf.max, 'max'));
    }
    return stringify({ numRecords: this.rows, minValues, maxValues, nullCount });
  }
}

function collectsMinMax(type: DeltaType): boolean {
  if (type.kind === 'decimal') return true;
  if (type.kind !== 'primitive') return false;
  return type.name !== 'boolean' && type.name !== 'binary';
}

function combine(parent: Uint8Array | null, own: Uint8Array | null, length: number): Uint8Array | null {
  if (parent === null) return own;
  if (own === null) return parent;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (parent[i] ?? 0) & (own[i] ?? 0);
  return out;
}

function countZeros(valid: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < valid.length; i++) if (valid[i] === 0) n++;
  return n;
}

/** Min/max over the valid rows, straight off the typed arrays. */
function updateMinMax(leaf: Leaf, data: arrow.Data, valid: Uint8Array | null): void {
  const type = leaf.type;
  const n = data.length;
  if (type.kind === 'decimal') {
    const words = data.values as Uint32Array;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const b = i * 4; // arrow-js pre-slices values; `offset` applies to the null bitmap only
      const v = BigInt.asIntN(128, (BigInt(words[b + 3] ?? 0) << 96n) | (BigInt(words[b + 2] ?? 0) << 64n) | (BigInt(words[b + 1] ?? 0) << 32n) | BigInt(words[b] ?? 0));
      if (leaf.min === undefined || v < (leaf.min as bigint)) leaf.min = v;
      if (leaf.max === undefined || v > (leaf.max as bigint)) leaf.max = v;
    }
    return;
  }
  if (type.kind !== 'primitive') return;
  if (type.name === 'string') {
    updateStringMinMax(leaf, data, valid);
    return;
  }
  const values = data.values as ArrayLike<number> | BigInt64Array;
  if (values instanceof BigInt64Array) {
    let min = leaf.min as bigint | undefined;
    let max = leaf.max as bigint | undefined;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const v = values[i] as bigint;
      if (min === undefined || v < min) min = v;
      if (max === undefined || v > max) max = v;
    }
    leaf.min = min;
    leaf.max = max;
    return;
  }
  let min = leaf.min === undefined ? Infinity : (leaf.min as number);
  let max = leaf.max === undefined ? -Infinity : (leaf.max as number);
  let any = leaf.min !== undefined;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const v = values[i] as number;
    if (v !== v) continue; // NaN
    any = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (any) {
    leaf.min = min;
    leaf.max = max;
  }
}

/** Strings compare as UTF-8 bytes (= code point order, as Parquet and Delta order them). */
function updateStringMinMax(leaf: Leaf, data: arrow.Data, valid: Uint8Array | null): void {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  let min = leaf.min as Uint8Array | undefined;
  let max = leaf.max as Uint8Array | undefined;
  let minAt = -1;
  let maxAt = -1;
  for (let i = 0; i < data.length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const s = offsets[i] as number;
    const e = offsets[i + 1] as number;
    if (minAt < 0 && min === undefined) {
      minAt = i;
      maxAt = i;
      continue;
    }
    const cmpMin = minAt >= 0 ? compareBytes(bytes, s, e, bytes, offsets[minAt] as number, offsets[minAt + 1] as number) : compareBytes(bytes, s, e, min as Uint8Array, 0, (min as Uint8Array).length);
    if (cmpMin < 0) {
      minAt = i;
      min = undefined;
    }
    const cmpMax = maxAt >= 0 ? compareBytes(bytes, s, e, bytes, offsets[maxAt] as number, offsets[maxAt + 1] as number) : compareBytes(bytes, s, e, max as Uint8Array, 0, (max as Uint8Array).length);
    if (cmpMax > 0) {
      maxAt = i;
      max = undefined;
    }
  }
  if (minAt >= 0) leaf.min = bytes.slice(offsets[minAt], offsets[minAt + 1]);
  if (maxAt >= 0) leaf.max = bytes.slice(offsets[maxAt], offsets[maxAt + 1]);
}

function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const d = (a[as + k] as number) - (b[bs + k] as number);
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

const utf8 = new TextDecoder();

/** A bound in its JSON form; strings prefix-truncated, timestamps truncated to milliseconds. */
function boundJson(type: DeltaType, value: unknown, side: 'min' | 'max'): unknown {
  if (type.kind === 'decimal') return new RawNumber(formatDecimal(value as bigint, type.scale));
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'string': {
      const chars = [...utf8.decode(value as Uint8Array)];
      if (chars.length <= STRING_PREFIX_LENGTH) return chars.join('');
      const prefix = chars.slice(0, STRING_PREFIX_LENGTH).join('');
      // A truncated max must stay an upper bound: append the greatest code point (Delta's tie-breaker).
      return side === 'min' ? prefix : prefix + '\u{10FFFF}';
    }
    case 'long': {
      const v = value as bigint;
      return new RawNumber(v.toString());
    }
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
    case 'timestamp_ntz': {
      const micros = value as bigint;
      const millis = micros - (((micros % 1000n) + 1000n) % 1000n); // floor to ms, for both bounds (readers widen max)
      return isoTimestamp(millis, type.name === 'timestamp', 3);
    }
    default:
      return value;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/** JSON.stringify that writes RawNumber's text unquoted (exact decimals and longs). */
function stringify(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawNumber) {
      raws.push(v.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return v;
  });
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)] as string);
}
