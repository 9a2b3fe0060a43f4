import * as arrow from 'apache-arrow';
import { validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import type { Accumulator } from './accumulator.js';
import { ensure } from './growable.js';
import { requireNumericKind, toFloat64 } from './numeric.js';

export type RegressionName =
  | 'corr' | 'covar_pop' | 'covar_samp'
  | 'regr_count' | 'regr_sxx' | 'regr_syy' | 'regr_sxy' | 'regr_avgx' | 'regr_avgy' | 'regr_slope' | 'regr_intercept' | 'regr_r2';

export const REGRESSION_NAMES: readonly RegressionName[] = [
  'corr', 'covar_pop', 'covar_samp',
  'regr_count', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_avgx', 'regr_avgy', 'regr_slope', 'regr_intercept', 'regr_r2',
];

export function isRegressionName(name: string): name is RegressionName {
  return (REGRESSION_NAMES as readonly string[]).includes(name);
}

/**
 * PostgreSQL's two-argument statistics over (Y, X) pairs — `corr(y, x)`, `covar_pop`,
 * `covar_samp` and the `regr_*` family — in float8 (integers and decimals converted first). A
 * pair with either side NULL is skipped. Per group six float64, PostgreSQL's own state and
 * update (float8_regr_accum, Youngs–Cramer: numerically stable, no Σx² − (Σx)²/n cancellation):
 * N, Sx, Sy and the centred sums Sxx, Syy, Sxy — so results match PostgreSQL's to the last bit.
 * NULL with no pairs (regr_count 0); covar_samp NULL below 2 pairs; corr, regr_slope and
 * regr_intercept NULL when X is constant (Sxx = 0), corr also when Y is; regr_r2 NULL when X is
 * constant and 1 when only Y is.
 */
export class RegressionAccumulator implements Accumulator {
  private n = new Float64Array(0);
  private sx = new Float64Array(0);
  private sy = new Float64Array(0);
  private sxx = new Float64Array(0);
  private syy = new Float64Array(0);
  private sxy = new Float64Array(0);

  constructor(
    private readonly name: RegressionName,
    yType: arrow.DataType,
    xType: arrow.DataType,
  ) {
    requireNumericKind(name, yType);
    requireNumericKind(name, xType);
  }

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const [yData, xData] = args as [arrow.Data, arrow.Data];
    const count = (this.n = ensure(this.n, groups));
    const sx = (this.sx = ensure(this.sx, groups));
    const sy = (this.sy = ensure(this.sy, groups));
    const sxx = (this.sxx = ensure(this.sxx, groups));
    const syy = (this.syy = ensure(this.syy, groups));
    const sxy = (this.sxy = ensure(this.sxy, groups));
    const y = toFloat64(yData);
    const x = toFloat64(xData);
    const validY = validityBytes(yData);
    const validX = validityBytes(xData);
    for (let i = 0; i < groupIds.length; i++) {
      if ((validY !== null && validY[i] === 0) || (validX !== null && validX[i] === 0)) continue;
      const g = groupIds[i];
      const before = count[g];
      const n = (count[g] = before + 1);
      const vx = x[i];
      const vy = y[i];
      sx[g] += vx;
      sy[g] += vy;
      if (before > 0) {
        const dx = vx * n - sx[g];
        const dy = vy * n - sy[g];
        const scale = 1 / (n * before);
        sxx[g] += dx * dx * scale;
        syy[g] += dy * dy * scale;
        sxy[g] += dx * dy * scale;
      } else {
        // A first Inf or NaN makes the sums that depend on it NaN (as PostgreSQL does).
        if (!Number.isFinite(vx)) sxx[g] = sxy[g] = NaN;
        if (!Number.isFinite(vy)) syy[g] = sxy[g] = NaN;
      }
    }
  }

  finish(groups: number): arrow.Data {
    const count = ensure(this.n, groups);
    if (this.name === 'regr_count') {
      const out = new BigInt64Array(groups);
      for (let g = 0; g < groups; g++) out[g] = BigInt(count[g]);
      return arrow.makeData({ type: new arrow.Int64(), length: groups, nullCount: 0, data: out });
    }
    const sx = ensure(this.sx, groups);
    const sy = ensure(this.sy, groups);
    const sxx = ensure(this.sxx, groups);
    const syy = ensure(this.syy, groups);
    const sxy = ensure(this.sxy, groups);
    const out = new Float64Array(groups);
    const valid = new Uint8Array(groups);
    for (let g = 0; g < groups; g++) {
      const value = this.result(count[g], sx[g], sy[g], sxx[g], syy[g], sxy[g]);
      if (value === null) continue;
      out[g] = value;
      valid[g] = 1;
    }
    return arrow.makeData({ type: new arrow.Float64(), length: groups, ...validityProps(valid), data: out });
  }

  /** PostgreSQL's float8_regr_* / float8_covar_* / float8_corr finals. */
  private result(n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number): number | null {
    if (n === 0) return null;
    switch (this.name) {
      case 'covar_pop':
        return sxy / n;
      case 'covar_samp':
        return n < 2 ? null : sxy / (n - 1);
      case 'corr':
        return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
      case 'regr_sxx':
        return sxx;
      case 'regr_syy':
        return syy;
      case 'regr_sxy':
        return sxy;
      case 'regr_avgx':
        return sx / n;
      case 'regr_avgy':
        return sy / n;
      case 'regr_slope':
        return sxx === 0 ? null : sxy / sxx;
      case 'regr_intercept':
        return sxx === 0 ? null : (sy - (sx * sxy) / sxx) / n;
      case 'regr_r2':
        if (sxx === 0) return null;
        return syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
      case 'regr_count':
        return n;
    }
  }
}
