import { describe, expect, it } from 'vitest';
import { parseSlt, SltSyntaxError } from './parse.js';
import { runFile, type Engine, type EngineResult } from './run.js';
import { normalizeReal, pgFloat8Text } from './values.js';

const FILE = `# description: demo
# oracle: PostgreSQL 15

statement ok
SELECT 1

statement error 42P01 position=15 relation "nope"
SELECT * FROM nope

# oracle-sql: SELECT 'x'
query IRT rowsort
SELECT a, b,
  c FROM t
----
2	0.30000000000000004	(empty)
1	NULL	x

query I
SELECT 1
`;

/** An engine answering from a table of canned results (or errors) keyed by SQL. */
function canned(answers: Record<string, EngineResult | { sqlstate: string; message: string; position?: number }>): Engine {
  return {
    name: 'fake',
    usesOracleSql: false,
    run: async (sql) => {
      const a = answers[sql];
      if (a === undefined) throw new Error(`unexpected SQL ${sql}`);
      if ('sqlstate' in a) throw Object.assign(new Error(a.message), a);
      return a;
    },
  };
}

describe('parseSlt', () => {
  it('reads headers, statements, errors with SQLSTATE/position/message, queries with oracle spellings', () => {
    const file = parseSlt('demo.slt', FILE);
    expect(file.description).toBe('demo');
    expect(file.oracle).toBe('PostgreSQL 15');
    expect(file.records.map((r) => r.kind)).toEqual(['statement-ok', 'statement-error', 'query', 'query']);
    expect(file.records[1]).toMatchObject({ line: 7, sqlstate: '42P01', position: 15, message: 'relation "nope"' });
    expect(file.records[2]).toMatchObject({ line: 11, types: 'IRT', sort: 'rowsort', sql: 'SELECT a, b,\n  c FROM t', oracleSql: "SELECT 'x'" });
    expect(file.records[3]).toMatchObject({ expected: [], hasSeparator: false });
  });

  it('names the line of a malformed record', () => {
    expect(() => parseSlt('bad.slt', 'query Q\nSELECT 1\n')).toThrow(SltSyntaxError);
    expect(() => parseSlt('bad.slt', '\nfoo\n')).toThrow('bad.slt:2');
  });
});

describe('values', () => {
  it('prints floats as PostgreSQL does and compares reals at 10 significant digits', () => {
    expect(pgFloat8Text(1e21)).toBe('1e+21');
    expect(pgFloat8Text(0.00001)).toBe('1e-05');
    expect(pgFloat8Text(123.5)).toBe('123.5');
    expect(normalizeReal('0.30000000000000004')).toBe('0.3');
    expect(normalizeReal('3.3333333333333333')).toBe('3.333333333');
    expect(normalizeReal('NULL')).toBe('NULL');
    expect(normalizeReal('abc')).toBe('abc');
  });
});

describe('runFile', () => {
  const results = {
    'SELECT 1': { width: 1, rows: [['1']] },
    'SELECT * FROM nope': { sqlstate: '42P01', message: 'relation "nope" does not exist', position: 15 },
    'SELECT a, b,\n  c FROM t': { width: 3, rows: [['1', null, 'x'], ['2', '0.3', '']] },
  };

  it('passes when rows match after sorting, NULL/(empty) rendering and real rounding', async () => {
    const outcome = await runFile(parseSlt('demo.slt', FILE), canned(results));
    expect(outcome.failures.map((f) => `${f.line} ${f.problem}`)).toEqual(['18 result mismatch']);
    expect(outcome.passed).toBe(3);
  });

  it('reports a wrong SQLSTATE and a wrong column count with file:line', async () => {
    const outcome = await runFile(
      parseSlt('demo.slt', FILE),
      canned({ ...results, 'SELECT * FROM nope': { sqlstate: '42703', message: 'x' }, 'SELECT a, b,\n  c FROM t': { width: 2, rows: [] } }),
    );
    expect(outcome.failures.map((f) => `${f.file}:${f.line}`)).toEqual(['demo.slt:7', 'demo.slt:11', 'demo.slt:18']);
    expect(outcome.failures[0]!.problem).toContain('SQLSTATE 42703');
  });

  it('rewrites expected rows in complete mode, adding a missing separator', async () => {
    const outcome = await runFile(parseSlt('demo.slt', FILE), canned(results), { complete: true });
    expect(outcome.failures).toEqual([]);
    expect(outcome.completed).toContain('----\n1\tNULL\tx\n2\t0.3\t(empty)\n\nquery I\nSELECT 1\n----\n1\n');
  });
});
