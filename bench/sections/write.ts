import * as arrow from 'apache-arrow';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalObjectStore } from '../../storage/object-store/local.js';
import type { StructType } from '../../storage/schema/types.js';
import { DeltaTable } from '../../storage/table.js';
import { optimize } from '../../storage/write/commands.js';
import { createTable } from '../../storage/write/create-table.js';
import { readParquet, runDuckDB } from '../duckdb/client.js';
import { check } from '../lib/check.js';
import { measure, type Timing } from '../lib/measure.js';
import { DATA_DIR } from '../lib/paths.js';
import { ms, printTable, ratio, rowsPerSecond } from '../lib/report.js';
import type { BenchSection } from './section.js';

const DEFAULT_RUNS = 3;
const ROWS = 2_000_000;
const SMALL_FILES = 1000;
const ROWS_PER_SMALL_FILE = 1000;
const BATCH = 65_536;

const SCHEMA: StructType = {
  kind: 'struct',
  fields: [
    { name: 'id', type: { kind: 'primitive', name: 'long' }, nullable: true, metadata: {} },
    { name: 'v', type: { kind: 'primitive', name: 'double' }, nullable: true, metadata: {} },
    { name: 's', type: { kind: 'primitive', name: 'string' }, nullable: true, metadata: {} },
    { name: 'p', type: { kind: 'primitive', name: 'integer' }, nullable: true, metadata: {} },
  ],
};

/** DuckDB's spelling of the same rows (generated inside its COPY: it pays for generation, we do not). */
const DUCK_ROWS = (n: number) => `SELECT range AS id, range * 0.5 AS v, 'name' || (range % 1000) AS s, CAST(range % 10 AS INTEGER) AS p FROM range(${n})`;

/**
 * The storage write path (storage/write): a bulk load of 2 million rows through
 * `WriteTransaction.write` + `commit` (snappy Parquet, stats, a commit), unpartitioned and
 * partitioned by a 10-value column, beside DuckDB's `COPY … TO (FORMAT parquet, COMPRESSION
 * snappy [, PARTITION_BY])` of the same rows; and OPTIMIZE of a table of 1,000 small files
 * (1,000 rows each) beside DuckDB rewriting the same 1,000 files into one.
 */
export const writeSection: BenchSection = {
  name: 'write',
  group: 'write',
  description: 'bulk write of 2M rows and OPTIMIZE of 1,000 small files: storage/write vs DuckDB COPY … TO parquet',
  async run(ctx) {
    const runs = ctx.runs ?? DEFAULT_RUNS;
    const store = new LocalObjectStore();
    const work = join(DATA_DIR, 'write-scratch');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const batches = generate(ROWS);
    let dirCounter = 0;
    const fresh = () => join(work, `t${dirCounter++}`);

    const bulk = async (partitionColumns: string[]): Promise<Timing> =>
      measure({ warmup: 1, runs }, async () => {
        const root = fresh();
        const tx = await createTable(store, root, 't', { schema: SCHEMA, partitionColumns });
        await tx.write(batches);
        const result = await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
        check(result.metrics.numOutputRows === ROWS, `bulk write wrote ${result.metrics.numOutputRows} rows`);
        rmSync(root, { recursive: true, force: true });
      });
    const plain = await bulk([]);
    const partitioned = await bulk(['p']);

    // ── OPTIMIZE: 1,000 files of 1,000 rows, built once per run (untimed), compacted (timed) ──
    const smallRows = SMALL_FILES * ROWS_PER_SMALL_FILE;
    const smallBatches = generate(smallRows);
    const optimizeRuns: number[] = [];
    let smallFiles: string[] = [];
    for (let run = 0; run < runs + 1; run++) {
      const root = fresh();
      const tx = await createTable(store, root, 't', { schema: SCHEMA });
      await tx.write(smallBatches, { maxRowsPerFile: ROWS_PER_SMALL_FILE });
      await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
      const table = new DeltaTable(store, root, 't');
      const before = await table.latest();
      check(before.files.length === SMALL_FILES, `optimize setup made ${before.files.length} files`);
      if (run === runs) {
        smallFiles = before.files.map((f) => join(root, decodeURIComponent(f.path)));
        break; // kept for DuckDB
      }
      const start = process.hrtime.bigint();
      const result = await optimize(table);
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      check(result.numFilesRemoved === SMALL_FILES && result.numFilesAdded === 1, `optimize: ${JSON.stringify(result)}`);
      if (run > 0 || runs === 1) optimizeRuns.push(elapsed); // run 0 warms up
      rmSync(root, { recursive: true, force: true });
    }
    const optimizeTiming = summariseRuns(optimizeRuns);

    const duck = await runDuckDB({
      threads: [1, 'default'],
      warmup: 1,
      runs,
      queries: [
        { label: 'bulk', sql: `COPY (${DUCK_ROWS(ROWS)}) TO '${join(work, 'duck-bulk.parquet')}' (FORMAT parquet, COMPRESSION snappy)`, mode: 'value' },
        { label: 'bulk-partitioned', sql: `COPY (${DUCK_ROWS(ROWS)}) TO '${join(work, 'duck-part')}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (p), OVERWRITE_OR_IGNORE)`, mode: 'value' },
        { label: 'compact', sql: `COPY (SELECT * FROM ${readParquet(smallFiles)}) TO '${join(work, 'duck-compact.parquet')}' (FORMAT parquet, COMPRESSION snappy)`, mode: 'value' },
      ],
    });
    const duckBest = (label: string, threads: number) => duck.results.find((r) => r.label === label && (threads === 1 ? r.threads === 1 : r.threads !== 1))?.timing.bestMs ?? NaN;

    printTable({
      title: `Writes: ${ROWS.toLocaleString('en-US')} rows (long, double, string, int) and OPTIMIZE of ${SMALL_FILES} × ${ROWS_PER_SMALL_FILE} rows (best of ${runs})`,
      headers: ['operation', 'deltasql', 'rows/s', 'DuckDB 1 thread', 'DuckDB default', 'vs DuckDB 1 thread'],
      rows: [
        ['bulk write, unpartitioned', ms(plain.bestMs), rowsPerSecond(ROWS, plain.bestMs), ms(duckBest('bulk', 1)), ms(duckBest('bulk', 0)), ratio(plain.bestMs, duckBest('bulk', 1))],
        ['bulk write, 10 partitions', ms(partitioned.bestMs), rowsPerSecond(ROWS, partitioned.bestMs), ms(duckBest('bulk-partitioned', 1)), ms(duckBest('bulk-partitioned', 0)), ratio(partitioned.bestMs, duckBest('bulk-partitioned', 1))],
        ['OPTIMIZE 1,000 small files', ms(optimizeTiming.bestMs), rowsPerSecond(smallRows, optimizeTiming.bestMs), ms(duckBest('compact', 1)), ms(duckBest('compact', 0)), ratio(optimizeTiming.bestMs, duckBest('compact', 1))],
      ],
      notes: [
        'deltasql: Arrow batches in memory → snappy Parquet + add.stats + a put-if-absent commit (OPTIMIZE: read, rewrite, commit with dataChange=false).',
        `DuckDB ${duck.version}: COPY … TO parquet of the same rows generated by range() (no Delta log, no stats), in a child process.`,
      ],
    });
    rmSync(work, { recursive: true, force: true });
  },
};

function summariseRuns(runsMs: number[]): Timing {
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { runsMs, bestMs: sorted[0] ?? NaN, medianMs: sorted[sorted.length >> 1] ?? NaN };
}

/** The bench rows as Arrow batches (built once, outside the timings). */
function generate(rows: number): arrow.RecordBatch[] {
  const out: arrow.RecordBatch[] = [];
  for (let start = 0; start < rows; start += BATCH) {
    const n = Math.min(BATCH, rows - start);
    const id = new BigInt64Array(n);
    const v = new Float64Array(n);
    const p = new Int32Array(n);
    const s: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const r = start + i;
      id[i] = BigInt(r);
      v[i] = r * 0.5;
      p[i] = r % 10;
      s[i] = `name${r % 1000}`;
    }
    const table = new arrow.Table({ id: arrow.makeVector(id), v: arrow.makeVector(v), s: arrow.vectorFromArray(s, new arrow.Utf8()), p: arrow.makeVector(p) });
    out.push(...table.batches);
  }
  return out;
}
