import { isWritableCatalog, type TableLocation, type WritableCatalog, type WriteTableReference } from '../../executor/write/catalog.js';
import type { ObjectStore } from '../../storage/object-store/object-store.js';
import type { DeltaTable } from '../../storage/table.js';
import { SqlError } from '../../common/sql-error.js';
import type { CatalogIntrospection, IntrospectableCatalog, TableReference, TableSource, TimeTravel } from '../../planner/catalog.js';
import type { Catalog } from '../../planner/catalog.js';
import { pgAttribute, pgClass, pgDescription, pgMatviews, pgNamespace, pgStatUserTables, pgTables, pgViews } from './generators/pg-class.js';
import { columns, schemata, tables, views } from './generators/information-schema.js';
import { effectiveSettings, pgAuthid, pgDatabase, pgRoles, pgSettings, pgUser } from './generators/server-objects.js';
import type { CatalogRow, Generator } from './generators/types.js';
import { catalogRelations, procedureOids, staticRows, type CatalogRelation } from './relations.js';
import { buildCatalogState, type CatalogState, type SessionInfo } from './state.js';
import { VirtualTableSource } from './virtual-table.js';

/** Relations whose rows come from the warehouse and the session. */
const GENERATED: Record<string, Generator> = {
  'pg_catalog.pg_namespace': pgNamespace,
  'pg_catalog.pg_class': pgClass,
  'pg_catalog.pg_attribute': pgAttribute,
  'pg_catalog.pg_description': pgDescription,
  'pg_catalog.pg_tables': pgTables,
  'pg_catalog.pg_views': pgViews,
  'pg_catalog.pg_matviews': pgMatviews,
  'pg_catalog.pg_stat_user_tables': pgStatUserTables,
  'pg_catalog.pg_stat_all_tables': pgStatUserTables,
  'pg_catalog.pg_database': pgDatabase,
  'pg_catalog.pg_roles': pgRoles,
  'pg_catalog.pg_authid': pgAuthid,
  'pg_catalog.pg_user': pgUser,
  'pg_catalog.pg_settings': pgSettings,
  'information_schema.schemata': schemata,
  'information_schema.tables': tables,
  'information_schema.columns': columns,
  'information_schema.views': views,
};

/** Relations exported once from PostgreSQL 15 (data/<name>.json). */
const STATIC = new Set(['pg_type', 'pg_proc', 'pg_range', 'pg_am', 'pg_collation', 'pg_language', 'pg_tablespace', 'pg_operator']);

/**
 * The planner's Catalog as a PostgreSQL client sees it: the warehouse's tables, plus
 * `pg_catalog.*` and `information_schema.*` as virtual relations (DESIGN.md §2 `pgcatalog/`).
 * An unqualified `pg_*` name is pg_catalog's, as pg_catalog is first on PostgreSQL's search
 * path, unless the warehouse has a table of that name. Everything else goes to the wrapped
 * catalog unchanged.
 *
 * ```ts
 * const catalog = new PgCatalog(warehouse, { views: () => views, settings: () => settings });
 * await planQuery('SELECT relname FROM pg_class WHERE relkind = \'r\'', catalog);
 * ```
 */
export class PgCatalog implements IntrospectableCatalog, WritableCatalog {
  private state: { promise: Promise<CatalogState> } | undefined;

  constructor(readonly inner: Catalog, private readonly session: SessionInfo) {}

  async resolveTable(ref: TableReference, timeTravel?: TimeTravel): Promise<TableSource> {
    const relation = ref.kind === 'named' ? await this.catalogRelation(ref) : undefined;
    if (relation === undefined) return this.inner.resolveTable(ref, timeTravel);
    if (timeTravel !== undefined) throw SqlError.unsupportedFeature(`VERSION AS OF on the catalog relation ${relation.schema}.${relation.name}`);
    return this.sourceOf(relation);
  }

  // ── writes: the warehouse's own (catalog relations are read-only) ──

  get store(): ObjectStore {
    return this.writable().store;
  }

  openTable(ref: WriteTableReference): Promise<DeltaTable> {
    return this.writable().openTable(ref);
  }

  locateTable(ref: WriteTableReference, location?: string): Promise<TableLocation> {
    return this.writable().locateTable(ref, location);
  }

  registerExternal(ref: WriteTableReference, root: string): Promise<void> {
    return this.writable().registerExternal(ref, root);
  }

  dropTable(ref: WriteTableReference): Promise<boolean> {
    return this.writable().dropTable(ref);
  }

  private writable(): WritableCatalog {
    if (!isWritableCatalog(this.inner)) throw SqlError.unsupportedFeature('writes to this catalog (it is read-only)');
    return this.inner;
  }

  /**
   * A new statement begins (Session calls this): the next catalog read gathers the state again,
   * so it sees tables created on disk, views created and settings changed since.
   */
  startStatement(): void {
    this.state = undefined;
  }

  /** The catalog state of this statement: built at its first catalog read, shared by the rest. */
  catalogState(): Promise<CatalogState> {
    if (this.state === undefined) {
      const promise = buildCatalogState(this.inner, this.session);
      this.state = { promise };
      promise.catch(() => { if (this.state?.promise === promise) this.state = undefined; });
    }
    return this.state.promise;
  }

  /** For the binder's catalog functions: the same state the relations list. */
  async introspect(): Promise<CatalogIntrospection> {
    const state = await this.catalogState();
    const seen = new Set<string>();
    // Visibility follows the search path: pg_catalog, then public; the first relation of a name wins.
    const order = (schema: string) => (schema === 'pg_catalog' ? 0 : schema === 'public' ? 1 : 2);
    const visible = new Set<number>();
    for (const r of [...state.relations].sort((a, b) => order(a.namespace.name) - order(b.namespace.name))) {
      if (!r.namespace.onSearchPath || seen.has(r.name)) continue;
      seen.add(r.name);
      visible.add(r.oid);
    }
    return {
      user: state.user,
      database: state.database,
      settings: new Map([...effectiveSettings(state.settings).entries()].map(([k, v]) => [k, v.value])),
      namespaces: state.namespaces.map((n) => ({ oid: n.oid, name: n.name })),
      procedures: procedureOids(),
      relations: state.relations.map((r) => ({
        oid: r.oid,
        schema: r.namespace.name,
        name: r.name,
        visible: visible.has(r.oid),
        ...(r.comment === undefined ? {} : { comment: r.comment }),
        columnComments: r.columns.map((c) => c.comment),
        ...(r.viewSql === undefined ? {} : { viewSql: r.viewSql }),
        ...(r.bytes === undefined ? {} : { bytes: r.bytes }),
      })),
    };
  }

  private async catalogRelation(ref: Extract<TableReference, { kind: 'named' }>): Promise<CatalogRelation | undefined> {
    const name = ref.name.toLowerCase();
    const schema = ref.schema?.toLowerCase();
    if (schema === 'pg_catalog' || schema === 'information_schema') {
      const relation = catalogRelations().get(`${schema}.${name}`);
      if (relation === undefined) throw SqlError.undefinedTable(`${ref.schema}.${ref.name}`);
      return relation;
    }
    if (schema !== undefined || !name.startsWith('pg_')) return undefined;
    const relation = catalogRelations().get(`pg_catalog.${name}`);
    if (relation === undefined) return undefined;
    // A warehouse table of that name wins (the user asked for it by its plain name).
    try {
      await this.inner.resolveTable(ref);
      return undefined;
    } catch {
      return relation;
    }
  }

  private sourceOf(relation: CatalogRelation): TableSource {
    const key = `${relation.schema}.${relation.name}`;
    const generator = GENERATED[key];
    const rows = async (): Promise<readonly CatalogRow[]> => {
      if (generator !== undefined) return generator(await this.catalogState());
      if (relation.schema === 'pg_catalog' && STATIC.has(relation.name)) return staticRows(relation.name);
      return [];
    };
    return new VirtualTableSource(key, relation.schemaArrow, rows, relation.schema === 'pg_catalog');
  }
}

