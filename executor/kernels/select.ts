import type * as arrow from 'apache-arrow';
import { concat } from '../arrow/concat.js';
import { take } from '../../common/arrow/take.js';

/**
 * Row-wise choice between Data of one type: row i of the result is row i of
 * `sources[choice[i]]`, or NULL where `choice[i]` is negative. CASE and COALESCE use it; built
 * on `concat` + `take`, so it works for every type.
 */
export function interleave(sources: readonly arrow.Data[], choice: Int32Array): arrow.Data {
  const length = choice.length;
  const all = concat(sources);
  const indices = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const c = choice[i];
    indices[i] = c < 0 ? -1 : c * length + i;
  }
  return take(all, indices);
}
