import { SqlError } from '../../common/sql-error.js';
import { ensure } from './growable.js';

const TWO_32 = 4_294_967_296;
/** Rows folded between carry passes: each lane gains < 2^32 per row, so lanes stay below 2^52 (exact in float64). */
const CARRY_EVERY = 1 << 20;

/**
 * Exact per-group sums of integers of up to `words` 32-bit words (int2/int4: 1, int8: 2,
 * decimal128's unscaled value: 4) without a bigint per row. Each group has `words + 1` float64
 * lanes; lane k sums word k of every value (the top word signed, the others unsigned). A lane
 * stays an exact integer while it is below 2^53, so at least every 2^20 rows a carry pass moves
 * each lane's overflow above 2^32 into the next lane (lane `words` takes the rest, signed).
 * The exact sum of group g is Σ lane[k]·2^(32k).
 *
 * This is DuckDB's hugeint-sum idea with float64 lanes instead of 64-bit integers (JS has no
 * fast int64 arithmetic; bigint per row measured ~40× slower).
 */
export class WideSums {
  readonly stride: number;
  lanes = new Float64Array(0);
  private rowsSinceCarry = 0;
  private groupsSeen = 0;

  constructor(readonly words: number) {
    this.stride = words + 1;
  }

  /** Grows to `groups` groups; returns the lanes array to write (stride `this.stride`). */
  reserve(groups: number, rows: number): Float64Array {
    this.lanes = ensure(this.lanes, groups * this.stride);
    this.groupsSeen = Math.max(this.groupsSeen, groups);
    if (this.rowsSinceCarry + rows > CARRY_EVERY) this.carry();
    this.rowsSinceCarry += rows;
    return this.lanes;
  }

  /** Most rows a single `reserve` may announce (callers split bigger batches). */
  static readonly MAX_ROWS = CARRY_EVERY;

  private carry(): void {
    const { lanes, stride, words } = this;
    const n = this.groupsSeen;
    for (let g = 0; g < n; g++) {
      const base = g * stride;
      for (let k = 0; k < words; k++) {
        const v = lanes[base + k];
        if (v >= 0 && v < TWO_32) continue;
        const c = Math.floor(v / TWO_32);
        lanes[base + k] = v - c * TWO_32;
        lanes[base + k + 1] += c;
      }
    }
    this.rowsSinceCarry = 0;
  }

  /**
   * Group g's sum as a number when it is a safe integer (|sum| < 2^53, computed exactly), else
   * undefined (call `bigint`).
   */
  safeNumber(g: number): number | undefined {
    const base = g * this.stride;
    const lanes = this.lanes;
    for (let k = 2; k < this.stride; k++) if (lanes[base + k] !== 0) return undefined;
    const low = lanes[base];
    const high = this.stride > 1 ? lanes[base + 1] : 0;
    // |high·2^32| < 2^52 and |low| < 2^52: both terms and their sum are exact.
    if (Math.abs(high) >= 1_048_576 || Math.abs(low) >= 4_503_599_627_370_496) return undefined;
    return low + high * TWO_32;
  }

  /** Group g's exact sum. */
  bigint(g: number): bigint {
    const base = g * this.stride;
    let out = 0n;
    for (let k = this.stride - 1; k >= 0; k--) out = (out << 32n) + BigInt(this.lanes[base + k]);
    return out;
  }

  /** Group g's sum rounded to float64 (exact first, then one rounding). */
  toNumber(g: number): number {
    return this.safeNumber(g) ?? Number(this.bigint(g));
  }
}

/** 22003 for a sum outside int8. */
export function checkInt64(value: bigint): bigint {
  if (value > 9_223_372_036_854_775_807n || value < -9_223_372_036_854_775_808n) throw SqlError.numericOverflow('bigint');
  return value;
}
