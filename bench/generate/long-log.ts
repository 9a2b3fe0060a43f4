import { copyFile, mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapConcurrent } from '../../common/concurrency.js';
import { writeCheckpoint, loadAdds } from './checkpoint.js';
import type { LongLogSpec } from './datasets.js';
import { commitText, dataFileName, logFileName, metaData, PRICE_COLUMNS, statsJson, uuidFrom, type AddFile, type MetaData } from './delta-log.js';
import { openDuckDB, sqlString } from './duckdb.js';

/** The one row every long-log data file holds (each file is a copy of one template). */
const TEMPLATE_ROW = { date: '2024-01-02', ticker: 'AAPL', open: 185.5, high: 187.25, low: 184.75, close: 186.5, volume: 52_000_000 };
/** Commit v is stamped CREATED + v minutes (commitInfo.timestamp and the file's mtime). */
const CREATED = Date.UTC(2024, 0, 1);
const FILE_NAME_SEED = 'long-log';
const IO_CONCURRENCY = 64;

/**
 * A table of `spec.commits` commits, each appending one one-row file — a streaming append
 * table's log — with a classic checkpoint every `spec.checkpointInterval` versions and
 * `_last_checkpoint` pointing at the newest, or none.
 */
export async function generateLongLog(spec: LongLogSpec, dir: string): Promise<void> {
  const logDir = join(dir, '_delta_log');
  await mkdir(logDir, { recursive: true });
  const tmp = await mkdtemp(join(tmpdir(), 'deltasql-bench-'));
  const db = await openDuckDB();
  try {
    const template = join(tmp, 'template.parquet');
    const r = TEMPLATE_ROW;
    await db.run(
      `COPY (SELECT DATE '${r.date}' AS date, ${sqlString(r.ticker)} AS ticker, ${r.open}::DOUBLE AS open, ${r.high}::DOUBLE AS high, ` +
        `${r.low}::DOUBLE AS low, ${r.close}::DOUBLE AS close, ${r.volume}::BIGINT AS volume) ` +
        `TO ${sqlString(template)} (FORMAT parquet, COMPRESSION snappy)`,
    );
    const size = (await stat(template)).size;
    const { date, ticker, open, high, low, close, volume } = r;
    const values = { date, ticker, open, high, low, close, volume };
    const stats = statsJson({ numRecords: 1, minValues: values, maxValues: values, nullCount: Object.fromEntries(PRICE_COLUMNS.map((c) => [c.name, 0])) });

    const adds: AddFile[] = Array.from({ length: spec.commits }, (_, v) => ({
      path: dataFileName(v, FILE_NAME_SEED),
      partitionValues: {},
      size,
      modificationTime: CREATED + v * 60_000,
      dataChange: true,
      stats,
    }));
    const meta = metaData(uuidFrom(`${FILE_NAME_SEED}-table`), PRICE_COLUMNS, CREATED);

    await mapConcurrent(adds, IO_CONCURRENCY, (add) => copyFile(template, join(dir, add.path)));
    await mapConcurrent(adds, IO_CONCURRENCY, (add, v) => writeCommit(logDir, v, add, v === 0 ? meta : undefined));

    if (spec.checkpointInterval > 0) await writeCheckpoints(db, spec, logDir, tmp, adds, meta);
  } finally {
    db.closeSync();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Writes commit `version` (which adds `add`) and stamps its mtime with its commit time. */
export async function writeCommit(logDir: string, version: number, add: AddFile, meta?: MetaData): Promise<string> {
  const timestamp = CREATED + version * 60_000;
  const path = join(logDir, logFileName(version, 'json'));
  const text = commitText({
    timestamp,
    operation: meta ? 'CREATE TABLE AS SELECT' : 'WRITE',
    mode: meta ? 'ErrorIfExists' : 'Append',
    ...(version > 0 ? { readVersion: version - 1 } : {}),
    adds: [add],
    ...(meta ? { metaData: meta } : {}),
  });
  // 'wx': a commit is put-if-absent (DESIGN.md §3), also for the benchmark's extra commits.
  await writeFile(path, text, { flag: 'wx' });
  await utimes(path, timestamp / 1000, timestamp / 1000);
  return path;
}

/** The add a commit after the generated ones appends (the refresh benchmark's "one more commit"). */
export function extraAdd(version: number, template: AddFile): AddFile {
  return { ...template, path: dataFileName(version, FILE_NAME_SEED), modificationTime: CREATED + version * 60_000 };
}

async function writeCheckpoints(
  db: Awaited<ReturnType<typeof openDuckDB>>,
  spec: LongLogSpec,
  logDir: string,
  tmp: string,
  adds: readonly AddFile[],
  meta: MetaData,
): Promise<void> {
  const ndjson = join(tmp, 'adds.ndjson');
  await writeFile(ndjson, adds.map((a, version) => JSON.stringify({ version, path: a.path, size: a.size, modificationTime: a.modificationTime, stats: a.stats })).join('\n') + '\n');
  await loadAdds(db, ndjson);
  let last: { version: number; size: number; sizeInBytes: number; numOfAddFiles: number } | undefined;
  // Spark checkpoints at every multiple of the interval (never at version 0).
  for (let version = spec.checkpointInterval; version < spec.commits; version += spec.checkpointInterval) {
    const path = join(logDir, logFileName(version, 'checkpoint.parquet'));
    const size = await writeCheckpoint(db, path, version, meta);
    const timestamp = (CREATED + version * 60_000) / 1000;
    await utimes(path, timestamp, timestamp);
    last = { version, size, sizeInBytes: (await stat(path)).size, numOfAddFiles: version + 1 };
  }
  if (last) await writeFile(join(logDir, '_last_checkpoint'), JSON.stringify(last) + '\n');
}
