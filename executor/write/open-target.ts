import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import type { StructField, StructType } from '../../storage/schema/types.js';
import { WriteTransaction } from '../../storage/write/transaction.js';
import type { WritableCatalog, WriteTableReference } from './catalog.js';
import { arrowFieldToDelta, schemaString } from './delta-schema.js';
import { TargetSource } from './target-source.js';

/** Opens the table a DELETE / UPDATE / MERGE changes: its transaction, read as a TargetSource. */
export async function openTarget(catalog: WritableCatalog, ref: WriteTableReference, displayName: string): Promise<TargetSource> {
  const table = await catalog.openTable(ref);
  const tx = await WriteTransaction.open(table);
  return new TargetSource(tx, displayName);
}

/**
 * Schema evolution: the table's schema with `fields` appended (new nullable columns, given ids
 * and physical names when the table uses column mapping), as `setMetadata` takes it.
 */
export function evolvedMetadata(tx: WriteTransaction, fields: readonly arrow.Field[]): { schemaString: string; configuration: Record<string, string> } {
  const snapshot = tx.readSnapshot;
  if (snapshot === undefined) throw SqlError.internal('schema evolution of a table being created');
  const configuration = { ...snapshot.configuration };
  let added: StructField[] = fields.map((f) => arrowFieldToDelta(f.clone({ nullable: true })));
  if ((configuration['delta.columnMapping.mode'] ?? 'none') !== 'none') {
    let id = Number(configuration['delta.columnMapping.maxColumnId'] ?? 0);
    added = added.map((f) => ({ ...f, metadata: { ...f.metadata, 'delta.columnMapping.id': ++id, 'delta.columnMapping.physicalName': `col-${crypto.randomUUID()}` } }));
    configuration['delta.columnMapping.maxColumnId'] = String(id);
  }
  const schema: StructType = { kind: 'struct', fields: [...snapshot.schema.fields, ...added] };
  return { schemaString: schemaString(schema), configuration };
}
