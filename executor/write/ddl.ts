import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import type { StructField, StructType } from '../../storage/schema/types.js';
import { createTable } from '../../storage/write/create-table.js';
import { WriteTransaction } from '../../storage/write/transaction.js';
import type { PhysicalOperator } from '../operator.js';
import type { WritableCatalog, WriteTableReference } from './catalog.js';
import { arrowFieldToDelta, arrowSchemaToDelta, schemaString } from './delta-schema.js';
import { checkedBatches } from './not-null.js';

/** What a DDL statement reports: its tag, and a notice when IF [NOT] EXISTS skipped it. */
export interface DdlOutcome {
  readonly notice?: string;
  /** Rows written (CREATE TABLE AS SELECT). */
  readonly rows?: number;
}

export interface CreateTableRequest {
  readonly ref: WriteTableReference;
  readonly displayName: string;
  readonly location?: string;
  readonly replace: boolean;
  readonly ifNotExists: boolean;
  /** Columns (CREATE TABLE (…)) or the query's output (CTAS); undefined: register an existing table. */
  readonly fields?: readonly arrow.Field[];
  readonly comments?: ReadonlyMap<string, string>;
  readonly partitionColumns: readonly string[];
  readonly properties: Readonly<Record<string, string>>;
  readonly description?: string;
  /** CREATE TABLE AS SELECT: rows in `fields`' schema. */
  readonly query?: PhysicalOperator;
}

/**
 * CREATE [OR REPLACE] TABLE [IF NOT EXISTS] [AS SELECT], and `CREATE TABLE t LOCATION '…'` over
 * an existing Delta table (which only names it). A new table is version 0 written by
 * storage's `createTable`; OR REPLACE over an existing table is one more version of it (its
 * history stays, as in Delta) that replaces metadata and removes every file.
 */
export async function runCreateTable(catalog: WritableCatalog, request: CreateTableRequest, signal?: AbortSignal): Promise<DdlOutcome> {
  const location = await catalog.locateTable(request.ref, request.location);
  if (request.fields === undefined) {
    if (!location.exists) throw new SqlError('42P01', `no Delta table at location '${location.root}' (give a column list or AS query to create one)`);
    if (!location.managed && request.ref.kind === 'named') await catalog.registerExternal(request.ref, location.root);
    return {};
  }
  const fields = request.fields;
  for (const p of request.partitionColumns) {
    if (!fields.some((f) => f.name === p)) throw new SqlError('42703', `partition column "${p}" is not a column of the table`);
  }
  const schema = arrowSchemaToDelta(fields, request.comments);
  const definition = {
    schema,
    partitionColumns: request.partitionColumns,
    configuration: request.properties,
    ...(request.description === undefined ? {} : { description: request.description }),
    ...(request.ref.kind === 'named' ? { name: request.ref.name } : {}),
  };
  const operation = request.replace ? (request.query ? 'CREATE OR REPLACE TABLE AS SELECT' : 'CREATE OR REPLACE TABLE') : request.query ? 'CREATE TABLE AS SELECT' : 'CREATE TABLE';
  const parameters = {
    isManaged: String(location.managed),
    description: request.description ?? null,
    partitionBy: JSON.stringify(request.partitionColumns),
    properties: JSON.stringify(request.properties),
  };
  let tx: WriteTransaction;
  if (location.exists) {
    if (request.ifNotExists) return { notice: `relation "${request.displayName}" already exists, skipping` };
    if (!request.replace) throw new SqlError('42P07', `relation "${request.displayName}" already exists`);
    tx = await WriteTransaction.open(await catalog.openTable(request.ref.kind === 'named' && request.location === undefined ? request.ref : { kind: 'path', path: location.root }));
    tx.setMetadata({ schemaString: schemaString(schema), partitionColumns: [...request.partitionColumns], configuration: { ...request.properties }, ...(request.description === undefined ? {} : { description: request.description }) });
    tx.removeFiles(tx.readSnapshot?.files ?? []);
  } else {
    tx = await createTable(catalog.store, location.root, request.displayName, definition);
  }
  const counter = { rows: 0 };
  if (request.query !== undefined) {
    const tableSchema = request.query.schema;
    await tx.write(checkedBatches(request.query.execute(signal === undefined ? {} : { signal }), tableSchema, request.displayName, counter));
  }
  await tx.commit({ operation, operationParameters: parameters, ...(request.query ? { operationMetrics: { numOutputRows: counter.rows } } : {}) });
  if (!location.managed && request.ref.kind === 'named') await catalog.registerExternal(request.ref, location.root);
  return request.query === undefined ? {} : { rows: counter.rows };
}

/** DROP TABLE [IF EXISTS] a, b: every name is checked before any table is dropped. */
export async function runDropTable(catalog: WritableCatalog, tables: readonly { ref: WriteTableReference; displayName: string }[], ifExists: boolean): Promise<DdlOutcome> {
  const notices: string[] = [];
  const present: typeof tables[number][] = [];
  for (const t of tables) {
    const location = await catalog.locateTable(t.ref);
    if (location.exists) present.push(t);
    else if (ifExists) notices.push(`table "${t.displayName}" does not exist, skipping`);
    else throw new SqlError('42P01', `table "${t.displayName}" does not exist`);
  }
  for (const t of present) await catalog.dropTable(t.ref);
  return notices.length === 0 ? {} : { notice: notices.join('\n') };
}

export type AlterRequest =
  | { readonly kind: 'addColumns'; readonly fields: readonly arrow.Field[]; readonly comments: ReadonlyMap<string, string> }
  | { readonly kind: 'renameColumn'; readonly from: string; readonly to: string }
  | { readonly kind: 'setProperties'; readonly properties: Readonly<Record<string, string>> }
  | { readonly kind: 'unsetProperties'; readonly keys: readonly string[]; readonly ifExists: boolean };

/**
 * ALTER TABLE as one metadata commit. RENAME COLUMN needs column mapping: a table without it
 * is upgraded to mode `name` first (every field, nested ones included, gets its current name
 * as physical name and an id), as Delta does, so data files are never rewritten.
 */
export async function runAlterTable(catalog: WritableCatalog, ref: WriteTableReference, displayName: string, request: AlterRequest): Promise<DdlOutcome> {
  const tx = await WriteTransaction.open(await catalog.openTable(ref));
  const snapshot = tx.readSnapshot;
  if (snapshot === undefined) throw SqlError.internal('ALTER TABLE of a table being created');
  let schema: StructType = snapshot.schema;
  let configuration: Record<string, string> = { ...snapshot.configuration };
  let partitionColumns = [...snapshot.partitionColumns];
  let operation: string;
  let parameters: Record<string, unknown>;
  const find = (name: string) => schema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
  switch (request.kind) {
    case 'addColumns': {
      for (const f of request.fields) {
        if (find(f.name) >= 0) throw new SqlError('42701', `column "${f.name}" of relation "${displayName}" already exists`);
        if (!f.nullable) throw SqlError.unsupportedFeature(`adding NOT NULL column "${f.name}" to an existing table (its existing rows would be NULL)`);
      }
      let added = request.fields.map((f) => arrowFieldToDelta(f, request.comments.get(f.name)));
      if ((configuration['delta.columnMapping.mode'] ?? 'none') !== 'none') {
        const next = { id: Number(configuration['delta.columnMapping.maxColumnId'] ?? maxColumnId(schema)) };
        added = added.map((f) => withMapping(f, next, 'fresh'));
        configuration['delta.columnMapping.maxColumnId'] = String(next.id);
      }
      schema = { kind: 'struct', fields: [...schema.fields, ...added] };
      operation = 'ADD COLUMNS';
      parameters = { columns: JSON.stringify(added.map((f) => ({ column: { name: f.name, type: f.type, nullable: f.nullable, metadata: f.metadata } }))) };
      break;
    }
    case 'renameColumn': {
      const index = find(request.from);
      if (index < 0) throw SqlError.undefinedColumn(request.from, undefined, schema.fields.map((f) => f.name));
      if (find(request.to) >= 0 && find(request.to) !== index) throw new SqlError('42701', `column "${request.to}" of relation "${displayName}" already exists`);
      if ((configuration['delta.columnMapping.mode'] ?? 'none') === 'none') ({ schema, configuration } = enableColumnMapping(schema, configuration));
      const old = schema.fields[index] as StructField;
      schema = { kind: 'struct', fields: schema.fields.map((f, i) => (i === index ? { ...f, name: request.to } : f)) };
      partitionColumns = partitionColumns.map((p) => (p === old.name ? request.to : p));
      operation = 'RENAME COLUMN';
      parameters = { oldColumnPath: old.name, newColumnPath: request.to };
      break;
    }
    case 'setProperties': {
      const enabling = (request.properties['delta.columnMapping.mode'] ?? 'none') !== 'none' && (configuration['delta.columnMapping.mode'] ?? 'none') === 'none';
      if (enabling) ({ schema, configuration } = enableColumnMapping(schema, configuration));
      configuration = { ...configuration, ...request.properties };
      operation = 'SET TBLPROPERTIES';
      parameters = { properties: JSON.stringify(request.properties) };
      break;
    }
    case 'unsetProperties': {
      for (const key of request.keys) {
        if (!(key in configuration) && !request.ifExists) throw new SqlError('42704', `table property "${key}" is not set on ${displayName}`);
        delete configuration[key];
      }
      operation = 'UNSET TBLPROPERTIES';
      parameters = { properties: JSON.stringify(request.keys), ifExists: request.ifExists };
      break;
    }
  }
  tx.setMetadata({ schemaString: schemaString(schema), configuration, partitionColumns });
  await tx.commit({ operation, operationParameters: parameters });
  return {};
}

function maxColumnId(schema: StructType): number {
  let max = 0;
  const visit = (fields: readonly StructField[]) => {
    for (const f of fields) {
      const id = Number(f.metadata['delta.columnMapping.id'] ?? 0);
      if (id > max) max = id;
      if (f.type.kind === 'struct') visit(f.type.fields);
    }
  };
  visit(schema.fields);
  return max;
}

/**
 * A field (and its nested struct fields) given the next ids and physical names: its own name
 * when upgrading a table to column mapping (the existing files use those names), a fresh
 * `col-<uuid>` for a new column (its name may be the old physical name of a renamed one).
 */
function withMapping(field: StructField, next: { id: number }, physical: 'own' | 'fresh' = 'own'): StructField {
  const name = physical === 'own' ? field.name : `col-${crypto.randomUUID()}`;
  const metadata = { ...field.metadata, 'delta.columnMapping.id': ++next.id, 'delta.columnMapping.physicalName': name };
  const type = field.type.kind === 'struct' ? { kind: 'struct' as const, fields: field.type.fields.map((f) => withMapping(f, next, physical)) } : field.type;
  return { ...field, type, metadata };
}

/** Column mapping mode `name` on a table that had none: physical names are today's names. */
function enableColumnMapping(schema: StructType, configuration: Record<string, string>): { schema: StructType; configuration: Record<string, string> } {
  const next = { id: 0 };
  const fields = schema.fields.map((f) => withMapping(f, next));
  return { schema: { kind: 'struct', fields }, configuration: { ...configuration, 'delta.columnMapping.mode': 'name', 'delta.columnMapping.maxColumnId': String(next.id) } };
}
