import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An independent Delta reader for tests: it follows only reference/delta-protocol.md and shares
 * no code with `storage/` (the point is to catch our writer and our reader agreeing on a mistake).
 * It replays `_last_checkpoint` → checkpoint Parquet (read by DuckDB) → JSON commits, keeps the
 * live files by (path, DV id), decodes deletion vectors itself, and reads the data files with
 * DuckDB's `read_parquet`, mapping physical to logical names and adding partition values.
 * Every value comes back as text (see `valueSql`), and our reader's rows are compared in the same form.
 */
export interface IndependentSnapshot {
  readonly version: number;
  readonly protocol: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly files: readonly Record<string, unknown>[];
  readonly txns: ReadonlyMap<string, number>;
  readonly checkpointVersion: number | undefined;
}

let connection: Promise<DuckDBConnection> | undefined;

export function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((i) => i.connect());
  return connection;
}

export async function replay(root: string): Promise<IndependentSnapshot> {
  const log = join(root, '_delta_log');
  const names = readdirSync(log).sort();
  const commits = names.filter((n) => /^\d{20}\.json$/.test(n)).map((n) => Number(n.slice(0, 20)));
  const files = new Map<string, Record<string, unknown>>();
  const txns = new Map<string, number>();
  let protocol: Record<string, unknown> = {};
  let metadata: Record<string, unknown> = {};
  let from = 0;
  let checkpointVersion: number | undefined;
  const keyOf = (a: Record<string, unknown>) => {
    const dv = a.deletionVector as Record<string, unknown> | null | undefined;
    return decodeURIComponent(String(a.path)) + (dv ? `#${dv.storageType}${dv.pathOrInlineDv}@${dv.offset ?? ''}` : '');
  };
  if (existsSync(join(log, '_last_checkpoint'))) {
    const hint = JSON.parse(readFileSync(join(log, '_last_checkpoint'), 'utf8')) as { version: number };
    const path = join(log, `${String(hint.version).padStart(20, '0')}.checkpoint.parquet`);
    const db = await duck();
    const rows = (await db.runAndReadAll(`SELECT to_json(protocol) p, to_json(metaData) m, to_json(add) a, to_json(txn) t FROM read_parquet('${path}')`)).getRowObjectsJS();
    for (const row of rows) {
      if (row.p) protocol = JSON.parse(String(row.p));
      if (row.m) metadata = checkpointMetadata(JSON.parse(String(row.m)));
      if (row.a) {
        const add = JSON.parse(String(row.a)) as Record<string, unknown>;
        add.partitionValues = mapFromDuck(add.partitionValues);
        files.set(keyOf(add), add);
      }
      if (row.t) {
        const t = JSON.parse(String(row.t)) as { appId: string; version: number };
        txns.set(t.appId, Number(t.version));
      }
    }
    from = hint.version + 1;
    checkpointVersion = hint.version;
  }
  let version = checkpointVersion ?? -1;
  for (const v of commits.filter((c) => c >= from)) {
    if (v !== version + 1) throw new Error(`independent reader: gap in the log before version ${v}`);
    version = v;
    const text = readFileSync(join(log, `${String(v).padStart(20, '0')}.json`), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const action = JSON.parse(line) as Record<string, Record<string, unknown>>;
      if (action.protocol) protocol = action.protocol;
      if (action.metaData) metadata = action.metaData;
      if (action.add) files.set(keyOf(action.add), action.add);
      if (action.remove) files.delete(keyOf(action.remove));
      if (action.txn) txns.set(String(action.txn.appId), Number(action.txn.version));
    }
  }
  return { version, protocol, metadata, files: [...files.values()], txns, checkpointVersion };
}

/** DuckDB renders a Parquet MAP as a JSON object already; older forms as key/value lists. */
function mapFromDuck(v: unknown): Record<string, string | null> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((e: { key: string; value: string | null }) => [e.key, e.value]));
  return (v ?? {}) as Record<string, string | null>;
}

function checkpointMetadata(m: Record<string, unknown>): Record<string, unknown> {
  return { ...m, configuration: mapFromDuck(m.configuration) };
}

interface Field {
  name: string;
  type: unknown;
  metadata?: Record<string, unknown>;
}

/** Logical rows of the snapshot, every value as the text `valueSql` gives. */
export async function readRows(root: string, snapshot: IndependentSnapshot): Promise<Record<string, string | null>[]> {
  const schema = JSON.parse(String(snapshot.metadata.schemaString)) as { fields: Field[] };
  const partitionColumns = (snapshot.metadata.partitionColumns ?? []) as string[];
  const mode = ((snapshot.metadata.configuration ?? {}) as Record<string, string>)['delta.columnMapping.mode'] ?? 'none';
  const physical = (f: Field) => (mode !== 'none' ? String(f.metadata?.['delta.columnMapping.physicalName'] ?? f.name) : f.name);
  const db = await duck();
  const out: Record<string, string | null>[] = [];
  for (const file of snapshot.files) {
    const path = join(root, decodeURIComponent(String(file.path)));
    const deleted = file.deletionVector ? readDeletionVector(root, file.deletionVector as Record<string, unknown>) : new Set<number>();
    const dataFields = schema.fields.filter((f) => !partitionColumns.includes(f.name));
    const select = dataFields.map((f) => `${valueSql(`"${physical(f)}"`, f.type, physical)} AS "${f.name}"`);
    const sql = `SELECT ${[...select, 'file_row_number'].join(', ')} FROM read_parquet('${path}', file_row_number = true)`;
    const rows = (await db.runAndReadAll(sql)).getRowObjectsJS();
    const pv = file.partitionValues as Record<string, string | null>;
    for (const row of rows) {
      if (deleted.has(Number(row.file_row_number))) continue;
      const logical: Record<string, string | null> = {};
      for (const f of schema.fields) {
        if (partitionColumns.includes(f.name)) {
          const raw = pv[physical(f)] ?? null;
          logical[f.name] = raw === '' ? null : raw;
        } else {
          const v = row[f.name];
          logical[f.name] = v === null || v === undefined ? null : String(v);
        }
      }
      out.push(logical);
    }
  }
  return out;
}

/**
 * The SQL that renders a column as text: integers and decimals in plain digits, doubles with 6
 * decimals, dates `YYYY-MM-DD`, timestamps as epoch microseconds, structs as JSON.
 */
export function valueSql(column: string, type: unknown, physical: (f: Field) => string = (f) => f.name): string {
  if (typeof type === 'string') {
    if (type.startsWith('decimal')) return `CAST(${column} AS VARCHAR)`;
    switch (type) {
      case 'float':
      case 'double':
        return `printf('%.6f', ${column})`;
      case 'timestamp':
      case 'timestamp_ntz':
        return `CAST(epoch_us(${column}) AS VARCHAR)`;
      default:
        return `CAST(${column} AS VARCHAR)`;
    }
  }
  const t = type as { type?: string; fields?: Field[] };
  if (t.type === 'struct' && t.fields) {
    // Nested fields are physical in the file too: rebuild the struct under logical names.
    const members = t.fields.map((f) => `"${f.name}" := (${column})."${physical(f)}"`).join(', ');
    return `CASE WHEN ${column} IS NULL THEN NULL ELSE CAST(to_json(struct_pack(${members})) AS VARCHAR) END`;
  }
  return `CAST(to_json(${column}) AS VARCHAR)`;
}

// ── deletion vectors, decoded from the protocol text alone ──

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

function z85Decode(text: string): Uint8Array {
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0; i < text.length / 5; i++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 85 + Z85.indexOf(text[i * 5 + j] as string);
    out[i * 4] = (v >>> 24) & 255;
    out[i * 4 + 1] = (v >>> 16) & 255;
    out[i * 4 + 2] = (v >>> 8) & 255;
    out[i * 4 + 3] = v & 255;
  }
  return out;
}

function readDeletionVector(root: string, dv: Record<string, unknown>): Set<number> {
  if (dv.storageType !== 'u') throw new Error(`independent reader: DV storage type ${String(dv.storageType)} not handled`);
  const text = String(dv.pathOrInlineDv);
  const uuidBytes = z85Decode(text.slice(-20));
  const hex = [...uuidBytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const prefix = text.slice(0, -20);
  const file = readFileSync(join(root, prefix, `deletion_vector_${uuid}.bin`));
  const offset = Number(dv.offset ?? 1);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const size = view.getInt32(offset, false);
  if (size !== Number(dv.sizeInBytes)) throw new Error('independent reader: DV size mismatch');
  const bitmap = new DataView(file.buffer, file.byteOffset + offset + 4, size);
  let at = 0;
  if (bitmap.getUint32(0, true) !== 1681511377) throw new Error('independent reader: bad DV magic');
  at += 4;
  const buckets = Number(bitmap.getBigUint64(at, true));
  at += 8;
  const rows = new Set<number>();
  for (let b = 0; b < buckets; b++) {
    const high = bitmap.getUint32(at, true);
    at += 4;
    const cookie = bitmap.getUint32(at, true);
    if (cookie !== 12346) throw new Error('independent reader: only cookie 12346 handled');
    const n = bitmap.getUint32(at + 4, true);
    at += 8;
    const headers: { key: number; card: number }[] = [];
    for (let c = 0; c < n; c++) {
      headers.push({ key: bitmap.getUint16(at, true), card: bitmap.getUint16(at + 2, true) + 1 });
      at += 4;
    }
    at += 4 * n; // offsets
    for (const { key, card } of headers) {
      const base = high * 2 ** 32 + key * 65536;
      if (card <= 4096) {
        for (let k = 0; k < card; k++) rows.add(base + bitmap.getUint16(at + k * 2, true));
        at += card * 2;
      } else {
        for (let bit = 0; bit < 65536; bit++) if (bitmap.getUint8(at + (bit >> 3)) & (1 << (bit & 7))) rows.add(base + bit);
        at += 8192;
      }
    }
  }
  if (rows.size !== Number(dv.cardinality)) throw new Error('independent reader: DV cardinality mismatch');
  return rows;
}
