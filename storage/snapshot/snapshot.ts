import { SqlError } from '../../common/sql-error.js';
import type { AddFile, DomainMetadata, Metadata, Protocol } from '../log/actions.js';
import { ensureReadSupported } from '../protocol/features.js';
import { parseSchemaString, type StructType } from '../schema/types.js';
import type { ReplayState } from './replay.js';

export type ColumnMappingMode = 'none' | 'name' | 'id';

/**
 * A Delta table at one version: an immutable value (kernel's `Snapshot`). Built by
 * `DeltaTable` from a log segment; `state` is kept so a newer snapshot can be built from this
 * one by applying only the commits after it.
 */
export class Snapshot {
  readonly schema: StructType;
  readonly files: readonly AddFile[];
  readonly columnMappingMode: ColumnMappingMode;

  constructor(
    /** Absolute location of the table root. */
    readonly tableRoot: string,
    /** How errors name the table. */
    readonly tableName: string,
    readonly version: number,
    readonly protocol: Protocol,
    readonly metadata: Metadata,
    readonly state: ReplayState,
  ) {
    ensureReadSupported(protocol, tableName);
    this.schema = parseSchemaString(metadata.schemaString, `${tableName} metaData`);
    this.files = [...state.files.values()];
    const mode = metadata.configuration['delta.columnMapping.mode'] ?? 'none';
    if (mode !== 'none' && mode !== 'name' && mode !== 'id') throw SqlError.unsupportedFeature(`column mapping mode "${mode}"`, tableName);
    this.columnMappingMode = mode;
  }

  static fromState(tableRoot: string, tableName: string, version: number, state: ReplayState): Snapshot {
    if (!state.protocol) throw SqlError.corruptData(`${tableRoot}/_delta_log`, `no protocol action at or before version ${version}`);
    if (!state.metadata) throw SqlError.corruptData(`${tableRoot}/_delta_log`, `no metaData action at or before version ${version}`);
    return new Snapshot(tableRoot, tableName, version, state.protocol, state.metadata, state);
  }

  get partitionColumns(): readonly string[] {
    return this.metadata.partitionColumns;
  }

  get configuration(): Readonly<Record<string, string>> {
    return this.metadata.configuration;
  }

  /** The latest `txn` version per application id (idempotent streaming writers). */
  get txns(): ReadonlyMap<string, number> {
    return this.state.txns;
  }

  get domainMetadata(): ReadonlyMap<string, DomainMetadata> {
    return this.state.domains;
  }
}
