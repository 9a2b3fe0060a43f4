import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../../server/session.js';
import { Warehouse } from '../../storage/warehouse.js';

/**
 * The CommandComplete tags (the row counts of INSERT / UPDATE / DELETE / MERGE / CTAS) of the
 * `statement ok` records of sql-tests/write/*.slt, run in order on a copy of the golden
 * warehouse, against the tags PostgreSQL 15.18 printed for the same statements on the same data
 * (psql -c, one statement at a time, on the oracle database of sql-tests/oracle; the .slt files
 * check the rows each statement leaves, this checks the counts the runner cannot see).
 */
const POSTGRES_TAGS: Record<string, readonly string[]> = {
  'dml.slt': ['SELECT 18', 'UPDATE 5', 'UPDATE 4', 'DELETE 3', 'INSERT 0 2', 'INSERT 0 6', 'SELECT 6', 'INSERT 0 2', 'MERGE 8', 'UPDATE 6', 'DELETE 25', 'DROP TABLE', 'DROP TABLE'],
  'merge.slt': ['SELECT 18', 'SELECT 9', 'MERGE 7', 'MERGE 2', 'MERGE 1', 'DROP TABLE', 'DROP TABLE'],
};

const SQL_TESTS = resolve(import.meta.dirname, '../../sql-tests');

async function statements(file: string): Promise<string[]> {
  const text = await readFile(join(SQL_TESTS, 'write', file), 'utf8');
  return text
    .split(/\n\s*\n/)
    .map((record) => record.trim().split('\n').filter((l) => l !== '' && !l.startsWith('#')))
    .filter((lines) => lines[0] === 'statement ok')
    .map((lines) => lines.slice(1).join('\n'));
}

describe('command tags agree with PostgreSQL 15', () => {
  for (const [file, expected] of Object.entries(POSTGRES_TAGS)) {
    it(`sql-tests/write/${file}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'deltasql-tags-'));
      try {
        await cp(join(SQL_TESTS, 'data', 'warehouse'), dir, { recursive: true });
        const session = new Session(new Warehouse(dir));
        const tags: string[] = [];
        for (const sql of await statements(file)) {
          const r = await session.execute(sql);
          for await (const _ of r.batches) { /* drain */ }
          tags.push(r.commandTag);
        }
        expect(tags).toEqual(expected);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
