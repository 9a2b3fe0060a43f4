import { FIXED_OIDS } from '../oids.js';
import { typeInfo, pgColumnType } from '../type-oids.js';
import type { CatalogState, RelationInfo } from '../state.js';
import type { CatalogRow, Generator } from './types.js';

/**
 * pg_namespace, pg_class, pg_attribute and pg_description from the catalog state. A warehouse
 * table is a plain heap table (`r`) with no indexes, rules, triggers or constraints; a session
 * view is `v`; a live view is `m`. Column nullability comes from the Delta schema.
 */

export const pgNamespace: Generator = (state) =>
  state.namespaces.map((n) => ({ oid: n.oid, nspname: n.name, nspowner: n.name === 'public' ? FIXED_OIDS.databaseOwnerRole : FIXED_OIDS.owner, nspacl: null }));

export const pgClass: Generator = (state) =>
  state.relations.map((r) => ({
    oid: r.oid,
    relname: r.name,
    relnamespace: r.namespace.oid,
    reltype: 0,
    reloftype: 0,
    relowner: FIXED_OIDS.owner,
    relam: r.kind === 'v' ? 0 : FIXED_OIDS.heapAm,
    relfilenode: r.kind === 'v' ? 0 : r.oid,
    reltablespace: 0,
    relpages: r.bytes === undefined ? 0 : Math.ceil(r.bytes / 8192),
    reltuples: r.rows ?? -1,
    relallvisible: 0,
    reltoastrelid: 0,
    relhasindex: false,
    relisshared: false,
    relpersistence: 'p',
    relkind: r.kind,
    relnatts: r.columns.length,
    relchecks: 0,
    relhasrules: r.kind === 'v',
    relhastriggers: false,
    relhassubclass: false,
    relrowsecurity: false,
    relforcerowsecurity: false,
    relispopulated: true,
    relreplident: r.kind === 'v' ? 'n' : 'd',
    relispartition: false,
    relrewrite: 0,
    relfrozenxid: 0,
    relminmxid: 0,
    relacl: null,
    reloptions: r.options ?? null,
    relpartbound: null,
  }));

export const pgAttribute: Generator = (state) => {
  const rows: CatalogRow[] = [];
  for (const r of state.relations) {
    r.columns.forEach((c, i) => {
      const t = c.pgType === undefined ? pgColumnType(c.type) : systemColumnType(c.pgType);
      const info = typeInfo(t.oid);
      rows.push({
        attrelid: r.oid,
        attname: c.name,
        atttypid: t.oid,
        attstattarget: -1,
        attlen: info?.len ?? -1,
        attnum: i + 1,
        attndims: info?.category === 'A' ? 1 : 0,
        attcacheoff: -1,
        atttypmod: t.typmod,
        attbyval: info?.byval ?? false,
        attalign: info?.align ?? 'i',
        attstorage: info?.storage ?? 'x',
        attcompression: '',
        attnotnull: !c.nullable,
        atthasdef: false,
        atthasmissing: false,
        attidentity: '',
        attgenerated: '',
        attisdropped: false,
        attislocal: true,
        attinhcount: 0,
        attcollation: info?.collation ?? 0,
        attacl: null,
        attoptions: null,
        attfdwoptions: null,
        attmissingval: null,
      });
    });
  }
  return rows;
};

/** Table comments (objsubid 0) and column comments (objsubid = attnum) from the Delta metadata. */
export const pgDescription: Generator = (state) => {
  const rows: CatalogRow[] = [];
  for (const r of state.relations) {
    if (r.comment !== undefined) rows.push({ objoid: r.oid, classoid: FIXED_OIDS.pgClassRelation, objsubid: 0, description: r.comment });
    r.columns.forEach((c, i) => {
      if (c.comment !== undefined) rows.push({ objoid: r.oid, classoid: FIXED_OIDS.pgClassRelation, objsubid: i + 1, description: c.comment });
    });
  }
  return rows;
};

function userTables(state: CatalogState, kind: RelationInfo['kind']): RelationInfo[] {
  return state.relations.filter((r) => r.kind === kind && !r.system);
}

export const pgTables: Generator = (state) =>
  state.relations.filter((r) => r.kind === 'r').map((r) => ({
    schemaname: r.namespace.name, tablename: r.name, tableowner: state.user, tablespace: null,
    hasindexes: false, hasrules: false, hastriggers: false, rowsecurity: false,
  }));

export const pgViews: Generator = (state) =>
  state.relations.filter((r) => r.kind === 'v').map((r) => ({ schemaname: r.namespace.name, viewname: r.name, viewowner: state.user, definition: r.viewSql ?? null }));

export const pgMatviews: Generator = (state) =>
  userTables(state, 'm').map((r) => ({ schemaname: r.namespace.name, matviewname: r.name, matviewowner: state.user, tablespace: null, hasindexes: false, ispopulated: true, definition: r.viewSql ?? null }));

/** Row counts from the Delta statistics; the scan and tuple counters PostgreSQL keeps have no meaning here (0). */
export const pgStatUserTables: Generator = (state) =>
  userTables(state, 'r').map((r) => ({ relid: r.oid, schemaname: r.namespace.name, relname: r.name, n_live_tup: r.rows ?? 0, n_dead_tup: 0 }));

/** A catalog relation's column type from its format_type spelling (relations.json). */
function systemColumnType(pgType: string): { oid: number; typmod: number } {
  return { oid: SYSTEM_TYPE_OIDS[pgType] ?? 25, typmod: -1 };
}

const SYSTEM_TYPE_OIDS: Record<string, number> = {
  '"char"': 18, name: 19, bigint: 20, smallint: 21, int2vector: 22, integer: 23, regproc: 24, text: 25, oid: 26, xid: 28,
  oidvector: 30, pg_node_tree: 194, real: 700, 'double precision': 701, inet: 869, 'aclitem[]': 1034, boolean: 16, bytea: 17,
  'timestamp with time zone': 1184, interval: 1186, numeric: 1700, regtype: 2206, anyarray: 2277, pg_lsn: 3220,
  'text[]': 1009, 'oid[]': 1028, 'smallint[]': 1005, '"char"[]': 1002, 'name[]': 1003, 'real[]': 1021, 'boolean[]': 1000,
  'double precision[]': 1022, 'regtype[]': 2211,
  'information_schema.cardinal_number': 13221, 'information_schema.character_data': 13224, 'information_schema.sql_identifier': 13226,
  'information_schema.time_stamp': 13232, 'information_schema.yes_or_no': 13234,
};
