import type { AddFile, CdcFile, Metadata, Protocol, RemoveFile, Txn } from '../log/actions.js';

/**
 * The JSON lines of a commit (reference/delta-protocol.md §3), in the order §8 asks for:
 * "commitInfo … goes first, with `inCommitTimestamp`, when ICT is on. Then come the file
 * actions … and `metaData`/`protocol` only when they change." (Spark writes protocol and metaData
 * before the file actions; so do we.)
 */
export interface CommitActions {
  readonly commitInfo: Readonly<Record<string, unknown>>;
  readonly protocol?: Protocol;
  readonly metadata?: Metadata;
  readonly txns: readonly Txn[];
  readonly adds: readonly AddFile[];
  readonly removes: readonly RemoveFile[];
  readonly cdcs: readonly CdcFile[];
}

export function commitJson(actions: CommitActions): string {
  const lines: string[] = [JSON.stringify({ commitInfo: actions.commitInfo })];
  if (actions.protocol) lines.push(JSON.stringify({ protocol: protocolJson(actions.protocol) }));
  if (actions.metadata) lines.push(JSON.stringify({ metaData: metadataJson(actions.metadata) }));
  for (const txn of actions.txns) lines.push(JSON.stringify({ txn }));
  for (const remove of actions.removes) lines.push(JSON.stringify({ remove: removeJson(remove) }));
  for (const add of actions.adds) lines.push(JSON.stringify({ add: addJson(add) }));
  for (const cdc of actions.cdcs) lines.push(JSON.stringify({ cdc }));
  return lines.join('\n') + '\n';
}

export function protocolJson(p: Protocol): Record<string, unknown> {
  return {
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    ...(p.readerFeatures ? { readerFeatures: p.readerFeatures } : {}),
    ...(p.writerFeatures ? { writerFeatures: p.writerFeatures } : {}),
  };
}

export function metadataJson(m: Metadata): Record<string, unknown> {
  return {
    id: m.id,
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.description !== undefined ? { description: m.description } : {}),
    format: m.format,
    schemaString: m.schemaString,
    partitionColumns: m.partitionColumns,
    configuration: m.configuration,
    ...(m.createdTime !== undefined ? { createdTime: m.createdTime } : {}),
  };
}

export function addJson(a: AddFile): Record<string, unknown> {
  return {
    path: a.path,
    partitionValues: a.partitionValues,
    size: a.size,
    modificationTime: a.modificationTime,
    dataChange: a.dataChange,
    ...(a.stats !== undefined ? { stats: a.stats } : {}),
    ...(a.tags ? { tags: a.tags } : {}),
    ...(a.deletionVector ? { deletionVector: a.deletionVector } : {}),
    ...(a.baseRowId !== undefined ? { baseRowId: a.baseRowId } : {}),
    ...(a.defaultRowCommitVersion !== undefined ? { defaultRowCommitVersion: a.defaultRowCommitVersion } : {}),
  };
}

export function removeJson(r: RemoveFile): Record<string, unknown> {
  return {
    path: r.path,
    ...(r.deletionTimestamp !== undefined ? { deletionTimestamp: r.deletionTimestamp } : {}),
    dataChange: r.dataChange,
    ...(r.extendedFileMetadata ? { extendedFileMetadata: true } : {}),
    ...(r.partitionValues ? { partitionValues: r.partitionValues } : {}),
    ...(r.size !== undefined ? { size: r.size } : {}),
    ...(r.stats !== undefined ? { stats: r.stats } : {}),
    ...(r.tags ? { tags: r.tags } : {}),
    ...(r.deletionVector ? { deletionVector: r.deletionVector } : {}),
  };
}

/** The `remove` for a live file: "remove with extended metadata" (size, partitionValues, stats, DV). */
export function removeOf(add: AddFile, deletionTimestamp: number, dataChange: boolean): RemoveFile {
  return {
    path: add.path,
    deletionTimestamp,
    dataChange,
    extendedFileMetadata: true,
    partitionValues: add.partitionValues,
    size: add.size,
    ...(add.stats !== undefined ? { stats: add.stats } : {}),
    ...(add.tags ? { tags: add.tags } : {}),
    ...(add.deletionVector ? { deletionVector: add.deletionVector } : {}),
  };
}
