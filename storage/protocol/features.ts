import { SqlError } from '../../common/sql-error.js';
import type { Protocol } from '../log/actions.js';

/**
 * Table features as a data table (STYLE.md §10; kernel's `table_features/mod.rs`): what each is
 * and whether deltasql reads tables that use it. `ensureReadSupported` is the one gate, run before
 * any data file is touched (reference/delta-protocol.md §2: "A reader must refuse a table whose
 * reader version is above 3, or whose readerFeatures holds any name it does not implement").
 */
export type FeatureSupport = 'supported' | 'unsupported';

export interface FeatureInfo {
  readonly type: 'readerWriter' | 'writerOnly';
  /** The legacy (reader, writer) versions that imply the feature without a feature list. */
  readonly minLegacy?: readonly [number, number];
  readonly read: FeatureSupport;
}

export const FEATURES = {
  columnMapping: { type: 'readerWriter', minLegacy: [2, 5], read: 'supported' },
  deletionVectors: { type: 'readerWriter', read: 'supported' },
  timestampNtz: { type: 'readerWriter', read: 'supported' },
  timestampWithoutTimezone: { type: 'readerWriter', read: 'supported' }, // kernel's alias
  v2Checkpoint: { type: 'readerWriter', read: 'supported' },
  vacuumProtocolCheck: { type: 'readerWriter', read: 'supported' },
  typeWidening: { type: 'readerWriter', read: 'supported' },
  'typeWidening-preview': { type: 'readerWriter', read: 'supported' },
  variantType: { type: 'readerWriter', read: 'unsupported' },
  'variantType-preview': { type: 'readerWriter', read: 'unsupported' },
  variantShredding: { type: 'readerWriter', read: 'unsupported' },
  'variantShredding-preview': { type: 'readerWriter', read: 'unsupported' },
  catalogManaged: { type: 'readerWriter', read: 'unsupported' },
  'catalogOwned-preview': { type: 'readerWriter', read: 'unsupported' },
  geospatial: { type: 'readerWriter', read: 'unsupported' },
  appendOnly: { type: 'writerOnly', minLegacy: [1, 2], read: 'supported' },
  invariants: { type: 'writerOnly', minLegacy: [1, 2], read: 'supported' },
  checkConstraints: { type: 'writerOnly', minLegacy: [1, 3], read: 'supported' },
  changeDataFeed: { type: 'writerOnly', minLegacy: [1, 4], read: 'supported' },
  generatedColumns: { type: 'writerOnly', minLegacy: [1, 4], read: 'supported' },
  identityColumns: { type: 'writerOnly', minLegacy: [1, 6], read: 'supported' },
  allowColumnDefaults: { type: 'writerOnly', read: 'supported' },
  domainMetadata: { type: 'writerOnly', read: 'supported' },
  rowTracking: { type: 'writerOnly', read: 'supported' },
  clustering: { type: 'writerOnly', read: 'supported' },
  inCommitTimestamp: { type: 'writerOnly', read: 'supported' },
  icebergCompatV1: { type: 'writerOnly', read: 'supported' },
  icebergCompatV2: { type: 'writerOnly', read: 'supported' },
  materializePartitionColumns: { type: 'writerOnly', read: 'supported' },
} as const satisfies Record<string, FeatureInfo>;

export type FeatureName = keyof typeof FEATURES;

/** A feature named in a protocol: known, or kept as `{ unknown: name }`. */
export type ProtocolFeature = { readonly known: FeatureName } | { readonly unknown: string };

export function lookupFeature(name: string): ProtocolFeature {
  return Object.hasOwn(FEATURES, name) ? { known: name as FeatureName } : { unknown: name };
}

/** The highest reader version deltasql implements. */
export const MAX_READER_VERSION = 3;

/** Throws `0A000` naming the feature and the table when deltasql cannot read the table. */
export function ensureReadSupported(protocol: Protocol, table: string): void {
  // Name an unknown feature first when there is a list: it says more than the version number.
  for (const name of protocol.readerFeatures ?? []) {
    const feature = lookupFeature(name);
    if ('unknown' in feature || FEATURES[feature.known].read !== 'supported') {
      throw SqlError.unsupportedFeature(`Delta reader feature "${name}"`, table);
    }
  }
  if (protocol.minReaderVersion > MAX_READER_VERSION) {
    throw SqlError.unsupportedFeature(`Delta reader version ${protocol.minReaderVersion} (deltasql reads up to ${MAX_READER_VERSION})`, table);
  }
}

/** Whether the protocol lists (or, before feature lists, implies) a feature. */
export function protocolHasFeature(protocol: Protocol, name: FeatureName): boolean {
  if (protocol.readerFeatures?.includes(name) || protocol.writerFeatures?.includes(name)) return true;
  const legacy: readonly [number, number] | undefined = (FEATURES[name] as FeatureInfo).minLegacy;
  if (!legacy) return false;
  const usesLists = protocol.minWriterVersion >= 7;
  return !usesLists && protocol.minReaderVersion >= legacy[0] && protocol.minWriterVersion >= legacy[1];
}
