import type * as arrow from 'apache-arrow';
import type { AddFile } from '../../storage/log/actions.js';
import type { DeltaTable } from '../../storage/table.js';
import type { CommitResult } from '../../storage/write/api.js';
import { WriteTransaction } from '../../storage/write/transaction.js';
import { partitionValues } from '../../storage/write/partition-path.js';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import { arrowTypeToDelta } from './delta-schema.js';
import { checkedBatches } from './not-null.js';
import { evolvedMetadata } from './open-target.js';

/** A static partition value of INSERT OVERWRITE … PARTITION (p = v), typed as its column. */
export interface PartitionValue {
  readonly value: ScalarValue;
  readonly type: arrow.DataType;
}

export interface InsertRequest {
  readonly table: DeltaTable;
  /** Rows already in the table's schema, column for column (the planner projected and cast them; COPY parsed them). */
  readonly input: AsyncIterable<arrow.RecordBatch>;
  readonly tableSchema: arrow.Schema;
  /**
   * INSERT OVERWRITE: every live file is replaced, or with `partition` (logical column → its
   * static value) only the files of that partition.
   */
  readonly overwrite?: { readonly partition?: Readonly<Record<string, PartitionValue>> };
  /** The query read the table itself (INSERT INTO t SELECT … FROM t): its files are declared read, and it is no blind append. */
  readonly readsTarget?: boolean;
  /** Schema evolution: columns to add to the table (they end `tableSchema`). */
  readonly addColumns?: readonly arrow.Field[];
}

/**
 * INSERT INTO / INSERT OVERWRITE / COPY FROM: streams the input into new data files of one transaction
 * and commits them as Spark's `WRITE` (mode Append or Overwrite). Rows failing the NOT NULL
 * check stop the statement before the commit, so nothing becomes visible.
 */
export async function runInsert(request: InsertRequest): Promise<{ rows: number; commit: CommitResult }> {
  const tx = await WriteTransaction.open(request.table);
  if (request.addColumns !== undefined && request.addColumns.length > 0) tx.setMetadata(evolvedMetadata(tx, request.addColumns));
  if (request.readsTarget === true) tx.markRead(tx.readSnapshot?.files ?? []);
  let replaced: readonly AddFile[] = [];
  if (request.overwrite !== undefined) {
    replaced = filesOfPartition(tx, request.overwrite.partition);
    tx.markRead(replaced);
    tx.removeFiles(replaced);
  }
  const counter = { rows: 0 };
  await tx.write(checkedBatches(request.input, request.tableSchema, request.table.name, counter));
  const mode = request.overwrite === undefined ? 'Append' : 'Overwrite';
  const parameters: Record<string, unknown> = { mode, partitionBy: JSON.stringify(tx.readSnapshot?.partitionColumns ?? []) };
  if (request.overwrite?.partition !== undefined) parameters.partition = JSON.stringify(serialised(request.overwrite.partition));
  const commit = await tx.commit({
    operation: 'WRITE',
    operationParameters: parameters,
    operationMetrics: { numOutputRows: counter.rows },
    isBlindAppend: request.overwrite === undefined && request.readsTarget !== true,
  });
  return { rows: counter.rows, commit };
}

/** Static partition values as the log writes them (storage's own serialisation, so they compare equal). */
function serialised(partition: Readonly<Record<string, PartitionValue>>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(partition).map(([name, { value, type }]) => [name, partitionValues(dataFromValues(type, [value]), arrowTypeToDelta(type))[0] ?? null]));
}

/** The live files of a partition; `partitionValues` are keyed by physical name under column mapping. */
function filesOfPartition(tx: WriteTransaction, partition: Readonly<Record<string, PartitionValue>> | undefined): readonly AddFile[] {
  const snapshot = tx.readSnapshot;
  if (snapshot === undefined) return [];
  if (partition === undefined || Object.keys(partition).length === 0) return snapshot.files;
  const mapped = snapshot.columnMappingMode !== 'none';
  const wanted = Object.entries(serialised(partition)).map(([name, value]) => {
    const field = snapshot.schema.fields.find((f) => f.name === name);
    const physical = mapped ? field?.metadata['delta.columnMapping.physicalName'] : undefined;
    return [typeof physical === 'string' ? physical : name, value] as const;
  });
  return snapshot.files.filter((f) => wanted.every(([key, value]) => (f.partitionValues[key] ?? null) === value));
}
