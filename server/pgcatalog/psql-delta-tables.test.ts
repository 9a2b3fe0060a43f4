import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { startPgServer, type PgServer } from '../pgwire/server.js';
import { runPsql } from '../pgwire/testing/psql.js';
import { CORPUS } from '../testing/cli.js';
import { PostgresOracle } from './testing/postgres-oracle.js';

// psql's \d and \d+ on partitioned Delta tables and tables with properties, against what a real
// PostgreSQL 15 prints for a plain table of the same columns. A Delta partition is a value of
// the partition columns, not a relation, so the table is a plain table ("Table", relkind r), not
// PostgreSQL's "Partitioned table" with "Number of partitions: 0"; \d+ lists the partition
// columns and the Delta table properties where psql prints a table's storage options.

let server: PgServer;
let oracle: PostgresOracle;
beforeAll(async () => {
  server = await startPgServer({ catalog: new Warehouse(CORPUS), port: 0 });
  oracle = new PostgresOracle();
  oracle.start();
  expect(oracle.psql('postgres', ['-c', 'CREATE TABLE basic_partitioned (letter text, number bigint, a_float double precision)']).status).toBe(0);
});
afterAll(async () => {
  oracle.stop();
  await server.close();
});

const ours = async (command: string) => {
  const run = await runPsql(server.port, ['-c', command], { user: 'postgres', database: 'postgres' });
  expect(run.stderr).toBe('');
  return run.stdout;
};

describe('psql \\d on Delta tables', () => {
  it('\\d of a partitioned table prints what PostgreSQL prints for the same plain table', async () => {
    expect(await ours('\\d basic_partitioned')).toBe(oracle.psql('postgres', ['-c', '\\d basic_partitioned']).stdout);
  });

  it('\\d+ adds the partition columns as the table\'s Options', async () => {
    const postgres = oracle.psql('postgres', ['-c', '\\d+ basic_partitioned']).stdout;
    expect(postgres.endsWith('Access method: heap\n\n')).toBe(true);
    expect(await ours('\\d+ basic_partitioned')).toBe(postgres.replace(/\n\n$/, '\nOptions: partitionColumns=letter\n\n'));
  });

  it('\\d+ lists the Delta table properties, sorted by name, after the partition columns', async () => {
    expect((await ours('\\d+ "cdf-table"')).split('\n').filter((l) => /^(Options|Access method):/.test(l))).toEqual([
      'Access method: heap',
      'Options: partitionColumns=birthday, delta.enableChangeDataFeed=true',
    ]);
    expect((await ours('\\d+ table_with_column_mapping')).split('\n').find((l) => l.startsWith('Options:'))).toBe(
      'Options: partitionColumns=Company Very Short, delta.autoOptimize.optimizeWrite=true, delta.columnMapping.maxColumnId=2, delta.columnMapping.mode=name, delta.targetFileSize=33554432, delta.tuneFileSizesForRewrites=true',
    );
    // A table with neither has no Options line, as in PostgreSQL.
    expect(await ours('\\d+ simple_table')).not.toContain('Options:');
  });
});
