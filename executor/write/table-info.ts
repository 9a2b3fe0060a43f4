import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { physicalName } from '../../storage/scan/conform.js';
import { parsePartitionValue } from '../../storage/scan/partition-values.js';
import { deltaFieldToArrow } from '../../storage/schema/arrow.js';
import { typeToString, type StructField } from '../../storage/schema/types.js';
import type { Snapshot } from '../../storage/snapshot/snapshot.js';
import { makeBatch } from '../arrow/batch.js';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import type { CommandResult } from './delta-commands.js';

const STRING = new arrow.Utf8();

function result(fields: readonly arrow.Field[], rows: readonly (readonly ScalarValue[])[]): CommandResult {
  const schema = new arrow.Schema([...fields]);
  return { schema, batch: makeBatch(schema, fields.map((f, c) => dataFromValues(f.type, rows.map((r) => r[c] ?? null))), rows.length) };
}

const text = (...names: string[]) => names.map((n) => new arrow.Field(n, STRING, true));

/**
 * Spark's table information commands over one snapshot, in Spark's columns:
 * - `DESCRIBE [TABLE] t`: `col_name, data_type, comment` per column (Spark's type names: `bigint`,
 *   `string`, `array<int>`…; the comment from the field's metadata), then for a partitioned table
 *   `# Partition Information` and its columns; `EXTENDED` adds `# Detailed Table Information`;
 * - `SHOW COLUMNS IN t`: `col_name`;
 * - `SHOW TBLPROPERTIES t`: `key, value` — the table's configuration and its protocol versions;
 * - `SHOW PARTITIONS t`: each partition's values (typed as the columns), from the live files.
 */
export function tableInfoResult(snapshot: Snapshot, what: 'describe' | 'describeExtended' | 'columns' | 'properties' | 'partitions'): CommandResult {
  const fields = snapshot.schema.fields;
  switch (what) {
    case 'columns':
      return result(text('col_name'), fields.map((f) => [f.name]));
    case 'properties':
      return result(text('key', 'value'), properties(snapshot));
    case 'partitions':
      return partitions(snapshot);
    case 'describe':
    case 'describeExtended': {
      const row = (f: StructField): ScalarValue[] => [f.name, typeToString(f.type, 'spark'), typeof f.metadata.comment === 'string' ? f.metadata.comment : null];
      const rows: ScalarValue[][] = fields.map(row);
      const partitionFields = snapshot.partitionColumns.map((name) => fields.find((f) => f.name === name)).filter((f): f is StructField => f !== undefined);
      if (partitionFields.length > 0) rows.push(['', '', ''], ['# Partition Information', '', ''], ['# col_name', 'data_type', 'comment'], ...partitionFields.map(row));
      if (what === 'describeExtended') {
        const props = properties(snapshot).map(([k, v]) => `${k}=${v}`).join(',');
        rows.push(
          ['', '', ''],
          ['# Detailed Table Information', '', ''],
          ['Name', snapshot.tableName, ''],
          ['Location', snapshot.tableRoot, ''],
          ['Provider', 'delta', ''],
          ['Version', String(snapshot.version), ''],
          ['Table Properties', `[${props}]`, ''],
        );
      }
      return result(text('col_name', 'data_type', 'comment'), rows);
    }
  }
}

/** The configuration, then the protocol's versions (as Databricks lists them), by key. */
function properties(snapshot: Snapshot): [string, string][] {
  const entries: [string, string][] = Object.entries(snapshot.metadata.configuration).map(([k, v]) => [k, String(v)]);
  entries.push(['delta.minReaderVersion', String(snapshot.protocol.minReaderVersion)], ['delta.minWriterVersion', String(snapshot.protocol.minWriterVersion)]);
  return entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function partitions(snapshot: Snapshot): CommandResult {
  const columns = snapshot.partitionColumns.map((name) => snapshot.schema.fields.find((f) => f.name === name)).filter((f): f is StructField => f !== undefined);
  if (columns.length === 0) throw new SqlError('42809', `SHOW PARTITIONS is not allowed on a table that is not partitioned: ${snapshot.tableName}`);
  const seen = new Map<string, ScalarValue[]>();
  for (const add of snapshot.files) {
    const values = columns.map((f) => {
      const key = physicalName(f, snapshot.columnMappingMode);
      const raw = key in add.partitionValues ? add.partitionValues[key] : add.partitionValues[f.name];
      return parsePartitionValue(raw, f.type, `${snapshot.tableName} partition value ${f.name}`) as ScalarValue;
    });
    const id = JSON.stringify(values, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    if (!seen.has(id)) seen.set(id, values);
  }
  const rows = [...seen.values()].sort(compareRows);
  return result(columns.map(deltaFieldToArrow), rows);
}

/** Rows by their values, left to right, NULLs last. */
function compareRows(a: readonly ScalarValue[], b: readonly ScalarValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x as number) < (y as number) ? -1 : 1;
  }
  return 0;
}

/** Catalog namespaces that are PostgreSQL's own, not the warehouse's. */
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

/**
 * `SHOW TABLES`: `namespace, tableName, isTemporary` per table and view (Spark's columns), by name;
 * `SHOW SCHEMAS`: `namespace`. Schema `public` prints as Spark's `default`. `like`: Spark's
 * pattern — `*` any characters, `|` between alternatives, case-insensitive.
 */
export function catalogListResult(
  what: 'tables' | 'schemas',
  relations: readonly { readonly schema: string; readonly name: string; readonly viewSql?: string }[],
  schema: string | undefined,
  like: string | undefined,
): CommandResult {
  const spark = (s: string) => (s === 'public' ? 'default' : s);
  const wanted = schema === undefined ? undefined : spark(schema.toLowerCase());
  const matches = like === undefined ? () => true : likePattern(like);
  const own = relations.filter((r) => !SYSTEM_SCHEMAS.has(r.schema));
  if (what === 'schemas') {
    const names = [...new Set(['default', ...own.map((r) => spark(r.schema))])].filter(matches).sort();
    return result(text('namespace'), names.map((n) => [n]));
  }
  const rows = own
    .filter((r) => (wanted === undefined || spark(r.schema) === wanted || r.viewSql !== undefined) && matches(r.name))
    .map((r): ScalarValue[] => [r.viewSql === undefined ? spark(r.schema) : '', r.name, r.viewSql !== undefined])
    .sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : String(a[1]) > String(b[1]) ? 1 : 0));
  return result([...text('namespace', 'tableName'), new arrow.Field('isTemporary', new arrow.Bool(), false)], rows);
}

/** Spark's SHOW … LIKE pattern as a test. */
function likePattern(pattern: string): (name: string) => boolean {
  const alternatives = pattern.split('|').map((p) => new RegExp(`^${p.trim().split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'));
  return (name) => alternatives.some((re) => re.test(name));
}
