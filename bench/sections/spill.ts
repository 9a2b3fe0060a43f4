import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalObjectStore } from '../../storage/object-store/local.js';
import { dataFilePath } from '../../storage/scan/scan.js';
import { DeltaTable } from '../../storage/table.js';
import { PRICES } from '../generate/datasets.js';
import { ensureDataset } from '../generate/ensure.js';
import { check } from '../lib/check.js';
import { childMain } from '../lib/child.js';
import { DATA_DIR, DIST_BENCH_DIR } from '../lib/paths.js';
import { mib, ms, printTable, ratio, type Cell } from '../lib/report.js';
import type { BenchSection } from './section.js';

/**
 * `spill` (group `query`, issue 4): a full ORDER BY over the 10M-row `prices` table, drained
 * batch by batch, in a fresh child process per configuration under `/usr/bin/time -v` (its
 * "Maximum resident set size" is the peak RSS, decode workers and DuckDB's threads included):
 * ours unlimited and with DELTASQL_OPERATOR_MEMORY_MB=256 (spilling sorted runs to a temp
 * directory), DuckDB at its default memory limit and with `SET memory_limit='256MB'` (its own
 * spill to `temp_directory`) over the same Parquet files. Checked: every run answers 10M rows;
 * ours are in `close` order (checked row by row in the child) with DuckDB's `sum(close)`.
 */

const SQL = 'SELECT * FROM prices ORDER BY close';
/** The same rows without the sort: what the scan itself costs in time and RSS (decode workers, read-ahead). */
const SCAN_SQL = 'SELECT * FROM prices';
const LIMIT_MB = 256;
const CHILD = join(DIST_BENCH_DIR, 'sections', 'spill.js');

type Job =
  | { readonly engine: 'ours'; readonly warehouse: string; readonly sql: string }
  | { readonly engine: 'duckdb'; readonly files: readonly string[]; readonly memoryLimitMB: number | null; readonly tempDir: string };

interface Outcome {
  readonly ms: number;
  readonly rows: number;
  /** ours: whether every row's close ≥ the previous one's; DuckDB: not checked (its answer is the reference). */
  readonly ordered: boolean;
  readonly sumClose: number;
  readonly firstClose: number | null;
}

interface Measured extends Outcome {
  readonly peakRssMiB: number;
}

export const spillSection: BenchSection = {
  name: 'spill',
  group: 'query',
  description: `ORDER BY over 10M rows: ours unlimited vs DELTASQL_OPERATOR_MEMORY_MB=${LIMIT_MB} (spilling), DuckDB vs memory_limit='${LIMIT_MB}MB'`,
  async run() {
    const dir = await ensureDataset(PRICES);
    const snapshot = await new DeltaTable(new LocalObjectStore(), dir, PRICES.name).latest();
    const files = snapshot.files.map((f) => dataFilePath(snapshot.tableRoot, f.path));
    const temp = mkdtempSync(join(tmpdir(), 'deltasql-bench-spill-'));
    try {
      // [label, job, env, which DuckDB run it is compared with]
      const runs: [string, Job, NodeJS.ProcessEnv, number][] = [
        ['deltasql, unlimited', { engine: 'ours', warehouse: DATA_DIR, sql: SQL }, {}, 4],
        [`deltasql, DELTASQL_OPERATOR_MEMORY_MB=${LIMIT_MB}`, { engine: 'ours', warehouse: DATA_DIR, sql: SQL }, { DELTASQL_OPERATOR_MEMORY_MB: String(LIMIT_MB), DELTASQL_SPILL_DIR: temp }, 5],
        [`deltasql, …=${LIMIT_MB} and DELTASQL_CACHE_MB=0`, { engine: 'ours', warehouse: DATA_DIR, sql: SQL }, { DELTASQL_OPERATOR_MEMORY_MB: String(LIMIT_MB), DELTASQL_SPILL_DIR: temp, DELTASQL_CACHE_MB: '0' }, 5],
        ['deltasql, the scan alone (no ORDER BY), DELTASQL_CACHE_MB=0', { engine: 'ours', warehouse: DATA_DIR, sql: SCAN_SQL }, { DELTASQL_CACHE_MB: '0' }, -1],
        ['DuckDB, default memory_limit', { engine: 'duckdb', files, memoryLimitMB: null, tempDir: temp }, {}, -1],
        [`DuckDB, memory_limit='${LIMIT_MB}MB'`, { engine: 'duckdb', files, memoryLimitMB: LIMIT_MB, tempDir: temp }, {}, -1],
      ];
      const results: Measured[] = [];
      for (const [label, job, env] of runs) {
        process.stderr.write(`bench: spill: ${label} …\n`);
        results.push(await timed(job, env));
      }
      const reference = results[4] as Measured;
      const failures: string[] = [];
      results.forEach((r, i) => {
        const label = (runs[i] as [string, Job, NodeJS.ProcessEnv, number])[0];
        if (r.rows !== PRICES.tickers * PRICES.days) failures.push(`${label}: ${r.rows} rows`);
        if (!r.ordered && runs[i]?.[1].engine === 'ours' && (runs[i]?.[1] as { sql: string }).sql === SQL) failures.push(`${label}: not in close order`);
        if (Math.abs(r.sumClose - reference.sumClose) > 1e-9 * Math.abs(reference.sumClose)) failures.push(`${label}: sum(close) ${r.sumClose} ≠ DuckDB's ${reference.sumClose}`);
        if (r.firstClose !== reference.firstClose && (runs[i]?.[1] as { sql?: string }).sql !== SCAN_SQL) failures.push(`${label}: first close ${r.firstClose} ≠ DuckDB's ${reference.firstClose}`);
      });
      printTable({
        title: `spill: ${SQL} (10M rows, 7 columns), drained batch by batch`,
        headers: ['run', 'time', 'peak RSS', 'ours ÷ DuckDB (same limit)'],
        rows: runs.map(([label, , , duck], i): Cell[] => {
          const r = results[i] as Measured;
          return [label, ms(r.ms), mib(r.peakRssMiB), duck < 0 ? '' : ratio(r.ms, (results[duck] as Measured).ms)];
        }),
        notes: [
          'one fresh process per run, timed from execute to the last batch; peak RSS from /usr/bin/time -v (whole process)',
          'DELTASQL_CACHE_MB=0: no decoded columns kept for the next query (the cache is not operator memory); the scan row is the floor under every ours row',
          `ours spills to DELTASQL_SPILL_DIR, DuckDB to temp_directory (both ${temp}); DuckDB at its default threads`,
          ...(failures.length === 0 ? ['checked: 10M rows each, ours in close order row by row, sum(close) and the first close equal DuckDB\'s'] : failures.map((f) => `✗✗ FAILED ✗✗ ${f}`)),
        ],
      });
      if (failures.length > 0) process.exitCode = 1;
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  },
};

/** Runs `job` in a child under `/usr/bin/time -v`; the child's JSON line plus its peak RSS. */
function timed(job: Job, env: NodeJS.ProcessEnv): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const time = '/usr/bin/time';
    check(existsSync(time), 'the spill section needs /usr/bin/time (Debian package `time`)');
    const child = spawn(time, ['-v', process.execPath, CHILD], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      if (code !== 0 || rss === null) return reject(new Error(`bench: spill child exited ${code}:\n${stderr.slice(-2000)}`));
      const outcome = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Outcome;
      resolve({ ...outcome, peakRssMiB: Number(rss[1]) / 1024 });
    });
    child.stdin.end(JSON.stringify(job));
  });
}

// ── the child ──

async function runOurs(warehouse: string, sql: string): Promise<Outcome> {
  const { Session } = await import('../../server/session.js');
  const { Warehouse } = await import('../../storage/warehouse.js');
  const session = new Session(new Warehouse(warehouse));
  const start = performance.now();
  const result = await session.execute(sql);
  const close = result.schema.fields.findIndex((f) => f.name === 'close');
  let rows = 0;
  let ordered = true;
  let sumClose = 0;
  let previous = -Infinity;
  let firstClose: number | null = null;
  for await (const batch of result.batches) {
    const data = batch.data.children[close];
    check(data !== undefined && data.nullCount === 0, 'prices.close has no NULLs');
    const values = data.values as Float64Array;
    if (firstClose === null && batch.numRows > 0) firstClose = values[0] as number;
    for (let i = 0; i < batch.numRows; i++) {
      const v = values[i] as number;
      if (v < previous) ordered = false;
      previous = v;
      sumClose += v;
    }
    rows += batch.numRows;
  }
  return { ms: performance.now() - start, rows, ordered, sumClose, firstClose };
}

async function runDuckDB(files: readonly string[], memoryLimitMB: number | null, tempDir: string): Promise<Outcome> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(`SET temp_directory = '${tempDir}'`);
  if (memoryLimitMB !== null) await db.run(`SET memory_limit = '${memoryLimitMB}MB'`);
  const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
  await db.run(`CREATE VIEW prices AS SELECT * FROM read_parquet([${list}])`);
  const start = performance.now();
  const result = await db.stream(SQL);
  let rows = 0;
  let firstClose: number | null = null;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    if (firstClose === null) firstClose = Number(chunk.getColumnVector(result.columnNames().indexOf('close')).getItem(0));
    rows += chunk.rowCount;
  }
  const elapsed = performance.now() - start;
  const sum = (await db.runAndReadAll('SELECT sum(close) AS s FROM prices')).getRowObjectsJson()[0]?.s;
  db.closeSync();
  instance.closeSync();
  return { ms: elapsed, rows, ordered: true, sumClose: Number(sum), firstClose };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await childMain(async (job: Job): Promise<Outcome> => (job.engine === 'ours' ? runOurs(job.warehouse, job.sql) : runDuckDB(job.files, job.memoryLimitMB, job.tempDir)));
}
