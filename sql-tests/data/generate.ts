/**
 * Writes the golden tests' warehouse, `sql-tests/data/warehouse/<table>/`, as real Delta tables:
 * Parquet files written by DuckDB (`COPY … TO … (FORMAT parquet, COMPRESSION snappy)`) and a
 * hand-written `_delta_log` (protocol, metaData with Spark's schemaString and partitionColumns,
 * add actions with Spark-style stats), one commit per entry of `TableSpec.commits`.
 *
 * Run once after changing `tables.ts` and commit the output (it is small: tens of KB):
 *
 *     npx tsc -p sql-tests && node dist/sql-tests/data/generate.js
 *
 * Deterministic: the rows come from a seeded PRNG, file names and table ids from a hash of the
 * table name, timestamps are fixed. Then re-run the oracle completion (README.md).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allTables, type Column, type DeltaType, type TableSpec } from './tables.js';

/** Where the tables go; the script runs from the repository root (compiled to dist/sql-tests). */
export const WAREHOUSE = resolve(process.cwd(), 'sql-tests/data/warehouse');

/** A fixed commit time (2024-02-01) for tables without in-commit timestamps. */
const COMMIT_TIME = Date.parse('2024-02-01T00:00:00Z');

function uuidOf(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function sparkType(type: DeltaType): unknown {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'array':
      return { type: 'array', elementType: sparkType(type.elementType), containsNull: type.containsNull };
    case 'map':
      return { type: 'map', keyType: sparkType(type.keyType), valueType: sparkType(type.valueType), valueContainsNull: type.valueContainsNull };
    case 'struct':
      return { type: 'struct', fields: type.fields.map(sparkField) };
  }
}

function sparkField(column: Column): unknown {
  return { name: column.name, type: sparkType(column.type), nullable: true, metadata: {} };
}

const quote = (name: string): string => `"${name}"`;

/** Columns whose min/max Spark would write and we can render exactly (no float/decimal/binary/nested). */
function statsColumns(columns: readonly Column[]): Column[] {
  return columns.filter((c) => typeof c.type === 'string' && ['byte', 'short', 'integer', 'long', 'double', 'string', 'date', 'timestamp'].includes(c.type));
}

async function fileStats(db: DuckDBConnection, source: string, columns: readonly Column[]): Promise<string> {
  const stat = statsColumns(columns);
  const primitives = columns.filter((c) => typeof c.type === 'string');
  const render = (c: Column, agg: 'min' | 'max'): string => {
    const e = `${agg}(${quote(c.name)})`;
    if (c.type === 'date') return `strftime(${e}, '%Y-%m-%d')`;
    if (c.type === 'timestamp') return `strftime(CAST(${e} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ')`;
    return e;
  };
  const selects = [
    'count(*)::INTEGER AS n',
    ...stat.flatMap((c, i) => [`${render(c, 'min')} AS min${i}`, `${render(c, 'max')} AS max${i}`]),
    ...primitives.map((c, i) => `(count(*) - count(${quote(c.name)}))::INTEGER AS nulls${i}`),
  ];
  const reader = await db.runAndReadAll(`SELECT ${selects.join(', ')} FROM ${source}`);
  const row = reader.getRowObjectsJS()[0]!;
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, number> = {};
  stat.forEach((c, i) => {
    const lo = row[`min${i}`];
    const hi = row[`max${i}`];
    if (lo === null || lo === undefined) return;
    minValues[c.name] = typeof lo === 'bigint' ? Number(lo) : lo;
    maxValues[c.name] = typeof hi === 'bigint' ? Number(hi) : hi;
  });
  primitives.forEach((c, i) => (nullCount[c.name] = Number(row[`nulls${i}`])));
  return JSON.stringify({ numRecords: Number(row.n), minValues, maxValues, nullCount });
}

async function writeTable(db: DuckDBConnection, spec: TableSpec): Promise<void> {
  const dir = join(WAREHOUSE, spec.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, '_delta_log'), { recursive: true });
  const dataColumns = spec.columns.filter((c) => !spec.partitionColumns.includes(c.name));
  const ictOn = spec.inCommitTimestamps !== undefined;

  for (const [version, rows] of spec.commits.entries()) {
    const staging = `staging_${spec.name}`;
    await db.run(`CREATE OR REPLACE TABLE ${staging} (${spec.columns.map((c) => `${quote(c.name)} ${c.duck}`).join(', ')})`);
    if (rows.length > 0) await db.run(`INSERT INTO ${staging} VALUES ${rows.join(',\n')}`);

    // One file per partition value (Hive-style folders), one file per commit otherwise.
    const partitions: Record<string, string | null>[] = [];
    if (spec.partitionColumns.length === 0) partitions.push({});
    else {
      const cols = spec.partitionColumns.map(quote).join(', ');
      const reader = await db.runAndReadAll(`SELECT DISTINCT ${spec.partitionColumns.map((p) => `CAST(${quote(p)} AS VARCHAR) AS ${quote(p)}`).join(', ')} FROM ${staging} ORDER BY ${cols}`);
      for (const row of reader.getRowObjectsJS()) partitions.push(row as Record<string, string | null>);
    }

    const actions: unknown[] = [];
    const timestamp = spec.inCommitTimestamps?.[version] ?? COMMIT_TIME + version * 60_000;
    actions.push({
      commitInfo: {
        ...(ictOn ? { inCommitTimestamp: timestamp } : {}),
        timestamp,
        operation: version === 0 ? 'CREATE TABLE AS SELECT' : 'WRITE',
        operationParameters: { mode: version === 0 ? 'ErrorIfExists' : 'Append', partitionBy: JSON.stringify(spec.partitionColumns) },
        isBlindAppend: true,
        engineInfo: 'deltasql-sql-tests-generator',
      },
    });
    if (version === 0) {
      const features = [...(spec.readerFeatures ?? [])];
      const writerFeatures = [...features, ...(ictOn ? ['inCommitTimestamp'] : [])];
      actions.push({
        protocol:
          features.length > 0
            ? { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: features, writerFeatures }
            : writerFeatures.length > 0
              ? { minReaderVersion: 1, minWriterVersion: 7, writerFeatures }
              : { minReaderVersion: 1, minWriterVersion: 2 },
      });
      actions.push({
        metaData: {
          id: uuidOf(spec.name),
          format: { provider: 'parquet', options: {} },
          schemaString: JSON.stringify({ type: 'struct', fields: spec.columns.map(sparkField) }),
          partitionColumns: spec.partitionColumns,
          configuration: ictOn ? { 'delta.enableInCommitTimestamps': 'true' } : {},
          createdTime: timestamp,
        },
      });
    }

    for (const [i, partition] of partitions.entries()) {
      const where = spec.partitionColumns.map((p) => (partition[p] === null ? `${quote(p)} IS NULL` : `CAST(${quote(p)} AS VARCHAR) = '${partition[p]}'`));
      const source = `(SELECT ${dataColumns.map((c) => quote(c.name)).join(', ')} FROM ${staging}${where.length ? ` WHERE ${where.join(' AND ')}` : ''})`;
      const folder = spec.partitionColumns.map((p) => `${p}=${partition[p] ?? '__HIVE_DEFAULT_PARTITION__'}/`).join('');
      const path = `${folder}part-${String(i).padStart(5, '0')}-${uuidOf(`${spec.name}/${version}/${i}`)}-c000.snappy.parquet`;
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await db.run(`COPY ${source} TO '${join(dir, path)}' (FORMAT parquet, COMPRESSION snappy)`);
      const size = (await stat(join(dir, path))).size;
      actions.push({
        add: {
          path,
          partitionValues: Object.fromEntries(spec.partitionColumns.map((p) => [p, partition[p] ?? null])),
          size,
          modificationTime: timestamp,
          dataChange: true,
          stats: await fileStats(db, source, dataColumns),
        },
      });
    }
    const commitPath = join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`);
    await writeFile(commitPath, actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
    // File times matter only for TIMESTAMP AS OF without ICT; set them to the commit time anyway.
    await utimes(commitPath, new Date(timestamp), new Date(timestamp));
  }
}

async function main(): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  for (const spec of allTables()) {
    await writeTable(db, spec);
    console.log(`wrote ${spec.name}: ${spec.commits.map((c) => c.length).join(' + ')} rows`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
