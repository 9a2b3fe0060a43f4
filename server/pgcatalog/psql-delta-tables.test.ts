import { describe, expect, it } from 'vitest';
import { useServerAndOracle } from './testing/server-and-oracle.js';
import { runPsql } from '../pgwire/testing/psql.js';

// psql's \d and \d+ on partitioned Delta tables and tables with properties, against what a real
// PostgreSQL 15 prints for a plain table of the same columns. A Delta partition is a value of
// the partition columns, not a relation, so the table is a plain table ("Table", relkind r), not
// PostgreSQL's "Partitioned table" with "Number of partitions: 0"; \d+ lists the partition
// columns and the Delta table properties where psql prints a table's storage options.

const pg = useServerAndOracle(['CREATE TABLE basic_partitioned (letter text, number bigint, a_float double precision)']);

const ours = async (command: string) => {
  const run = await runPsql(pg.server.port, ['-c', command], { user: 'postgres', database: 'postgres' });
  expect(run.stderr).toBe('');
  return run.stdout;
};

describe('psql \\d on Delta tables', () => {
  it('\\d of a partitioned table prints what PostgreSQL prints for the same plain table', async () => {
    expect(await ours('\\d basic_partitioned')).toBe(pg.oracle.psql('postgres', ['-c', '\\d basic_partitioned']).stdout);
  });

  it('\\d+ adds the partition columns as the table\'s Options', async () => {
    const postgres = pg.oracle.psql('postgres', ['-c', '\\d+ basic_partitioned']).stdout;
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
