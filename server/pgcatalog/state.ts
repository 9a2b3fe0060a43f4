import type * as arrow from 'apache-arrow';
import type { Catalog } from '../../planner/catalog.js';
import { planQuery } from '../../planner/index.js';
import { GLOBAL_TEMP_SCHEMA, type SessionViews } from '../../planner/session.js';
import type { Warehouse } from '../../storage/warehouse.js';
import { deltaSchemaToArrow } from '../../storage/schema/arrow.js';
import { estimateRows } from '../../storage/scan/prune.js';
import { FIXED_OIDS, PROCESS_OIDS } from './oids.js';
import { catalogRelations } from './relations.js';

/**
 * What the catalog relations describe, gathered once per statement from the warehouse and the
 * session: schemas, tables (with columns, Delta comments, row counts and sizes), the session's
 * views, the user and database names and the session's settings.
 */
export interface CatalogState {
  readonly namespaces: readonly NamespaceInfo[];
  /** User relations first (warehouse tables, then views), then pg_catalog's and information_schema's own. */
  readonly relations: readonly RelationInfo[];
  readonly user: string;
  readonly database: string;
  readonly settings: ReadonlyMap<string, string>;
}

export interface NamespaceInfo {
  readonly oid: number;
  readonly name: string;
  /** Whether it is on the search path (`pg_catalog`, `public`): its relations are "visible". */
  readonly onSearchPath: boolean;
}

export interface ColumnInfo {
  readonly name: string;
  readonly type: arrow.DataType;
  /** For catalog relations: the PostgreSQL type as format_type prints it (overrides `type`'s mapping). */
  readonly pgType?: string;
  readonly nullable: boolean;
  readonly comment?: string;
}

export interface RelationInfo {
  readonly oid: number;
  readonly namespace: NamespaceInfo;
  readonly name: string;
  /** `r` table, `v` view, `m` live (materialized) view. */
  readonly kind: 'r' | 'v' | 'm';
  readonly columns: readonly ColumnInfo[];
  readonly comment?: string;
  /** Live rows by the Delta statistics (`numRecords`), when every file has them. */
  readonly rows?: number;
  /** Bytes of the active data files. */
  readonly bytes?: number;
  /** A view's query text. */
  readonly viewSql?: string;
  readonly partitionColumns?: readonly string[];
  /**
   * `pg_class.reloptions`, which psql's `\d+` prints as `Options:`: a Delta table's partition
   * columns (`partitionColumns=date,ticker`) and table properties (`delta.appendOnly=true`).
   */
  readonly options?: readonly string[];
  /** Whether this is one of pg_catalog's / information_schema's own relations. */
  readonly system: boolean;
}

/** What PgCatalog needs from the session: its views and settings, read at each statement. */
export interface SessionInfo {
  /** The session's views now (DISCARD ALL replaces them). */
  readonly views: () => SessionViews;
  readonly settings?: () => ReadonlyMap<string, string>;
  /** The database the client connected to (StartupMessage `database`): `current_database()`, `pg_database`. */
  readonly database?: () => string;
}

const PG_CATALOG: NamespaceInfo = { oid: FIXED_OIDS.pgCatalog, name: 'pg_catalog', onSearchPath: true };
const PUBLIC: NamespaceInfo = { oid: FIXED_OIDS.public, name: 'public', onSearchPath: true };
const INFORMATION_SCHEMA: NamespaceInfo = { oid: FIXED_OIDS.informationSchema, name: 'information_schema', onSearchPath: false };
const PG_TOAST: NamespaceInfo = { oid: FIXED_OIDS.pgToast, name: 'pg_toast', onSearchPath: false };

/** Builds the state: lists the warehouse, reads each table's latest snapshot (cached by the warehouse). */
export async function buildCatalogState(inner: Catalog, session: SessionInfo): Promise<CatalogState> {
  const settings = session.settings?.() ?? new Map<string, string>();
  const views = session.views();
  const namespaces = new Map<string, NamespaceInfo>([['pg_catalog', PG_CATALOG], ['public', PUBLIC], ['information_schema', INFORMATION_SCHEMA], ['pg_toast', PG_TOAST]]);
  const namespace = (name: string): NamespaceInfo => {
    let ns = namespaces.get(name);
    if (ns === undefined) {
      ns = { oid: PROCESS_OIDS.oidOf(`ns:${name}`), name, onSearchPath: false };
      namespaces.set(name, ns);
    }
    return ns;
  };
  namespace(GLOBAL_TEMP_SCHEMA);
  const relations: RelationInfo[] = [];
  const warehouse = asWarehouse(inner);
  if (warehouse !== undefined) {
    const tables = await warehouse.listTables();
    const infos = await Promise.all(tables.map(async (t) => {
      try {
        const table = await warehouse.openTable({ kind: 'path', path: t.path });
        const snapshot = await table.latest();
        const schema = deltaSchemaToArrow(snapshot.schema);
        const comments = new Map(snapshot.schema.fields.map((f) => [f.name, f.metadata.comment]));
        let bytes = 0;
        for (const f of snapshot.files) bytes += f.size;
        const rows = estimateRows(snapshot.files);
        const info: RelationInfo = {
          oid: PROCESS_OIDS.oidOf(`rel:${t.schema}.${t.name}`),
          namespace: namespace(t.schema),
          name: t.name,
          kind: 'r',
          columns: schema.fields.map((f) => {
            const comment = comments.get(f.name);
            return { name: f.name, type: f.type, nullable: f.nullable, ...(typeof comment === 'string' ? { comment } : {}) };
          }),
          ...(snapshot.metadata.description ? { comment: snapshot.metadata.description } : {}),
          ...(rows === undefined ? {} : { rows }),
          bytes,
          partitionColumns: snapshot.partitionColumns,
          ...deltaOptions(snapshot.partitionColumns, snapshot.configuration),
          system: false,
        };
        return info;
      } catch {
        return undefined; // a table that vanished or cannot be read is left out of the listing
      }
    }));
    for (const info of infos) if (info !== undefined) relations.push(info);
  }
  for (const [registry, schema] of [[views.temporary, 'public'], [views.global, GLOBAL_TEMP_SCHEMA]] as const) {
    for (const view of registry.values()) {
      const qualified = schema === 'public' ? `"${view.name.replace(/"/g, '""')}"` : `${GLOBAL_TEMP_SCHEMA}."${view.name.replace(/"/g, '""')}"`;
      let columns: ColumnInfo[] = [];
      try {
        const plan = await planQuery(`SELECT * FROM ${qualified}`, inner, { session: { views } });
        columns = plan.schema.fields.map((f) => ({ name: f.name, type: f.type, nullable: true }));
      } catch {
        // A view whose tables vanished still lists, with no columns (PostgreSQL cannot have one).
      }
      relations.push({ oid: PROCESS_OIDS.oidOf(`view:${schema}.${view.name.toLowerCase()}`), namespace: namespace(schema), name: view.name, kind: 'v', columns, viewSql: view.sql, system: false });
    }
  }
  for (const r of catalogRelations().values()) {
    relations.push({
      oid: r.oid,
      namespace: r.schema === 'pg_catalog' ? PG_CATALOG : INFORMATION_SCHEMA,
      name: r.name,
      kind: r.kind === 'v' ? 'v' : 'r',
      columns: r.columns.map((c, i) => ({ name: c.name, type: r.schemaArrow.fields[i].type, pgType: c.pgType, nullable: !c.notNull })),
      system: true,
    });
  }
  return {
    namespaces: [...namespaces.values()],
    relations,
    user: settings.get('session_authorization') ?? settings.get('user') ?? 'deltasql',
    database: session.database?.() ?? 'deltasql',
    settings,
  };
}

/**
 * A Delta table's partitioning and properties as reloptions. Delta partitions are values of the
 * partition columns, not relations of their own, so the table stays a plain `r` table to every
 * client (PostgreSQL's `p` would print "Number of partitions: 0" and send tools looking for leaf
 * tables); psql's `\d+` shows these under `Options:`.
 */
function deltaOptions(partitionColumns: readonly string[], configuration: Readonly<Record<string, string>>): { options?: readonly string[] } {
  const options = [
    ...(partitionColumns.length === 0 ? [] : [`partitionColumns=${partitionColumns.join(',')}`]),
    ...Object.entries(configuration).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`),
  ];
  return options.length === 0 ? {} : { options };
}

/** The warehouse behind a catalog, when it is one (tests may use other catalogs, with no tables to list). */
function asWarehouse(catalog: Catalog): Warehouse | undefined {
  const c = catalog as Partial<Warehouse>;
  return typeof c.listTables === 'function' && typeof c.openTable === 'function' ? (catalog as Warehouse) : undefined;
}
