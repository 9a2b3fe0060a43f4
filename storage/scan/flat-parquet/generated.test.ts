import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeySet } from './key-set.js';
import { expectSameBatches, flatRead, openFile, wasmRead } from './testing/compare.js';
import { ROWS, sampleTable, writeSample, type WriterSettings } from './testing/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'flat-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const table = sampleTable();
const columns = table.schema.fields.map((f) => f.name);

/** Writer settings, and why the flat decoder hands (part of) the read to parquet-wasm, if it does. */
const variants: Record<string, WriterSettings & { declines?: RegExp }> = {
  'data page v1, snappy, dictionaries': {},
  'data page v2, gzip': { version: 'v2', compression: 'GZIP' },
  'uncompressed, no dictionaries (PLAIN)': { compression: 'UNCOMPRESSED', dictionary: false },
  'v1, several pages per chunk, dictionary falls back to PLAIN, 3,000-row row groups': { pageBytes: 512, dictionaryPageBytes: 256, rowGroupRows: 3_000 },
  'v2, snappy, several pages per chunk, 4,000-row row groups': { version: 'v2', pageBytes: 512, rowGroupRows: 4_000 },
  // arrow-rs's v2 writer falls back to DELTA_* encodings: a page the decoder meets mid-read.
  'v2, dictionary falls back to DELTA encodings': { version: 'v2', pageBytes: 512, dictionaryPageBytes: 256, rowGroupRows: 4_000, declines: /value encoding DELTA_BINARY_PACKED/ },
};

function metadataOf(path: string): FileMetaData {
  const bytes = readFileSync(path);
  return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

describe.each(Object.entries(variants))('a file written with %s', (name, { declines, ...settings }) => {
  const expectDeclines = (got: { declines: string[]; fast: number; batches: unknown[] }) => {
    if (declines === undefined) {
      expect(got.declines).toEqual([]);
      expect(got.fast).toBe(got.batches.length);
    } else {
      // Declined at a page: that row group and the rest come from parquet-wasm.
      expect(got.declines).toHaveLength(1);
      expect(got.declines[0]).toMatch(declines);
    }
  };
  const path = join(dir, `${name.replace(/\W+/g, '-')}.parquet`);
  writeSample(path, table, settings);

  it(`decodes every column as parquet-wasm does${declines ? ', declining DELTA pages' : ', without declining'}`, async () => {
    const opened = await openFile(path);
    try {
      for (const batchSize of [1_000, 4_096, 65_536]) {
        const got = await flatRead(opened, columns, batchSize);
        expectDeclines(got);
        expectSameBatches(got.batches, await wasmRead(opened, columns, batchSize), `${name} batch ${batchSize}`);
        expect(got.batches.reduce((n, b) => n + b.numRows, 0)).toBe(ROWS);
      }
      // One column at a time, with its NULLs where the table has them.
      for (const column of columns) {
        const got = await flatRead(opened, [column], 777);
        expectSameBatches(got.batches, await wasmRead(opened, [column], 777), `${name} ${column}`);
        const want = table.getChild(column) as arrow.Vector;
        const values = got.batches.flatMap((b) => [...(b.getChildAt(0) as arrow.Vector)]);
        expect(values.filter((v) => v === null).length, `${name} ${column} NULLs`).toBe(want.nullCount);
      }
    } finally {
      opened.file.free();
    }
  });

  it('answers a distinct-values read of one column with each of its values, once per row group where the chunk is dictionary-coded', async () => {
    const groups = metadataOf(path).row_groups.length;
    const opened = await openFile(path);
    const key = (v: unknown) => (v === null ? 'NULL' : v instanceof Uint8Array ? `bytes:${[...v].join(',')}` : String(v));
    try {
      for (const column of columns) {
        const got = await flatRead(opened, [column], 777, { distinctValues: true });
        const values = got.batches.flatMap((b) => [...(b.getChildAt(0) as arrow.Vector)].map(key));
        const want = [...(table.getChild(column) as arrow.Vector)].map(key);
        expect(new Set(values), `${name} ${column}`).toEqual(new Set(want));
        if (column === 's' && settings.dictionary !== false && settings.dictionaryPageBytes === undefined) {
          // 37 tickers and NULL: at most 38 rows per row group instead of every row.
          expect(got.declines).toEqual([]);
          expect(values.length, `${name} s`).toBeLessThanOrEqual(38 * groups);
        }
        // Without a dictionary (PLAIN), or once it falls back to PLAIN, the chunk comes whole.
        if (settings.dictionary === false || (['s', 'u'].includes(column) && settings.dictionaryPageBytes !== undefined && declines === undefined)) {
          expect(values.length, `${name} ${column}`).toBe(ROWS);
        }
      }
    } finally {
      opened.file.free();
    }
  });

  it('answers a read narrowed to key sets with exactly the rows whose keys are in every set', async () => {
    const opened = await openFile(path);
    const all = await wasmRead(opened, columns, 65_536);
    try {
      const cases: { what: string; sets: { column: string; values: number[] }[] }[] = [
        // Every 9th day of the 4,000 (NULLs in `d` never match).
        { what: 'a date column with NULLs', sets: [{ column: 'd', values: Array.from({ length: 445 }, (_, k) => 10_957 + 9 * k) }] },
        { what: 'a REQUIRED int column and a nullable int8 one', sets: [{ column: 'req', values: Array.from({ length: 3_000 }, (_, k) => 3 * k + 1) }, { column: 'i8', values: [-128, -1, 0, 5, 127] }] },
        { what: 'a set no row holds', sets: [{ column: 'req', values: [-5, ROWS + 10] }] },
        // One set over a column without NULLs: read run by run from its codes where dictionary-coded (key-set.ts selectRowsInSet).
        { what: 'one REQUIRED int column', sets: [{ column: 'req', values: Array.from({ length: 2_000 }, (_, k) => 5 * k + 2) }] },
      ];
      for (const { what, sets } of cases) {
        const got = await flatRead(opened, columns, 4_096, { keySets: sets.map(({ column, values }) => keySetOf(column, values)) });
        if (declines === undefined) expect(got.declines, what).toEqual([]);
        expect(got.batches.every((b) => b.numRows > 0 && b.numRows <= 4_096), what).toBe(true);
        const wanted = rowsInSets(all, sets);
        // Row groups the fallback (parquet-wasm) answered come whole: compare the rows in the sets.
        const gotRows = rowsInSets(got.batches, sets);
        if (declines === undefined) expect(gotRows.length, `${name}, ${what}: rows`).toBe(got.batches.reduce((n, b) => n + b.numRows, 0));
        for (const column of columns) {
          const want = valuesOf(all, column);
          const values = valuesOf(got.batches, column);
          expect(gotRows.map((row) => comparable(values[row])), `${name}, ${what}: ${column}`).toEqual(wanted.map((row) => comparable(want[row])));
        }
      }
      expect(rowsInSets(all, [{ column: 'd', values: [10_957 + 9] }]).length).toBeGreaterThan(0); // the sets do select rows
    } finally {
      opened.file.free();
    }
  });

  it('reads only the requested row groups, in order', async () => {
    const groups = metadataOf(path).row_groups.length;
    const opened = await openFile(path);
    try {
      const subsets = groups > 2 ? [[1], [0, 2], [groups - 1]] : [[0]];
      for (const rowGroups of subsets) {
        const got = await flatRead(opened, ['s', 'i64', 'b'], 1_000, { rowGroups });
        if (declines === undefined) expectDeclines(got);
        expectSameBatches(got.batches, await wasmRead(opened, ['s', 'i64', 'b'], 1_000, rowGroups), `${name} row groups ${rowGroups.join(',')}`);
      }
    } finally {
      opened.file.free();
    }
  });
});

/** A key set of `values` on `column` (the bitmap form the decoder takes). */
function keySetOf(column: string, values: readonly number[]): KeySet {
  const min = Math.min(...values);
  const bits = new Uint8Array(((Math.max(...values) - min) >> 3) + 1);
  for (const v of values) bits[(v - min) >> 3]! |= 1 << ((v - min) & 7);
  return { column, min, bits };
}

/** A column's values over the batches (dates as days). */
function valuesOf(batches: readonly arrow.RecordBatch[], column: string): unknown[] {
  const values = batches.flatMap((b) => [...(b.getChild(column) as arrow.Vector)]);
  return column === 'd' ? values.map((v) => (v === null ? null : Number(v) / 86_400_000)) : values;
}

/** The rows of the batches whose keys are in every set (NULL is in none). */
function rowsInSets(batches: readonly arrow.RecordBatch[], sets: readonly { column: string; values: number[] }[]): number[] {
  const keys = sets.map(({ column, values }) => ({ column: valuesOf(batches, column), members: new Set(values) }));
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  return Array.from({ length: rows }, (_, i) => i).filter((i) => keys.every(({ column, members }) => column[i] !== null && members.has(Number(column[i]))));
}

/** A value in a form `toEqual` compares by content. */
function comparable(v: unknown): unknown {
  return v instanceof Uint8Array ? [...v] : v;
}

describe('columns whose Arrow type is not the Parquet bytes as they are', () => {
  it('are declined at planning and read by parquet-wasm', async () => {
    const path = join(dir, 'declined.parquet');
    const n = 100;
    const declined = new arrow.Table({
      // Parquet has no seconds: arrow-rs stores plain INT64 and types it from its embedded schema.
      ts_s: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => 1_600_000_000_000 + i * 1000), new arrow.TimestampSecond('UTC')),
      u32: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => 4_000_000_000 + i), new arrow.Uint32()),
      large: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `v${i}`), new arrow.LargeUtf8()),
    });
    writeSample(path, declined, {});
    const opened = await openFile(path);
    const reasons: Record<string, RegExp> = {
      ts_s: /^column ts_s: INT64 as Timestamp<SECOND/,
      u32: /INT32 UINT_32 INTEGER as Uint32/,
      large: /BYTE_ARRAY UTF8 STRING as LargeUtf8/,
    };
    try {
      for (const [column, reason] of Object.entries(reasons)) {
        const got = await flatRead(opened, [column], 64);
        expect(got.declines, column).toHaveLength(1);
        expect(got.declines[0], column).toMatch(reason);
        expect(got.fast).toBe(0);
        expectSameBatches(got.batches, await wasmRead(opened, [column], 64), column);
      }
    } finally {
      opened.file.free();
    }
  });
});

describe('the generated files exercise what they claim', () => {
  it('several row groups and pages, a dictionary that falls back to PLAIN, data page v2', () => {
    const fallback = metadataOf(join(dir, 'v1-several-pages-per-chunk-dictionary-falls-back-to-PLAIN-3-000-row-row-groups.parquet'));
    expect(fallback.row_groups.length).toBe(Math.ceil(ROWS / 3_000));
    const u = fallback.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema[0] === 'u')?.meta_data;
    // Dictionary pages first, then PLAIN pages once the dictionary is full.
    expect(u?.encodings).toEqual(expect.arrayContaining(['PLAIN', 'RLE_DICTIONARY']));
    expect(u?.encoding_stats?.some((s) => s.page_type === 'DATA_PAGE' && s.encoding === 'PLAIN')).toBe(true);
    expect(u?.encoding_stats?.filter((s) => s.page_type === 'DATA_PAGE').reduce((n, s) => n + s.count, 0)).toBeGreaterThan(2);
    const pages = metadataOf(join(dir, 'v2-snappy-several-pages-per-chunk-4-000-row-row-groups.parquet'));
    expect(pages.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema[0] === 'f64')?.meta_data?.encoding_stats?.find((s) => s.page_type === 'DATA_PAGE_V2')?.count).toBeGreaterThan(2);
    const v2 = metadataOf(join(dir, 'data-page-v2-gzip.parquet'));
    expect(v2.row_groups[0]?.columns[0]?.meta_data?.codec).toBe('GZIP');
    expect(v2.row_groups[0]?.columns.flatMap((c) => c.meta_data?.encoding_stats ?? []).some((s) => s.page_type === 'DATA_PAGE_V2')).toBe(true);
  });
});
