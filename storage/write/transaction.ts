import * as arrow from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { takeBatch } from '../../common/arrow/take.js';
import { require, SqlError } from '../../common/sql-error.js';
import { loadDeletionVector } from '../dv/read.js';
import { writeDeletionVector } from '../dv/write.js';
import type { AddFile, CdcFile, Metadata, Protocol, RemoveFile, Txn } from '../log/actions.js';
import { readCommit, readCommitInfo } from '../log/commit.js';
import { versionPrefix } from '../log/files.js';
import { joinPath } from '../object-store/object-store.js';
import { ensureWriteSupported } from '../protocol/features.js';
import { scanSnapshot } from '../scan/scan.js';
import { parseSchemaString, type StructType } from '../schema/types.js';
import { ReplayState } from '../snapshot/replay.js';
import { Snapshot, type ColumnMappingMode } from '../snapshot/snapshot.js';
import { fileStats } from '../stats/file-stats.js';
import type { DeltaTable } from '../table.js';
import type { ChangeType, CommitRequest, CommitResult, PositionedBatch, RowDeletion, WriteOptions } from './api.js';
import { writeCheckpointIfDue } from './checkpoint.js';
import { assignColumnMapping, MAX_COLUMN_ID } from './column-mapping.js';
import { checkConflicts, fileKeyOf, type ReadSet } from './conflicts.js';
import { DataWriter } from './data-writer.js';
import { engineInfo } from './engine-info.js';
import { commitJson, removeOf } from './log-json.js';
import { requiredProtocol, sameProtocol } from './protocol.js';
import { schemaToJson } from './schema-json.js';

/**
 * Commit attempts before giving up with `40001`. Spark's `maxCommitAttempts` is effectively
 * unbounded for non-conflicting races; a bounded number keeps a livelocked writer visible.
 */
export const MAX_COMMIT_ATTEMPTS = 1000;

/**
 * One optimistic Delta transaction (reference/delta-protocol.md §6): it starts from a snapshot,
 * writes data files (invisible until the commit), collects actions, and `commit()` creates
 * `_delta_log/<v+1>.json` put-if-absent. A lost race re-reads the winning commits, checks them
 * against what this transaction read and removed (Spark's WriteSerializable rules), and retries
 * at the next version; a real conflict is `40001`.
 *
 * @example
 * const tx = await WriteTransaction.open(table);              // table: DeltaTable (Warehouse.openTable)
 * await tx.write(batches);                                     // INSERT: Arrow batches, logical names
 * const { version } = await tx.commit({ operation: 'WRITE', operationParameters: { mode: 'Append' } });
 *
 * @example DELETE FROM t WHERE x > 5
 * const tx = await WriteTransaction.open(table);
 * const files = tx.readSnapshot.files.filter(mayMatch);        // prune however you like
 * tx.markRead(files);                                          // what the statement depended on
 * for (const file of files) {
 *   const rows: number[] = [];
 *   for await (const { batch, rowIndex } of tx.readFile(file, ['x'])) { ...push rowIndex[i] where x > 5 }
 *   await tx.deleteRows({ file, rows });                       // a DV, or a rewrite of the file
 * }
 * await tx.commit({ operation: 'DELETE', operationParameters: { predicate: '["(x > 5)"]' } });
 */
export class WriteTransaction {
  private currentMetadata: Metadata;
  private metadataChanged: boolean;
  private readonly adds: AddFile[] = [];
  private readonly removes: RemoveFile[] = [];
  private readonly cdcs: CdcFile[] = [];
  private readonly txns = new Map<string, Txn>();
  private readonly readKeys = new Set<string>();
  private readonly removedKeys = new Set<string>();
  private readPartitions: ReadSet['partitions'] = 'none';
  private readonly counts = { rows: 0, bytes: 0, deletedRows: 0, dvs: 0, copiedRows: 0, cdcFiles: 0 };
  private done = false;

  private constructor(
    readonly table: DeltaTable,
    /** The snapshot the transaction read (undefined for a table being created). */
    readonly readSnapshot: Snapshot | undefined,
    metadata: Metadata,
  ) {
    this.currentMetadata = metadata;
    this.metadataChanged = readSnapshot === undefined;
  }

  /** Starts a transaction on the latest version of an existing table. */
  static async open(table: DeltaTable): Promise<WriteTransaction> {
    const snapshot = await table.latest();
    ensureWriteSupported(snapshot.protocol, table.name);
    return new WriteTransaction(table, snapshot, snapshot.metadata);
  }

  /** A transaction whose commit creates the table (see `createTable`). */
  static forNewTable(table: DeltaTable, metadata: Metadata): WriteTransaction {
    return new WriteTransaction(table, undefined, metadata);
  }

  /** The metadata the commit will carry (the snapshot's, or what `setMetadata` set). */
  get metadata(): Metadata {
    return this.currentMetadata;
  }

  get schema(): StructType {
    return parseSchemaString(this.currentMetadata.schemaString, this.table.name);
  }

  /** The protocol the commit will carry: the lowest one the metadata's features need. */
  get protocol(): Protocol {
    return requiredProtocol(this.currentMetadata, this.schema, this.readSnapshot?.protocol);
  }

  private get columnMappingMode(): ColumnMappingMode {
    return (this.currentMetadata.configuration['delta.columnMapping.mode'] ?? 'none') as ColumnMappingMode;
  }

  private get config(): Readonly<Record<string, string>> {
    return this.currentMetadata.configuration;
  }

  /** The latest `txn` version the read snapshot holds for an application id (idempotent writers skip a batch at or below it). */
  appliedTxnVersion(appId: string): number | undefined {
    return this.readSnapshot?.txns.get(appId);
  }

  /**
   * Writes rows as new data files: split by partition columns, under physical names when the
   * table uses column mapping, Parquet (snappy) up to the target size, with `stats`. The batches
   * must carry the table's columns by logical name (any order; missing nullable columns are
   * NULL). Returns the `add` actions it queued.
   */
  async write(batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>, options: WriteOptions = {}): Promise<AddFile[]> {
    this.ensureOpen();
    const writer = this.dataWriter(options.dataChange ?? true, options);
    for await (const batch of batches) await writer.write(batch);
    const adds = await writer.finish();
    this.adds.push(...adds);
    if (options.dataChange ?? true) this.counts.rows += writer.rowsWritten;
    else this.counts.copiedRows += writer.rowsWritten;
    this.counts.bytes += writer.bytesWritten;
    return adds;
  }

  /**
   * Queues `add` for files that already exist (RESTORE adds back files of an older version).
   * Their paths must be relative to the table root and the files must be on disk.
   */
  addFiles(files: readonly AddFile[], options: { dataChange?: boolean } = {}): void {
    this.ensureOpen();
    const dataChange = options.dataChange ?? true;
    for (const file of files) this.adds.push({ ...file, dataChange, modificationTime: file.modificationTime });
  }

  /** Queues `remove` for whole files (DELETE of whole files, OVERWRITE, OPTIMIZE with dataChange=false). */
  removeFiles(files: readonly AddFile[], options: { dataChange?: boolean } = {}): void {
    this.ensureOpen();
    const dataChange = options.dataChange ?? true;
    require(!(dataChange && this.config['delta.appendOnly'] === 'true'), () => appendOnlyError(this.table.name));
    const now = Date.now();
    for (const file of files) {
      this.removes.push(removeOf(file, now, dataChange));
      this.removedKeys.add(fileKeyOf(file.path, file.deletionVector));
    }
  }

  /**
   * Deletes rows from a file: with `delta.enableDeletionVectors=true` a new deletion vector
   * (merged with the file's current one) and remove+add of the same path; otherwise the file is
   * rewritten without those rows and removed. A file left with no rows is simply removed.
   */
  async deleteRows(deletion: RowDeletion): Promise<void> {
    this.ensureOpen();
    require(this.config['delta.appendOnly'] !== 'true', () => appendOnlyError(this.table.name));
    const { file } = deletion;
    const existing = file.deletionVector ? await loadDeletionVector(this.table.store, this.table.root, file.deletionVector) : new Float64Array(0);
    const merged = mergeSorted(existing, sortedDistinct(deletion.rows));
    const newlyDeleted = merged.length - existing.length;
    if (newlyDeleted === 0) return;
    const numRecords = fileStats(file)?.numRecords ?? (await this.countRows(file));
    this.counts.deletedRows += newlyDeleted;
    if (merged.length >= numRecords) {
      this.removeFiles([file]);
      return;
    }
    if (this.config['delta.enableDeletionVectors'] === 'true') {
      const dv = await writeDeletionVector(this.table.store, this.table.root, merged);
      this.counts.dvs++;
      this.removeFiles([file]);
      const stats = file.stats === undefined ? undefined : withLooseBounds(file.stats);
      this.adds.push({ ...file, deletionVector: dv, dataChange: true, ...(stats !== undefined ? { stats } : {}) });
      return;
    }
    // Copy-on-write: the surviving rows go to a new file in the same partition.
    const columns = this.schema.fields.map((f) => f.name);
    const keep: arrow.RecordBatch[] = [];
    let mergedAt = 0;
    for await (const { batch, rowIndex } of this.readFile(file, columns)) {
      const indices: number[] = [];
      for (let i = 0; i < rowIndex.length; i++) {
        const row = rowIndex[i] as number;
        while (mergedAt < merged.length && (merged[mergedAt] as number) < row) mergedAt++;
        if (mergedAt < merged.length && merged[mergedAt] === row) continue;
        indices.push(i);
      }
      if (indices.length > 0) keep.push(indices.length === batch.numRows ? batch : takeBatch(batch, Int32Array.from(indices)));
    }
    this.removeFiles([file]);
    const before = this.counts.rows;
    await this.write(keep);
    // Rewritten rows are copies, not new data.
    const copied = this.counts.rows - before;
    this.counts.rows = before;
    this.counts.copiedRows += copied;
  }

  /**
   * The live rows of some files (deletion vectors applied), decoded ahead on the worker pool as
   * a scan does: for rewrites that need no row positions (OPTIMIZE).
   */
  readFiles(files: readonly AddFile[], columns: readonly string[]): AsyncIterable<arrow.RecordBatch> {
    return scanSnapshot(this.table.store, this.subSnapshot(files), { columns });
  }

  /** The read snapshot narrowed to `files` (same protocol, metadata and version). */
  private subSnapshot(files: readonly AddFile[]): Snapshot {
    const base = this.readSnapshot;
    require(base !== undefined, () => SqlError.internal('reading files of a table that is being created'));
    const state = new ReplayState();
    state.protocol = base.protocol;
    state.metadata = base.metadata;
    for (const file of files) state.files.set(fileKeyOf(file.path, file.deletionVector), file);
    return Snapshot.fromState(base.tableRoot, base.tableName, base.version, state);
  }

  /** Reads a live file's rows with their physical row positions (for DELETE/UPDATE/MERGE). */
  async *readFile(file: AddFile, columns: readonly string[]): AsyncGenerator<PositionedBatch> {
    const { deletionVector, ...plain } = file;
    const single = this.subSnapshot([plain]);
    const deleted = deletionVector ? await loadDeletionVector(this.table.store, this.table.root, deletionVector) : undefined;
    let next = 0;
    let deletedAt = 0;
    for await (const batch of scanSnapshot(this.table.store, single, { columns })) {
      const n = batch.numRows;
      const first = next;
      next += n;
      if (!deleted || deleted.length === 0) {
        const rowIndex = new Float64Array(n);
        for (let i = 0; i < n; i++) rowIndex[i] = first + i;
        yield { batch, rowIndex };
        continue;
      }
      const kept: number[] = [];
      for (let i = 0; i < n; i++) {
        const row = first + i;
        while (deletedAt < deleted.length && (deleted[deletedAt] as number) < row) deletedAt++;
        if (deletedAt < deleted.length && deleted[deletedAt] === row) continue;
        kept.push(i);
      }
      if (kept.length === 0) continue;
      const rowIndex = Float64Array.from(kept, (i) => first + i);
      yield { batch: kept.length === n ? batch : takeBatch(batch, Int32Array.from(kept)), rowIndex };
    }
  }

  /**
   * Declares what the statement's result depended on, for the conflict check: `files` it read
   * (a concurrent remove of any of them is a conflict), and the partitions its predicate covers
   * (a concurrent add into one of them is a conflict; omitted = the whole table).
   */
  markRead(files: readonly AddFile[], partitions?: (partitionValues: Readonly<Record<string, string | null>>) => boolean): void {
    this.ensureOpen();
    for (const file of files) this.readKeys.add(fileKeyOf(file.path, file.deletionVector));
    if (partitions === undefined) this.readPartitions = 'all';
    else if (this.readPartitions === 'none') this.readPartitions = partitions;
    else if (this.readPartitions !== 'all') {
      const before = this.readPartitions;
      this.readPartitions = (pv) => before(pv) || partitions(pv);
    }
  }

  /**
   * Records changed rows for the change data feed (`_change_data/`, `cdc` actions). A no-op
   * unless `delta.enableChangeDataFeed=true`. The batch carries the table's columns (logical
   * names); inserts of INSERT need not be recorded (the adds say it).
   */
  async writeChanges(changeType: ChangeType, batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>): Promise<void> {
    this.ensureOpen();
    if (this.config['delta.enableChangeDataFeed'] !== 'true') return;
    const writer = this.dataWriter(false, {}, '_change_data');
    for await (const batch of batches) {
      if (batch.numRows === 0) continue;
      const type = new arrow.Utf8();
      const encoded = new TextEncoder().encode(changeType);
      const offsets = new Int32Array(batch.numRows + 1);
      const bytes = new Uint8Array(encoded.length * batch.numRows);
      for (let i = 0; i < batch.numRows; i++) {
        bytes.set(encoded, i * encoded.length);
        offsets[i + 1] = (i + 1) * encoded.length;
      }
      const column = arrow.makeData({ type, length: batch.numRows, nullCount: 0, valueOffsets: offsets, data: bytes });
      const schema = new arrow.Schema([...batch.schema.fields, new arrow.Field('_change_type', type, false)]);
      const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children: [...batch.data.children, column] });
      await writer.write(new arrow.RecordBatch(schema, struct));
    }
    for (const add of await writer.finish()) {
      this.cdcs.push({ path: add.path, partitionValues: add.partitionValues, size: add.size, dataChange: false });
      this.counts.cdcFiles++;
    }
  }

  /** Replaces the metadata (ALTER TABLE, schema evolution, SET TBLPROPERTIES); the protocol follows. */
  setMetadata(change: Partial<Pick<Metadata, 'schemaString' | 'partitionColumns' | 'configuration' | 'name' | 'description'>>): void {
    this.ensureOpen();
    this.currentMetadata = withColumnMapping({ ...this.currentMetadata, ...change }, this.readSnapshot?.metadata);
    this.metadataChanged = true;
  }

  /** Idempotent writers: records `txn {appId, version}`; a concurrent commit with the same appId is a conflict. */
  setTxn(appId: string, version: number): void {
    this.ensureOpen();
    this.txns.set(appId, { appId, version, lastUpdated: Date.now() });
  }

  /** Makes everything visible in one new version (see the class comment). */
  async commit(request: CommitRequest): Promise<CommitResult> {
    this.ensureOpen();
    this.done = true;
    const store = this.table.store;
    const base = this.readSnapshot;
    const protocol = this.protocol;
    ensureWriteSupported(protocol, this.table.name);
    const protocolChanged = !base || !sameProtocol(protocol, base.protocol);
    const isBlindAppend = request.isBlindAppend ?? (this.removes.length === 0 && this.readPartitions === 'none' && this.readKeys.size === 0);
    const readSet: ReadSet = {
      files: this.readKeys,
      partitions: isBlindAppend ? 'none' : this.readPartitions,
      removed: this.removedKeys,
      appIds: new Set(this.txns.keys()),
      changesMetadata: this.metadataChanged && base !== undefined,
    };
    const metrics = this.metrics();
    const written: Record<string, number | string> = { ...metrics, ...(request.operationMetrics ?? {}) };
    for (const [k, v] of Object.entries(request.operationMetrics ?? {})) if (typeof v === 'number') metrics[k] = v;
    const txnId = randomUUID();
    const ictOn = this.config['delta.enableInCommitTimestamps'] === 'true';
    let version = base ? base.version + 1 : 0;
    for (let attempt = 0; ; attempt++) {
      const path = joinPath(this.table.logDir, `${versionPrefix(version)}.json`);
      let metadata = this.metadataChanged ? this.currentMetadata : undefined;
      const now = Date.now();
      let inCommitTimestamp: number | undefined;
      if (ictOn) {
        const previous = version > 0 ? await readCommitInfo(store, joinPath(this.table.logDir, `${versionPrefix(version - 1)}.json`)).catch(() => undefined) : undefined;
        const previousIct = Number(previous?.inCommitTimestamp);
        inCommitTimestamp = Number.isFinite(previousIct) ? Math.max(now, previousIct + 1) : now;
        if (base?.configuration['delta.enableInCommitTimestamps'] !== 'true' && this.currentMetadata.configuration['delta.inCommitTimestampEnablementVersion'] === undefined) {
          // §7: "`delta.inCommitTimestampEnablementVersion` and `…EnablementTimestamp` split the search".
          metadata = {
            ...this.currentMetadata,
            configuration: {
              ...this.currentMetadata.configuration,
              'delta.inCommitTimestampEnablementVersion': String(version),
              'delta.inCommitTimestampEnablementTimestamp': String(inCommitTimestamp),
            },
          };
        }
      }
      const commitInfo: Record<string, unknown> = {
        ...(inCommitTimestamp !== undefined ? { inCommitTimestamp } : {}),
        timestamp: now,
        operation: request.operation,
        operationParameters: request.operationParameters ?? {},
        ...(base ? { readVersion: base.version } : {}),
        isolationLevel: 'Serializable',
        isBlindAppend,
        operationMetrics: Object.fromEntries(Object.entries(written).map(([k, v]) => [k, String(v)])),
        ...(request.userMetadata !== undefined ? { userMetadata: request.userMetadata } : {}),
        engineInfo: engineInfo(),
        txnId,
      };
      const text = commitJson({
        commitInfo,
        ...(protocolChanged ? { protocol } : {}),
        ...(metadata ? { metadata } : {}),
        txns: [...this.txns.values()],
        adds: this.adds,
        removes: this.removes,
        cdcs: this.cdcs,
      });
      let created: boolean;
      try {
        created = await store.putIfAbsent(path, new TextEncoder().encode(text));
      } catch (err) {
        throw SqlError.ioError(path, err);
      }
      if (created) {
        await this.table.latest().catch(() => undefined); // bring the snapshot cache forward
        // The commit stands whatever happens to the checkpoint (a later one will be written);
        // the failure is reported as a process warning, as Spark logs it.
        const checkpointed = await writeCheckpointIfDue(this.table, version).catch((err: unknown) => {
          process.emitWarning(`deltasql: checkpoint of ${this.table.name} at version ${version} failed: ${err instanceof Error ? err.message : String(err)}`);
          return false;
        });
        return { version, retries: attempt, metrics, checkpointed };
      }
      if (!base) throw new SqlError('42P07', `relation "${this.table.name}" already exists`);
      // Another writer won this version: check it against what we read and changed, then go on.
      checkConflicts(readSet, await readCommit(store, path), version, this.table.name);
      version++;
      if (attempt + 1 >= MAX_COMMIT_ATTEMPTS) {
        throw new SqlError('40001', `could not commit to ${this.table.name}: ${MAX_COMMIT_ATTEMPTS} concurrent commits won the race`, { hint: 'Retry the statement.' });
      }
      if (attempt >= 3) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }

  private metrics(): Record<string, number> {
    const out: Record<string, number> = {
      numFiles: this.adds.length,
      numAddedFiles: this.adds.length,
      numRemovedFiles: this.removes.length,
      numOutputRows: this.counts.rows,
      numOutputBytes: this.counts.bytes,
    };
    if (this.counts.deletedRows > 0) out.numDeletedRows = this.counts.deletedRows;
    if (this.counts.copiedRows > 0) out.numCopiedRows = this.counts.copiedRows;
    if (this.counts.dvs > 0) out.numDeletionVectorsAdded = this.counts.dvs;
    if (this.counts.cdcFiles > 0) out.numAddedChangeFiles = this.counts.cdcFiles;
    return out;
  }

  private dataWriter(dataChange: boolean, options: WriteOptions, subfolder?: string): DataWriter {
    return new DataWriter({
      store: this.table.store,
      tableRoot: this.table.root,
      tableName: this.table.name,
      schema: this.schema,
      partitionColumns: this.currentMetadata.partitionColumns,
      columnMappingMode: this.columnMappingMode,
      configuration: this.config,
      engine: engineInfo(),
      dataChange,
      ...(options.targetFileSize !== undefined ? { targetFileSize: options.targetFileSize } : {}),
      ...(options.maxRowsPerFile !== undefined ? { maxRowsPerFile: options.maxRowsPerFile } : {}),
      ...(subfolder ? { subfolder, extraFields: [{ name: '_change_type', type: { kind: 'primitive', name: 'string' }, nullable: false, metadata: {} }] } : {}),
    });
  }

  private async countRows(file: AddFile): Promise<number> {
    let n = 0;
    const { deletionVector: _dv, ...plain } = file;
    for await (const { batch } of this.readFile(plain, [])) n += batch.numRows;
    return n;
  }

  private ensureOpen(): void {
    if (this.done) throw SqlError.internal('a write transaction was used after its commit');
  }
}

/**
 * Fills in column-mapping field metadata when the (new) metadata asks for a mapping mode: ids,
 * physical names and `maxColumnId`, keeping what fields already have.
 */
export function withColumnMapping(metadata: Metadata, previous: Metadata | undefined): Metadata {
  const mode = metadata.configuration['delta.columnMapping.mode'] ?? 'none';
  if (mode === 'none') return metadata;
  const schema = parseSchemaString(metadata.schemaString, 'new table metadata');
  const previousMode = previous?.configuration['delta.columnMapping.mode'] ?? 'none';
  const existing = new Set(previous && previousMode === 'none' ? parseSchemaString(previous.schemaString, 'table metadata').fields.map((f) => f.name) : []);
  const max = Number(metadata.configuration[MAX_COLUMN_ID] ?? previous?.configuration[MAX_COLUMN_ID] ?? 0) || 0;
  const mapped = assignColumnMapping(schema, max, existing);
  return { ...metadata, schemaString: schemaToJson(mapped.schema), configuration: { ...metadata.configuration, [MAX_COLUMN_ID]: String(mapped.maxColumnId) } };
}

function appendOnlyError(table: string): SqlError {
  return new SqlError('0A000', `cannot delete or update rows of ${table}: the table is append-only (delta.appendOnly=true)`);
}

/** Row positions as a sorted Float64Array without duplicates. */
function sortedDistinct(rows: RowDeletion['rows']): Float64Array {
  const sorted = Float64Array.from(rows as ArrayLike<number>).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i] as number;
  return sorted.subarray(0, n);
}

function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    const v = x <= y ? x : y;
    if (x === v) i++;
    if (y === v) j++;
    out[n++] = v;
  }
  return out.subarray(0, n);
}

/** §3: "With `tightBounds=false` (after DV deletes), the stats are only wide bounds." */
function withLooseBounds(stats: string): string {
  // Edit the text rather than re-serialise it: JSON.parse would round long and decimal bounds.
  if (stats.includes('"tightBounds"')) return stats.replace(/"tightBounds"\s*:\s*true/, '"tightBounds":false');
  const end = stats.lastIndexOf('}');
  return end < 0 ? stats : `${stats.slice(0, end)},"tightBounds":false}`;
}
