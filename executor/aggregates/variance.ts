import * as arrow from 'apache-arrow';
import { validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import type { Accumulator } from './accumulator.js';
import { ensure } from './growable.js';
import { requireNumericKind, toFloat64 } from './numeric.js';

export type VarianceName = 'stddev_samp' | 'stddev_pop' | 'var_samp' | 'var_pop';

/**
 * `var_pop`, `var_samp`, `stddev_pop`, `stddev_samp` in float8, by Welford's online update
 * (numerically stable: no Σx² − (Σx)²/n cancellation), three float64 per group: n, mean, M2.
 * NULLs are skipped; no input gives NULL, and the sample forms of a single row give NULL
 * (PostgreSQL). Integer and decimal input is converted to float8 first (PostgreSQL computes those
 * in numeric; results agree to ~15 significant digits).
 */
export class VarianceAccumulator implements Accumulator {
  private n = new Float64Array(0);
  private mean = new Float64Array(0);
  private m2 = new Float64Array(0);

  constructor(private readonly name: VarianceName, argType: arrow.DataType) {
    requireNumericKind(name, argType);
  }

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const count = (this.n = ensure(this.n, groups));
    const mean = (this.mean = ensure(this.mean, groups));
    const m2 = (this.m2 = ensure(this.m2, groups));
    const x = toFloat64(args[0]);
    const valid = validityBytes(args[0]);
    for (let i = 0; i < groupIds.length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i];
      const k = ++count[g];
      const v = x[i];
      const delta = v - mean[g];
      mean[g] += delta / k;
      m2[g] += delta * (v - mean[g]);
    }
  }

  finish(groups: number): arrow.Data {
    const count = (this.n = ensure(this.n, groups));
    const m2 = (this.m2 = ensure(this.m2, groups));
    const sample = this.name === 'var_samp' || this.name === 'stddev_samp';
    const root = this.name === 'stddev_samp' || this.name === 'stddev_pop';
    const out = new Float64Array(groups);
    const valid = new Uint8Array(groups);
    for (let g = 0; g < groups; g++) {
      const k = count[g];
      if (k === 0 || (sample && k === 1)) continue;
      valid[g] = 1;
      // M2 can come out a hair below zero for equal values; clamp, as PostgreSQL does.
      const variance = Math.max(0, m2[g]) / (sample ? k - 1 : k);
      out[g] = root ? Math.sqrt(variance) : variance;
    }
    return arrow.makeData({ type: new arrow.Float64(), length: groups, ...validityProps(valid), data: out });
  }
}
