import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../storage/testing/corpus.js';
import { Warehouse } from '../storage/warehouse.js';
import { Session, type QueryResult } from './session.js';

// A query whose buffering operator outgrows its memory fails with 53200 and the session (and the
// process) go on serving. The budget is set tiny here; the default is a quarter of the machine.
async function drain(result: QueryResult): Promise<number> {
  let rows = 0;
  for await (const batch of result.batches) rows += batch.numRows;
  return rows;
}

afterEach(() => {
  delete process.env.DELTASQL_OPERATOR_MEMORY_MB;
});

describe('operator memory limits', () => {
  const session = new Session(new Warehouse(CORPUS_DIR));

  it.each([
    ['window', 'SELECT "IntegerType", row_number() OVER (ORDER BY "StringType") FROM "parquet-all-types"'],
    // A join build side spills (executor/operators/hash-join/grace.ts) but cannot split two keys.
    ['hash join build side', 'SELECT a."IntegerType", b."StringType" FROM "parquet-all-types" a JOIN "parquet-all-types" b ON a."BooleanType" = b."BooleanType"'],
  ])('a %s past its budget is 53200 naming the operator; the next query runs', async (what, sql) => {
    process.env.DELTASQL_OPERATOR_MEMORY_MB = '0.0005'; // 512 bytes
    await expect(session.execute(sql).then(drain)).rejects.toMatchObject({
      sqlstate: '53200',
      message: expect.stringContaining(`the ${what} needs more than`),
      hint: expect.stringContaining('DELTASQL_OPERATOR_MEMORY_MB'),
    });
    delete process.env.DELTASQL_OPERATOR_MEMORY_MB;
    expect(await drain(await session.execute(sql))).toBeGreaterThan(0);
  });

  it('spills a sort past its budget to disk (executor/spill/) and answers what the unlimited sort does', async () => {
    const sql = 'SELECT * FROM "parquet-all-types" ORDER BY "StringType" DESC, "IntegerType"';
    const rows = async (): Promise<unknown[][]> => {
      const out: unknown[][] = [];
      for await (const batch of (await session.execute(sql)).batches) for (const row of batch) out.push(Object.values(row?.toJSON() ?? {}));
      return out;
    };
    const unlimited = await rows();
    process.env.DELTASQL_OPERATOR_MEMORY_MB = '0.0005'; // 512 bytes
    const spillDir = mkdtempSync(join(tmpdir(), 'deltasql-spill-base-'));
    process.env.DELTASQL_SPILL_DIR = spillDir;
    try {
      expect(unlimited.length).toBeGreaterThan(0);
      expect(await rows()).toEqual(unlimited);
    } finally {
      delete process.env.DELTASQL_SPILL_DIR;
      rmSync(spillDir, { recursive: true, force: true });
    }
  });

  it('leaves streaming queries (top-N, filters) alone under the same budget', async () => {
    process.env.DELTASQL_OPERATOR_MEMORY_MB = '0.002';
    expect(await drain(await session.execute('SELECT "IntegerType" FROM "parquet-all-types" WHERE "IntegerType" > 10 ORDER BY "IntegerType" LIMIT 3'))).toBe(3);
  });
});
