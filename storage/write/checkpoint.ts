import * as arrow from 'apache-arrow';
import type { AddFile, RemoveFile } from '../log/actions.js';
import { versionPrefix } from '../log/files.js';
import { joinPath } from '../object-store/object-store.js';
import { protocolHasFeature } from '../protocol/features.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { DeltaTable } from '../table.js';
import { tombstonesAt } from './tombstones.js';
import { engineInfo } from './engine-info.js';
import { cleanUpExpiredLogs } from './log-cleanup.js';
import { encodeParquet } from './parquet-file.js';
import { parseDuration } from './durations.js';

/** Spark's default `delta.checkpointInterval`. */
export const DEFAULT_CHECKPOINT_INTERVAL = 10;
/** `delta.deletedFileRetentionDuration` default: tombstones younger than this stay in checkpoints. */
export const DEFAULT_DELETED_FILE_RETENTION = 'interval 1 week';

/**
 * Writes a classic single-file checkpoint when `version` is a multiple of
 * `delta.checkpointInterval` (reference/delta-protocol.md §8: "write a checkpoint every
 * `delta.checkpointInterval` commits … Prefer a classic single-file V1 checkpoint … Then write
 * `_last_checkpoint`"), then cleans up expired log files. Tables with `v2Checkpoint` are left to
 * their JSON commits (deltasql writes no V2 checkpoints). Returns whether it wrote one.
 */
export async function writeCheckpointIfDue(table: DeltaTable, version: number): Promise<boolean> {
  if (version === 0) return false;
  const snapshot = await table.atVersion(version);
  const interval = Number(snapshot.configuration['delta.checkpointInterval'] ?? DEFAULT_CHECKPOINT_INTERVAL);
  if (!Number.isInteger(interval) || interval <= 0 || version % interval !== 0) return false;
  if (protocolHasFeature(snapshot.protocol, 'v2Checkpoint')) return false;
  await writeCheckpoint(table, snapshot);
  await cleanUpExpiredLogs(table, version);
  return true;
}

/** Writes `<version>.checkpoint.parquet` for a snapshot (put-if-absent: a concurrent writer's identical checkpoint wins) and `_last_checkpoint`. */
export async function writeCheckpoint(table: DeltaTable, snapshot: Snapshot): Promise<void> {
  const retention = parseDuration(snapshot.configuration['delta.deletedFileRetentionDuration'] ?? DEFAULT_DELETED_FILE_RETENTION);
  const tombstones = await tombstonesAt(table, snapshot, Date.now() - retention);
  const rows: Record<string, unknown>[] = [];
  const p = snapshot.protocol;
  rows.push({ protocol: { minReaderVersion: p.minReaderVersion, minWriterVersion: p.minWriterVersion, readerFeatures: p.readerFeatures ?? null, writerFeatures: p.writerFeatures ?? null } });
  const m = snapshot.metadata;
  rows.push({
    metaData: {
      id: m.id,
      name: m.name ?? null,
      description: m.description ?? null,
      format: { provider: m.format.provider, options: new Map(Object.entries(m.format.options)) },
      schemaString: m.schemaString,
      partitionColumns: m.partitionColumns,
      configuration: new Map(Object.entries(m.configuration)),
      createdTime: m.createdTime === undefined ? null : BigInt(m.createdTime),
    },
  });
  for (const [appId, v] of snapshot.txns) rows.push({ txn: { appId, version: BigInt(v), lastUpdated: null } });
  for (const d of snapshot.domainMetadata.values()) rows.push({ domainMetadata: { domain: d.domain, configuration: d.configuration, removed: false } });
  for (const add of snapshot.files) rows.push({ add: addRow(add) });
  for (const remove of tombstones) rows.push({ remove: removeRow(remove) });

  const schema = CHECKPOINT_SCHEMA;
  const columns = schema.fields.map((field) =>
    arrow.vectorFromArray(
      rows.map((r) => (r[field.name] === undefined ? null : r[field.name])),
      field.type,
    ).data[0] as arrow.Data,
  );
  const bytes = encodeParquet(schema, [columns], engineInfo());
  const path = joinPath(table.logDir, `${versionPrefix(snapshot.version)}.checkpoint.parquet`);
  await table.store.putIfAbsent(path, bytes);
  const hint = { version: snapshot.version, size: rows.length, sizeInBytes: bytes.length, numOfAddFiles: snapshot.files.length };
  await table.store.put(joinPath(table.logDir, '_last_checkpoint'), new TextEncoder().encode(JSON.stringify(hint)));
}

function stringMap(): arrow.Map_ {
  return new arrow.Map_(new arrow.Field('key_value', new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Utf8(), true)]), false), false);
}

const DV_TYPE = new arrow.Struct([
  new arrow.Field('storageType', new arrow.Utf8(), true),
  new arrow.Field('pathOrInlineDv', new arrow.Utf8(), true),
  new arrow.Field('offset', new arrow.Int32(), true),
  new arrow.Field('sizeInBytes', new arrow.Int32(), true),
  new arrow.Field('cardinality', new arrow.Int64(), true),
]);

const strings = () => new arrow.List(new arrow.Field('element', new arrow.Utf8(), true));

/** Spark's checkpoint schema (one struct column per action; each row sets exactly one). */
const CHECKPOINT_SCHEMA = new arrow.Schema([
  new arrow.Field(
    'txn',
    new arrow.Struct([new arrow.Field('appId', new arrow.Utf8(), true), new arrow.Field('version', new arrow.Int64(), true), new arrow.Field('lastUpdated', new arrow.Int64(), true)]),
    true,
  ),
  new arrow.Field(
    'add',
    new arrow.Struct([
      new arrow.Field('path', new arrow.Utf8(), true),
      new arrow.Field('partitionValues', stringMap(), true),
      new arrow.Field('size', new arrow.Int64(), true),
      new arrow.Field('modificationTime', new arrow.Int64(), true),
      new arrow.Field('dataChange', new arrow.Bool(), true),
      new arrow.Field('tags', stringMap(), true),
      new arrow.Field('deletionVector', DV_TYPE, true),
      new arrow.Field('baseRowId', new arrow.Int64(), true),
      new arrow.Field('defaultRowCommitVersion', new arrow.Int64(), true),
      new arrow.Field('stats', new arrow.Utf8(), true),
    ]),
    true,
  ),
  new arrow.Field(
    'remove',
    new arrow.Struct([
      new arrow.Field('path', new arrow.Utf8(), true),
      new arrow.Field('deletionTimestamp', new arrow.Int64(), true),
      new arrow.Field('dataChange', new arrow.Bool(), true),
      new arrow.Field('extendedFileMetadata', new arrow.Bool(), true),
      new arrow.Field('partitionValues', stringMap(), true),
      new arrow.Field('size', new arrow.Int64(), true),
      new arrow.Field('deletionVector', DV_TYPE, true),
      new arrow.Field('baseRowId', new arrow.Int64(), true),
      new arrow.Field('defaultRowCommitVersion', new arrow.Int64(), true),
    ]),
    true,
  ),
  new arrow.Field(
    'metaData',
    new arrow.Struct([
      new arrow.Field('id', new arrow.Utf8(), true),
      new arrow.Field('name', new arrow.Utf8(), true),
      new arrow.Field('description', new arrow.Utf8(), true),
      new arrow.Field('format', new arrow.Struct([new arrow.Field('provider', new arrow.Utf8(), true), new arrow.Field('options', stringMap(), true)]), true),
      new arrow.Field('schemaString', new arrow.Utf8(), true),
      new arrow.Field('partitionColumns', strings(), true),
      new arrow.Field('configuration', stringMap(), true),
      new arrow.Field('createdTime', new arrow.Int64(), true),
    ]),
    true,
  ),
  new arrow.Field(
    'protocol',
    new arrow.Struct([
      new arrow.Field('minReaderVersion', new arrow.Int32(), true),
      new arrow.Field('minWriterVersion', new arrow.Int32(), true),
      new arrow.Field('readerFeatures', strings(), true),
      new arrow.Field('writerFeatures', strings(), true),
    ]),
    true,
  ),
  new arrow.Field(
    'domainMetadata',
    new arrow.Struct([new arrow.Field('domain', new arrow.Utf8(), true), new arrow.Field('configuration', new arrow.Utf8(), true), new arrow.Field('removed', new arrow.Bool(), true)]),
    true,
  ),
]);

function dvRow(dv: AddFile['deletionVector']): unknown {
  if (!dv) return null;
  return { storageType: dv.storageType, pathOrInlineDv: dv.pathOrInlineDv, offset: dv.offset ?? null, sizeInBytes: dv.sizeInBytes, cardinality: BigInt(dv.cardinality) };
}

function addRow(a: AddFile): Record<string, unknown> {
  return {
    path: a.path,
    partitionValues: new Map(Object.entries(a.partitionValues)),
    size: BigInt(a.size),
    modificationTime: BigInt(Math.trunc(a.modificationTime)),
    dataChange: a.dataChange,
    tags: a.tags ? new Map(Object.entries(a.tags)) : null,
    deletionVector: dvRow(a.deletionVector),
    baseRowId: a.baseRowId === undefined ? null : BigInt(a.baseRowId),
    defaultRowCommitVersion: a.defaultRowCommitVersion === undefined ? null : BigInt(a.defaultRowCommitVersion),
    stats: a.stats ?? null,
  };
}

function removeRow(r: RemoveFile): Record<string, unknown> {
  return {
    path: r.path,
    deletionTimestamp: r.deletionTimestamp === undefined ? null : BigInt(Math.trunc(r.deletionTimestamp)),
    dataChange: r.dataChange,
    extendedFileMetadata: r.extendedFileMetadata ?? null,
    partitionValues: r.partitionValues ? new Map(Object.entries(r.partitionValues)) : null,
    size: r.size === undefined ? null : BigInt(r.size),
    deletionVector: dvRow(r.deletionVector),
    baseRowId: null,
    defaultRowCommitVersion: null,
  };
}
