import type { Metadata, Protocol } from '../log/actions.js';
import { FEATURES, protocolHasFeature, type FeatureName } from '../protocol/features.js';
import type { DeltaType, StructType } from '../schema/types.js';

/**
 * The lowest protocol a table's metadata needs (reference/delta-protocol.md §8: "A new table
 * defaults to protocol (1,2). Write the minimal protocol the features need"), never lower than
 * the current one:
 * - plain tables (1,2); `delta.enableChangeDataFeed` (1,4); column mapping (2,5);
 * - deletion vectors or a `timestamp_ntz` column need reader features: (3,7) with lists;
 * - in-commit timestamps are a writer feature only: (1,7), or (2,7) beside column mapping.
 * Once a table is at writer 7, every feature in use is listed (§2: "a feature listed as a reader
 * feature must also be listed as a writer feature"), legacy ones included.
 */
export function requiredProtocol(metadata: Metadata, schema: StructType, current: Protocol | undefined): Protocol {
  const config = metadata.configuration;
  const used = new Set<FeatureName>();
  if ((config['delta.columnMapping.mode'] ?? 'none') !== 'none') used.add('columnMapping');
  if (config['delta.enableDeletionVectors'] === 'true') used.add('deletionVectors');
  if (config['delta.enableChangeDataFeed'] === 'true') used.add('changeDataFeed');
  if (config['delta.enableInCommitTimestamps'] === 'true') used.add('inCommitTimestamp');
  if (config['delta.appendOnly'] === 'true') used.add('appendOnly');
  if (schema.fields.some((f) => usesNtz(f.type))) used.add('timestampNtz');
  if (current) for (const name of Object.keys(FEATURES) as FeatureName[]) if (protocolHasFeature(current, name)) used.add(name);

  const needsReaderLists = used.has('deletionVectors') || used.has('timestampNtz') || (current?.minReaderVersion ?? 1) >= 3;
  const needsWriterLists = needsReaderLists || used.has('inCommitTimestamp') || (current?.minWriterVersion ?? 2) >= 7;
  if (!needsWriterLists) {
    let reader = Math.max(1, current?.minReaderVersion ?? 1);
    let writer = Math.max(2, current?.minWriterVersion ?? 2);
    for (const name of used) {
      const legacy = (FEATURES[name] as { minLegacy?: readonly [number, number] }).minLegacy;
      if (legacy) {
        reader = Math.max(reader, legacy[0]);
        writer = Math.max(writer, legacy[1]);
      }
    }
    return { minReaderVersion: reader, minWriterVersion: writer };
  }
  // Writer 7: list every feature in use. Legacy features a (≤2, <7) table had are kept listed.
  const writerFeatures = new Set<string>(current?.writerFeatures ?? []);
  const readerFeatures = new Set<string>(current?.readerFeatures ?? []);
  for (const name of used) {
    writerFeatures.add(name);
    if (FEATURES[name].type === 'readerWriter') readerFeatures.add(name);
  }
  if (current && current.minWriterVersion < 7) {
    // Upgrading from legacy: what the old versions implied stays supported.
    for (const name of Object.keys(FEATURES) as FeatureName[]) {
      const legacy = (FEATURES[name] as { minLegacy?: readonly [number, number] }).minLegacy;
      if (legacy && current.minReaderVersion >= legacy[0] && current.minWriterVersion >= legacy[1]) {
        writerFeatures.add(name);
        if (FEATURES[name].type === 'readerWriter') readerFeatures.add(name);
      }
    }
  }
  if (needsReaderLists) {
    return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [...readerFeatures].sort(), writerFeatures: [...writerFeatures].sort() };
  }
  // (≤2, 7): reader features are implied by the reader version (column mapping at 2).
  const reader = readerFeatures.has('columnMapping') ? 2 : Math.max(1, current?.minReaderVersion ?? 1);
  return { minReaderVersion: reader, minWriterVersion: 7, writerFeatures: [...writerFeatures].sort() };
}

function usesNtz(type: DeltaType): boolean {
  switch (type.kind) {
    case 'primitive':
      return type.name === 'timestamp_ntz';
    case 'struct':
      return type.fields.some((f) => usesNtz(f.type));
    case 'array':
      return usesNtz(type.elementType);
    case 'map':
      return usesNtz(type.keyType) || usesNtz(type.valueType);
    default:
      return false;
  }
}

/** True when two protocols are the same action (no new `protocol` needs writing). */
export function sameProtocol(a: Protocol, b: Protocol): boolean {
  const list = (x: readonly string[] | undefined) => (x ? [...x].sort().join(',') : '');
  return a.minReaderVersion === b.minReaderVersion && a.minWriterVersion === b.minWriterVersion && list(a.readerFeatures) === list(b.readerFeatures) && list(a.writerFeatures) === list(b.writerFeatures);
}
