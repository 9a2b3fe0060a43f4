import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { startPgServer, type PgServer } from '../pgwire/server.js';

// The drivers BI tools sit on, from Debian, against a real listening deltasql: psycopg2 and
// psycopg 3, the PostgreSQL JDBC driver (DatabaseMetaData as DBeaver and Metabase call it) and
// psqlODBC through unixODBC's isql. Each connects, lists the tables, and gets typed values back.

const GOLDEN = new URL('../../sql-tests/data/warehouse/', import.meta.url).pathname;
const DRIVERS = new URL('./testing/drivers/', import.meta.url).pathname;
const JDBC_JAR = '/usr/share/java/postgresql.jar';
const ODBC_DRIVER = '/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so';
const PYTHON = '/usr/bin/python3';

let dir: string;
let server: PgServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deltasql-drivers-'));
  for (const t of ['prices', 'scores']) cpSync(join(GOLDEN, t), join(dir, 'warehouse', t), { recursive: true });
  server = await startPgServer({ catalog: new Warehouse(join(dir, 'warehouse')), port: 0 });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a client program; asynchronous, as the server answers from this very process. */
function run(file: string, args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { encoding: 'utf8', timeout: 90_000, cwd: dir, env: { ...process.env, ...options.env } }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1 });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

const TABLES = [['public', 'prices'], ['public', 'scores']];

/** The drivers are Debian packages `.ci/run` installs: a missing one fails the test, naming the package, rather than skipping it. */
function requireInstalled(path: string, debianPackage: string): void {
  expect(existsSync(path), `${path} is missing: install the Debian package ${debianPackage} (.ci/run does)`).toBe(true);
}

describe.each(['psycopg2', 'psycopg'])('%s', (module) => {
  it('connects, lists the tables and decodes typed values', async () => {
    requireInstalled(PYTHON, `python3-${module}`);
    const r = await run(PYTHON, [join(DRIVERS, 'psycopg_probe.py'), module, String(server.port)]);
    expect(r.stderr).toBe('');
    const [tables, serverInfo, row, prices] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(tables.tables).toEqual(TABLES);
    expect(serverInfo.server[0]).toMatch(/^PostgreSQL 15\.\d+ \(deltasql\)/);
    expect(serverInfo.server.slice(1)).toEqual(['deltasql', 'probe']);
    expect(row.columns).toEqual(['id', 'name', 'weight', 'passed', 'd', 'n']);
    expect(row.row).toEqual([['int', 2], ['str', 'bob'], ['float', 0.75], ['bool', true], ['date', '2024-01-02'], ['Decimal', '1.50']]);
    expect(prices.prices).toEqual([
      [['str', 'AAPL'], ['date', '2024-01-02'], ['float', 187.2]],
      [['str', 'AAPL'], ['date', '2024-01-03'], ['float', 182.89]],
    ]);
  }, 60_000);
});

describe('PostgreSQL JDBC driver', () => {
  it('DatabaseMetaData lists schemas, tables, columns, keys and indexes; a prepared query returns typed values', async () => {
    requireInstalled(JDBC_JAR, 'libpostgresql-jdbc-java');
    const r = await run('java', ['-cp', JDBC_JAR, join(DRIVERS, 'JdbcProbe.java'), String(server.port)]);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('product PostgreSQL 15');
    expect(lines.filter((l) => l.startsWith('schema '))).toEqual(['schema global_temp', 'schema information_schema', 'schema pg_catalog', 'schema public']);
    expect(lines.filter((l) => l.startsWith('table '))).toEqual(['table public.prices TABLE', 'table public.scores TABLE']);
    expect(lines.filter((l) => l.startsWith('column '))).toEqual([
      'column date date 91 1 YES',
      'column ticker text 12 2 YES',
      'column open float8 8 3 YES',
      'column high float8 8 4 YES',
      'column low float8 8 5 YES',
      'column close float8 8 6 YES',
      'column volume int8 -5 7 YES',
    ]);
    expect(lines).toContain('keys 0');
    expect(lines).toContain('row MSFT 2024-01-02 376.41 86773482 String Date Double Long');
    expect(lines).toContain('count 12');
  }, 90_000);
});

describe('psqlODBC through unixODBC isql', () => {
  it('connects, lists tables (SQLTables) and columns (SQLColumns), and queries', async () => {
    requireInstalled(ODBC_DRIVER, 'odbc-postgresql');
    writeFileSync(join(dir, 'odbcinst.ini'), `[PostgreSQL Unicode]\nDriver=${ODBC_DRIVER}\n`);
    writeFileSync(join(dir, 'odbc.ini'), `[deltasql]\nDriver=PostgreSQL Unicode\nServername=127.0.0.1\nPort=${server.port}\nDatabase=deltasql\nUsername=probe\nSSLmode=disable\n`);
    const input = "SELECT ticker, close, volume, date FROM prices WHERE ticker = 'AAPL' ORDER BY date LIMIT 2\nhelp\nhelp scores\n";
    const r = await run('isql', ['-b', '-v', '-d|', 'deltasql'], { env: { ODBCSYSINI: dir, ODBCINI: join(dir, 'odbc.ini') }, input });
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['AAPL|187.2|3116570|2024-01-02', 'AAPL|182.89|22839597|2024-01-03']);
    expect(lines.slice(2, 4)).toEqual(['deltasql|public|prices|TABLE|', 'deltasql|public|scores|TABLE|']);
    // SQLColumns: name, the SQL type psqlODBC maps each PostgreSQL type OID to (4 SQL_INTEGER,
    // -1 SQL_LONGVARCHAR for text, 6 SQL_FLOAT for float8, 12 SQL_VARCHAR for bool: its default
    // BoolsAsChar=1), the PostgreSQL type name.
    const columns = lines.slice(4).map((l) => l.split('|').slice(3, 6).join(' '));
    expect(columns).toEqual(['id 4 int4', 'grp -1 text', 'name -1 text', 'score 4 int4', 'weight 6 float8', 'passed 12 bool']);
  }, 60_000);
});
