import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { compareDecimalWords } from '../values/decimal.js';
import { compareBytes, compareNaN } from './compare.js';
import { intervalSpans } from './interval.js';

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
  return crossComparator(key, key.data);
}

/**
 * Compares row `a` of `key.data` with row `b` of `other` (same type), with the key's direction
 * and NULL placement: top-N uses it to test a new batch's rows against its current boundary row.
 */
export function crossComparator(key: SortKey, other: arrow.Data): RowComparator {
  const validA = validityBytes(key.data);
  const validB = other === key.data ? validA : validityBytes(other);
  const values = valueComparator(key.data, other);
  const dir = key.descending ? -1 : 1;
  if (validA === null && validB === null) return key.descending ? (a, b) => -values(a, b) : values;
  const nullOrder = key.nullsFirst ? -1 : 1;
  return (a, b) => {
    const va = validA === null ? 1 : validA[a];
    const vb = validB === null ? 1 : validB[b];
    if (va === 0 || vb === 0) return va === vb ? 0 : va === 0 ? nullOrder : -nullOrder;
    return dir * values(a, b);
  };
}

/** Ascending comparator of row `a` of `x` with row `b` of `y` (NULLs not considered). */
function valueComparator(x: arrow.Data, y: arrow.Data): RowComparator {
  switch (x.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Date:
    case arrow.Type.Timestamp:
    case arrow.Type.Time:
    case arrow.Type.Duration: {
      const v = x.values as Int32Array;
      const w = y.values as Int32Array;
      return (a, b) => (v[a] < w[b] ? -1 : v[a] > w[b] ? 1 : 0);
    }
    case arrow.Type.Float: {
      const v = x.values as Float64Array;
      const w = y.values as Float64Array;
      return (a, b) => {
        const p = v[a];
        const q = w[b];
        return p < q ? -1 : p > q ? 1 : p === q ? 0 : compareNaN(p, q);
      };
    }
    case arrow.Type.Bool: {
      const v = boolBytes(x);
      const w = y === x ? v : boolBytes(y);
      return (a, b) => v[a] - w[b];
    }
    case arrow.Type.Decimal: {
      const v = x.values as Uint32Array;
      const w = y.values as Uint32Array;
      return (a, b) => compareDecimalWords(v, a, w, b);
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const o = x.valueOffsets as Int32Array;
      const v = x.values as Uint8Array;
      const p = y.valueOffsets as Int32Array;
      const w = y.values as Uint8Array;
      return (a, b) => compareBytes(v, o[a], o[a + 1], w, p[b], p[b + 1]);
    }
    case arrow.Type.Interval: {
      const v = intervalSpans(x);
      const w = y === x ? v : intervalSpans(y);
      return (a, b) => (v[a] < w[b] ? -1 : v[a] > w[b] ? 1 : 0);
    }
    case arrow.Type.Null:
      return () => 0;
    default:
      throw SqlError.unsupportedFeature(`ORDER BY a ${String(x.type)} value`);
  }
}
