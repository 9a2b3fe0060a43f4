import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { Session } from '../../server/session.js';
import { Warehouse } from '../../storage/warehouse.js';
import { runSql, sqlError, type StatementResult } from './testing/run-sql.js';

let dir: string;
let warehouse: Warehouse;
let session: Session;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deltasql-commands-'));
  warehouse = new Warehouse(dir);
  session = new Session(warehouse);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const result = (sql: string): Promise<StatementResult> => runSql(session, sql);
const rows = async (sql: string) => (await result(sql)).rows;
const error = (sql: string): Promise<SqlError> => sqlError(session, sql);

describe('Delta commands through SQL', () => {
  it('DESCRIBE DETAIL answers Delta\'s columns', async () => {
    await rows("CREATE TABLE d (id INT, p STRING) PARTITIONED BY (p) TBLPROPERTIES ('delta.appendOnly' = 'false') COMMENT 'demo'");
    await rows("INSERT INTO d VALUES (1, 'a'), (2, 'b')");
    const r = await result('DESCRIBE DETAIL d');
    expect(r.names).toEqual(['format', 'id', 'name', 'description', 'location', 'createdAt', 'lastModified', 'partitionColumns', 'clusteringColumns', 'numFiles', 'sizeInBytes', 'properties', 'minReaderVersion', 'minWriterVersion', 'tableFeatures']);
    const row = r.rows[0] as unknown[];
    expect([row[0], row[2], row[3], row[4], row[7], row[9]]).toEqual(['delta', 'd', 'demo', join(dir, 'd'), ['p'], 2n]);
    expect(row[11]).toEqual([['delta.appendOnly', 'false']]);
  });

  it('OPTIMIZE compacts small files into one, keeps the rows, and RESTORE goes back', async () => {
    await rows('CREATE TABLE o (id INT, v STRING)');
    for (let k = 0; k < 5; k++) await rows(`INSERT INTO o VALUES (${k}, 'v${k}')`);
    const before = await rows('SELECT id, v FROM o ORDER BY id');
    const r = await result('OPTIMIZE o');
    expect(r.names).toEqual(['path', 'metrics']);
    const metrics = (r.rows[0] as unknown[])[1] as Record<string, unknown>;
    expect([metrics.numFilesAdded, metrics.numFilesRemoved]).toEqual([1n, 5n]);
    expect((await (await warehouse.openTable({ kind: 'named', name: 'o' })).latest()).files).toHaveLength(1);
    expect(await rows('SELECT id, v FROM o ORDER BY id')).toEqual(before);
    await rows('DELETE FROM o WHERE id < 3');
    const restored = await result('RESTORE TABLE o TO VERSION AS OF 5');
    expect(restored.names).toEqual(['table_size_after_restore', 'num_of_files_after_restore', 'num_removed_files', 'num_restored_files', 'removed_files_size', 'restored_files_size']);
    expect(await rows('SELECT id, v FROM o ORDER BY id')).toEqual(before);
  });

  it('OPTIMIZE WHERE takes partition predicates only', async () => {
    await rows('CREATE TABLE op (id INT, d DATE) PARTITIONED BY (d)');
    for (let k = 0; k < 3; k++) await rows(`INSERT INTO op VALUES (${k}, '2024-01-01'), (${k + 10}, '2024-01-02')`);
    const r = await result("OPTIMIZE op WHERE d = '2024-01-01'");
    const metrics = (r.rows[0] as unknown[])[1] as Record<string, unknown>;
    expect([metrics.numFilesAdded, metrics.numFilesRemoved, metrics.partitionsOptimized]).toEqual([1n, 3n, 1n]);
    const e = await error('OPTIMIZE op WHERE id > 1');
    expect(e.message).toBe("Predicate references non-partition column 'id'. Only the partition columns may be referenced: [d]");
  });

  it('VACUUM refuses a retention below the table\'s and lists files with DRY RUN', async () => {
    await rows('CREATE TABLE v (id INT)');
    await rows('INSERT INTO v VALUES (1)');
    await rows('INSERT OVERWRITE v VALUES (2)');
    const refused = await error('VACUUM v RETAIN 0 HOURS');
    expect(refused.message).toMatch(/retention/i);
    const dry = await result('VACUUM v DRY RUN');
    expect(dry.names).toEqual(['path']);
    expect(dry.rows).toEqual([]);
    expect(await rows('VACUUM v')).toEqual([[join(dir, 'v')]]);
  });
});
