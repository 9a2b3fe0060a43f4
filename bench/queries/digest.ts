import * as arrow from 'apache-arrow';
import { decimalAt, decimalToNumber } from '../../executor/values/decimal.js';

/**
 * A query answer as it travels from a worker process to the report: the row count, its values
 * when there are at most `MAX_SHIPPED_ROWS` rows (every benchmark answer today; compared value by
 * value), and per column a digest — NULL count, the sum of its values (strings hashed) and, for
 * ordered answers, the sum weighted by row position — which is what larger answers compare by.
 * Floats compare with a relative tolerance (the engines add in different orders); strings,
 * dates and integers exactly.
 *
 * Values are first made canonical, the same way on both sides: every number (integer, bigint,
 * decimal, float) a float64, a date or timestamp its epoch milliseconds, a string itself.
 */
export type Canonical = number | string | null;

export interface ColumnDigest {
  readonly name: string;
  readonly kind: 'number' | 'string' | 'empty';
  readonly nulls: number;
  readonly sum: number;
  /** Σ|v|, the scale for the float tolerance. */
  readonly absSum: number;
  /** Σ (row + 1) · v when the answer is ordered, else 0. */
  readonly weighted: number;
}

export interface ResultDigest {
  readonly rows: number;
  readonly columns: readonly ColumnDigest[];
  /** The rows themselves (row-major, canonical) when there are at most `MAX_SHIPPED_ROWS`. */
  readonly values?: readonly (readonly Canonical[])[];
  readonly ordered: boolean;
}

/** Answers up to this many rows are compared value by value (they are JSON between processes). */
export const MAX_SHIPPED_ROWS = 100_000;
/**
 * Relative tolerance for floats: the engines add in different orders, so an average over 10M
 * rows may differ in its last digits; a wrong value differs by far more.
 */
const FLOAT_TOLERANCE = 1e-9;

export function digestColumns(names: readonly string[], columns: readonly (readonly Canonical[])[], ordered: boolean): ResultDigest {
  const rows = columns[0]?.length ?? 0;
  const digest = { rows, ordered, columns: names.map((name, c) => digestColumn(name, columns[c] ?? [], ordered)) };
  if (rows > MAX_SHIPPED_ROWS) return digest;
  const values = Array.from({ length: rows }, (_, r) => columns.map((column) => column[r] ?? null));
  return { ...digest, values };
}

function digestColumn(name: string, values: readonly Canonical[], ordered: boolean): ColumnDigest {
  let kind: ColumnDigest['kind'] = 'empty';
  let nulls = 0;
  let sum = 0;
  let absSum = 0;
  let weighted = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? null;
    if (value === null) {
      nulls++;
      continue;
    }
    const v = typeof value === 'string' ? fnv1a(value) : value;
    if (kind === 'empty') kind = typeof value === 'string' ? 'string' : 'number';
    sum += v;
    absSum += Math.abs(v);
    if (ordered) weighted += (i + 1) * v;
  }
  return { name, kind, nulls, sum, absSum, weighted };
}

/** Where two digests disagree, in words; undefined when they agree. */
export function compareDigests(ours: ResultDigest, theirs: ResultDigest): string | undefined {
  if (ours.rows !== theirs.rows) return `${ours.rows} rows, DuckDB ${theirs.rows}`;
  if (ours.columns.length !== theirs.columns.length) return `${ours.columns.length} columns, DuckDB ${theirs.columns.length}`;
  for (let c = 0; c < ours.columns.length; c++) {
    const a = ours.columns[c] as ColumnDigest;
    const b = theirs.columns[c] as ColumnDigest;
    if (a.name.toLowerCase() !== b.name.toLowerCase()) return `column ${c + 1} is "${a.name}", DuckDB "${b.name}"`;
    if (a.nulls !== b.nulls) return `${a.name}: ${a.nulls} NULLs, DuckDB ${b.nulls}`;
    if (a.kind !== b.kind && a.kind !== 'empty' && b.kind !== 'empty') return `${a.name}: ${a.kind} values, DuckDB ${b.kind}`;
  }
  if (ours.values && theirs.values) return compareValues(ours, ours.values, theirs.values);
  for (let c = 0; c < ours.columns.length; c++) {
    const a = ours.columns[c] as ColumnDigest;
    const b = theirs.columns[c] as ColumnDigest;
    const exact = a.kind === 'string';
    const scale = Math.max(a.absSum, b.absSum);
    const differs = (x: number, y: number, s: number) => (exact ? x !== y : Math.abs(x - y) > FLOAT_TOLERANCE * s + 1e-12);
    if (differs(a.sum, b.sum, scale)) return `${a.name}: Σ ${a.sum}, DuckDB ${b.sum}`;
    if (differs(a.weighted, b.weighted, scale * Math.max(1, ours.rows))) return `${a.name}: values in another order than DuckDB's`;
  }
  return undefined;
}

/**
 * Value by value, in the answers' order when it is part of the answer, else both sorted the same
 * way (string columns first: they are exact, so near-equal floats never decide the pairing).
 */
function compareValues(digest: ResultDigest, ours: readonly (readonly Canonical[])[], theirs: readonly (readonly Canonical[])[]): string | undefined {
  let a = ours;
  let b = theirs;
  if (!digest.ordered) {
    const keys = digest.columns.map((c, i) => ({ c, i })).sort((x, y) => Number(y.c.kind === 'string') - Number(x.c.kind === 'string')).map((x) => x.i);
    const order = (p: readonly Canonical[], q: readonly Canonical[]) => {
      for (const k of keys) {
        const d = compareCanonical(p[k] ?? null, q[k] ?? null);
        if (d !== 0) return d;
      }
      return 0;
    };
    a = [...ours].sort(order);
    b = [...theirs].sort(order);
  }
  for (let r = 0; r < a.length; r++) {
    const p = a[r] as readonly Canonical[];
    const q = b[r] as readonly Canonical[];
    for (let c = 0; c < p.length; c++) {
      if (!sameValue(p[c] ?? null, q[c] ?? null)) {
        const where = digest.ordered ? `row ${r + 1}` : `row ${JSON.stringify(p)} (sorted #${r + 1})`;
        return `${where}: ${digest.columns[c]?.name} = ${String(p[c])}, DuckDB ${String(q[c])}`;
      }
    }
  }
  return undefined;
}

function compareCanonical(x: Canonical, y: Canonical): number {
  if (x === null || y === null) return x === y ? 0 : x === null ? -1 : 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const sx = String(x);
  const sy = String(y);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

function sameValue(x: Canonical, y: Canonical): boolean {
  if (x === null || y === null) return x === y;
  if (typeof x === 'number' && typeof y === 'number') {
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
    // Integers (counts, bigint sums, dates) are exact in both engines: no tolerance for them.
    if (Number.isSafeInteger(x) && Number.isSafeInteger(y)) return x === y;
    return x === y || Math.abs(x - y) <= FLOAT_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
  }
  return x === y;
}

/** Our answer's columns, canonical, from its Arrow batches (answers are small; not a hot loop). */
export function arrowColumns(schema: arrow.Schema, batches: readonly arrow.RecordBatch[]): Canonical[][] {
  return schema.fields.map((field, c) => {
    const out: Canonical[] = [];
    for (const batch of batches) {
      const vector = batch.getChildAt(c);
      if (!vector) continue;
      if (arrow.DataType.isDecimal(field.type)) {
        const scale = field.type.scale;
        for (const data of vector.data) {
          const words = data.values as unknown as Uint32Array;
          for (let i = 0; i < data.length; i++) out.push(data.getValid(i) ? decimalToNumber(decimalAt(words, i), scale) : null);
        }
        continue;
      }
      for (let i = 0; i < vector.length; i++) out.push(canonical(vector.get(i)));
    }
    return out;
  });
}

/** A JS value (arrow-js `get`, DuckDB's `getColumnsJS`) made canonical. */
export function canonical(value: unknown): Canonical {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** 32-bit FNV-1a of a string's UTF-16 code units: sums of 2^32-bounded hashes stay exact in a float64. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
