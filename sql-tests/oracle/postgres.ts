import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DeltaType } from '../data/tables.js';
import type { Engine, EngineResult } from '../runner/run.js';
import { corpusVersions, warehouseTables } from './data.js';

/**
 * PostgreSQL 15 as the oracle: a throwaway server (initdb under /tmp, run as user `postgres`,
 * a Unix socket only) holding the golden tables, queried through the `psql` binary with
 * `TimeZone=UTC`, so values arrive in PostgreSQL's own text form — the form .slt files use.
 *
 * Column names are created in lower case (PostgreSQL folds unquoted identifiers), so queries
 * spelled `contigName` bind there as they bind case-insensitively in deltasql.
 */
export class PostgresOracle implements Engine {
  readonly name = 'postgresql';
  readonly usesOracleSql = true;
  private constructor(
    private readonly socketDir: string,
    private readonly port: number,
    readonly version: string,
  ) {}

  /** `SLT_PG_DIR` / `SLT_PG_PORT` give an engineer a private oracle beside others on one machine. */
  static readonly DATA_DIR = process.env.SLT_PG_DIR ?? '/tmp/pg-slt-oracle';
  static readonly SOCKET_DIR = `${PostgresOracle.DATA_DIR}-sock`;
  static readonly PORT = Number(process.env.SLT_PG_PORT ?? 54_987);

  /** Starts (or reuses) the server and (re)loads every table into database `slt`. */
  static async open(warehouse: string, corpusDir: string): Promise<PostgresOracle> {
    const { DATA_DIR: data, SOCKET_DIR: socket, PORT: port } = PostgresOracle;
    if (!existsSync(join(data, 'PG_VERSION'))) {
      mkdirSync(data, { recursive: true });
      mkdirSync(socket, { recursive: true });
      execFileSync('chown', ['postgres', data, socket]);
      asPostgres(`initdb -D ${data} -A trust -U postgres >/dev/null`);
    }
    // Not by the socket file alone: a server that died (the machine restarted) leaves it behind.
    if (!existsSync(join(socket, `.s.PGSQL.${port}`)) || !serverRunning(data)) {
      asPostgres(`pg_ctl -D ${data} -l ${data}/server.log -o "-p ${port} -k ${socket} -c listen_addresses=''" -w start >/dev/null`);
    }
    const admin = new PostgresOracle(socket, port, '');
    await admin.psql('postgres', 'DROP DATABASE IF EXISTS slt');
    await admin.psql('postgres', 'CREATE DATABASE slt');
    const oracle = new PostgresOracle(socket, port, (await admin.run('SHOW server_version')).rows[0]![0]!);
    await oracle.load(warehouse, corpusDir);
    return oracle;
  }

  /** Stops the throwaway server (its data folder stays for the next run). */
  static stop(): void {
    if (existsSync(join(PostgresOracle.DATA_DIR, 'postmaster.pid'))) asPostgres(`pg_ctl -D ${PostgresOracle.DATA_DIR} -m fast stop >/dev/null`);
  }

  private async load(warehouse: string, corpusDir: string): Promise<void> {
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const tmp = `${PostgresOracle.DATA_DIR}-csv`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    for (const t of warehouseTables(warehouse)) {
      const columns = t.columns.map((c) => `${pgName(c.name)} ${pgType(c.type)}`).join(', ');
      await this.psql('slt', `CREATE TABLE ${pgName(t.name)} (${columns})`);
      const files = `[${t.files.map((f) => `'${f}'`).join(', ')}]`;
      const hive = t.partitionColumns.length > 0 ? ', hive_partitioning = true' : '';
      const csv = join(tmp, `${t.name}.csv`);
      const exprs = t.columns.map((c) => csvExpr(`"${c.name}"`, c.type));
      await duck.run(`COPY (SELECT ${exprs.join(', ')} FROM read_parquet(${files}${hive})) TO '${csv}' (FORMAT csv, HEADER false)`);
      await this.psql('slt', `\\copy ${pgName(t.name)} FROM '${csv}' WITH (FORMAT csv)`);
    }
    for (const v of corpusVersions(corpusDir)) {
      const columns = v.columns.map((c) => `${pgName(c.name)} ${pgType(c.type)}`).join(', ');
      await this.psql('slt', `CREATE TABLE ${pgName(v.name)} (${columns})`);
      if (v.rows.length === 0) continue;
      const values = v.rows.map((r) => `(${v.columns.map((c) => sqlLiteral(r[c.name])).join(', ')})`).join(', ');
      await this.psql('slt', `INSERT INTO ${pgName(v.name)} VALUES ${values}`);
    }
    rmSync(tmp, { recursive: true, force: true });
  }

  async run(sql: string): Promise<EngineResult> {
    return this.psql('slt', sql);
  }

  private async psql(database: string, sql: string): Promise<EngineResult> {
    const args = ['-X', '-q', '-A', '-F', '\t', '-P', 'footer=off', '-P', `null=${NULL_MARK}`, '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1'];
    args.push('-h', this.socketDir, '-p', String(this.port), '-U', 'postgres', '-d', database, '-c', sql);
    const r = spawnSync('psql', args, { encoding: 'utf8', env: { ...process.env, PGTZ: 'UTC', PGCLIENTENCODING: 'UTF8' } });
    if (r.status !== 0) throw psqlError(r.stderr, sql);
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    if (r.stdout === '' || sql.trimStart().startsWith('\\')) return { width: 0, rows: [] };
    const width = lines[0]!.split('\t').length;
    const rows = lines.slice(1).map((line) => line.split('\t').map((v) => (v === NULL_MARK ? null : v)));
    return { width, rows };
  }
}

const NULL_MARK = '<<NULL>>';

function asPostgres(command: string): void {
  execFileSync('su', ['postgres', '-c', command], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** `ERROR:  42P01: relation "x" does not exist` plus psql's `LINE 1:` caret, as an EngineError. */
function psqlError(stderr: string, sql: string): Error & { sqlstate?: string; position?: number } {
  const m = /ERROR:\s+([0-9A-Z]{5}): (.*)/.exec(stderr);
  const error: Error & { sqlstate?: string; position?: number } = new Error(m ? m[2]! : stderr.trim());
  if (m) error.sqlstate = m[1]!;
  // psql points at the error with a caret under `LINE 1: <text>`; single-line statements only.
  const caret = /LINE 1: (.*)\n( *)\^/.exec(stderr);
  if (caret && !sql.includes('\n')) {
    const column = caret[2]!.length - 'LINE 1: '.length;
    if (!caret[1]!.startsWith('...')) error.position = column + 1;
    else {
      // A long line is shown as a window, `...text...`: find the window in the statement.
      const shown = caret[1]!.slice(3).replace(/\.\.\.$/, '');
      const at = sql.indexOf(shown);
      if (at >= 0 && sql.indexOf(shown, at + 1) < 0) error.position = at + column - 3 + 1;
    }
  }
  return error;
}

function pgName(name: string): string {
  return `"${name.toLowerCase()}"`;
}

function pgType(type: DeltaType): string {
  if (typeof type === 'string') {
    const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
    if (decimal) return `numeric(${decimal[1]},${decimal[2]})`;
    const map: Record<string, string> = {
      boolean: 'boolean',
      byte: 'smallint',
      short: 'smallint',
      integer: 'integer',
      long: 'bigint',
      float: 'real',
      double: 'double precision',
      string: 'text',
      binary: 'bytea',
      date: 'date',
      timestamp: 'timestamptz',
      timestamp_ntz: 'timestamp',
    };
    return map[type]!;
  }
  // DESIGN.md §3: arrays are PostgreSQL arrays, maps and structs are json.
  return type.type === 'array' ? `${pgType(type.elementType)}[]` : 'json';
}

/** A DuckDB expression writing a column the way PostgreSQL's CSV input reads it. */
function csvExpr(column: string, type: DeltaType): string {
  if (type === 'binary') return `'\\x' || lower(hex(${column}))`;
  if (typeof type === 'string') return column;
  if (type.type === 'array') return `'{' || array_to_string(list_transform(${column}, x -> coalesce(CAST(x AS VARCHAR), 'NULL')), ',') || '}'`;
  if (type.type === 'map') return `CAST(to_json(list_transform(map_entries(${column}), e -> [to_json(e.key), to_json(e.value)])) AS VARCHAR)`;
  return `CAST(to_json(${column}) AS VARCHAR)`;
}

function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** Whether the server of `data` is up (`pg_ctl status`: 0 when running, 3 when not). */
function serverRunning(data: string): boolean {
  try {
    asPostgres(`pg_ctl -D ${data} status >/dev/null`);
    return true;
  } catch {
    return false;
  }
}
