import * as arrow from 'apache-arrow';
import { boolBytes, packBits, validityBytes, validityProps } from '../../common/arrow/bitmap.js';

/**
 * SQL's three-valued logic over Bool Data:
 *
 * | AND   | TRUE  | FALSE | NULL  |    | OR    | TRUE | FALSE | NULL |
 * |-------|-------|-------|-------|    |-------|------|-------|------|
 * | TRUE  | TRUE  | FALSE | NULL  |    | TRUE  | TRUE | TRUE  | TRUE |
 * | FALSE | FALSE | FALSE | FALSE |    | FALSE | TRUE | FALSE | NULL |
 * | NULL  | NULL  | FALSE | NULL  |    | NULL  | TRUE | NULL  | NULL |
 */
export function and(left: arrow.Data, right: arrow.Data): arrow.Data<arrow.Bool> {
  return logic(left, right, false);
}

export function or(left: arrow.Data, right: arrow.Data): arrow.Data<arrow.Bool> {
  return logic(left, right, true);
}

/** AND (`dominant` = false) or OR (`dominant` = true): a known dominant value decides the row. */
function logic(left: arrow.Data, right: arrow.Data, dominant: boolean): arrow.Data<arrow.Bool> {
  const length = left.length;
  const a = boolBytes(left);
  const b = boolBytes(right);
  const va = validityBytes(left);
  const vb = validityBytes(right);
  const out = new Uint8Array(length);
  if (va === null && vb === null) {
    if (dominant) for (let i = 0; i < length; i++) out[i] = a[i] | b[i];
    else for (let i = 0; i < length; i++) out[i] = a[i] & b[i];
    return bool(out, null);
  }
  const valid = new Uint8Array(length);
  const d = dominant ? 1 : 0;
  for (let i = 0; i < length; i++) {
    const av = va === null ? 1 : va[i];
    const bv = vb === null ? 1 : vb[i];
    if ((av === 1 && a[i] === d) || (bv === 1 && b[i] === d)) {
      out[i] = d;
      valid[i] = 1;
    } else if (av === 1 && bv === 1) {
      out[i] = 1 - d;
      valid[i] = 1;
    }
  }
  return bool(out, valid);
}

/** NOT: NULL stays NULL. */
export function not(input: arrow.Data): arrow.Data<arrow.Bool> {
  const a = boolBytes(input);
  const out = new Uint8Array(input.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i] ^ 1;
  return bool(out, validityBytes(input));
}

/** IS NULL (`negated` = false) / IS NOT NULL: never NULL itself. */
export function isNull(input: arrow.Data, negated: boolean): arrow.Data<arrow.Bool> {
  const v = validityBytes(input);
  const out = new Uint8Array(input.length);
  if (v === null) out.fill(negated ? 1 : 0);
  else for (let i = 0; i < out.length; i++) out[i] = negated ? v[i] : v[i] ^ 1;
  return bool(out, null);
}

/** A Bool Data from one byte per row of values and optional validity. */
export function bool(values: Uint8Array, valid: Uint8Array | null): arrow.Data<arrow.Bool> {
  return arrow.makeData({ type: new arrow.Bool(), length: values.length, ...validityProps(valid), data: packBits(values) });
}
