import * as arrow from 'apache-arrow';
import { pgColumnType, typeInfo } from '../type-oids.js';
import type { CatalogRow, Generator } from './types.js';

/**
 * information_schema.schemata, tables, columns and views (SQL-standard names, as PostgreSQL 15
 * fills them): every schema, every relation with its type (`BASE TABLE`, `VIEW`), every column
 * with its standard data type, ordinal position and nullability.
 */

export const schemata: Generator = (state) =>
  state.namespaces.map((n) => ({ catalog_name: state.database, schema_name: n.name, schema_owner: state.user, default_character_set_catalog: null, default_character_set_schema: null, default_character_set_name: null, sql_path: null }));

export const tables: Generator = (state) =>
  state.relations.map((r) => ({
    table_catalog: state.database, table_schema: r.namespace.name, table_name: r.name, table_type: r.kind === 'v' ? 'VIEW' : 'BASE TABLE',
    self_referencing_column_name: null, reference_generation: null, user_defined_type_catalog: null, user_defined_type_schema: null,
    user_defined_type_name: null, is_insertable_into: r.kind === 'r' && !r.system ? 'YES' : 'NO', is_typed: 'NO', commit_action: null,
  }));

export const views: Generator = (state) =>
  state.relations.filter((r) => r.kind === 'v' && !r.system).map((r) => ({
    table_catalog: state.database, table_schema: r.namespace.name, table_name: r.name, view_definition: r.viewSql ?? null,
    check_option: 'NONE', is_updatable: 'NO', is_insertable_into: 'NO', is_trigger_updatable: 'NO', is_trigger_deletable: 'NO', is_trigger_insertable_into: 'NO',
  }));

export const columns: Generator = (state) => {
  const rows: CatalogRow[] = [];
  for (const r of state.relations) {
    if (r.system) continue; // PostgreSQL lists them too; clients ask for user schemas, and 1,500 rows would be noise
    r.columns.forEach((c, i) => {
      const t = pgColumnType(c.type);
      const decimal = c.type.typeId === arrow.Type.Decimal ? (c.type as arrow.Decimal) : undefined;
      const udt = typeInfo(t.oid)?.name ?? 'text';
      rows.push({
        table_catalog: state.database, table_schema: r.namespace.name, table_name: r.name, column_name: c.name, ordinal_position: i + 1,
        column_default: null, is_nullable: c.nullable ? 'YES' : 'NO', data_type: standardTypeName(t.oid),
        character_maximum_length: null, character_octet_length: t.oid === 25 ? 1073741824 : null,
        numeric_precision: decimal?.precision ?? NUMERIC_PRECISION[t.oid] ?? null, numeric_precision_radix: decimal !== undefined ? 10 : NUMERIC_PRECISION[t.oid] !== undefined ? 2 : null,
        numeric_scale: decimal?.scale ?? (t.oid === 20 || t.oid === 21 || t.oid === 23 ? 0 : null),
        datetime_precision: t.oid === 1082 ? 0 : t.oid === 1114 || t.oid === 1184 ? 6 : null,
        udt_catalog: state.database, udt_schema: 'pg_catalog', udt_name: udt, dtd_identifier: String(i + 1),
        is_self_referencing: 'NO', is_identity: 'NO', is_generated: 'NEVER', is_updatable: r.kind === 'r' ? 'YES' : 'NO',
      });
    });
  }
  return rows;
};

const NUMERIC_PRECISION: Record<number, number> = { 21: 16, 23: 32, 20: 64, 700: 24, 701: 53 };

/** information_schema's data_type: the SQL standard's name; arrays are `ARRAY`. */
function standardTypeName(oid: number): string {
  const names: Record<number, string> = {
    16: 'boolean', 17: 'bytea', 20: 'bigint', 21: 'smallint', 23: 'integer', 25: 'text', 114: 'json', 700: 'real', 701: 'double precision',
    1082: 'date', 1114: 'timestamp without time zone', 1184: 'timestamp with time zone', 1186: 'interval', 1700: 'numeric',
  };
  return names[oid] ?? (typeInfo(oid)?.category === 'A' ? 'ARRAY' : 'USER-DEFINED');
}
