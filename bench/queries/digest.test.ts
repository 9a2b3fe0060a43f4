import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { writeDecimal } from '../../executor/values/decimal.js';
import { arrowColumns, canonical, compareDigests, digestColumns, MAX_SHIPPED_ROWS, type Canonical } from './digest.js';

/**
 * The benchmark's answer check must call equal answers equal across the two engines' value
 * representations (Arrow batches from us, DuckDB's JS values) and call different answers
 * different. The cross-engine cases build the same values on both sides, DuckDB's from a real
 * DuckDB query.
 */

function digestOf(names: string[], columns: Canonical[][], ordered = false) {
  return digestColumns(names, columns, ordered);
}

async function duckdbDigest(sql: string, ordered = false) {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const reader = await db.runAndReadAll(sql);
    const columns = (await reader.getColumnsJS()).map((values) => values.map(canonical));
    return digestColumns(reader.columnNames(), columns, ordered);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function decimalVector(values: (bigint | null)[], precision: number, scale: number): arrow.Vector {
  const type = new arrow.Decimal(scale, precision, 128);
  const words = new Uint32Array(values.length * 4);
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null) return;
    writeDecimal(words, i, v);
    validity[i >> 3]! |= 1 << (i & 7);
  });
  const nullCount = values.filter((v) => v === null).length;
  return arrow.makeVector(arrow.makeData({ type, length: values.length, nullCount, data: words, nullBitmap: validity }));
}

describe('digest', () => {
  it('agrees on the same rows in another order, and disagrees when a value changes', () => {
    const a = digestOf(['t', 'x'], [['AAA', 'BBB', null], [1.5, null, 2.25]]);
    const b = digestOf(['T', 'x'], [[null, 'BBB', 'AAA'], [2.25, null, 1.5]]);
    expect(compareDigests(a, b)).toBeUndefined();
    expect(compareDigests(a, digestOf(['t', 'x'], [['AAA', 'BBC', null], [1.5, null, 2.25]]))).toBe('row ["BBB",null] (sorted #3): t = BBB, DuckDB BBC');
    expect(compareDigests(a, digestOf(['t', 'x'], [['AAA', 'BBB', null], [1.5, 0, 2.25]]))).toBe('x: 1 NULLs, DuckDB 0');
    expect(compareDigests(a, digestOf(['t', 'x'], [['AAA', 'BBB', null], ['1.5', null, '2.25']]))).toBe('x: number values, DuckDB string');
    expect(compareDigests(a, digestOf(['t', 'x'], [['AAA', 'BBB'], [1.5, 2.25]]))).toBe('3 rows, DuckDB 2');
    expect(compareDigests(a, digestOf(['t', 'y'], [['AAA', 'BBB', null], [1.5, null, 2.25]]))).toBe('column 2 is "x", DuckDB "y"');
  });

  it('tolerates float sums in another order, not a real difference', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e6);
    const a = digestOf(['v'], [values]);
    expect(compareDigests(a, digestOf(['v'], [[...values].reverse()]))).toBeUndefined();
    const changed = [...values];
    changed[7] = (changed[7] as number) + 0.01;
    expect(compareDigests(a, digestOf(['v'], [changed]))).toMatch(/^row \[[-\d.]+\] \(sorted #\d+\): v = /);
  });

  it('compares integers exactly, even large ones', () => {
    expect(compareDigests(digestOf(['n'], [[25_000_000_000_000]]), digestOf(['n'], [[25_000_000_000_001]]))).toBe('row [25000000000000] (sorted #1): n = 25000000000000, DuckDB 25000000000001');
    expect(compareDigests(digestOf(['a'], [[2.5e13 + 0.5]]), digestOf(['a'], [[2.5e13 + 0.5078125]]))).toBeUndefined();
  });

  it('falls back to column sums beyond the rows it ships, still tolerant and still sensitive', () => {
    const n = MAX_SHIPPED_ROWS + 1;
    const values = Array.from({ length: n }, (_, i) => (i % 1000) + 0.25);
    const a = digestOf(['v'], [values]);
    expect(a.values).toBeUndefined();
    expect(compareDigests(a, digestOf(['v'], [[...values].reverse()]))).toBeUndefined();
    const changed = [...values];
    changed[3] = 100;
    expect(compareDigests(a, digestOf(['v'], [changed]))).toMatch(/^v: Σ /);
  });

  it('weighs ordered answers by position', () => {
    const a = digestOf(['v'], [[3, 2, 1]], true);
    expect(compareDigests(a, digestOf(['v'], [[3, 2, 1]], true))).toBeUndefined();
    expect(compareDigests(a, digestOf(['v'], [[1, 2, 3]], true))).toBe('row 1: v = 3, DuckDB 1');
    const big = Array.from({ length: MAX_SHIPPED_ROWS + 1 }, (_, i) => i);
    expect(compareDigests(digestOf(['v'], [big], true), digestOf(['v'], [[...big].reverse()], true))).toBe("v: values in another order than DuckDB's");
  });

  it('reads our Arrow batches as DuckDB reads the same values (checked against DuckDB)', async () => {
    // Two batches, the second sliced (offset 1), with NULLs in each column.
    const table = arrow.tableFromArrays({
      d: arrow.vectorFromArray([new Date(Date.UTC(2024, 0, 2)), null, new Date(Date.UTC(1950, 0, 2))], new arrow.DateDay()),
      t: arrow.vectorFromArray(['AAPL', 'MSFT', null], new arrow.Utf8()),
      n: arrow.vectorFromArray([12345678901n, null, -3n], new arrow.Int64()),
      f: arrow.vectorFromArray([0.1, 2.5, null], new arrow.Float64()),
    });
    const extra = arrow.tableFromArrays({
      d: arrow.vectorFromArray([null, new Date(Date.UTC(2000, 1, 29))], new arrow.DateDay()),
      t: arrow.vectorFromArray(['x', 'ÄÖ'], new arrow.Utf8()),
      n: arrow.vectorFromArray([1n, 7n], new arrow.Int64()),
      f: arrow.vectorFromArray([1, -0.5], new arrow.Float64()),
    });
    const sliced = extra.batches[0]!.slice(1);
    const ours = digestColumns(
      table.schema.fields.map((f) => f.name),
      arrowColumns(table.schema, [...table.batches, sliced]),
      false,
    );
    const theirs = await duckdbDigest(
      `SELECT * FROM (VALUES (DATE '2024-01-02', 'AAPL', 12345678901::BIGINT, 0.1::DOUBLE), (NULL, 'MSFT', NULL, 2.5), ` +
        `(DATE '1950-01-02', NULL, -3, NULL), (DATE '2000-02-29', 'ÄÖ', 7, -0.5)) v(d, t, n, f)`,
    );
    expect(ours.rows).toBe(4);
    expect(compareDigests(ours, theirs)).toBeUndefined();
  });

  it('reads decimals, and DuckDB HUGEINT sums, as the same numbers (checked against DuckDB)', async () => {
    const vector = decimalVector([12345n, null, -50n], 10, 2); // 123.45, NULL, -0.50
    const schema = new arrow.Schema([new arrow.Field('x', vector.type, true)]);
    const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 3, nullCount: 0, children: [vector.data[0]!] }));
    const ours = digestColumns(['x'], arrowColumns(schema, [batch]), false);
    expect(compareDigests(ours, await duckdbDigest(`SELECT * FROM (VALUES (123.45::DECIMAL(10,2)), (NULL), (-0.50::DECIMAL(10,2))) v(x)`))).toBeUndefined();
    // sum(BIGINT) is HUGEINT in DuckDB, a bigint in JS; ours would be an Int64 or a decimal.
    const sum = await duckdbDigest(`SELECT sum(v) AS x FROM (VALUES (122::BIGINT), (1::BIGINT)) t(v)`);
    expect(compareDigests(digestOf(['x'], [[123]]), sum)).toBeUndefined();
  });
});
