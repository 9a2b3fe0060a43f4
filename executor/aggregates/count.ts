import * as arrow from 'apache-arrow';
import { boolBytes, packBits, validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import type { Accumulator } from './accumulator.js';
import { ensure } from './growable.js';

/**
 * `count(*)` (every row), `count(x)` (non-NULL rows) and `count_if(b)` (rows where b is TRUE):
 * one float64 per group (exact to 2^53 rows), emitted as int8. Never NULL: 0 for an empty group.
 */
export class CountAccumulator implements Accumulator {
  private counts = new Float64Array(0);

  constructor(private readonly name: 'count' | 'count_star' | 'count_if') {}

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const counts = (this.counts = ensure(this.counts, groups));
    const n = groupIds.length;
    if (this.name === 'count_star') {
      // One group (no GROUP BY): every id is 0, so the count is the row count — no 10M-step
      // chain of increments on one cell.
      if (groups === 1) counts[0] += n;
      else for (let i = 0; i < n; i++) counts[groupIds[i]]++;
      return;
    }
    const valid = validityBytes(args[0]);
    if (this.name === 'count_if') {
      const bits = boolBytes(args[0]);
      if (valid === null) for (let i = 0; i < n; i++) counts[groupIds[i]] += bits[i];
      else for (let i = 0; i < n; i++) counts[groupIds[i]] += bits[i] & valid[i];
      return;
    }
    if (valid === null) {
      if (groups === 1) counts[0] += n;
      else for (let i = 0; i < n; i++) counts[groupIds[i]]++;
    } else if (groups === 1) {
      let c = 0;
      for (let i = 0; i < n; i++) c += valid[i];
      counts[0] += c;
    } else for (let i = 0; i < n; i++) counts[groupIds[i]] += valid[i];
  }

  finish(groups: number): arrow.Data {
    this.counts = ensure(this.counts, groups);
    const out = new BigInt64Array(groups);
    for (let g = 0; g < groups; g++) out[g] = BigInt(this.counts[g]);
    return arrow.makeData({ type: new arrow.Int64(), length: groups, nullCount: 0, data: out });
  }
}

/** `bool_and` / `bool_or` (`every`): NULLs skipped; a group with no non-NULL input gives NULL. */
export class BoolAccumulator implements Accumulator {
  /** 0 = no input yet, 1 = false so far, 2 = true so far. */
  private state = new Uint8Array(0);

  constructor(private readonly name: 'bool_and' | 'bool_or') {}

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const state = (this.state = ensure(this.state, groups));
    const bits = boolBytes(args[0]);
    const valid = validityBytes(args[0]);
    const n = groupIds.length;
    if (this.name === 'bool_and') {
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const g = groupIds[i];
        state[g] = state[g] === 1 || bits[i] === 0 ? 1 : 2;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const g = groupIds[i];
        state[g] = state[g] === 2 || bits[i] === 1 ? 2 : 1;
      }
    }
  }

  finish(groups: number): arrow.Data {
    this.state = ensure(this.state, groups);
    const valid = new Uint8Array(groups);
    const values = new Uint8Array(groups);
    for (let g = 0; g < groups; g++) {
      valid[g] = this.state[g] === 0 ? 0 : 1;
      values[g] = this.state[g] === 2 ? 1 : 0;
    }
    return arrow.makeData({ type: new arrow.Bool(), length: groups, ...validityProps(valid), data: packBits(values) });
  }
}
