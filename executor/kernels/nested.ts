import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import { concat } from '../arrow/concat.js';
import { broadcast } from '../arrow/scalar.js';
import { threeWay } from './compare.js';
import { allValid, boolData, fixedData, numbers } from './rows.js';
import { sortIndices } from './sort.js';

/**
 * Arrays, maps and structs: constructors, element access, size, membership, keys/values,
 * sorting and de-duplication. Element-wise work is done on the flat child column with one
 * vectorised kernel call (take, threeWay, sortIndices) and per-row offset arithmetic, never by
 * materialising rows as JS arrays.
 */

function offsetsOf(data: arrow.Data): Int32Array {
  return data.valueOffsets as Int32Array;
}

/** For each child entry of a list/map, the row it belongs to (expands a per-row argument to entries). */
function entryRows(offsets: Int32Array, length: number): Int32Array {
  const base = offsets[0];
  const out = new Int32Array(offsets[length] - base);
  for (let i = 0; i < length; i++) for (let k = offsets[i]; k < offsets[i + 1]; k++) out[k - base] = i;
  return out;
}

function listOf(type: arrow.DataType, length: number, valueOffsets: Int32Array, child: arrow.Data, valid: Uint8Array | null): arrow.Data {
  return arrow.makeData({ type, length, ...validityProps(valid), valueOffsets, child } as never);
}

// ── constructors ──

/** `array(a, b, …)` / `ARRAY[a, b, …]`: one list per row of the arguments' values (NULL elements kept). */
export function makeArray(args: readonly arrow.Data[], type: arrow.DataType, length: number): arrow.Data {
  const n = args.length;
  const elementType = (type as arrow.List).children[0].type;
  const offsets = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) offsets[i] = i * n;
  if (n === 0) return listOf(type, length, offsets, broadcast(elementType, null, 0), null);
  const all = concat(args);
  const indices = new Int32Array(length * n);
  for (let i = 0; i < length; i++) for (let k = 0; k < n; k++) indices[i * n + k] = k * length + i;
  return listOf(type, length, offsets, take(all, indices), null);
}

/** `struct(a, b)` / `named_struct('x', a, …)` (the binder drops the names into the type). */
export function makeStruct(args: readonly arrow.Data[], type: arrow.DataType, length: number): arrow.Data {
  return arrow.makeData({ type, length, nullCount: 0, children: [...args] } as never);
}

/** `map(k1, v1, k2, v2, …)` (Spark): a NULL key is `22004`, as in Spark. */
export function makeMap(args: readonly arrow.Data[], type: arrow.DataType, length: number): arrow.Data {
  const n = args.length / 2;
  const keys = args.filter((_, k) => k % 2 === 0);
  const values = args.filter((_, k) => k % 2 === 1);
  for (const key of keys) if (validityBytes(key)?.includes(0)) throw new SqlError('22004', 'map keys must not be NULL');
  const entries = (type as arrow.Map_).children[0].type as arrow.Struct;
  const offsets = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) offsets[i] = i * n;
  const indices = new Int32Array(length * n);
  for (let i = 0; i < length; i++) for (let k = 0; k < n; k++) indices[i * n + k] = k * length + i;
  const child = n === 0
    ? arrow.makeData({ type: entries, length: 0, nullCount: 0, children: entries.children.map((f) => broadcast(f.type, null, 0)) } as never)
    : arrow.makeData({ type: entries, length: length * n, nullCount: 0, children: [take(concat(keys), indices), take(concat(values), indices)] } as never);
  return arrow.makeData({ type, length, nullCount: 0, valueOffsets: offsets, child } as never);
}

/** `map_from_arrays(keys, values)` (Spark): arrays of equal length per row (`22023` otherwise). */
export function mapFromArrays(args: readonly arrow.Data[], type: arrow.DataType): arrow.Data {
  const [k, v] = args;
  const length = k.length;
  const valid = allValid(args);
  const ko = offsetsOf(k);
  const vo = offsetsOf(v);
  const offsets = new Int32Array(length + 1);
  const keyIdx: number[] = [];
  const valIdx: number[] = [];
  for (let i = 0; i < length; i++) {
    if (valid === null || valid[i] === 1) {
      if (ko[i + 1] - ko[i] !== vo[i + 1] - vo[i]) throw SqlError.invalidParameter('map_from_arrays: the key and value arrays must have the same length');
      for (let j = 0; j < ko[i + 1] - ko[i]; j++) {
        keyIdx.push(ko[i] + j);
        valIdx.push(vo[i] + j);
      }
    }
    offsets[i + 1] = keyIdx.length;
  }
  const entries = (type as arrow.Map_).children[0].type as arrow.Struct;
  const keys = take(k.children[0], Int32Array.from(keyIdx));
  if (validityBytes(keys)?.includes(0)) throw new SqlError('22004', 'map keys must not be NULL');
  const child = arrow.makeData({ type: entries, length: keyIdx.length, nullCount: 0, children: [keys, take(v.children[0], Int32Array.from(valIdx))] } as never);
  return arrow.makeData({ type, length, ...validityProps(valid), valueOffsets: offsets, child } as never);
}

// ── access ──

/**
 * `arr[i]` and `element_at(arr, i)`: `base` 1 is PostgreSQL's `[]` and Spark's `element_at`
 * (1-based), base 0 Spark's `arr[i]` in Spark SQL (we bind `[]` with PostgreSQL's meaning —
 * this server speaks PostgreSQL's dialect first). Out of range is NULL. With `fromEnd`
 * (element_at), a negative index counts from the end and 0 is an error (`22003`, Spark's
 * "SQL array indices start at 1").
 */
export function arrayElement(args: readonly arrow.Data[], base: 0 | 1, fromEnd: boolean): arrow.Data {
  const [arr, idx] = args;
  const length = arr.length;
  const valid = allValid(args);
  const o = offsetsOf(arr);
  const ix = numbers(idx);
  const indices = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    indices[i] = -1;
    if (valid !== null && valid[i] === 0) continue;
    const n = o[i + 1] - o[i];
    let k = ix[i] - base;
    if (fromEnd) {
      if (ix[i] === 0) throw new SqlError('22003', 'SQL array indices start at 1');
      if (ix[i] < 0) k = n + ix[i];
    }
    if (k >= 0 && k < n) indices[i] = o[i] + k;
  }
  return take(arr.children[0], indices);
}

/** `map[key]` / `element_at(map, key)`: the value for the key, NULL when absent. */
export function mapElement(args: readonly arrow.Data[]): arrow.Data {
  const [map, key] = args;
  const length = map.length;
  const valid = allValid(args);
  const o = offsetsOf(map);
  const entries = map.children[0];
  const base = o[0];
  const keys = entries.children[0].slice(base, o[length] - base);
  const order = threeWay(keys, take(key, entryRows(o, length)));
  const indices = new Int32Array(length).fill(-1);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    for (let k = o[i]; k < o[i + 1]; k++) if (order[k - base] === 0) indices[i] = k;
  }
  return take(entries.children[1], indices);
}

/** `cardinality(arr)` / `size(arr|map)` / `array_length(arr, 1)`: element count, NULL for NULL. */
export function cardinality(data: arrow.Data, _spark: boolean): arrow.Data {
  const length = data.length;
  const o = offsetsOf(data);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = o[i + 1] - o[i];
  return fixedData(new arrow.Int32(), out, validityBytes(data), length);
}

/** Every element of `arr` row i compared with `v` row i in one vectorised pass (-1/0/1 per element). */
function compareElements(args: readonly arrow.Data[]) {
  const [arr, value] = args;
  const length = arr.length;
  const o = offsetsOf(arr);
  const base = o[0];
  const elements = arr.children[0].slice(base, o[length] - base);
  return {
    length,
    valid: allValid(args),
    o,
    base,
    order: threeWay(elements, take(value, entryRows(o, length))),
    elementValid: validityBytes(elements),
  };
}

/**
 * `array_contains(arr, v)` (Spark): TRUE when an element equals v; NULL when none does but an
 * element is NULL (three-valued, like `v = ANY(arr)` in PostgreSQL); NULL for a NULL array or v.
 */
export function arrayContains(args: readonly arrow.Data[]): arrow.Data {
  const { length, valid, o, base, order, elementValid } = compareElements(args);
  const out = new Uint8Array(length);
  const outValid = valid === null ? new Uint8Array(length).fill(1) : valid.slice();
  for (let i = 0; i < length; i++) {
    if (outValid[i] === 0) continue;
    let sawNull = false;
    for (let k = o[i] - base; k < o[i + 1] - base; k++) {
      if (elementValid !== null && elementValid[k] === 0) sawNull = true;
      else if (order[k] === 0) { out[i] = 1; break; }
    }
    if (out[i] === 0 && sawNull) outValid[i] = 0;
  }
  return boolData(out, outValid);
}

/** `array_position(arr, v)` (Spark): 1-based index of the first equal element, 0 when none (bigint). */
export function arrayPosition(args: readonly arrow.Data[]): arrow.Data {
  const { length, valid, o, base, order, elementValid } = compareElements(args);
  const out = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    for (let k = o[i] - base; k < o[i + 1] - base; k++) {
      if ((elementValid === null || elementValid[k] === 1) && order[k] === 0) { out[i] = BigInt(k - (o[i] - base) + 1); break; }
    }
  }
  return fixedData(new arrow.Int64(), out, valid, length);
}

/** `map_entries(m)` (Spark): the map's entries as an array of (key, value) structs (shares them). */
export function mapEntries(map: arrow.Data, type: arrow.DataType): arrow.Data {
  const entries = map.children[0] as arrow.Data;
  const struct = (type as arrow.List).children[0].type as arrow.Struct;
  const child = arrow.makeData({ type: struct, offset: entries.offset, length: entries.length, nullCount: 0, children: entries.children } as never);
  return listOf(type, map.length, offsetsOf(map), child, validityBytes(map));
}

/** `map_keys(m)` / `map_values(m)`: the entries' keys or values as an array (shares the child). */
export function mapPart(map: arrow.Data, part: 0 | 1, type: arrow.DataType): arrow.Data {
  const entries = map.children[0];
  return listOf(type, map.length, offsetsOf(map), entries.children[part], validityBytes(map));
}

/**
 * `sort_array(arr [, asc = true])` (Spark): NULL elements first ascending, last descending;
 * `array_sort(arr)` (`nullsLast`): ascending, NULL elements last. One sort of the whole child by
 * (row, value) — not one sort per row.
 */
export function sortArray(args: readonly arrow.Data[], nullsLast = false): arrow.Data {
  const [arr, ascData] = args;
  const length = arr.length;
  const o = offsetsOf(arr);
  const base = o[0];
  const n = o[length] - base;
  const elements = arr.children[0].slice(base, n);
  const rows = arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: entryRows(o, length) });
  const ascending = ascData === undefined || (ascData.values as Uint8Array)[ascData.offset >> 3] >> (ascData.offset & 7) & 1;
  const order = sortIndices([
    { data: rows, descending: false, nullsFirst: false },
    { data: elements, descending: !ascending, nullsFirst: !nullsLast && Boolean(ascending) },
  ], n);
  const rebased = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) rebased[i] = o[i] - base;
  return listOf(arr.type, length, rebased, take(elements, order), validityBytes(arr));
}

/** `array_distinct(arr)` (Spark): first occurrence of each value, in order (one NULL kept). */
export function arrayDistinct(arr: arrow.Data): arrow.Data {
  const length = arr.length;
  const o = offsetsOf(arr);
  const base = o[0];
  const n = o[length] - base;
  const elements = arr.children[0].slice(base, n);
  const rowsArray = entryRows(o, length);
  const rows = arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: rowsArray });
  // Sort by (row, value, position): equal values of a row become adjacent, first occurrence first.
  const order = sortIndices([
    { data: rows, descending: false, nullsFirst: false },
    { data: elements, descending: false, nullsFirst: true },
  ], n);
  const sorted = take(elements, order);
  const same = n > 1 ? threeWay(sorted.slice(0, n - 1), sorted.slice(1, n - 1)) : new Int8Array(0);
  const sortedValid = validityBytes(sorted);
  const keep = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const k = order[j];
    if (j === 0 || rowsArray[order[j - 1]] !== rowsArray[k]) { keep[k] = 1; continue; }
    const prevNull = sortedValid !== null && sortedValid[j - 1] === 0;
    const curNull = sortedValid !== null && sortedValid[j] === 0;
    keep[k] = prevNull && curNull ? 0 : prevNull !== curNull ? 1 : same[j - 1] === 0 ? 0 : 1;
  }
  const indices: number[] = [];
  const offsets = new Int32Array(length + 1);
  for (let i = 0; i < length; i++) {
    for (let k = o[i] - base; k < o[i + 1] - base; k++) if (keep[k] === 1) indices.push(k);
    offsets[i + 1] = indices.length;
  }
  return listOf(arr.type, length, offsets, take(elements, Int32Array.from(indices)), validityBytes(arr));
}

/**
 * `flatten(arr)` (Spark): each row's inner arrays concatenated, in order; NULL when the row or
 * one of its inner arrays is NULL. The inner elements of a row are contiguous already, so the
 * answer shares them: only offsets and validity are new.
 */
export function flatten(arr: arrow.Data, type: arrow.DataType): arrow.Data {
  const length = arr.length;
  const outer = offsetsOf(arr);
  const innerData = arr.children[0] as arrow.Data;
  const inner = offsetsOf(innerData);
  const outerValid = validityBytes(arr);
  const innerValid = validityBytes(innerData);
  const base = inner[outer[0] as number] as number;
  const offsets = new Int32Array(length + 1);
  const valid = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const from = outer[i] as number;
    const to = outer[i + 1] as number;
    offsets[i + 1] = (inner[to] as number) - base;
    let ok = outerValid === null || outerValid[i] === 1;
    for (let k = from; ok && k < to; k++) if (innerValid !== null && innerValid[k] === 0) ok = false;
    valid[i] = ok ? 1 : 0;
  }
  const child = (innerData.children[0] as arrow.Data).slice(base, offsets[length] as number);
  return listOf(type, length, offsets, child, valid.includes(0) ? valid : null);
}

/** The most elements one `sequence` row may hold (Spark refuses past its own array limit too). */
export const MAX_SEQUENCE_LENGTH = 10_000_000;

/**
 * `sequence(start, stop [, step])` (Spark) over integers: start, start + step, … up to stop
 * inclusive; step defaults to 1 (−1 when stop < start). A step of 0, or one pointing away from
 * stop, is `22023`, as is a row past MAX_SEQUENCE_LENGTH elements; a NULL argument gives NULL.
 */
export function sequence(args: readonly arrow.Data[], type: arrow.DataType): arrow.Data {
  const length = (args[0] as arrow.Data).length;
  const [start, stop] = [numbers(args[0] as arrow.Data), numbers(args[1] as arrow.Data)];
  const step = args[2] === undefined ? undefined : numbers(args[2]);
  const valid = allValid(args);
  const offsets = new Int32Array(length + 1);
  let total = 0;
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) {
      offsets[i + 1] = total;
      continue;
    }
    const a = start[i] as number;
    const b = stop[i] as number;
    const d = step === undefined ? (b >= a ? 1 : -1) : (step[i] as number);
    if (d === 0 || (b > a && d < 0) || (b < a && d > 0)) {
      throw new SqlError('22023', `Illegal sequence boundaries: ${a} to ${b} by ${d}`);
    }
    const count = Math.floor((b - a) / d) + 1;
    if (count > MAX_SEQUENCE_LENGTH) throw new SqlError('22023', `sequence of ${count} elements exceeds the limit of ${MAX_SEQUENCE_LENGTH}`);
    total += count;
    offsets[i + 1] = total;
  }
  const elementType = (type as arrow.List).children[0]!.type;
  const wide = arrow.DataType.isInt(elementType) && (elementType as arrow.Int).bitWidth === 64;
  const values = wide ? new BigInt64Array(total) : new Int32Array(total);
  for (let i = 0; i < length; i++) {
    const from = offsets[i] as number;
    const to = offsets[i + 1] as number;
    if (from === to) continue;
    const a = start[i] as number;
    const d = step === undefined ? ((stop[i] as number) >= a ? 1 : -1) : (step[i] as number);
    if (wide) for (let k = from; k < to; k++) (values as BigInt64Array)[k] = BigInt(a + (k - from) * d);
    else for (let k = from; k < to; k++) (values as Int32Array)[k] = a + (k - from) * d;
  }
  return listOf(type, length, offsets, fixedData(elementType, values as Int32Array, null, total), valid);
}
