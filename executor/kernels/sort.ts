import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { compareDecimalWords } from '../values/decimal.js';
import { compareBytes, compareNaN } from './compare.js';

/** One ORDER BY key, evaluated over the rows being sorted. */
export interface SortKey {
  readonly data: arrow.Data;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/**
 * Row numbers `0..length-1` ordered by `keys` (stable: ties keep input order). Comparators read
 * the keys' typed arrays by row number, so nothing is boxed per row.
 */
export function sortIndices(keys: readonly SortKey[], length: number): Int32Array {
  const comparators = keys.map(rowComparator);
  const indices = new Int32Array(length);
  for (let i = 0; i < length; i++) indices[i] = i;
  const n = comparators.length;
  indices.sort((a, b) => {
    for (let k = 0; k < n; k++) {
      const c = comparators[k](a, b);
      if (c !== 0) return c;
    }
    return a - b;
  });
  return indices;
}

type RowComparator = (a: number, b: number) => number;

/** A comparator of two rows of one key, with its direction and NULL placement applied. */
export function rowComparator(key: SortKey): RowComparator {
  const valid = validityBytes(key.data);
  const values = valueComparator(key.data);
  const dir = key.descending ? -1 : 1;
  if (valid === null) return key.descending ? (a, b) => values(b, a) : values;
  const nullOrder = key.nullsFirst ? -1 : 1;
  return (a, b) => {
    const va = valid[a];
    const vb = valid[b];
    if (va === 0 || vb === 0) return va === vb ? 0 : va === 0 ? nullOrder : -nullOrder;
    return dir * values(a, b);
  };
}

/** Ascending comparator of the values of two rows (NULLs not considered). */
function valueComparator(data: arrow.Data): RowComparator {
  switch (data.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Date:
    case arrow.Type.Timestamp:
    case arrow.Type.Time:
    case arrow.Type.Duration: {
      const v = data.values as Int32Array;
      return (a, b) => (v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : 0);
    }
    case arrow.Type.Float: {
      const v = data.values as Float64Array;
      return (a, b) => {
        const x = v[a];
        const y = v[b];
        return x < y ? -1 : x > y ? 1 : x === y ? 0 : compareNaN(x, y);
      };
    }
    case arrow.Type.Bool: {
      const v = boolBytes(data);
      return (a, b) => v[a] - v[b];
    }
    case arrow.Type.Decimal: {
      const v = data.values as Uint32Array;
      return (a, b) => compareDecimalWords(v, a, v, b);
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const o = data.valueOffsets as Int32Array;
      const v = data.values as Uint8Array;
      return (a, b) => compareBytes(v, o[a], o[a + 1], v, o[b], o[b + 1]);
    }
    case arrow.Type.Null:
      return () => 0;
    default:
      throw SqlError.unsupportedFeature(`ORDER BY a ${String(data.type)} value`);
  }
}
