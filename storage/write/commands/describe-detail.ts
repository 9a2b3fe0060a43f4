import { versionPrefix } from '../../log/files.js';
import { readCommitInfo } from '../../log/commit.js';
import { joinPath } from '../../object-store/object-store.js';
import { FEATURES, protocolHasFeature, type FeatureName } from '../../protocol/features.js';
import type { DeltaTable } from '../../table.js';
import type { TableDetail } from '../commands.js';

/**
 * DESCRIBE DETAIL's one row, with Spark's columns: format, id, name, description, location,
 * createdAt, lastModified (the latest commit's timestamp: its in-commit timestamp when enabled,
 * else its file's modification time, reference/delta-protocol.md §7), partitionColumns,
 * clusteringColumns, numFiles, sizeInBytes, properties, minReaderVersion, minWriterVersion and
 * tableFeatures (listed, or implied by a legacy protocol).
 */
export async function describeDetail(table: DeltaTable): Promise<TableDetail> {
  const snapshot = await table.latest();
  const commitPath = joinPath(table.logDir, `${versionPrefix(snapshot.version)}.json`);
  let lastModified = (await table.store.head(commitPath))?.lastModified ?? 0;
  if (snapshot.configuration['delta.enableInCommitTimestamps'] === 'true') {
    const ict = Number((await readCommitInfo(table.store, commitPath).catch(() => undefined))?.inCommitTimestamp);
    if (Number.isFinite(ict)) lastModified = ict;
  }
  const features = (Object.keys(FEATURES) as FeatureName[]).filter((name) => protocolHasFeature(snapshot.protocol, name));
  const listed = [...(snapshot.protocol.readerFeatures ?? []), ...(snapshot.protocol.writerFeatures ?? [])];
  const m = snapshot.metadata;
  return {
    format: 'delta',
    id: m.id,
    name: m.name ?? null,
    description: m.description ?? null,
    location: table.root,
    createdAt: m.createdTime ?? null,
    lastModified,
    partitionColumns: m.partitionColumns,
    clusteringColumns: [],
    numFiles: snapshot.files.length,
    sizeInBytes: snapshot.files.reduce((n, f) => n + f.size, 0),
    properties: m.configuration,
    minReaderVersion: snapshot.protocol.minReaderVersion,
    minWriterVersion: snapshot.protocol.minWriterVersion,
    tableFeatures: [...new Set([...features, ...listed])].sort(),
  };
}
