import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusTable, corpusTable, corpusTables } from '../../storage/testing/corpus.js';
import { BIN, CORPUS, REPO_ROOT, ensureBuilt, runCli } from '../testing/cli.js';

// These tests run the real built bin (`node dist/server/cli/main.js …`) as a child process.
beforeAll(() => ensureBuilt());

describe('deltasql usage', () => {
  it('prints help and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: deltasql');
    expect(run.stdout).toContain('query [options] <sql>');
    expect(run.stdout).toContain('demo');
  });

  it('prints help for a command', async () => {
    const run = await runCli(['query', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--format <format>');
    expect(run.stdout).toContain('--warehouse <dir>');
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it.each([
    [[], /missing command/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['query', '--bogus', '-w', '.', 'SELECT 1'], /unknown option '--bogus'/],
    [['query', '--fromat', 'json', '-w', '.', 'SELECT 1'], /unknown option '--fromat' \(Did you mean --format\?\)/],
    [['query', '-w', '.'], /missing required argument 'sql'/],
    [['query', 'SELECT 1'], /required option '--warehouse <dir>' not specified/],
    [['query', '-w'], /argument missing/],
    [['query', '-w', '.', '--format', 'xml', 'SELECT 1'], /argument 'xml' is invalid/],
    [['query', '-w', '.', 'SELECT 1', 'extra'], /too many arguments/],
    [['demo', '--nope'], /unknown option '--nope'/],
    [['query', '-w', '/no/such/dir', 'SELECT 1'], /warehouse "\/no\/such\/dir" is not a directory/],
  ])('%j is a usage error: exit 2 with one line', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ERROR: {2}/);
    expect(lines[0]).toMatch(message);
  });
});

// ── end to end over the shared corpus, as a user runs it ──

const withRows = corpusTables().filter((t) => Array.isArray(t.expected.rows));
const versionsWithRows = corpusTables().flatMap((t) => t.versions.filter((v) => v.rows && v.reconstructable !== false).map((v) => [t.name, v.version, v.rows!] as const));

/** Runs a query with --format json and returns its rows as objects keyed by column name. */
async function queryJson(warehouse: string, sql: string): Promise<Record<string, unknown>[]> {
  const run = await runCli(['query', '--warehouse', warehouse, '--format', 'json', sql]);
  expect(run.stderr, sql).toBe('');
  expect(run.code, sql).toBe(0);
  const doc = JSON.parse(run.stdout) as { columns: { name: string; type: string }[]; rows: unknown[][]; rowCount: number };
  expect(doc.rowCount).toBe(doc.rows.length);
  return doc.rows.map((row) => Object.fromEntries(doc.columns.map((c, i) => [c.name, row[i]])));
}

/** JSON text with object keys sorted, so rows compare regardless of column order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

describe('deltasql query over the corpus (end to end)', () => {
  it.concurrent.each(withRows.map((t) => [t.name, t] as const))('%s: --format json equals MANIFEST expected.rows as a multiset', async (name, table) => {
    const actual = (await queryJson(CORPUS, `SELECT * FROM ${quoteIdent(name)}`)).map(canonical);
    const expected = table.expected.rows!.map(canonical);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('refuses simple_table_features with 0A000 naming blahabl, in one line, exit 1', async () => {
    const run = await runCli(['query', '--warehouse', CORPUS, '--format', 'json', 'SELECT * FROM simple_table_features']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^ERROR: {2}.*blahabl.*\(SQLSTATE 0A000\)/);
  });

  it('reports an unknown table as 42P01, exit 1', async () => {
    const run = await runCli(['query', '-w', CORPUS, 'SELECT * FROM no_such_table']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERROR: {2}relation "no_such_table" does not exist.*\(SQLSTATE 42P01\)\n$/);
  });

  it('prints every format of the same result', async () => {
    const sql = 'SELECT * FROM simple_table';
    const [table, csv, ndjson] = await Promise.all(['table', 'csv', 'ndjson'].map((format) => runCli(['query', '-w', CORPUS, '--format', format, sql])));
    expect(table!.stdout).toMatch(/^ id\n----\n {2}\d\n {2}\d\n {2}\d\n\(3 rows\)\n$/);
    expect(csv!.stdout.split('\r\n').slice(0, 1)).toEqual(['id']);
    expect(csv!.stdout.split('\r\n').slice(1, 4).sort()).toEqual(['5', '7', '9']);
    expect(ndjson!.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown).sort((a, b) => canonical(a).localeCompare(canonical(b)))).toEqual([{ id: 5 }, { id: 7 }, { id: 9 }]);
  });

  it('travels back in time with VERSION AS OF', async () => {
    const run = await runCli(['query', '-w', CORPUS, '--format', 'json', 'SELECT * FROM simple_table VERSION AS OF 0']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { rows: number[][] }).rows.map((r) => r[0]).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it.concurrent.each(versionsWithRows)('%s VERSION AS OF %i equals MANIFEST', async (name, version, rows) => {
    const actual = await queryJson(CORPUS, `SELECT * FROM ${quoteIdent(name)} VERSION AS OF ${version}`);
    expect(actual.map(canonical).sort()).toEqual(rows.map(canonical).sort());
  });

  it('travels by TIMESTAMP AS OF over commit-file mtimes (simple_table copy, delta-rs assertion)', async () => {
    const root = copyCorpusTable('simple_table');
    const mtimes = ['2020-05-01T22:47:31-07:00', '2020-05-02T22:47:31-07:00', '2020-05-03T22:47:31-07:00', '2020-05-04T22:47:31-07:00', '2020-05-05T22:47:31-07:00'];
    mtimes.forEach((iso, v) => utimesSync(path.join(root, '_delta_log', `${String(v).padStart(20, '0')}.json`), new Date(iso), new Date(iso)));
    const manifest = corpusTable('simple_table');
    const ids = (rows: readonly Record<string, unknown>[]) => rows.map((r) => r.id as number).sort((a, b) => a - b);
    for (const [iso, version] of [['2020-05-02T23:47:31-07:00', 1], ['2020-05-05T21:47:31-07:00', 3], ['2020-05-05T22:47:31-07:00', 4]] as const) {
      const rows = await queryJson(path.dirname(root), `SELECT * FROM simple_table TIMESTAMP AS OF '${iso}'`);
      expect(ids(rows), iso).toEqual(ids(manifest.versions[version]!.rows!));
    }
    const late = await runCli(['query', '-w', path.dirname(root), "SELECT * FROM simple_table TIMESTAMP AS OF '2020-05-25T22:47:31-07:00'"]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^ERROR: {2}cannot time travel simple_table: the timestamp 2020-05-26T05:47:31.000Z is after the latest version \(version 4.*\(SQLSTATE 22023\)\n$/);
  });

  it('prints a command\'s tag as psql does, and notices on stderr', async () => {
    const created = await runCli(['query', '-w', CORPUS, 'CREATE TEMPORARY VIEW v AS SELECT 1 AS x']);
    expect(created).toMatchObject({ code: 0, stdout: 'CREATE VIEW\n', stderr: '' });
    const dropped = await runCli(['query', '-w', CORPUS, 'DROP VIEW IF EXISTS nope']);
    expect(dropped).toMatchObject({ code: 0, stdout: 'DROP VIEW\n', stderr: 'NOTICE:  view "nope" does not exist, skipping\n' });
  });

  it('runs the demo: creates the four jobs\' tables, prints a query of each, serves them and keeps them growing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'deltasql-demo-cli-')), 'warehouse');
    const child = spawn(process.execPath, [BIN, 'demo', '--warehouse', dir, '--pg-port', '0', '--http-port', '0', '--tick', '0.5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/serving PostgreSQL on 127\.0\.0\.1:\d+/.test(stdout) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toBe('');
    expect(stdout).toContain('created prices, fundamentals, variants, impressions, conversions, events');
    expect(stdout).toContain('deltasql> SELECT count(*) AS rows_at_version_0 FROM prices VERSION AS OF 0;\n rows_at_version_0\n-------------------\n              5000\n(1 row)');
    const port = Number(/serving PostgreSQL on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'demo', database: 'demo' });
    await client.connect();
    try {
      const count = async () => Number((await client.query('SELECT count(*) AS n FROM prices')).rows[0].n);
      const first = await count();
      expect(first).toBeGreaterThanOrEqual(5000);
      const grown = Date.now() + 20_000;
      while ((await count()) === first && Date.now() < grown) await new Promise((r) => setTimeout(r, 200));
      expect(await count()).toBeGreaterThan(first);
      // the jobs' views are global temporary views every client sees
      const pe = await client.query('SELECT min(pe_ratio) AS lo, max(pe_ratio) AS hi FROM global_temp.price_earnings');
      expect(Number(pe.rows[0].lo)).toBeGreaterThan(11.5);
      expect(Number(pe.rows[0].hi)).toBeLessThan(40.5);
    } finally {
      await client.end();
    }
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 90_000);
});
