import * as arrow from 'apache-arrow';
import { validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import { concat } from '../arrow/concat.js';
import { SqlError } from '../../common/sql-error.js';
import { formatType } from '../../common/pg/format-type.js';
import { scalarAt } from '../arrow/scalar.js';
import { numbers, StrReader, Utf8Builder } from './rows.js';

/**
 * PostgreSQL's catalog helper functions that compute from their arguments alone (the ones that
 * need the catalog are bound to constants by planner/binder/catalog-functions.ts). They run over
 * catalog relations of a few thousand rows, not over table data.
 */

const TEXT = new arrow.Utf8();

/** `format_type(type_oid, typmod)`: a NULL OID gives NULL, a NULL typmod means "none". */
export function formatTypeKernel(args: readonly arrow.Data[]): arrow.Data {
  const [oids, mods] = args;
  const oidValid = validityBytes(oids);
  const modValid = validityBytes(mods);
  const o = numbers(oids);
  const m = numbers(mods);
  const out = new Utf8Builder(oids.length);
  for (let i = 0; i < oids.length; i++) {
    if (oidValid !== null && oidValid[i] === 0) out.appendNull();
    else out.appendString(formatType(o[i], modValid !== null && modValid[i] === 0 ? null : m[i]));
  }
  return out.finish(TEXT);
}

/** `array_to_string(arr, sep [, null_text])`: NULL elements are skipped unless `null_text` is given. */
export function arrayToString(args: readonly arrow.Data[]): arrow.Data {
  const [list, sepData, nullData] = args;
  const listValid = validityBytes(list);
  const sepValid = validityBytes(sepData);
  const offsets = list.valueOffsets as Int32Array;
  const child = list.children[0];
  const childValid = validityBytes(child);
  const sep = new StrReader(sepData);
  const nulls = nullData === undefined ? undefined : new StrReader(nullData);
  const nullsValid = nullData === undefined ? null : validityBytes(nullData);
  const out = new Utf8Builder(list.length);
  for (let i = 0; i < list.length; i++) {
    if ((listValid !== null && listValid[i] === 0) || (sepValid !== null && sepValid[i] === 0)) { out.appendNull(); continue; }
    const parts: string[] = [];
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      if (childValid !== null && childValid[k] === 0) {
        if (nulls !== undefined && (nullsValid === null || nullsValid[i] === 1)) parts.push(nulls.str(i));
        continue;
      }
      parts.push(String(scalarAt(child, k)));
    }
    out.appendString(parts.join(sep.str(i)));
  }
  return out.finish(TEXT);
}

/** `pg_size_pretty(bigint)`: bytes, kB, MB, GB, TB, PB with PostgreSQL's rounding (half up, 10 × unit thresholds). */
export function sizePretty(args: readonly arrow.Data[]): arrow.Data {
  const input = args[0];
  const valid = validityBytes(input);
  const v = numbers(input);
  const out = new Utf8Builder(input.length);
  for (let i = 0; i < input.length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    out.appendString(prettySize(v[i]));
  }
  return out.finish(TEXT);
}

/** PostgreSQL 15's pg_size_pretty: bytes below 10 kB, then half-units (>> 9) rounded half up per unit below 20 × 1024 − 1. */
function prettySize(bytes: number): string {
  if (Math.abs(bytes) < 10 * 1024) return `${bytes} bytes`;
  let size = Math.floor(bytes / 512);
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  for (let u = 0; u < units.length; u++) {
    if (Math.abs(size) < 20 * 1024 - 1 || u === units.length - 1) return `${size >= 0 ? Math.floor((size + 1) / 2) : Math.trunc((size - 1) / 2)} ${units[u]}`;
    size = Math.floor(size / 1024);
  }
  return `${bytes} bytes`;
}

/** `quote_ident(text)`: double-quoted when it is not a plain lower-case identifier. */
export function quoteIdent(args: readonly arrow.Data[]): arrow.Data {
  const input = args[0];
  const valid = validityBytes(input);
  const r = new StrReader(input);
  const out = new Utf8Builder(input.length);
  for (let i = 0; i < input.length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const s = r.str(i);
    out.appendString(/^[a-z_][a-z0-9_$]*$/.test(s) && !RESERVED.has(s) ? s : `"${s.replace(/"/g, '""')}"`);
  }
  return out.finish(TEXT);
}

/** PostgreSQL's reserved key words (quote_ident quotes them). */
const RESERVED = new Set(('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with').split(' '));

/**
 * `assert_single_row(value, matches)`: a correlated scalar subquery's value once its rows are
 * folded per outer row (planner/binder/bind-select.ts perRowSubquery); more than one matching
 * row is PostgreSQL's error.
 */
export function assertSingleRow(args: readonly arrow.Data[]): arrow.Data {
  const [value, matches] = args;
  const m = numbers(matches);
  for (let i = 0; i < matches.length; i++) {
    if (m[i] > 1) throw new SqlError('21000', 'more than one row returned by a subquery used as an expression');
  }
  return value;
}

/**
 * `a || b` over two arrays of one element type (PostgreSQL's array_cat): the elements of both;
 * a NULL side counts as empty, both NULL is NULL. Lists and child values are offset-aware.
 */
export function arrayCat(args: readonly arrow.Data[], type: arrow.DataType): arrow.Data {
  const [a, b] = args;
  const length = a.length;
  const av = validityBytes(a);
  const bv = validityBytes(b);
  const ao = a.valueOffsets as Int32Array;
  const bo = b.valueOffsets as Int32Array;
  const aChild = a.children[0];
  const shift = aChild.length;
  const offsets = new Int32Array(length + 1);
  const indices: number[] = [];
  const valid = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const aValid = av === null || av[i] === 1;
    const bValid = bv === null || bv[i] === 1;
    valid[i] = aValid || bValid ? 1 : 0;
    if (aValid) for (let k = ao[i]; k < ao[i + 1]; k++) indices.push(k);
    if (bValid) for (let k = bo[i]; k < bo[i + 1]; k++) indices.push(shift + k);
    offsets[i + 1] = indices.length;
  }
  const child = take(concat([aChild, b.children[0]]), Int32Array.from(indices));
  return arrow.makeData({ type, length, ...validityProps(valid), valueOffsets: offsets, child } as never);
}

/**
 * `information_schema._pg_expandarray(arr)`'s array form: each element as `{x: element, n: its
 * 1-based position}` (the select list's Explode then makes one row of each).
 */
export function expandArray(args: readonly arrow.Data[], type: arrow.DataType): arrow.Data {
  const list = args[0];
  const offsets = list.valueOffsets as Int32Array;
  const child = list.children[0];
  const positions = new Int32Array(child.length);
  for (let i = 0; i < list.length; i++) for (let k = offsets[i]; k < offsets[i + 1]; k++) positions[k] = k - offsets[i] + 1;
  const structType = (type as arrow.List).children[0].type as arrow.Struct;
  const n = arrow.makeData({ type: new arrow.Int32(), length: child.length, nullCount: 0, data: positions } as never);
  const struct = arrow.makeData({ type: structType, length: child.length, nullCount: 0, children: [child, n] } as never);
  return arrow.makeData({ type, length: list.length, nullCount: list.nullCount, nullBitmap: list.nullBitmap, valueOffsets: offsets, child: struct } as never);
}

/** `a & b`, `a | b` over 32-bit integers (pgjdbc's getIndexInfo tests `indoption` bits). */
export function bitwise(args: readonly arrow.Data[], op: '&' | '|'): arrow.Data {
  const [a, b] = args;
  const x = numbers(a);
  const y = numbers(b);
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = op === '&' ? x[i] & y[i] : x[i] | y[i];
  const av = validityBytes(a);
  const bv = validityBytes(b);
  let valid: Uint8Array | null = null;
  if (av !== null || bv !== null) {
    valid = new Uint8Array(a.length);
    for (let i = 0; i < a.length; i++) valid[i] = (av === null || av[i] === 1) && (bv === null || bv[i] === 1) ? 1 : 0;
  }
  return arrow.makeData({ type: new arrow.Int32(), length: a.length, ...validityProps(valid), data: out } as never);
}
