import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import * as arrow from 'apache-arrow';
import { threeWay as compareRows } from './compare.js';
import { boolData } from './rows.js';
import { interleave } from './select.js';

/**
 * Conditional functions and null-aware tests: `nullif`, `if`/`iff`, `IS [NOT] DISTINCT FROM`,
 * `IS [NOT] TRUE|FALSE` (and `UNKNOWN`, which the binder maps to IS [NOT] NULL). Arguments share
 * one type (the binder unified them).
 */

/** threeWay, where two untyped NULL columns compare equal (`NULL <=> NULL`). */
function threeWay(a: arrow.Data, b: arrow.Data): Int8Array {
  return a.typeId === arrow.Type.Null ? new Int8Array(a.length) : compareRows(a, b);
}

/** `nullif(a, b)`: NULL where a = b, else a (a NULL b never matches). */
export function nullIf(args: readonly arrow.Data[]): arrow.Data {
  const [a, b] = args;
  const order = threeWay(a, b);
  const va = validityBytes(a);
  const vb = validityBytes(b);
  const choice = new Int32Array(a.length);
  for (let i = 0; i < choice.length; i++) {
    const both = (va === null || va[i] === 1) && (vb === null || vb[i] === 1);
    choice[i] = both && order[i] === 0 ? -1 : 0;
  }
  return interleave([a], choice);
}

/** `if(cond, a, b)` (Spark), `iff`: a where cond is TRUE, b where it is FALSE or NULL. */
export function ifThenElse(args: readonly arrow.Data[]): arrow.Data {
  const [cond, a, b] = args;
  const bits = boolBytes(cond);
  const valid = validityBytes(cond);
  const choice = new Int32Array(cond.length);
  for (let i = 0; i < choice.length; i++) choice[i] = bits[i] === 1 && (valid === null || valid[i] === 1) ? 0 : 1;
  return interleave([a, b], choice);
}

/** `a IS DISTINCT FROM b` (`negated`: IS NOT DISTINCT FROM, Spark's `<=>`): NULLs compare equal; never NULL. */
export function distinctFrom(args: readonly arrow.Data[], negated: boolean): arrow.Data {
  const [a, b] = args;
  const order = threeWay(a, b);
  const va = validityBytes(a);
  const vb = validityBytes(b);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < out.length; i++) {
    const x = va === null || va[i] === 1;
    const y = vb === null || vb[i] === 1;
    const same = x && y ? order[i] === 0 : x === y;
    out[i] = same === negated ? 1 : 0;
  }
  return boolData(out, null);
}

/** `x IS [NOT] TRUE|FALSE`: NULL counts as neither; never NULL. */
export function truthTest(x: arrow.Data, test: 'true' | 'not true' | 'false' | 'not false'): arrow.Data {
  const bits = boolBytes(x);
  const valid = validityBytes(x);
  const out = new Uint8Array(x.length);
  const want = test === 'true' || test === 'not true' ? 1 : 0;
  const negate = test.startsWith('not');
  for (let i = 0; i < out.length; i++) {
    const hit = (valid === null || valid[i] === 1) && bits[i] === want;
    out[i] = hit !== negate ? 1 : 0;
  }
  return boolData(out, null);
}
