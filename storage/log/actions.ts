import { SqlError } from '../../common/sql-error.js';
import type { DeletionVectorDescriptor } from '../dv/descriptor.js';

/**
 * The Delta log's actions (reference/delta-protocol.md §3), normalised from either source:
 * JSON commit lines, or checkpoint rows (where hyparquet gives 64-bit integers as BigInt).
 * Unknown actions and unknown fields are ignored, as the protocol requires.
 */
export interface Protocol {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures?: readonly string[];
  readonly writerFeatures?: readonly string[];
}

export interface Metadata {
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly format: { readonly provider: string; readonly options: Readonly<Record<string, string>> };
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number;
}

export interface AddFile {
  /** As written in the log: a URI, URL-encoded, relative to the table root or absolute. */
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** The JSON statistics string, parsed lazily by whoever needs it. */
  readonly stats?: string;
  /** Typed statistics from a checkpoint's `add.stats_parsed`, when the checkpoint has them. */
  readonly statsParsed?: Readonly<Record<string, unknown>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly deletionVector?: DeletionVectorDescriptor;
  readonly baseRowId?: number;
  readonly defaultRowCommitVersion?: number;
}

export interface RemoveFile {
  readonly path: string;
  readonly deletionTimestamp?: number;
  readonly dataChange: boolean;
  readonly deletionVector?: DeletionVectorDescriptor;
  /** With `extendedFileMetadata`, the removed file's partitionValues, size and stats (§3). */
  readonly extendedFileMetadata?: boolean;
  readonly partitionValues?: Readonly<Record<string, string | null>>;
  readonly size?: number;
  readonly stats?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A change-data file (`cdc` action, §3). */
export interface CdcFile {
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly dataChange: boolean;
}

export interface Txn {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number;
}

export interface DomainMetadata {
  readonly domain: string;
  readonly configuration: string;
  readonly removed: boolean;
}

export interface Sidecar {
  readonly path: string;
  readonly sizeInBytes: number;
}

export type LogAction =
  | { readonly kind: 'add'; readonly add: AddFile }
  | { readonly kind: 'remove'; readonly remove: RemoveFile }
  | { readonly kind: 'metaData'; readonly metaData: Metadata }
  | { readonly kind: 'protocol'; readonly protocol: Protocol }
  | { readonly kind: 'txn'; readonly txn: Txn }
  | { readonly kind: 'domainMetadata'; readonly domainMetadata: DomainMetadata }
  | { readonly kind: 'commitInfo'; readonly commitInfo: Readonly<Record<string, unknown>> }
  | { readonly kind: 'checkpointMetadata'; readonly version: number }
  | { readonly kind: 'sidecar'; readonly sidecar: Sidecar }
  | { readonly kind: 'cdc'; readonly path: string };

type Json = Record<string, unknown>;

/**
 * Turns one action object (a commit line, or a checkpoint row with one non-null column) into a
 * LogAction; undefined for rows without a known action. `where` names the file for errors.
 */
export function toLogAction(row: Json, where: string): LogAction | undefined {
  if (isObject(row.add)) return { kind: 'add', add: toAdd(row.add, where) };
  if (isObject(row.remove)) return { kind: 'remove', remove: toRemove(row.remove, where) };
  if (isObject(row.metaData)) return { kind: 'metaData', metaData: toMetadata(row.metaData, where) };
  if (isObject(row.protocol)) return { kind: 'protocol', protocol: toProtocol(row.protocol, where) };
  if (isObject(row.txn)) {
    const t = row.txn;
    return { kind: 'txn', txn: { appId: str(t.appId, 'txn.appId', where), version: num(t.version, 'txn.version', where), lastUpdated: optNum(t.lastUpdated) } };
  }
  if (isObject(row.domainMetadata)) {
    const d = row.domainMetadata;
    return {
      kind: 'domainMetadata',
      domainMetadata: { domain: str(d.domain, 'domainMetadata.domain', where), configuration: String(d.configuration ?? ''), removed: d.removed === true },
    };
  }
  if (isObject(row.commitInfo)) return { kind: 'commitInfo', commitInfo: row.commitInfo };
  if (isObject(row.checkpointMetadata)) return { kind: 'checkpointMetadata', version: num(row.checkpointMetadata.version, 'checkpointMetadata.version', where) };
  if (isObject(row.sidecar)) {
    const s = row.sidecar;
    return { kind: 'sidecar', sidecar: { path: str(s.path, 'sidecar.path', where), sizeInBytes: optNum(s.sizeInBytes) ?? 0 } };
  }
  if (isObject(row.cdc)) return { kind: 'cdc', path: str(row.cdc.path, 'cdc.path', where) };
  return undefined;
}

function toAdd(a: Json, where: string): AddFile {
  const add: {
    -readonly [K in keyof AddFile]: AddFile[K];
  } = {
    path: str(a.path, 'add.path', where),
    partitionValues: stringMap(a.partitionValues),
    size: num(a.size, 'add.size', where),
    modificationTime: optNum(a.modificationTime) ?? 0,
    dataChange: a.dataChange !== false,
  };
  if (typeof a.stats === 'string') add.stats = a.stats;
  if (isObject(a.stats_parsed)) add.statsParsed = a.stats_parsed;
  if (isObject(a.tags)) add.tags = stringMap(a.tags) as Record<string, string>;
  const dv = toDeletionVector(a.deletionVector, where);
  if (dv) add.deletionVector = dv;
  const baseRowId = optNum(a.baseRowId);
  if (baseRowId !== undefined) add.baseRowId = baseRowId;
  const defaultRowCommitVersion = optNum(a.defaultRowCommitVersion);
  if (defaultRowCommitVersion !== undefined) add.defaultRowCommitVersion = defaultRowCommitVersion;
  return add;
}

function toRemove(r: Json, where: string): RemoveFile {
  const dv = toDeletionVector(r.deletionVector, where);
  const size = optNum(r.size);
  return {
    path: str(r.path, 'remove.path', where),
    deletionTimestamp: optNum(r.deletionTimestamp),
    dataChange: r.dataChange !== false,
    ...(dv ? { deletionVector: dv } : {}),
    ...(r.extendedFileMetadata === true ? { extendedFileMetadata: true } : {}),
    ...(isObject(r.partitionValues) ? { partitionValues: stringMap(r.partitionValues) } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(typeof r.stats === 'string' ? { stats: r.stats } : {}),
  };
}

function toMetadata(m: Json, where: string): Metadata {
  const format = isObject(m.format) ? m.format : {};
  return {
    id: String(m.id ?? ''),
    name: typeof m.name === 'string' ? m.name : undefined,
    description: typeof m.description === 'string' ? m.description : undefined,
    format: { provider: String(format.provider ?? 'parquet'), options: stringMap(format.options) as Record<string, string> },
    schemaString: str(m.schemaString, 'metaData.schemaString', where),
    partitionColumns: Array.isArray(m.partitionColumns) ? m.partitionColumns.map(String) : [],
    configuration: stringMap(m.configuration) as Record<string, string>,
    createdTime: optNum(m.createdTime),
  };
}

function toProtocol(p: Json, where: string): Protocol {
  return {
    minReaderVersion: num(p.minReaderVersion, 'protocol.minReaderVersion', where),
    minWriterVersion: num(p.minWriterVersion, 'protocol.minWriterVersion', where),
    ...(Array.isArray(p.readerFeatures) ? { readerFeatures: p.readerFeatures.map(String) } : {}),
    ...(Array.isArray(p.writerFeatures) ? { writerFeatures: p.writerFeatures.map(String) } : {}),
  };
}

function toDeletionVector(dv: unknown, where: string): DeletionVectorDescriptor | undefined {
  if (!isObject(dv)) return undefined;
  const storageType = String(dv.storageType);
  if (storageType !== 'u' && storageType !== 'i' && storageType !== 'p') {
    throw SqlError.corruptData(where, `unknown deletion vector storageType "${storageType}"`);
  }
  const offset = optNum(dv.offset);
  return {
    storageType,
    pathOrInlineDv: str(dv.pathOrInlineDv, 'deletionVector.pathOrInlineDv', where),
    ...(offset !== undefined ? { offset } : {}),
    sizeInBytes: num(dv.sizeInBytes, 'deletionVector.sizeInBytes', where),
    cardinality: num(dv.cardinality, 'deletionVector.cardinality', where),
  };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string map; checkpoints give Parquet MAPs, which hyparquet reads as plain objects. */
function stringMap(v: unknown): Record<string, string | null> {
  if (!isObject(v)) return {};
  const out: Record<string, string | null> = {};
  for (const [k, value] of Object.entries(v)) out[k] = value === null || value === undefined ? null : String(value);
  return out;
}

function str(v: unknown, field: string, where: string): string {
  if (typeof v !== 'string') throw SqlError.corruptData(where, `${field} is missing or not a string`);
  return v;
}

function num(v: unknown, field: string, where: string): number {
  const n = optNum(v);
  if (n === undefined) throw SqlError.corruptData(where, `${field} is missing or not a number`);
  return n;
}

function optNum(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
