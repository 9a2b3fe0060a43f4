import { readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { arrowTypeOf } from './pg-types.js';

/**
 * The shape of every `pg_catalog` and `information_schema` table and view of PostgreSQL 15: its
 * OID, kind and columns with their PostgreSQL types, as data/export-pg15.sh exported them. A
 * relation with no generator and no static rows here is empty but present (`pg_index`,
 * `pg_constraint`, `pg_trigger`…): clients join against them and find nothing, as on a database
 * with no indexes, constraints or triggers.
 */
export interface CatalogRelation {
  readonly schema: 'pg_catalog' | 'information_schema';
  readonly name: string;
  /** PostgreSQL 15's OID for it (stable: clients may cache it). */
  readonly oid: number;
  /** `r` table, `v` view. */
  readonly kind: string;
  readonly columns: readonly { readonly name: string; readonly pgType: string; readonly notNull: boolean }[];
  readonly schemaArrow: arrow.Schema;
}

/** The folder of the exported data, beside this module in the sources (and read from there by the build). */
export const DATA_DIR = new URL(import.meta.url).pathname.includes('/dist/server/')
  ? new URL('../../../server/pgcatalog/data/', import.meta.url)
  : new URL('./data/', import.meta.url);

interface RelationJson {
  schema: 'pg_catalog' | 'information_schema';
  name: string;
  oid: number;
  kind: string;
  columns: [string, string, boolean][];
}

let relations: ReadonlyMap<string, CatalogRelation> | undefined;

/** Every catalog relation by `schema.name`. */
export function catalogRelations(): ReadonlyMap<string, CatalogRelation> {
  if (relations !== undefined) return relations;
  const json = JSON.parse(readFileSync(new URL('relations.json', DATA_DIR), 'utf8')) as RelationJson[];
  const map = new Map<string, CatalogRelation>();
  for (const r of json) {
    const columns = r.columns.map(([name, pgType, notNull]) => ({ name, pgType, notNull }));
    const schemaArrow = new arrow.Schema(columns.map((c) => new arrow.Field(c.name, arrowTypeOf(c.pgType), true)));
    map.set(`${r.schema}.${r.name}`, { schema: r.schema, name: r.name, oid: Number(r.oid), kind: r.kind, columns, schemaArrow });
  }
  relations = map;
  return map;
}

/**
 * The rows of a static relation (data/<name>.json), column name → exported value; `regproc`
 * columns (exported as function names, `-` for none) as the OIDs of the exported pg_proc rows.
 */
export function staticRows(name: string): readonly Record<string, unknown>[] {
  const cached = staticCache.get(name);
  if (cached !== undefined) return cached;
  const rows = JSON.parse(readFileSync(new URL(`${name}.json`, DATA_DIR), 'utf8')) as Record<string, unknown>[];
  const regprocs = catalogRelations().get(`pg_catalog.${name}`)?.columns.filter((c) => c.pgType === 'regproc').map((c) => c.name) ?? [];
  if (regprocs.length > 0) {
    const oids = procedureOids();
    for (const row of rows) for (const c of regprocs) row[c] = row[c] === '-' || row[c] === null ? 0 : (oids.get(String(row[c])) ?? 0);
  }
  staticCache.set(name, rows);
  return rows;
}

let procedures: ReadonlyMap<string, number> | undefined;

/** The exported functions' OIDs by name (the type I/O functions: names are unique among them). */
export function procedureOids(): ReadonlyMap<string, number> {
  if (procedures === undefined) {
    const rows = JSON.parse(readFileSync(new URL('pg_proc.json', DATA_DIR), 'utf8')) as { oid: string; proname: string }[];
    procedures = new Map(rows.map((r) => [r.proname, Number(r.oid)]));
  }
  return procedures;
}

const staticCache = new Map<string, readonly Record<string, unknown>[]>();
