import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { regtypeName, typeOidByName } from '../../common/pg/format-type.js';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import type { CatalogIntrospection } from '../catalog.js';
import type { Expr } from '../expr/expr.js';
import { coerce } from '../types/coerce.js';
import type { BindContext } from './context.js';
import { bindFunction } from './functions.js';

/**
 * PostgreSQL's catalog functions, `reg*` casts and SQL value functions (`current_user`), as
 * clients send them when they browse (psql's `\d`, JDBC's DatabaseMetaData, BI tools). What they
 * need from the catalog — relation OIDs and names, visibility, comments, view text, sizes, the
 * user and settings — comes from the catalog's own description (`ctx.introspection`, loaded by
 * BindContext.preload), so each call binds to a constant or to a lookup over the few relations
 * there are (a CASE over OIDs, an IN list). Functions describing objects deltasql has none of
 * (indexes, constraints, rules, triggers, default expressions) answer NULL, as PostgreSQL does
 * for an OID that names nothing.
 */

const TEXT = new arrow.Utf8();
const INT64 = new arrow.Int64();
const INT32 = new arrow.Int32();
const BOOL = new arrow.Bool();

/** deltasql's answer to `version()`: PostgreSQL 15's shape (clients parse the number), naming deltasql. */
export const VERSION_STRING = 'PostgreSQL 15.0 (deltasql) on x86_64-pc-linux-gnu, a SQL server for Delta Lake tables, 64-bit';

const PROCESS_START_MICROS = BigInt(Math.round(performance.timeOrigin * 1000));

const lit = (value: ScalarValue, type: arrow.DataType): Expr => ({ kind: 'Literal', value, type });
const textLit = (value: string | null): Expr => lit(value, TEXT);

function info(ctx: BindContext): CatalogIntrospection {
  return ctx.introspection ?? { user: 'deltasql', database: 'deltasql', settings: new Map(), namespaces: [], relations: [], procedures: new Map() };
}

/** `CASE key WHEN k1 THEN v1 … END` over constant pairs (the catalog's few relations). */
function lookup(key: Expr, entries: readonly (readonly [number, ScalarValue])[], type: arrow.DataType, otherwise?: Expr): Expr {
  const k = coerce(key, INT64);
  const whens = entries.map(([value, result]) => ({
    condition: { kind: 'Binary', op: '=', left: k, right: lit(BigInt(value), INT64), type: BOOL } as Expr,
    result: lit(result, type),
  }));
  if (whens.length === 0) return otherwise ?? lit(null, type);
  return { kind: 'Case', whens, ...(otherwise === undefined ? {} : { otherwise }), type };
}

/** An argument naming a relation: an OID, or a name (`'public.t'`) as `::regclass` reads it. */
function relationKey(ctx: BindContext, e: Expr, position: number | undefined): Expr {
  if (e.kind === 'Literal' && typeof e.value === 'string') return regclassLiteral(ctx, e.value, position);
  return coerce(e, INT64, position);
}

/** `'name'::regclass`: the relation's OID, `42P01` when there is none (search path: pg_catalog, public). */
export function regclassLiteral(ctx: BindContext, text: string, position: number | undefined): Expr {
  if (/^\d+$/.test(text.trim())) return lit(BigInt(text.trim()), INT64);
  const parts = splitQualified(text);
  const name = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  const rels = info(ctx).relations;
  const found = schema === undefined ? rels.find((r) => r.visible && r.name === name) : rels.find((r) => r.schema === schema && r.name === name);
  if (found === undefined) throw new SqlError('42P01', `relation "${text}" does not exist`, { position });
  return lit(BigInt(found.oid), INT64);
}

/** `a.b` / `"A".b` → its parts, unquoted, unquoted parts folded to lower case. */
function splitQualified(text: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^."]+))\s*(?:\.|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? '').trim().toLowerCase());
    if (m[0].length === 0) break;
  }
  return parts;
}

/**
 * `x::regclass`, `::regtype`, `::regnamespace`, `::regrole`, `::regproc`, `::oid` and the other
 * catalog types (`name`, `"char"`, `int2vector`, `oidvector`, `pg_node_tree`…). A constant name
 * becomes its OID (int8, the type every OID column has here); a column of OIDs becomes the names
 * PostgreSQL would print for them. Undefined when `typeName` is no catalog type.
 */
export function bindCatalogCast(ctx: BindContext, input: Expr, typeName: string, position: number | undefined, oidToName = false): Expr | undefined {
  const constant = input.kind === 'Literal' && typeof input.value === 'string' && !oidToName ? input.value : undefined;
  const isNullLit = input.kind === 'Literal' && input.value === null;
  switch (typeName) {
    case 'regclass': {
      if (isNullLit) return lit(null, INT64);
      if (constant !== undefined) return regclassLiteral(ctx, constant, position);
      return lookup(input, info(ctx).relations.map((r) => [r.oid, r.visible ? quoteName(r.name) : `${quoteName(r.schema)}.${quoteName(r.name)}`]), TEXT, coerce(input, TEXT));
    }
    case 'regtype': {
      if (isNullLit) return lit(null, INT64);
      if (constant !== undefined) {
        const oid = /^\d+$/.test(constant.trim()) ? Number(constant) : typeOidByName(constant);
        if (oid === undefined) throw new SqlError('42704', `type "${constant}" does not exist`, { position });
        return lit(BigInt(oid), INT64);
      }
      return { kind: 'Call', name: 'format_type', args: [coerce(input, INT64), lit(null, INT32)], type: TEXT };
    }
    case 'regnamespace': {
      if (constant !== undefined) {
        const ns = info(ctx).namespaces.find((n) => n.name === splitQualified(constant)[0]);
        if (ns === undefined) throw new SqlError('42704', `schema "${constant}" does not exist`, { position });
        return lit(BigInt(ns.oid), INT64);
      }
      return lookup(input, info(ctx).namespaces.map((n) => [n.oid, quoteName(n.name)]), TEXT, coerce(input, TEXT));
    }
    case 'regrole': {
      if (constant !== undefined) {
        if (constant !== info(ctx).user) throw new SqlError('42704', `role "${constant}" does not exist`, { position });
        return lit(10n, INT64);
      }
      return lookup(input, [[10, info(ctx).user]], TEXT, coerce(input, TEXT));
    }
    case 'regproc': case 'regprocedure': {
      const procs = info(ctx).procedures;
      if (constant !== undefined) {
        const name = splitQualified(constant.replace(/\(.*\)$/, '')).pop() ?? '';
        const oid = name === '-' ? 0 : procs.get(name);
        if (oid === undefined) throw new SqlError('42883', `function "${constant}" does not exist`, { position });
        return lit(BigInt(oid), INT64);
      }
      return lookup(input, [...procs].map(([name, oid]) => [oid, name]), TEXT, coerce(input, TEXT));
    }
    case 'regoper': case 'regoperator': case 'regconfig': case 'regdictionary': case 'regcollation':
      return coerce(input, TEXT, position);
    case 'oid': case 'xid': case 'xid8': case 'cid': case 'tid':
      return coerce(input, INT64, position);
    case 'name': case 'char': case 'int2vector': case 'oidvector': case 'pg_node_tree': case 'aclitem': case 'pg_lsn': case 'unknown': case 'anyarray': case 'cstring':
      return coerce(input, TEXT, position);
    default:
      return undefined;
  }
}

function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `current_user`, `session_user`, `user`, `current_role`, `current_catalog`, `current_schema` (SQLValueFunction). */
export function sqlValueFunction(ctx: BindContext, op: string): Expr | undefined {
  switch (op) {
    case 'SVFOP_CURRENT_USER': case 'SVFOP_CURRENT_ROLE': case 'SVFOP_SESSION_USER': case 'SVFOP_USER': return textLit(info(ctx).user);
    case 'SVFOP_CURRENT_CATALOG': return textLit(info(ctx).database);
    case 'SVFOP_CURRENT_SCHEMA': return textLit('public');
    default: return undefined;
  }
}

type CatalogFunction = (ctx: BindContext, args: readonly Expr[], position: number | undefined) => Expr | undefined;

const arrayToString: CatalogFunction = (_ctx, [list, sep, nullText]) => {
  if (list === undefined || sep === undefined || list.type.typeId !== arrow.Type.List) return undefined;
  return { kind: 'Call', name: 'array_to_string', args: [list, coerce(sep, TEXT), ...(nullText === undefined ? [] : [coerce(nullText, TEXT)])], type: TEXT };
};
const arity = (min: number, max: number, f: CatalogFunction): CatalogFunction => (ctx, args, position) => (args.length < min || args.length > max ? undefined : f(ctx, args, position));
const always = (value: ScalarValue, type: arrow.DataType, min = 0, max = min): CatalogFunction => arity(min, max, () => lit(value, type));
/** Describes an object kind deltasql has none of: NULL for every OID. */
const nothing = (min: number, max: number): CatalogFunction => always(null, TEXT, min, max);

const ENCODINGS: readonly (readonly [number, string])[] = [[0, 'SQL_ASCII'], [6, 'UTF8'], [8, 'LATIN1'], [16, 'LATIN9'], [24, 'WIN1252']];

const FUNCTIONS: Record<string, CatalogFunction> = {
  pg_get_userbyid: arity(1, 1, (ctx, [oid]) => lookup(oid, [[10, info(ctx).user], [6171, 'pg_database_owner']], TEXT, textLit('unknown (OID)'))),
  pg_table_is_visible: arity(1, 1, (ctx, [oid]) => {
    const visible = info(ctx).relations.filter((r) => r.visible).map((r) => lit(BigInt(r.oid), INT64));
    return visible.length === 0 ? lit(false, BOOL) : { kind: 'InList', input: coerce(oid, INT64), list: visible, negated: false, type: BOOL };
  }),
  // Every type, function, operator and collation is pg_catalog's, which is always on the search path.
  pg_type_is_visible: always(true, BOOL, 1),
  pg_function_is_visible: always(true, BOOL, 1),
  pg_operator_is_visible: always(true, BOOL, 1),
  pg_collation_is_visible: always(true, BOOL, 1),
  pg_opclass_is_visible: always(true, BOOL, 1),
  pg_conversion_is_visible: always(true, BOOL, 1),
  pg_ts_config_is_visible: always(true, BOOL, 1),
  pg_relation_is_publishable: always(false, BOOL, 1),
  format_type: arity(2, 2, (_ctx, [oid, typmod]) => ({ kind: 'Call', name: 'format_type', args: [coerce(oid, INT64), coerce(typmod, INT32)], type: TEXT })),
  pg_get_viewdef: arity(1, 2, (ctx, [view], position) => {
    const views = info(ctx).relations.filter((r) => r.viewSql !== undefined);
    return lookup(relationKey(ctx, view, position), views.map((r) => [r.oid, ` ${r.viewSql ?? ''};`]), TEXT);
  }),
  pg_get_expr: nothing(2, 3),
  pg_get_constraintdef: nothing(1, 2),
  pg_get_indexdef: nothing(1, 3),
  pg_get_partkeydef: nothing(1, 1),
  pg_get_ruledef: nothing(1, 2),
  pg_get_triggerdef: nothing(1, 2),
  pg_get_statisticsobjdef_columns: nothing(1, 1),
  pg_get_serial_sequence: nothing(2, 2),
  pg_get_function_identity_arguments: nothing(1, 1),
  pg_get_function_arguments: nothing(1, 1),
  pg_get_function_result: nothing(1, 1),
  pg_get_functiondef: nothing(1, 1),
  pg_tablespace_location: always('', TEXT, 1),
  current_schemas: arity(1, 1, (_ctx, [implicit]) => {
    const withImplicit = implicit.kind === 'Literal' ? implicit.value === true : true;
    return lit(withImplicit ? ['pg_catalog', 'public'] : ['public'], new arrow.List(new arrow.Field('item', TEXT, true)));
  }),
  current_schema: always('public', TEXT),
  current_database: arity(0, 0, (ctx) => textLit(info(ctx).database)),
  current_catalog: arity(0, 0, (ctx) => textLit(info(ctx).database)),
  current_user: arity(0, 0, (ctx) => textLit(info(ctx).user)),
  session_user: arity(0, 0, (ctx) => textLit(info(ctx).user)),
  current_role: arity(0, 0, (ctx) => textLit(info(ctx).user)),
  // The session's user owns every object (there are no others), so every privilege is held.
  has_table_privilege: always(true, BOOL, 2, 3),
  has_schema_privilege: always(true, BOOL, 2, 3),
  has_database_privilege: always(true, BOOL, 2, 3),
  has_column_privilege: always(true, BOOL, 3, 4),
  has_any_column_privilege: always(true, BOOL, 2, 3),
  has_function_privilege: always(true, BOOL, 2, 3),
  has_sequence_privilege: always(true, BOOL, 2, 3),
  has_type_privilege: always(true, BOOL, 2, 3),
  has_language_privilege: always(true, BOOL, 2, 3),
  has_tablespace_privilege: always(true, BOOL, 2, 3),
  pg_has_role: always(true, BOOL, 2, 3),
  version: always(VERSION_STRING, TEXT),
  obj_description: arity(1, 2, (ctx, [oid, catalog]) => {
    const catalogName = catalog === undefined ? 'pg_class' : catalog.kind === 'Literal' ? String(catalog.value) : undefined;
    if (catalogName !== 'pg_class') return textLit(null);
    return lookup(oid, info(ctx).relations.filter((r) => r.comment !== undefined).map((r) => [r.oid, r.comment ?? null]), TEXT);
  }),
  shobj_description: nothing(2, 2),
  col_description: arity(2, 2, (ctx, [oid, attnum]) => {
    const k = coerce(oid, INT64);
    const n = coerce(attnum, INT32);
    const whens = info(ctx).relations.flatMap((r) => r.columnComments.flatMap((c, i) => (c === undefined ? [] : [{
      condition: { kind: 'Binary', op: 'AND', type: BOOL,
        left: { kind: 'Binary', op: '=', left: k, right: lit(BigInt(r.oid), INT64), type: BOOL },
        right: { kind: 'Binary', op: '=', left: n, right: lit(i + 1, INT32), type: BOOL } } as Expr,
      result: textLit(c),
    }])));
    return whens.length === 0 ? textLit(null) : { kind: 'Case', whens, type: TEXT };
  }),
  pg_encoding_to_char: arity(1, 1, (_ctx, [code]) => lookup(code, ENCODINGS, TEXT, textLit(''))),
  pg_char_to_encoding: arity(1, 1, (_ctx, [name]) => {
    const found = name.kind === 'Literal' ? ENCODINGS.find(([, n]) => n.toLowerCase() === String(name.value).toLowerCase()) : undefined;
    return lit(found?.[0] ?? -1, INT32);
  }),
  pg_backend_pid: arity(0, 0, (ctx) => lit(Number(info(ctx).settings.get('backend_pid') ?? process.pid), INT32)),
  pg_postmaster_start_time: always(PROCESS_START_MICROS, new arrow.TimestampMicrosecond('UTC')),
  pg_conf_load_time: always(PROCESS_START_MICROS, new arrow.TimestampMicrosecond('UTC')),
  pg_is_in_recovery: always(false, BOOL),
  pg_my_temp_schema: always(0n, INT64),
  pg_is_other_temp_schema: always(false, BOOL, 1),
  pg_jit_available: always(false, BOOL),
  array_to_string: arity(2, 3, arrayToString),
  /** Spark's spelling of array_to_string. */
  array_join: arity(2, 3, arrayToString),
  array_upper: arity(2, 2, (_ctx, [list]) => arrayBound(list, 'upper')),
  array_lower: arity(2, 2, (_ctx, [list]) => arrayBound(list, 'lower')),
  pg_size_pretty: arity(1, 1, (_ctx, [bytes]) => ({ kind: 'Call', name: 'pg_size_pretty', args: [coerce(bytes, INT64)], type: TEXT })),
  pg_relation_size: arity(1, 2, (ctx, [rel], position) => relationBytes(ctx, rel, position)),
  pg_table_size: arity(1, 1, (ctx, [rel], position) => relationBytes(ctx, rel, position)),
  pg_total_relation_size: arity(1, 1, (ctx, [rel], position) => relationBytes(ctx, rel, position)),
  pg_indexes_size: always(0n, INT64, 1),
  pg_database_size: arity(1, 1, (ctx) => lit(BigInt(info(ctx).relations.reduce((s, r) => s + (r.bytes ?? 0), 0)), INT64)),
  quote_ident: arity(1, 1, (_ctx, [text]) => ({ kind: 'Call', name: 'quote_ident', args: [coerce(text, TEXT)], type: TEXT })),
  current_setting: arity(1, 2, (ctx, [name, missingOk], position) => {
    if (name.kind !== 'Literal' || typeof name.value !== 'string') throw SqlError.unsupportedFeature('current_setting of a name that is not a constant').at(position);
    const value = info(ctx).settings.get(name.value.toLowerCase());
    if (value !== undefined) return textLit(value);
    if (missingOk !== undefined && missingOk.kind === 'Literal' && missingOk.value === true) return textLit(null);
    throw new SqlError('42704', `unrecognized configuration parameter "${name.value}"`, { position });
  }),
  string_to_array: arity(2, 2, (_ctx, [text, sep], position) => {
    if (sep.kind !== 'Literal' || typeof sep.value !== 'string') throw SqlError.unsupportedFeature('string_to_array with a separator that is not a constant').at(position);
    // Spark's split takes a regular expression: the separator is matched literally.
    return bindFunction('split', [text, textLit(sep.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))], position);
  }),
  /**
   * `set_config(name, value, is_local)`: sets the session setting when the statement is planned
   * and returns the value. `is_local` is treated as the session (each statement commits on its
   * own here); a name that is no setting and has no dot is `42704`, as SET refuses it.
   */
  set_config: arity(3, 3, (ctx, [name, value], position) => {
    if (name.kind !== 'Literal' || typeof name.value !== 'string' || value.kind !== 'Literal' || (value.value !== null && typeof value.value !== 'string')) {
      throw SqlError.unsupportedFeature('set_config with a name or value that is not a constant').at(position);
    }
    const key = name.value.toLowerCase();
    const settings = ctx.settings;
    if (settings === undefined) throw SqlError.unsupportedFeature('set_config outside a session').at(position);
    if (!settings.has(key) && !key.includes('.')) throw new SqlError('42704', `unrecognized configuration parameter "${name.value}"`, { position });
    settings.set(key, value.value ?? '');
    return textLit(value.value ?? '');
  }),
  to_regclass: arity(1, 1, (ctx, [name], position) => {
    if (name.kind !== 'Literal' || typeof name.value !== 'string') return undefined;
    try {
      return regclassLiteral(ctx, name.value, position);
    } catch {
      return lit(null, INT64);
    }
  }),
  to_regtype: arity(1, 1, (_ctx, [name]) => {
    if (name.kind !== 'Literal' || typeof name.value !== 'string') return undefined;
    const oid = typeOidByName(name.value);
    return lit(oid === undefined ? null : BigInt(oid), INT64);
  }),
};

function arrayBound(list: Expr, which: 'upper' | 'lower'): Expr | undefined {
  if (list.type.typeId !== arrow.Type.List) return undefined;
  const n: Expr = { kind: 'Call', name: 'cardinality', args: [list], type: INT32 };
  const empty: Expr = { kind: 'Binary', op: '=', left: n, right: lit(0, INT32), type: BOOL };
  return { kind: 'Case', whens: [{ condition: empty, result: lit(null, INT32) }], otherwise: which === 'upper' ? n : lit(1, INT32), type: INT32 };
}

function relationBytes(ctx: BindContext, rel: Expr, position: number | undefined): Expr {
  return lookup(relationKey(ctx, rel, position), info(ctx).relations.map((r) => [r.oid, BigInt(r.bytes ?? 0)]), INT64);
}

/** A catalog function call bound, or undefined when `name` is none of them (or its arguments do not fit). */
export function bindCatalogFunction(ctx: BindContext, name: string, args: readonly Expr[], position: number | undefined): Expr | undefined {
  const f = FUNCTIONS[name];
  return f === undefined ? undefined : f(ctx, args, position);
}

/** Whether `name` is a catalog function (for "does not exist" decisions before binding arguments). */
export function isCatalogFunction(name: string): boolean {
  return FUNCTIONS[name] !== undefined;
}

/** The typed OID of a type named in a cast (`'int4'::regtype`), for callers outside this file. */
export function regtypeOf(name: string): number | undefined {
  return typeOidByName(name);
}

export { regtypeName };
