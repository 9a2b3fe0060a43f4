import type * as arrow from 'apache-arrow';
import type { ScalarValue } from '../arrow/scalar.js';
import { numberColumn } from './columns.js';
import { WindowError } from './errors.js';
import type { WindowLayout } from './layout.js';

/**
 * The ranking functions, by counting over partition and peer-group bounds. They ignore the frame
 * (as SQL says). Results are in sorted positions.
 *
 * - `row_number`: position in the partition, from 1;
 * - `rank`: 1 + rows before the peer group; `dense_rank`: 1 + peer groups before it;
 * - `percent_rank`: (rank − 1) / (rows − 1), 0 for a one-row partition;
 * - `cume_dist`: rows up to the end of the peer group / rows;
 * - `ntile(n)`: PostgreSQL's buckets: the first `rows % n` buckets get one row more.
 */
export type RankingName = 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile';

export function rankingColumn(name: RankingName, layout: WindowLayout, type: arrow.DataType, params: readonly ScalarValue[]): arrow.Data {
  const { length, partitionBounds, groupBounds, groupOf } = layout;
  const out = new Float64Array(length);
  let valid: Uint8Array | null = null;
  if (name === 'ntile') {
    const buckets = params[0] ?? null;
    if (buckets === null) return numberColumn(type, out, new Uint8Array(length)); // ntile(NULL) is NULL
    const n = Number(buckets);
    if (!(n > 0)) throw WindowError.ntileBuckets();
    ntile(partitionBounds, Math.trunc(n), out);
    return numberColumn(type, out, valid);
  }
  for (let p = 0; p + 1 < partitionBounds.length; p++) {
    const ps = partitionBounds[p];
    const pe = partitionBounds[p + 1];
    const rows = pe - ps;
    switch (name) {
      case 'row_number':
        for (let r = ps; r < pe; r++) out[r] = r - ps + 1;
        break;
      case 'rank':
        for (let r = ps; r < pe; r++) out[r] = groupBounds[groupOf[r]] - ps + 1;
        break;
      case 'dense_rank': {
        const first = groupOf[ps];
        for (let r = ps; r < pe; r++) out[r] = groupOf[r] - first + 1;
        break;
      }
      case 'percent_rank':
        if (rows > 1) for (let r = ps; r < pe; r++) out[r] = (groupBounds[groupOf[r]] - ps) / (rows - 1);
        break;
      case 'cume_dist':
        for (let r = ps; r < pe; r++) out[r] = (groupBounds[groupOf[r] + 1] - ps) / rows;
        break;
    }
  }
  valid = null;
  return numberColumn(type, out, valid);
}

function ntile(partitionBounds: Int32Array, buckets: number, out: Float64Array): void {
  for (let p = 0; p + 1 < partitionBounds.length; p++) {
    const ps = partitionBounds[p];
    const rows = partitionBounds[p + 1] - ps;
    const per = Math.floor(rows / buckets);
    const extra = rows % buckets; // the first `extra` buckets hold per + 1 rows
    const bigRows = extra * (per + 1);
    for (let i = 0; i < rows; i++) {
      out[ps + i] = i < bigRows ? Math.floor(i / (per + 1)) + 1 : extra + Math.floor((i - bigRows) / per) + 1;
    }
  }
}
