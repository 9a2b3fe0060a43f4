import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { Session } from '../../server/session.js';
import { Warehouse } from '../../storage/warehouse.js';
import { runSql } from './testing/run-sql.js';

/**
 * Two sessions (each with its own Warehouse, as two processes would have) writing one table at
 * the same time: what the SQL side declares to the transaction (`markRead`, blind appends) is
 * what lets storage's conflict check tell harmless races from lost updates.
 */
let dir: string;
let a: Session;
let b: Session;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deltasql-concurrent-'));
  a = new Session(new Warehouse(dir));
  b = new Session(new Warehouse(dir));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = async (session: Session, sql: string): Promise<string> => (await runSql(session, sql)).tag;
const rows = async (sql: string): Promise<unknown[][]> => (await runSql(a, sql)).rows;

describe('concurrent writers through SQL', () => {
  it('blind INSERTs from two sessions both land, in one gapless history', async () => {
    await run(a, 'CREATE TABLE t (id INT)');
    const inserts = Array.from({ length: 10 }, (_, i) => run(i % 2 === 0 ? a : b, `INSERT INTO t VALUES (${i})`));
    expect(await Promise.all(inserts)).toEqual(Array.from({ length: 10 }, () => 'INSERT 0 1'));
    expect(await rows('SELECT count(*), sum(id) FROM t')).toEqual([[10n, 45n]]);
    expect(await rows('SELECT count(*) FROM t VERSION AS OF 10')).toEqual([[10n]]);
  });

  it('two UPDATEs of the same row: one wins, the other is 40001 or applies after it, never a lost update', async () => {
    await run(a, 'CREATE TABLE c (id INT, n INT)');
    await run(a, 'INSERT INTO c VALUES (1, 0)');
    const results = await Promise.allSettled([run(a, 'UPDATE c SET n = n + 1 WHERE id = 1'), run(b, 'UPDATE c SET n = n + 1 WHERE id = 1')]);
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    for (const r of results) if (r.status === 'rejected') expect((r.reason as SqlError).sqlstate).toBe('40001');
    expect(await rows('SELECT id, n FROM c')).toEqual([[1, ok]]);
  });

  it('an UPDATE or MERGE of one partition does not conflict with appends to another', async () => {
    await run(a, 'CREATE TABLE p (id INT, part STRING, n INT) PARTITIONED BY (part)');
    await run(a, "INSERT INTO p VALUES (1, 'a', 0)");
    for (let round = 0; round < 5; round++) {
      const appends = Array.from({ length: 3 }, (_, i) => run(b, `INSERT INTO p VALUES (${100 + round * 3 + i}, 'b', 0)`));
      const [updated] = await Promise.all([run(a, "UPDATE p SET n = n + 1 WHERE part = 'a' AND id = 1"), ...appends]);
      expect(updated).toBe('UPDATE 1');
      const more = Array.from({ length: 3 }, (_, i) => run(b, `INSERT INTO p VALUES (${200 + round * 3 + i}, 'b', 0)`));
      const [merged] = await Promise.all([run(a, "MERGE INTO p USING (SELECT 1 AS id) s ON p.id = s.id AND p.part = 'a' WHEN MATCHED THEN UPDATE SET n = n + 10"), ...more]);
      expect(merged).toBe('MERGE 1');
    }
    expect(await rows("SELECT n FROM p WHERE part = 'a'")).toEqual([[55]]);
    expect(await rows("SELECT count(*) FROM p WHERE part = 'b'")).toEqual([[30n]]);
  });
});
