import { SqlError } from '../../common/sql-error.js';
import type { ObjectStore } from '../object-store/object-store.js';
import type { TableDefinition } from './api.js';
import type { WriteTransaction } from './transaction.js';

/**
 * Starts the transaction that creates a table at `root` (CREATE TABLE, CTAS): its commit is
 * version 0 with `protocol` (the lowest the definition's features need) and `metaData`.
 * Write rows into it before committing for CREATE TABLE AS SELECT. Committing over an existing
 * table is `42P07`. For CREATE OR REPLACE on an existing table, open a transaction on it instead,
 * `setMetadata` and `removeFiles(tx.readSnapshot.files)`.
 */
export async function createTable(_store: ObjectStore, _root: string, _displayName: string, _definition: TableDefinition): Promise<WriteTransaction> {
  throw SqlError.unsupportedFeature('createTable (storage write path in progress)');
}
