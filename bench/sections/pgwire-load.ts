import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { PostgresOracle } from '../../server/pgcatalog/testing/postgres-oracle.js';
import { copyTables } from '../lib/copy-to-postgres.js';
import { REPO_ROOT } from '../lib/paths.js';
import { percentile, runLoad, withChildren, type LoadKind, type LoadResult } from '../lib/pg-load.js';
import { ms, printTable } from '../lib/report.js';
import type { BenchSection } from './section.js';

const CONNECTIONS = 100;
const DEFAULT_SECONDS = 30;
/** Connections that stream the large result over and over (the rest run small queries). */
const LARGE_CONNECTIONS = 1;

const SMALL: readonly LoadKind[] = [
  { name: 'SELECT 1', sql: 'SELECT 1', rows: 1 },
  { name: 'count(*)', sql: 'SELECT count(*) FROM simple_table', rows: 1 },
  { name: 'point lookup $1', sql: 'SELECT * FROM "data-reader-primitives" WHERE as_int = $1', params: () => [Math.floor(Math.random() * 10)], rows: 1 },
  { name: 'group by', sql: 'SELECT as_boolean, count(*), sum(as_long) FROM "data-reader-primitives" GROUP BY as_boolean', rows: 3 },
];
/** 40,000 rows of every primitive type, nested structs, arrays and maps. */
const LARGE: LoadKind = { name: 'large (40k rows, all types)', sql: 'SELECT a.* FROM "parquet-all-types" a, "parquet-all-types" b', rows: 40_000 };
const TABLES = ['simple_table', 'data-reader-primitives', 'parquet-all-types'];

/**
 * `pgwire-load`: the real server (`deltasql serve`, its own process) under 100 concurrent
 * node-postgres connections for 30 s (DELTASQL_BENCH_PGWIRE_SECONDS): one streams a 40,000-row
 * all-types result over and over while 99 run small queries back to back (what a dashboard
 * beside an export looks like). Then the same load against a throwaway PostgreSQL 15 holding
 * the same rows (copied from deltasql; skipped with a note when `initdb` is missing). Prints
 * queries/s, p50/p99 latency per kind, server CPU per query, and the error count (must be 0).
 */
export const pgwireLoadSection: BenchSection = {
  name: 'pgwire-load',
  group: 'wire',
  description: '100 concurrent PostgreSQL connections for 30 s: small queries and a large result; queries/s, p50/p99, errors; PostgreSQL 15 beside',
  async run() {
    const seconds = Number(process.env.DELTASQL_BENCH_PGWIRE_SECONDS ?? DEFAULT_SECONDS);
    const warehouse = resolve(REPO_ROOT, '..', 'shared', 'delta-corpus');
    const server = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'server', 'cli', 'main.js'), 'serve', '--warehouse', warehouse, '--pg-port', '0', '--no-http'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let ours: LoadResult;
    let theirs: LoadResult | string;
    try {
      const port = await serverPort(server.stdout);
      const deltasql = { host: '127.0.0.1', port, user: 'bench', database: 'corpus' };
      ours = await runLoad({ config: deltasql, connections: CONNECTIONS, seconds, small: SMALL, large: { kind: LARGE, connections: LARGE_CONNECTIONS }, serverPids: () => (server.pid === undefined ? [] : [server.pid]) });
      theirs = await postgresLoad(deltasql, seconds);
    } finally {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    report(ours, theirs, seconds);
  },
};

/** The same load against PostgreSQL 15 holding the same rows, or why it was skipped. */
async function postgresLoad(deltasql: { host: string; port: number; user: string; database: string }, seconds: number): Promise<LoadResult | string> {
  if (!PostgresOracle.available()) return 'PostgreSQL 15 not run: no initdb at /usr/lib/postgresql/15/bin';
  const oracle = new PostgresOracle();
  try {
    oracle.start({ listen: '127.0.0.1', settings: { max_connections: String(CONNECTIONS + 20) } });
    const postgres = { host: '127.0.0.1', port: oracle.port, user: 'postgres', database: 'postgres' };
    await copyTables(deltasql, postgres, TABLES);
    const postmaster = oracle.pid;
    return await runLoad({ config: postgres, connections: CONNECTIONS, seconds, small: SMALL, large: { kind: LARGE, connections: LARGE_CONNECTIONS }, serverPids: () => (postmaster === undefined ? [] : withChildren(postmaster)) });
  } catch (err) {
    return `PostgreSQL 15 not run: ${(err as Error).message}`;
  } finally {
    oracle.stop();
  }
}

function report(ours: LoadResult, theirs: LoadResult | string, seconds: number): void {
  const pg = typeof theirs === 'string' ? undefined : theirs;
  const figures = (r: LoadResult | undefined, values: readonly number[] | undefined) =>
    r === undefined || values === undefined ? ['', '', ''] : [(values.length / (r.elapsedMs / 1000)).toFixed(1), ms(percentile(values, 0.5)), ms(percentile(values, 0.99))];
  const names = [...SMALL.map((k) => k.name), LARGE.name];
  const all = (r: LoadResult) => [...r.latencies.values()].flat();
  const count = (r: LoadResult) => all(r).length;
  const cpu = (label: string, r: LoadResult) => `${label}: ${r.serverCpuMs === undefined ? 'n/a' : `${(r.serverCpuMs / 1000).toFixed(1)} s of server CPU, ${(r.serverCpuMs / count(r)).toFixed(2)} ms per query`}`;
  printTable({
    title: `pgwire load: ${CONNECTIONS} connections, ${seconds} s each, node-postgres against \`deltasql serve\` over the corpus, then PostgreSQL 15 with the same rows`,
    headers: ['query', 'deltasql q/s', 'p50', 'p99', 'PostgreSQL q/s', 'p50', 'p99'],
    rows: [
      ...names.map((n) => [n, ...figures(ours, ours.latencies.get(n)), ...figures(pg, pg?.latencies.get(n))]),
      ['all', ...figures(ours, all(ours)), ...figures(pg, pg === undefined ? undefined : all(pg))],
    ],
    notes: [
      `errors: deltasql ${ours.errors.length}${ours.errors.length === 0 ? '' : ' — ' + [...new Set(ours.errors)].slice(0, 3).join('; ')}` +
        (pg === undefined ? '' : `, PostgreSQL ${pg.errors.length}${pg.errors.length === 0 ? '' : ' — ' + [...new Set(pg.errors)].slice(0, 3).join('; ')}`),
      cpu('deltasql', ours) + (pg === undefined ? '' : `; ${cpu('PostgreSQL (all backends)', pg)}`),
      `${count(ours)} queries on deltasql${pg === undefined ? '' : `, ${count(pg)} on PostgreSQL`}; ${LARGE_CONNECTIONS} connection streams the large result, ${CONNECTIONS - LARGE_CONNECTIONS} run the small ones; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (the client shares them)`,
      ...(typeof theirs === 'string' ? [theirs] : []),
    ],
  });
  if (ours.errors.length > 0) process.exitCode = 1;
}

/** The PostgreSQL port `deltasql serve` prints once it listens. */
export async function serverPort(stdout: NodeJS.ReadableStream): Promise<number> {
  let text = '';
  for await (const chunk of stdout) {
    text += String(chunk);
    const m = /PostgreSQL on [^:]+:(\d+)/.exec(text);
    if (m !== null) return Number(m[1]);
  }
  throw new Error(`deltasql serve did not print its address: ${text}`);
}
