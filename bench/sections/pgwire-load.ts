import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../lib/paths.js';
import { ms, printTable } from '../lib/report.js';
import type { BenchSection } from './section.js';

const CONNECTIONS = 100;
const DEFAULT_SECONDS = 30;
/** Connections that stream the large result over and over (the rest run small queries). */
const LARGE_CONNECTIONS = 1;

interface Kind {
  readonly name: string;
  readonly sql: string;
  readonly params?: () => unknown[];
  /** Rows each answer must have (a wrong count is an error, not a data point). */
  readonly rows: number;
}

const SMALL: readonly Kind[] = [
  { name: 'SELECT 1', sql: 'SELECT 1', rows: 1 },
  { name: 'count(*)', sql: 'SELECT count(*) FROM simple_table', rows: 1 },
  { name: 'point lookup $1', sql: 'SELECT * FROM "data-reader-primitives" WHERE as_int = $1', params: () => [Math.floor(Math.random() * 10)], rows: 1 },
  { name: 'group by', sql: 'SELECT as_boolean, count(*), sum(as_long) FROM "data-reader-primitives" GROUP BY as_boolean', rows: 3 },
];
/** 40,000 rows of every primitive type, nested structs, arrays and maps. */
const LARGE: Kind = { name: 'large (40k rows, all types)', sql: 'SELECT a.* FROM "parquet-all-types" a, "parquet-all-types" b', rows: 40_000 };

/**
 * `pgwire-load`: the real server (`deltasql serve`, its own process) under 100 concurrent
 * node-postgres connections for 30 s (DELTASQL_BENCH_PGWIRE_SECONDS): one streams a 40,000-row
 * all-types result over and over while 99 run small queries back to back (what a dashboard
 * beside an export looks like). Prints queries/s, p50/p99 latency per kind, and the error count
 * (which must be 0).
 */
export const pgwireLoadSection: BenchSection = {
  name: 'pgwire-load',
  group: 'wire',
  description: '100 concurrent PostgreSQL connections for 30 s: small queries and a large result; queries/s, p50/p99, errors',
  async run() {
    const seconds = Number(process.env.DELTASQL_BENCH_PGWIRE_SECONDS ?? DEFAULT_SECONDS);
    const warehouse = resolve(REPO_ROOT, '..', 'shared', 'delta-corpus');
    const server = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'server', 'cli', 'main.js'), 'serve', '--warehouse', warehouse, '--pg-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await serverPort(server.stdout);
      const latencies = new Map<string, number[]>();
      const errors: string[] = [];
      const clients = await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
        const c = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'corpus' });
        await c.connect();
        return c;
      }));
      const start = performance.now();
      const end = start + seconds * 1000;
      let n = 0;
      await Promise.all(clients.map(async (client, k) => {
        let i = k;
        while (performance.now() < end) {
          const kind = k < LARGE_CONNECTIONS ? LARGE : SMALL[++i % SMALL.length]!;
          const t0 = performance.now();
          try {
            const r = await client.query(kind.sql, kind.params?.());
            if (r.rows.length !== kind.rows) errors.push(`${kind.name}: ${r.rows.length} rows, expected ${kind.rows}`);
          } catch (err) {
            errors.push(`${kind.name}: ${(err as Error).message}`);
          }
          const list = latencies.get(kind.name) ?? [];
          list.push(performance.now() - t0);
          latencies.set(kind.name, list);
          n++;
        }
      }));
      const elapsed = performance.now() - start;
      await Promise.all(clients.map((c) => c.end()));
      const all = [...latencies.values()].flat();
      const row = (name: string, values: number[]) => [name, values.length, (values.length / (elapsed / 1000)).toFixed(1), ms(percentile(values, 0.5)), ms(percentile(values, 0.99))];
      printTable({
        title: `pgwire load: ${CONNECTIONS} connections, ${(elapsed / 1000).toFixed(1)} s, node-postgres against \`deltasql serve\` over the corpus`,
        headers: ['query', 'count', 'queries/s', 'p50', 'p99'],
        rows: [...[...latencies].map(([name, values]) => row(name, values)), row('all', all)],
        notes: [`errors: ${errors.length}${errors.length === 0 ? '' : ' — ' + [...new Set(errors)].slice(0, 3).join('; ')}`, `${n} queries; ${LARGE_CONNECTIONS} connection streams the large result, ${CONNECTIONS - LARGE_CONNECTIONS} run the small ones`],
      });
      if (errors.length > 0) process.exitCode = 1;
    } finally {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  },
};

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
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
