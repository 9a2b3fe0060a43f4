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
  /** Whether deltasql writes tables that list the feature (storage/write/protocol.ts applies it). */
  readonly write: FeatureSupport;
}

export const FEATURES = {
  columnMapping: { type: 'readerWriter', minLegacy: [2, 5], read: 'supported', write: 'supported' },
  deletionVectors: { type: 'readerWriter', read: 'supported', write: 'supported' },
  timestampNtz: { type: 'readerWriter', read: 'supported', write: 'supported' },
  timestampWithoutTimezone: { type: 'readerWriter', read: 'supported', write: 'supported' }, // kernel's alias
  v2Checkpoint: { type: 'readerWriter', read: 'supported', write: 'unsupported' },
  vacuumProtocolCheck: { type: 'readerWriter', read: 'supported', write: 'supported' },
  typeWidening: { type: 'readerWriter', read: 'supported', write: 'supported' },
  'typeWidening-preview': { type: 'readerWriter', read: 'supported', write: 'supported' },
  variantType: { type: 'readerWriter', read: 'unsupported', write: 'unsupported' },
  'variantType-preview': { type: 'readerWriter', read: 'unsupported', write: 'unsupported' },
  variantShredding: { type: 'readerWriter', read: 'unsupported', write: 'unsupported' },
  'variantShredding-preview': { type: 'readerWriter', read: 'unsupported', write: 'unsupported' },
  catalogManaged: { type: 'readerWriter', read: 'unsupported', write: 'unsupported' },
  'catalogOwned-preview': { type: 'readerWriter', read: 'unsupported', write: 'unsupported' },
  geospatial: { type: 'readerWriter', read: 'unsupported', write: 'unsupported' },
  appendOnly: { type: 'writerOnly', minLegacy: [1, 2], read: 'supported', write: 'supported' },
  invariants: { type: 'writerOnly', minLegacy: [1, 2], read: 'supported', write: 'supported' },
  checkConstraints: { type: 'writerOnly', minLegacy: [1, 3], read: 'supported', write: 'supported' },
  changeDataFeed: { type: 'writerOnly', minLegacy: [1, 4], read: 'supported', write: 'supported' },
  generatedColumns: { type: 'writerOnly', minLegacy: [1, 4], read: 'supported', write: 'unsupported' },
  identityColumns: { type: 'writerOnly', minLegacy: [1, 6], read: 'supported', write: 'unsupported' },
  allowColumnDefaults: { type: 'writerOnly', read: 'supported', write: 'unsupported' },
  domainMetadata: { type: 'writerOnly', read: 'supported', write: 'supported' },
  rowTracking: { type: 'writerOnly', read: 'supported', write: 'unsupported' },
  clustering: { type: 'writerOnly', read: 'supported', write: 'unsupported' },
  inCommitTimestamp: { type: 'writerOnly', read: 'supported', write: 'supported' },
  icebergCompatV1: { type: 'writerOnly', read: 'supported', write: 'unsupported' },
  icebergCompatV2: { type: 'writerOnly', read: 'supported', write: 'unsupported' },
  materializePartitionColumns: { type: 'writerOnly', read: 'supported', write: 'unsupported' },
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

/**
 * Throws `0A000` naming the feature when deltasql cannot write the table (§2: "A writer must also
 * refuse when `writerFeatures` has such a name"); legacy protocols above writer 7's lists imply
 * features by version (generated and identity columns from writer 4 and 6 are checked by use).
 */
export function ensureWriteSupported(protocol: Protocol, table: string): void {
  ensureReadSupported(protocol, table);
  for (const name of protocol.writerFeatures ?? []) {
    const feature = lookupFeature(name);
    if ('unknown' in feature || FEATURES[feature.known].write !== 'supported') {
      throw SqlError.unsupportedFeature(`writing to a table with Delta writer feature "${name}"`, table);
    }
  }
  if (protocol.minWriterVersion > 7) throw SqlError.unsupportedFeature(`Delta writer version ${protocol.minWriterVersion}`, table);
}

/** Whether the protocol lists (or, before feature lists, implies) a feature. */
export function protocolHasFeature(protocol: Protocol, name: FeatureName): boolean {
  if (protocol.readerFeatures?.includes(name) || protocol.writerFeatures?.includes(name)) return true;
  const legacy: readonly [number, number] | undefined = (FEATURES[name] as FeatureInfo).minLegacy;
  if (!legacy) return false;
  const usesLists = protocol.minWriterVersion >= 7;
  return !usesLists && protocol.minReaderVersion >= legacy[0] && protocol.minWriterVersion >= legacy[1];
}
