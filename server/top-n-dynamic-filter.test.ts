/**
 * Top-N's dynamic filter (executor/operators/top-n-boundary.ts), end to end: a Delta table of 8
 * files that DuckDB wrote, file k holding v = (7 − k)·10000 + i for i in 0…4095 in 2 row groups,
 * the last file with 5 NULLs in its first row group. Scanning in file order, `ORDER BY v DESC
 * LIMIT 5` knows its boundary (74091) after the first file, so the files starting after it (the
 * scan has 5 under way at once) are skipped: by their Delta stats when the log has them, else
 * row group by row group from their footers — except where NULLs sort first and hold a NULL.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../storage/warehouse.js';
import { jsonRows } from './encode/index.js';
import { Session } from './session.js';

const root = mkdtempSync(join(tmpdir(), 'deltasql-top-n-'));
const FILES = 8;
let session: Session;

/** A Delta table `name` over the 8 files, with or without `stats` on its add actions. */
function writeLog(name: string, files: readonly string[], stats: readonly object[] | undefined): void {
  mkdirSync(join(root, name, '_delta_log'), { recursive: true });
  const fields = [['v', 'long'], ['tag', 'string']].map(([field, type]) => ({ name: field, type, nullable: true, metadata: {} }));
  const actions: object[] = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: name, format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify({ type: 'struct', fields }), partitionColumns: [], configuration: {}, createdTime: 0 } },
  ];
  files.forEach((file, k) => {
    const add = { path: `../data/${file}`, partitionValues: {}, size: statSync(join(root, 'data', file)).size, modificationTime: 0, dataChange: true };
    actions.push({ add: stats === undefined ? add : { ...add, stats: JSON.stringify(stats[k]) } });
  });
  writeFileSync(join(root, name, '_delta_log', '00000000000000000000.json'), actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
}

beforeAll(async () => {
  mkdirSync(join(root, 'data'));
  const duck: DuckDBConnection = await (await DuckDBInstance.create(':memory:')).connect();
  const files: string[] = [];
  const stats: object[] = [];
  try {
    for (let k = 0; k < FILES; k++) {
      const file = `part-${k}.parquet`;
      const base = (FILES - 1 - k) * 10_000;
      const last = k === FILES - 1;
      // The last file: rows 0, 500, …, 2000 (its first row group) NULL.
      const v = last ? `CASE WHEN i < 2048 AND i % 500 = 0 THEN NULL ELSE ${base} + i END` : `${base} + i`;
      await duck.run(`COPY (SELECT (${v})::BIGINT AS v, 't' || (i % 3) AS tag FROM range(4096) t(i)) TO '${join(root, 'data', file)}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
      files.push(file);
      stats.push({ numRecords: 4096, minValues: { v: base + (last ? 1 : 0) }, maxValues: { v: base + 4095 }, nullCount: { v: last ? 5 : 0 } });
    }
  } finally {
    duck.closeSync();
  }
  writeLog('with_stats', files, stats);
  writeLog('without_stats', files, undefined);
  session = new Session(new Warehouse(root));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function rows(sql: string): Promise<unknown[][]> {
  const result = await session.execute(sql);
  const out: unknown[][] = [];
  for await (const batch of result.batches) for (const row of jsonRows(batch)) out.push(row);
  return out;
}

/** EXPLAIN ANALYZE's TopN and Scan lines, timings and row counts taken out. */
async function plan(sql: string): Promise<{ topN: string; scan: string }> {
  const lines = (await rows(`EXPLAIN ANALYZE ${sql}`)).map((r) => String(r[0]).replace(/ \(rows=\d+ time=[\d.]+ ms\)/g, '').trim());
  return { topN: lines.find((l) => l.startsWith('TopN:')) ?? '', scan: lines.find((l) => l.startsWith('Scan:')) ?? '' };
}

describe('top-N dynamic filter', () => {
  it('skips the later files by their Delta stats once the boundary is known (NULLS LAST)', async () => {
    const sql = 'SELECT v FROM with_stats ORDER BY v DESC NULLS LAST LIMIT 5';
    expect(await rows(sql)).toEqual([[74095], [74094], [74093], [74092], [74091]]);
    const { topN, scan } = await plan(sql);
    expect(topN).toBe('TopN: fetch=5 v DESC NULLS LAST dynamic_filter=[v >= 74091]');
    // Files 0–4 started together, before any boundary; files 5, 6 and 7 hold nothing ≥ 74091.
    expect(scan).toBe('Scan: with_stats version=0 columns=[v] files_skipped_at_runtime=3');
  });

  it('keeps a file holding NULLs where NULLs sort first (the default for DESC)', async () => {
    const sql = 'SELECT v FROM with_stats ORDER BY v DESC LIMIT 8';
    expect(await rows(sql)).toEqual([[null], [null], [null], [null], [null], [74095], [74094], [74093]]);
    const { topN, scan } = await plan(sql);
    // The last boundary handed to the scan: file 0's 8th largest (the NULLs came after it).
    expect(topN).toBe('TopN: fetch=8 v DESC NULLS FIRST dynamic_filter=[v >= 74088 OR NULL]');
    // Files 5 and 6 skipped by their stats; file 7's stats count NULLs, so its footer is read:
    // its first row group holds them, its second (no NULL, nothing ≥ 74088) is skipped.
    expect(scan).toBe('Scan: with_stats version=0 columns=[v] row_groups=1/2 skipped_by_stats=1 files_skipped_at_runtime=2');
  });

  it('skips row groups by the footers when the log has no stats, and answers the same', async () => {
    const sql = 'SELECT v, tag FROM without_stats ORDER BY v DESC NULLS LAST, tag LIMIT 5';
    expect(await rows(sql)).toEqual([[74095, 't0'], [74094, 't2'], [74093, 't1'], [74092, 't0'], [74091, 't2']]);
    // The footers of files 5, 6 and 7 are read: none of their 6 row groups can beat 74091.
    expect((await plan(sql)).scan).toBe('Scan: without_stats version=0 columns=[v, tag] row_groups=0/6 skipped_by_stats=6');
    // With NULLs first, the last file's first row group (its NULLs) is read, its second is not.
    const first = 'SELECT v FROM without_stats ORDER BY v DESC LIMIT 8';
    expect(await rows(first)).toEqual([[null], [null], [null], [null], [null], [74095], [74094], [74093]]);
    expect((await plan(first)).scan).toBe('Scan: without_stats version=0 columns=[v] row_groups=1/6 skipped_by_stats=5');
  });

  it('skips nothing it needs: ascending, with an offset, under a filter, before it holds LIMIT rows', async () => {
    expect(await rows('SELECT v FROM with_stats ORDER BY v LIMIT 3')).toEqual([[1], [2], [3]]);
    expect(await rows('SELECT v FROM with_stats ORDER BY v DESC NULLS LAST LIMIT 2 OFFSET 4096')).toEqual([[64095], [64094]]);
    expect(await rows("SELECT v FROM without_stats WHERE tag = 't1' ORDER BY v DESC NULLS LAST LIMIT 2")).toEqual([[74093], [74090]]);
    // LIMIT 4098: no boundary until file 1 comes (file 0 holds 4,096 rows), so file 5, started
    // after file 0, is read; files 6 and 7, started after file 1, are skipped. The boundary is
    // set as top-N cuts back to its 4,098 rows: after file 1's first row group (60000…62047).
    const { topN, scan } = await plan('SELECT v FROM with_stats ORDER BY v DESC NULLS LAST LIMIT 4098');
    expect(topN).toBe('TopN: fetch=4098 v DESC NULLS LAST dynamic_filter=[v >= 62046]');
    expect(scan).toBe('Scan: with_stats version=0 columns=[v] files_skipped_at_runtime=2');
  });

  it('only for integer, date and timestamp keys that come straight from a scan column', async () => {
    expect((await plan('SELECT tag FROM with_stats ORDER BY tag DESC LIMIT 1')).topN).toBe('TopN: fetch=1 tag DESC NULLS FIRST');
    expect((await plan('SELECT v + 1 AS w FROM with_stats ORDER BY w DESC LIMIT 1')).topN).toBe('TopN: fetch=1 v + 1 DESC NULLS FIRST');
  });
});
