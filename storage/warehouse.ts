import type * as arrow from 'apache-arrow';
import { SqlError } from '../common/sql-error.js';
import { LocalObjectStore } from './object-store/local.js';
import { joinPath, type ObjectStore } from './object-store/object-store.js';
import { deltaSchemaToArrow } from './schema/arrow.js';
import { ColumnCache } from './scan/column-cache.js';
import { estimateRows, selectFiles, type FilePredicate } from './scan/prune.js';
import { scanSnapshot, type ScanOptions } from './scan/scan.js';
import type { TimestampOutOfRange } from './snapshot/commit-timestamps.js';
import type { Snapshot } from './snapshot/snapshot.js';
import { DeltaTable, isDeltaTable } from './table.js';

/** The names a warehouse accepts for its default schema: PostgreSQL's, and Spark's synonym. */
export const DEFAULT_SCHEMA = 'public';
const DEFAULT_SCHEMA_SYNONYMS = new Set(['public', 'default']);

export interface WarehouseOptions {
  readonly store?: ObjectStore;
  /** Decoded columns of hot files, shared by every table of the warehouse (default: a new one). */
  readonly cache?: ColumnCache;
  readonly timestampOutOfRange?: TimestampOutOfRange;
}

export interface WarehouseTable {
  readonly schema: string;
  readonly name: string;
  readonly path: string;
}

/** A table reference as the planner's Catalog interface gives it (structurally the same type). */
type TableReference = { readonly kind: 'named'; readonly schema?: string; readonly name: string } | { readonly kind: 'path'; readonly path: string };
type TimeTravel = { readonly kind: 'version'; readonly version: number } | { readonly kind: 'timestamp'; readonly epochMillis: number };

/**
 * A folder of Delta tables (PRODUCT.md "Warehouse layout"): every sub-folder holding `_delta_log/`
 * is a table in schema `public` (`default` is its synonym), `<schema>/<table>/_delta_log` is
 * `<schema>.<table>`, and any table anywhere can be named by path. Tables that appear, change or
 * vanish on disk are seen at the next statement: names resolve against the folder every time, and
 * each table's snapshot cache refreshes from its log.
 */
export class Warehouse {
  readonly store: ObjectStore;
  readonly cache: ColumnCache;
  private readonly tables = new Map<string, DeltaTable>();

  constructor(
    readonly root: string,
    private readonly options: WarehouseOptions = {},
  ) {
    this.store = options.store ?? new LocalObjectStore();
    this.cache = options.cache ?? new ColumnCache();
  }

  /** Every table in the warehouse, schema `public` first. */
  async listTables(): Promise<WarehouseTable[]> {
    const out: WarehouseTable[] = [];
    for (const name of (await this.store.listFolders(this.root)).sort()) {
      const path = joinPath(this.root, name);
      if (await isDeltaTable(this.store, path)) {
        out.push({ schema: DEFAULT_SCHEMA, name, path });
        continue;
      }
      for (const inner of (await this.store.listFolders(path)).sort()) {
        const innerPath = joinPath(path, inner);
        if (await isDeltaTable(this.store, innerPath)) out.push({ schema: name, name: inner, path: innerPath });
      }
    }
    // External tables (CREATE TABLE … LOCATION elsewhere) whose folder still holds a table.
    for (const [key, path] of Object.entries(await this.readRegistry())) {
      const dot = key.indexOf('.');
      const schema = key.slice(0, dot);
      const name = key.slice(dot + 1);
      if (!out.some((t) => t.schema === schema && t.name.toLowerCase() === name) && (await isDeltaTable(this.store, path))) out.push({ schema, name, path });
    }
    return out;
  }

  /** The table at its latest version, or as of a version or instant (implements planner's Catalog). */
  async resolveTable(ref: TableReference, timeTravel?: TimeTravel) {
    const known = timeTravel === undefined ? await this.knownLatest(ref) : undefined;
    const snapshot = known ?? (await snapshotOf(await this.openTable(ref), timeTravel));
    return new DeltaTableSource(this.store, snapshot, this.cache);
  }

  /**
   * The hot path of a statement naming a table it has read before: the table already cached at
   * the folder its exact name points to (`<root>/<name>`, `<root>/<schema>/<name>`), still there
   * and unreplaced (`DeltaTable.latestIfUnreplaced`: two stats, no listing of the warehouse).
   * The exact folder is what `locate` picks first and a managed table wins over the external
   * registry, so this resolves the name as `openTable` would. Undefined sends the caller down
   * the full path (a new name, a case-insensitive match, a table that changed on disk).
   */
  private async knownLatest(ref: TableReference): Promise<Snapshot | undefined> {
    const path = ref.kind === 'path' ? ref.path : exactPath(this.root, ref.schema, ref.name);
    return this.tables.get(path)?.latestIfUnreplaced();
  }

  /** The DeltaTable behind a reference, cached per location so its snapshots are reused. */
  async openTable(ref: TableReference): Promise<DeltaTable> {
    const { path, displayName } = ref.kind === 'path' ? { path: ref.path, displayName: `delta.\`${ref.path}\`` } : await this.locateNamed(ref.schema, ref.name);
    if (!(await isDeltaTable(this.store, path))) {
      this.tables.delete(path);
      throw SqlError.undefinedTable(displayName, undefined, ref.kind === 'named' ? (await this.listTables()).map((t) => t.name) : []);
    }
    let table = this.tables.get(path);
    if (!table) {
      table = new DeltaTable(this.store, path, displayName, { timestampOutOfRange: this.options.timestampOutOfRange ?? 'error' });
      this.tables.set(path, table);
    }
    return table;
  }

  /** A named table's folder: a table folder in the warehouse first, else a registered external table. */
  private async locateNamed(schema: string | undefined, name: string): Promise<{ path: string; displayName: string; external: boolean }> {
    const managed = await this.locate(schema, name);
    if (await isDeltaTable(this.store, managed.path)) return { ...managed, external: false };
    const external = (await this.readRegistry())[registryKey(schema, name)];
    return external === undefined ? { ...managed, external: false } : { path: external, displayName: managed.displayName, external: true };
  }

  /**
   * Where a table named in CREATE TABLE lives (executor/write/catalog.ts `WritableCatalog`):
   * `<warehouse>/<name>` (or `<warehouse>/<schema>/<name>`) for a managed table, the LOCATION
   * given otherwise. A LOCATION equal to the managed folder makes a managed table.
   */
  async locateTable(ref: TableReference, location?: string): Promise<{ root: string; displayName: string; exists: boolean; managed: boolean }> {
    if (ref.kind === 'path') return { root: ref.path, displayName: `delta.\`${ref.path}\``, exists: await isDeltaTable(this.store, ref.path), managed: false };
    const named = await this.locateNamed(ref.schema, ref.name);
    if (location !== undefined) {
      const root = location.replace(/\/+$/, '');
      const managed = root === named.path && !named.external;
      return { root, displayName: named.displayName, exists: await isDeltaTable(this.store, root), managed };
    }
    return { root: named.path, displayName: named.displayName, exists: await isDeltaTable(this.store, named.path), managed: !named.external };
  }

  /**
   * Names an external table (CREATE TABLE t … LOCATION '/elsewhere'): recorded in
   * `<warehouse>/${REGISTRY_FILE}` as `{"tables": {"public.t": "/elsewhere"}}`, so the name
   * resolves and DROP TABLE knows to leave the files. The file is replaced whole; two processes
   * registering at the same instant may lose one entry (the table itself is unaffected).
   */
  async registerExternal(ref: TableReference, root: string): Promise<void> {
    if (ref.kind === 'path') return;
    const registry = await this.readRegistry();
    registry[registryKey(ref.schema, ref.name)] = root;
    await this.writeRegistry(registry);
  }

  /** DROP TABLE: a managed table's folder is deleted, an external table's name forgotten (its files stay). */
  async dropTable(ref: TableReference): Promise<boolean> {
    if (ref.kind === 'path') throw SqlError.unsupportedFeature('DROP TABLE of a table named by path (delete its folder instead)');
    const named = await this.locateNamed(ref.schema, ref.name);
    if (named.external) {
      const registry = await this.readRegistry();
      delete registry[registryKey(ref.schema, ref.name)];
      await this.writeRegistry(registry);
    } else {
      if (!(await isDeltaTable(this.store, named.path))) return false;
      await this.store.deletePrefix(named.path);
    }
    this.tables.delete(named.path);
    return true;
  }

  private async readRegistry(): Promise<Record<string, string>> {
    const path = joinPath(this.root, REGISTRY_FILE);
    if ((await this.store.head(path)) === undefined) return {};
    try {
      const parsed = JSON.parse(new TextDecoder().decode(await this.store.get(path))) as { tables?: Record<string, string> };
      return { ...(parsed.tables ?? {}) };
    } catch (err) {
      throw SqlError.corruptData(path, 'the external table registry is not valid JSON', err);
    }
  }

  private async writeRegistry(tables: Record<string, string>): Promise<void> {
    await this.store.put(joinPath(this.root, REGISTRY_FILE), new TextEncoder().encode(JSON.stringify({ tables }, null, 2)));
  }

  /** Folder of a named table: exact name first, then a unique case-insensitive match. */
  private async locate(schema: string | undefined, name: string): Promise<{ path: string; displayName: string }> {
    const inDefault = schema === undefined || DEFAULT_SCHEMA_SYNONYMS.has(schema.toLowerCase());
    const dir = inDefault ? this.root : joinPath(this.root, await this.matchFolder(this.root, schema));
    const folder = await this.matchFolder(dir, name);
    return { path: joinPath(dir, folder), displayName: inDefault ? name : `${schema}.${name}` };
  }

  private async matchFolder(dir: string, name: string): Promise<string> {
    const folders = await this.store.listFolders(dir);
    if (folders.includes(name)) return name;
    const matches = folders.filter((f) => f.toLowerCase() === name.toLowerCase());
    return matches.length === 1 ? (matches[0] as string) : name;
  }
}

/** The warehouse file naming external tables (see `Warehouse.registerExternal`). */
export const REGISTRY_FILE = '_deltasql_tables.json';

/** The folder a named table has when its folders are spelled exactly as the name (no I/O). */
function exactPath(root: string, schema: string | undefined, name: string): string {
  const inDefault = schema === undefined || DEFAULT_SCHEMA_SYNONYMS.has(schema.toLowerCase());
  return inDefault ? joinPath(root, name) : joinPath(joinPath(root, schema), name);
}

function registryKey(schema: string | undefined, name: string): string {
  const s = schema === undefined || DEFAULT_SCHEMA_SYNONYMS.has(schema.toLowerCase()) ? DEFAULT_SCHEMA : schema.toLowerCase();
  return `${s}.${name.toLowerCase()}`;
}

async function snapshotOf(table: DeltaTable, timeTravel: TimeTravel | undefined): Promise<Snapshot> {
  if (!timeTravel) return table.latest();
  if (timeTravel.kind === 'version') return table.atVersion(timeTravel.version);
  return table.atTimestamp(timeTravel.epochMillis);
}

/** One Delta table at one version, as the planner's `TableSource`. */
export class DeltaTableSource {
  readonly schema: arrow.Schema;

  constructor(
    private readonly store: ObjectStore,
    readonly snapshot: Snapshot,
    private readonly cache?: ColumnCache,
  ) {
    this.schema = deltaSchemaToArrow(snapshot.schema);
  }

  get displayName(): string {
    return this.snapshot.tableName;
  }

  get version(): number {
    return this.snapshot.version;
  }

  /** Rows in the live files by their statistics (undefined when a file has none): for join order. */
  get estimatedRows(): number | undefined {
    return estimateRows(this.snapshot.files);
  }

  scan(request: ScanOptions): AsyncIterable<arrow.RecordBatch> {
    return scanSnapshot(this.store, this.snapshot, this.cache ? { ...request, cache: this.cache } : request);
  }

  /** Which files a scan with these filters would read, for EXPLAIN. */
  prune(filters: readonly FilePredicate[]) {
    const { totalFiles, keptFiles, skippedByPartition, skippedByStats } = selectFiles(this.snapshot, filters);
    return { totalFiles, keptFiles, skippedByPartition, skippedByStats };
  }
}
