/**
 * A hash join's runtime filter end to end (executor/operators/hash-join/runtime-filter.ts): SQL
 * through the Session over a real Delta table of the corpus, `parsed-stats` (6 appends of 100
 * rows, ids 1–600 in order, each file with min/max stats). The build side's key range reaches
 * the probe scan, storage skips the files outside it, and the answer is the one a plain filter
 * gives.
 */
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../storage/testing/corpus.js';
import { Warehouse } from '../storage/warehouse.js';
import { jsonRows } from './encode/index.js';
import { Session } from './session.js';

const session = new Session(new Warehouse(CORPUS_DIR));

async function rows(sql: string): Promise<unknown[][]> {
  const result = await session.execute(sql);
  const out: unknown[][] = [];
  for await (const batch of result.batches) for (const row of jsonRows(batch)) out.push(row);
  return out;
}

/** EXPLAIN ANALYZE's lines with the timings taken out. */
async function analyzed(sql: string): Promise<string[]> {
  return (await rows(`EXPLAIN ANALYZE ${sql}`)).map((r) => String(r[0]).replace(/ time=[\d.]+ ms/g, '')).filter((l) => !l.startsWith('Execution Time'));
}

describe('hash join runtime filter over a Delta table', () => {
  it('reads only the file holding the build keys’ range (100 of 600 rows)', async () => {
    const join = 'SELECT p.id, p.name FROM "parsed-stats" p JOIN (VALUES (150), (160), (170)) v(id) ON p.id = v.id';
    expect(await analyzed(join)).toEqual([
      'Projection: id, name (rows=3)',
      '  HashJoin: type=inner on=[id = CAST(id AS int8)] runtime_filter=[id] output=[id, name] (rows=3)',
      // One file read; its one row group is consulted (footer) and kept.
      '    Scan: parsed-stats version=5 columns=[id, name] row_groups=1/1 skipped_by_stats=0 (rows=100)',
      '    Values: rows=3 columns=1 (rows=3)',
    ]);
    const expected = await rows('SELECT id, name FROM "parsed-stats" WHERE id IN (150, 160, 170) ORDER BY id');
    expect(expected.length).toBe(3);
    expect(await rows(`${join} ORDER BY p.id`)).toEqual(expected);
  });

  it('spans the files between the smallest and largest key', async () => {
    const lines = await analyzed('SELECT p.id FROM "parsed-stats" p JOIN (VALUES (120), (350)) v(id) ON p.id = v.id');
    expect(lines[2]).toBe('    Scan: parsed-stats version=5 columns=[id] row_groups=3/3 skipped_by_stats=0 (rows=300)');
  });

  it('reads every row for a LEFT join, whose unmatched probe rows are output', async () => {
    const lines = await analyzed('SELECT p.id, v.id FROM "parsed-stats" p LEFT JOIN (VALUES (150)) v(id) ON p.id = v.id');
    expect(lines[1]).toBe('  HashJoin: type=left on=[id = CAST(id AS int8)] (rows=600)');
    expect(lines[2]).toBe('    Scan: parsed-stats version=5 columns=[id] (rows=600)');
  });
});
