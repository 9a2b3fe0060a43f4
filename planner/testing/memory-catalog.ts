import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { makeBatch } from '../../executor/arrow/batch.js';
import { dataFromValues, type ScalarValue } from '../../executor/arrow/scalar.js';
import type { Catalog, ScanPredicate, ScanRequest, TableReference, TableSource, TimeTravel } from '../catalog.js';

/** A column of test data: its name, Arrow type and values in the ScalarValue form. */
export interface TestColumn {
  readonly name: string;
  readonly type: arrow.DataType;
  readonly values: readonly ScalarValue[];
}

/** One version of an in-memory table: its batches and commit time. */
export interface MemoryVersion {
  readonly batches: readonly arrow.RecordBatch[];
  readonly timestamp: number;
}

/**
 * A Catalog over in-memory Arrow batches, for planner and executor tests. Tables live in schema
 * `public` (`default` is its synonym) or under a path; each has numbered versions for time
 * travel. Every scan request is recorded in `scans`, so tests can assert projection pushdown.
 */
export class MemoryCatalog implements Catalog {
  readonly scans: { table: string; version: number; columns: readonly string[]; filters?: readonly ScanPredicate[] }[] = [];
  private readonly tables = new Map<string, MemoryVersion[]>();
  private readonly schemas = new Map<string, arrow.Schema>();

  /** Adds (or adds a version to) a table; `name` is `t` or a path `/abs/path`. Returns the version number. */
  add(name: string, columns: readonly TestColumn[], options: { batchRows?: number; timestamp?: number } = {}): number {
    const schema = new arrow.Schema(columns.map((c) => new arrow.Field(c.name, c.type, true)));
    const length = columns[0]?.values.length ?? 0;
    const batchRows = options.batchRows ?? Math.max(length, 1);
    const batches: arrow.RecordBatch[] = [];
    for (let start = 0; start < length; start += batchRows) {
      const end = Math.min(length, start + batchRows);
      batches.push(makeBatch(schema, columns.map((c) => dataFromValues(c.type, c.values.slice(start, end))), end - start));
    }
    const versions = this.tables.get(name) ?? [];
    versions.push({ batches, timestamp: options.timestamp ?? versions.length * 1000 });
    this.tables.set(name, versions);
    this.schemas.set(`${name}@${versions.length - 1}`, schema);
    return versions.length - 1;
  }

  async resolveTable(ref: TableReference, timeTravel?: TimeTravel): Promise<TableSource> {
    const key = this.lookup(ref);
    const versions = this.tables.get(key) ?? [];
    let version = versions.length - 1;
    if (timeTravel?.kind === 'version') {
      if (timeTravel.version < 0 || timeTravel.version >= versions.length) {
        throw SqlError.versionNotAvailable(key, `version ${timeTravel.version} does not exist (latest is ${versions.length - 1})`);
      }
      version = timeTravel.version;
    } else if (timeTravel?.kind === 'timestamp') {
      version = -1;
      versions.forEach((v, i) => {
        if (v.timestamp <= timeTravel.epochMillis) version = i;
      });
      if (version < 0) throw SqlError.versionNotAvailable(key, 'the timestamp is before the first commit');
    }
    const schema = this.schemas.get(`${key}@${version}`) as arrow.Schema;
    const batches = versions[version].batches;
    const scans = this.scans;
    return {
      displayName: ref.kind === 'path' ? `delta.\`${ref.path}\`` : `public.${key}`,
      schema,
      version,
      estimatedRows: batches.reduce((n, b) => n + b.numRows, 0),
      async *scan(request: ScanRequest): AsyncIterable<arrow.RecordBatch> {
        scans.push({ table: key, version, columns: [...request.columns], ...(request.filters === undefined ? {} : { filters: request.filters }) });
        const indices = request.columns.map((c) => schema.fields.findIndex((f) => f.name === c));
        const projected = new arrow.Schema(indices.map((i) => schema.fields[i]));
        for (const batch of batches) {
          request.signal?.throwIfAborted();
          yield makeBatch(projected, indices.map((i) => batch.data.children[i]), batch.numRows);
        }
      },
    };
  }

  private lookup(ref: TableReference): string {
    if (ref.kind === 'path') {
      if (!this.tables.has(ref.path)) throw SqlError.undefinedTable(`delta.\`${ref.path}\``);
      return ref.path;
    }
    const schema = ref.schema?.toLowerCase();
    if (schema !== undefined && schema !== 'public' && schema !== 'default') {
      throw new SqlError('3F000', `schema "${ref.schema}" does not exist`);
    }
    if (this.tables.has(ref.name)) return ref.name;
    const folded = [...this.tables.keys()].filter((k) => !k.startsWith('/') && k.toLowerCase() === ref.name.toLowerCase());
    if (folded.length === 1) return folded[0];
    throw SqlError.undefinedTable(schema === undefined ? ref.name : `${ref.schema}.${ref.name}`, undefined, [...this.tables.keys()]);
  }
}

/** Runs a plan to completion and returns its rows as arrays of ScalarValues, plus column names. */
export async function collect(plan: { schema: arrow.Schema; execute(ctx: object): AsyncIterable<arrow.RecordBatch> }): Promise<{ names: string[]; rows: ScalarValue[][] }> {
  const { scalarAt } = await import('../../executor/arrow/scalar.js');
  const rows: ScalarValue[][] = [];
  for await (const batch of plan.execute({})) {
    const columns = batch.data.children;
    for (let i = 0; i < batch.numRows; i++) rows.push(columns.map((c) => scalarAt(c, i)));
  }
  return { names: plan.schema.fields.map((f) => f.name), rows };
}

/**
 * Runs a plan and renders its result as `psql -A -F '|' -P null=NULL` does (header line, then
 * one line per row; booleans `t`/`f`, exact decimals, `+00` timestamps), so expectations can
 * be pasted from PostgreSQL 15's output.
 */
export async function psqlLines(plan: { schema: arrow.Schema; execute(ctx: object): AsyncIterable<arrow.RecordBatch> }): Promise<string[]> {
  const { formatDecimal } = await import('../../executor/values/decimal.js');
  const { formatDate, formatTimestamp } = await import('../../common/time/datetime.js');
  const { names, rows } = await collect(plan);
  const types = plan.schema.fields.map((f) => f.type);
  const render = (v: ScalarValue, t: arrow.DataType): string => {
    if (v === null) return 'NULL';
    switch (t.typeId) {
      case arrow.Type.Bool: return v ? 't' : 'f';
      case arrow.Type.Decimal: return formatDecimal(v as bigint, (t as arrow.Decimal).scale);
      case arrow.Type.Date: return formatDate(v as number);
      case arrow.Type.Timestamp: return formatTimestamp(v as bigint, Boolean((t as arrow.Timestamp).timezone));
      case arrow.Type.Struct: return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
      default: return String(v);
    }
  };
  return [names.join('|'), ...rows.map((r) => r.map((v, i) => render(v, types[i])).join('|'))];
}
