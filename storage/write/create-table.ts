import { randomUUID } from 'node:crypto';
import { require, SqlError } from '../../common/sql-error.js';
import type { Metadata } from '../log/actions.js';
import type { ObjectStore } from '../object-store/object-store.js';
import { DeltaTable, isDeltaTable } from '../table.js';
import type { TableDefinition } from './api.js';
import { schemaToJson } from './schema-json.js';
import { WriteTransaction, withColumnMapping } from './transaction.js';

/**
 * Starts the transaction that creates a table at `root` (CREATE TABLE, CTAS): its commit is
 * version 0 with `protocol` (the lowest the definition's features need) and `metaData`.
 * Write rows into it before committing for CREATE TABLE AS SELECT. A table already at `root`
 * is `42P07`, checked here and again by the put-if-absent of version 0. For CREATE OR REPLACE
 * on an existing table, open a transaction on it instead, `setMetadata` and
 * `removeFiles(tx.readSnapshot.files)`.
 */
export async function createTable(store: ObjectStore, root: string, displayName: string, definition: TableDefinition): Promise<WriteTransaction> {
  require(!(await isDeltaTable(store, root)), () => new SqlError('42P07', `relation "${displayName}" already exists`));
  const partitionColumns = definition.partitionColumns ?? [];
  const names = new Set(definition.schema.fields.map((f) => f.name));
  for (const column of partitionColumns) {
    require(names.has(column), () => SqlError.undefinedColumn(column, undefined, [...names]));
    const type = definition.schema.fields.find((f) => f.name === column)?.type;
    require(type?.kind === 'primitive' || type?.kind === 'decimal', () => new SqlError('42P16', `cannot partition ${displayName} by column "${column}": partition columns must be of a primitive type`));
  }
  // Spark: "Cannot use all columns for partition columns" — a data file needs a column.
  require(partitionColumns.length < definition.schema.fields.length, () => new SqlError('42P16', `cannot use all columns of ${displayName} as partition columns`));
  const metadata: Metadata = {
    id: randomUUID(),
    ...(definition.name !== undefined ? { name: definition.name } : {}),
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToJson(definition.schema),
    partitionColumns,
    configuration: { ...(definition.configuration ?? {}) },
    createdTime: Date.now(),
  };
  return WriteTransaction.forNewTable(new DeltaTable(store, root, displayName), withColumnMapping(metadata, undefined));
}
