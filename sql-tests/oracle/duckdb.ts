import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Engine, EngineResult } from '../runner/run.js';
import { pgFloat8Text } from '../runner/values.js';
import { corpusVersions, warehouseTables } from './data.js';

/**
 * DuckDB (in-process, `@duckdb/node-api`) as the oracle for what PostgreSQL cannot spell: struct
 * fields (`eventParams.amount`), `==`, Spark-style functions. Each golden table is a view over
 * its Parquet files; values are rendered in PostgreSQL's text form (runner/values.ts) so the
 * expected rows read the same whichever oracle wrote them.
 */
export class DuckdbOracle implements Engine {
  readonly name = 'duckdb';
  readonly usesOracleSql = true;
  private constructor(
    private readonly db: DuckDBConnection,
    readonly version: string,
  ) {}

  static async open(warehouse: string, corpusDir: string): Promise<DuckdbOracle> {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    for (const t of warehouseTables(warehouse)) {
      const files = `[${t.files.map((f) => `'${f}'`).join(', ')}]`;
      const hive = t.partitionColumns.length > 0 ? ', hive_partitioning = true' : '';
      const columns = t.columns.map((c) => (t.partitionColumns.includes(c.name) ? `CAST("${c.name}" AS ${c.duck}) AS "${c.name}"` : `"${c.name}"`));
      await db.run(`CREATE VIEW "${t.name}" AS SELECT ${columns.join(', ')} FROM read_parquet(${files}${hive})`);
    }
    for (const v of corpusVersions(corpusDir)) {
      const json = JSON.stringify(v.rows).replaceAll("'", "''");
      const cols = v.columns.map((c) => `"${c.name}" ${duckType(c.type)}`).join(', ');
      await db.run(`CREATE TABLE "${v.name}" (${cols})`);
      if (v.rows.length > 0) {
        await db.run(`INSERT INTO "${v.name}" SELECT ${v.columns.map((c) => `CAST(json_extract_string(j, '$.${c.name}') AS ${duckType(c.type)})`).join(', ')} FROM (SELECT unnest(CAST('${json}' AS JSON[])) AS j)`);
      }
    }
    const version = (await db.runAndReadAll('SELECT version()')).getRows()[0]![0] as string;
    return new DuckdbOracle(db, version);
  }

  async run(sql: string): Promise<EngineResult> {
    const reader = await this.db.runAndReadAll(sql);
    const types = reader.columnTypes().map((t) => t.toString());
    const rows = reader.getRows().map((row) => row.map((v, i) => pgText(v, types[i]!)));
    return { width: types.length, rows };
  }
}

function duckType(type: unknown): string {
  switch (type) {
    case 'long':
      return 'BIGINT';
    case 'integer':
      return 'INTEGER';
    case 'double':
      return 'DOUBLE';
    case 'string':
      return 'VARCHAR';
    default:
      throw new Error(`corpus column type ${JSON.stringify(type)} is not mapped for the DuckDB oracle`);
  }
}

/** A DuckDB value in PostgreSQL's text output form (null for SQL NULL). */
function pgText(value: DuckDBValue, type: string): string | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return type === 'DOUBLE' ? pgFloat8Text(value) : type === 'FLOAT' ? float4Text(value) : String(value);
  if (typeof value === 'bigint' || typeof value === 'string') return String(value);
  const name = value.constructor.name;
  if (name === 'DuckDBListValue' || name === 'DuckDBArrayValue') {
    const items = (value as unknown as { items: DuckDBValue[] }).items;
    return `{${items.map((x) => (x === null ? 'NULL' : quoteArrayItem(pgText(x, '') ?? 'NULL'))).join(',')}}`;
  }
  if (name === 'DuckDBStructValue') return JSON.stringify(jsonOf(value));
  // Maps are json arrays of [key, value] pairs in stored order (PRODUCT.md "JSON values").
  if (name === 'DuckDBMapValue') return JSON.stringify(jsonOf(value));
  if (name === 'DuckDBBlobValue') return '\\x' + Buffer.from((value as unknown as { bytes: Uint8Array }).bytes).toString('hex');
  // Date, timestamp (with and without zone), decimal, interval: DuckDB's text is PostgreSQL's.
  return value.toString();
}

function quoteArrayItem(text: string): string {
  return /[{}",\\\s]/.test(text) || text === '' || text.toUpperCase() === 'NULL' ? `"${text.replace(/(["\\])/g, '\\$1')}"` : text;
}

function jsonOf(value: DuckDBValue): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  const name = value.constructor.name;
  if (name === 'DuckDBStructValue') {
    const entries = (value as unknown as { entries: Record<string, DuckDBValue> }).entries;
    return Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, jsonOf(v)]));
  }
  if (name === 'DuckDBMapValue') {
    return (value as unknown as { entries: { key: DuckDBValue; value: DuckDBValue }[] }).entries.map((e) => [jsonOf(e.key), jsonOf(e.value)]);
  }
  if (name === 'DuckDBListValue') return (value as unknown as { items: DuckDBValue[] }).items.map(jsonOf);
  return value.toString();
}

/** PostgreSQL's float4 output: the shortest decimal that reads back to the same float32. */
function float4Text(x: number): string {
  if (!Number.isFinite(x)) return pgFloat8Text(x);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(x.toPrecision(p));
    if (Math.fround(candidate) === x) return pgFloat8Text(candidate);
  }
  return pgFloat8Text(x);
}
