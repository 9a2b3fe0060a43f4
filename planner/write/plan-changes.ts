import * as arrow from 'apache-arrow';
import type { Node, SelectStmt } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { ColumnExpr } from '../../executor/expr/column.js';
import type { ChangeClause } from '../../executor/write/apply-changes.js';
import { openTarget } from '../../executor/write/open-target.js';
import { deleteWholeFiles, runChanges } from '../../executor/write/run-changes.js';
import { bindPartitionPredicate } from './partition-predicate.js';
import { FILE_COLUMN, ROW_COLUMN, type TargetSource } from '../../executor/write/target-source.js';
import { startOf } from '../binder/bind-expr.js';
import { bindFrom } from '../binder/bind-from.js';
import { bindQuery } from '../binder/bind-query.js';
import type { Catalog } from '../catalog.js';
import type { Expr } from '../expr/expr.js';
import { lower } from '../lower/index.js';
import { optimize } from '../optimizer/index.js';
import { isUnknownLiteral } from '../types/coerce.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import { assign, outputExpr, projectOver } from './assign.js';
import { autoMerge, bindContext, displayName, withPosition, writableCatalog, type PlannedWrite, type WriteSession } from './plan-common.js';
import type { Assignment, MergeClause, ParsedDelete, ParsedMerge, ParsedUpdate } from './statements.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * DELETE, UPDATE [FROM] and MERGE as one query each, bound, optimised and lowered like any
 * other (so WHERE may hold subqueries, MERGE's join is a hash join, files are pruned by the
 * pushed-down predicates), over the target read with row identity (TargetSource):
 *
 *   DELETE FROM t WHERE c          SELECT t.__file, t.__row FROM t WHERE c
 *   UPDATE t SET a = e FROM f …    SELECT t.__file, t.__row, e, t.b, … FROM t, f WHERE c
 *   MERGE INTO t USING s ON c …    SELECT t.__file, t.__row, s.__src, <each clause's condition
 *                                  and new row> FROM t <join> (SELECT *, true AS __src FROM s) s ON c
 *
 * MERGE's join keeps what its clauses need: INNER (matched only), LEFT (… BY SOURCE), RIGHT
 * (NOT MATCHED), FULL (both). The executor's applyChanges then acts row by row.
 */

const SOURCE_MARKER = '__deltasql_src';
const TARGET_ALIAS = '__deltasql_target';

const str = (sval: string) => ({ String: { sval } });
const colRef = (qualifier: string | undefined, name: string): Node => ({ ColumnRef: { fields: qualifier === undefined ? [str(name)] : [str(qualifier), str(name)] } }) as Node;
const resTarget = (name: string, val: Node) => ({ ResTarget: { name, val } });
const NULL_CONST = { A_Const: { isnull: true } } as unknown as Node;
const TRUE_CONST = { A_Const: { boolval: { boolval: true } } } as unknown as Node;

function select(targetList: object[], fromClause: object[], whereClause?: Node): SelectStmt {
  return { targetList, fromClause, ...(whereClause === undefined ? {} : { whereClause }), limitOption: 'LIMIT_OPTION_DEFAULT', op: 'SETOP_NONE' } as unknown as SelectStmt;
}

/** The target as a FROM item at the user's offset (so the binder finds the TargetSource there); its qualifier. */
function targetItem(p: ParsedDelete | ParsedUpdate | ParsedMerge): { node: Node; qualifier: string } {
  const ref = p.table.ref;
  const qualifier = p.alias ?? (ref.kind === 'named' ? ref.name : TARGET_ALIAS);
  const relname = ref.kind === 'named' ? ref.name : TARGET_ALIAS;
  const alias = p.alias ?? (ref.kind === 'path' ? TARGET_ALIAS : undefined);
  return { node: { RangeVar: { relname, inh: true, relpersistence: 'p', location: p.table.start, ...(alias === undefined ? {} : { alias: { aliasname: alias } }) } } as unknown as Node, qualifier };
}

interface Prepared {
  readonly target: TargetSource;
  readonly ctx: ReturnType<typeof bindContext>;
}

async function prepare(p: ParsedDelete | ParsedUpdate | ParsedMerge, catalog: Catalog, session: WriteSession, query: SelectStmt): Promise<Prepared> {
  const wc = writableCatalog(catalog);
  const target = await withPosition(p, p.table.start, () => openTarget(wc, p.table.ref, displayName(p.table.ref)));
  const ctx = bindContext(p, catalog, session);
  await ctx.preload(query);
  // The target's RangeVar reads the transaction's snapshot with row identity, not the catalog's table.
  ctx.tables.set(p.table.start, target);
  return { target, ctx };
}

/** Binds the statement's query, casts its value columns to their table columns, and lowers it. */
function bindChanges(prepared: Prepared, query: SelectStmt, casts: ReadonlyMap<number, { type: arrow.DataType; column: string; at: Node | undefined }>, conditions: ReadonlySet<number>, p: ParsedDelete | ParsedUpdate | ParsedMerge) {
  const { ctx } = prepared;
  const bound = bindQuery(ctx, query);
  ctx.checkAllConsumed();
  const exprs = bound.names.map((_, c): Expr => {
    const e = outputExpr(bound.plan, c);
    const cast = casts.get(c);
    if (cast !== undefined) return assign(e, cast.type, cast.column, cast.at === undefined ? undefined : p.source.position(startOf(cast.at)));
    if (conditions.has(c) && e.type.typeId !== arrow.Type.Bool && e.type.typeId !== arrow.Type.Null && !isUnknownLiteral(e)) {
      throw SqlError.datatypeMismatch(`argument of WHEN … AND must be type boolean, not type ${pgTypeName(e.type)}`);
    }
    return e;
  });
  const names = exprs.map((_, c) => `__o${c}`);
  const physical = lower(optimize(projectOver(bound.plan, exprs, names)));
  const column = (c: number) => new ColumnExpr(c, names[c] as string, (exprs[c] as Expr).type);
  return { physical, column };
}

function checkAssignments(set: readonly Assignment[], fields: readonly arrow.Field[], p: ParsedUpdate | ParsedMerge, table: string): Map<number, Assignment> {
  const out = new Map<number, Assignment>();
  for (const a of set) {
    const i = fields.findIndex((f) => f.name.toLowerCase() === a.column.toLowerCase());
    if (i < 0) throw new SqlError('42703', `column "${a.column}" of relation "${table}" does not exist`, { position: p.source.position(a.start) });
    if (out.has(i)) throw new SqlError('42601', `multiple assignments to same column "${a.column}"`, { position: p.source.position(a.start) });
    out.set(i, a);
  }
  return out;
}

export function planDelete(p: ParsedDelete, catalog: Catalog, session: WriteSession): PlannedWrite {
  return {
    kind: 'write',
    tag: 'DELETE',
    async run(signal) {
      const { node, qualifier } = targetItem(p);
      const query = select([resTarget('f', colRef(qualifier, FILE_COLUMN)), resTarget('r', colRef(qualifier, ROW_COLUMN))], [node], p.where);
      const prepared = await prepare(p, catalog, session, query);
      const whole = await deleteByPartitions(p, prepared, qualifier);
      if (whole !== undefined) return { count: whole.deleted };
      const { physical } = bindChanges(prepared, query, new Map(), new Set(), p);
      const outcome = await runChanges(prepared.target, {
        input: physical, fileColumn: 0, rowColumn: 1, clauses: [{ match: 'matched', action: 'delete' }], duplicates: 'unique', tableSchema: prepared.target.tableSchema,
      }, { name: 'DELETE', parameters: { predicate: JSON.stringify(p.where === undefined ? [] : [sourceText(p, p.where)]) }, ...readPartitionsOf(p, prepared, qualifier) }, signal);
      return { count: outcome.deleted };
    },
  };
}

/**
 * DELETE without WHERE, or with a WHERE over partition columns only: whole files go, none is
 * read. Undefined when the rows must be read (other columns, subqueries, no stats, CDF).
 */
async function deleteByPartitions(p: ParsedDelete, prepared: Prepared, qualifier: string) {
  if (p.where === undefined) return deleteWholeFiles(prepared.target);
  const partitionColumns = prepared.target.tx.readSnapshot?.partitionColumns ?? [];
  if (partitionColumns.length === 0) return undefined;
  let bound;
  try {
    bound = bindPartitionPredicate(prepared.ctx, p.where, prepared.target.tableSchema, partitionColumns, qualifier);
  } catch {
    return undefined; // e.g. a subquery: the general path binds it (and reports real errors)
  }
  if (bound.filter === undefined) return undefined;
  return deleteWholeFiles(prepared.target, bound.filter, [sourceText(p, p.where)]);
}

/**
 * The partitions a DELETE / UPDATE WHERE (or a MERGE's ON) bounds: its AND-ed conjuncts over
 * the target's partition columns only (others, and anything that does not bind alone — a
 * source column, a subquery — are left out: they only narrow further).
 */
function readPartitionsOf(p: ParsedDelete | ParsedUpdate | ParsedMerge, prepared: Prepared, qualifier: string): { readPartitions?: (values: Readonly<Record<string, string | null>>) => boolean } {
  const partitionColumns = prepared.target.tx.readSnapshot?.partitionColumns ?? [];
  // MERGE: ON's conjuncts over the target's partition columns bound what it reads, unless a
  // WHEN NOT MATCHED BY SOURCE clause acts on every target row.
  const where = p.kind === 'merge' ? (p.clauses.some((c) => c.match === 'notMatchedBySource') ? undefined : p.on) : p.where;
  if (where === undefined || partitionColumns.length === 0) return {};
  const conjuncts = (node: Node): Node[] => {
    const b = (node as AnyNode).BoolExpr;
    return b?.boolop === 'AND_EXPR' ? (b.args as Node[]).flatMap(conjuncts) : [node];
  };
  const filters = conjuncts(where).flatMap((c) => {
    try {
      const bound = bindPartitionPredicate(prepared.ctx, c, prepared.target.tableSchema, partitionColumns, qualifier);
      return bound.filter === undefined ? [] : [bound.filter];
    } catch {
      return [];
    }
  });
  return filters.length === 0 ? {} : { readPartitions: (values) => filters.every((f) => f(values)) };
}

export function planUpdate(p: ParsedUpdate, catalog: Catalog, session: WriteSession): PlannedWrite {
  return {
    kind: 'write',
    tag: 'UPDATE',
    async run(signal) {
      const { node, qualifier } = targetItem(p);
      // The target's columns are known only once it is open: tables are loaded first, the query built after.
      const prepared = await prepare(p, catalog, session, select(p.set.map((a) => resTarget('x', a.value)), [node, ...p.from], p.where));
      const fields = prepared.target.tableSchema.fields;
      const assigned = checkAssignments(p.set, fields, p, displayName(p.table.ref));
      const targets = [resTarget('f', colRef(qualifier, FILE_COLUMN)), resTarget('r', colRef(qualifier, ROW_COLUMN))];
      const casts = new Map<number, { type: arrow.DataType; column: string; at: Node | undefined }>();
      fields.forEach((f, i) => {
        const a = assigned.get(i);
        casts.set(2 + i, { type: f.type, column: f.name, at: a?.value });
        targets.push(resTarget(`v${i}`, a === undefined ? colRef(qualifier, f.name) : a.value));
      });
      const query = select(targets, [node, ...p.from], p.where);
      const { physical, column } = bindChanges(prepared, query, casts, new Set(), p);
      const outcome = await runChanges(prepared.target, {
        input: physical, fileColumn: 0, rowColumn: 1,
        clauses: [{ match: 'matched', action: 'update', values: fields.map((_, i) => column(2 + i)) }],
        // Without FROM each target row comes once; UPDATE … FROM keeps the first match, as PostgreSQL does.
        duplicates: p.from.length === 0 ? 'unique' : 'first', tableSchema: prepared.target.tableSchema,
      }, { name: 'UPDATE', parameters: { predicate: JSON.stringify(p.where === undefined ? [] : [sourceText(p, p.where)]) }, ...(p.from.length === 0 ? readPartitionsOf(p, prepared, qualifier) : {}) }, signal);
      return { count: outcome.updated };
    },
  };
}

export function planMerge(p: ParsedMerge, catalog: Catalog, session: WriteSession): PlannedWrite {
  return {
    kind: 'write',
    tag: 'MERGE',
    async run(signal) {
      const { node: targetNode, qualifier } = targetItem(p);
      // The source's own columns (for UPDATE SET * / INSERT * and schema evolution).
      const sourceCtx = bindContext(p, catalog, session);
      await sourceCtx.preload(p.using);
      const sourceScope = bindFrom(sourceCtx, [p.using]).scope;
      const sourceColumns = sourceScope.star();
      const sourceQualifier = sourceQualifierOf(p.using);
      const wrapped = {
        RangeSubselect: {
          subquery: { SelectStmt: select([{ ResTarget: { val: { ColumnRef: { fields: [{ A_Star: {} }] } } } }, resTarget(SOURCE_MARKER, TRUE_CONST)], [p.using]) },
          alias: { aliasname: sourceQualifier },
        },
      };
      const hasInsert = p.clauses.some((c) => c.match === 'notMatched');
      const hasBySource = p.clauses.some((c) => c.match === 'notMatchedBySource');
      const jointype = hasInsert ? (hasBySource ? 'JOIN_FULL' : 'JOIN_RIGHT') : hasBySource ? 'JOIN_LEFT' : 'JOIN_INNER';
      const from = [{ JoinExpr: { jointype, larg: targetNode, rarg: wrapped, quals: p.on } }];
      const prepared = await prepare(p, catalog, session, select([], from));
      await prepared.ctx.preload(p.clauses);
      prepared.ctx.tables.set(p.table.start, prepared.target);
      const tableFields = prepared.target.tableSchema.fields;
      const table = displayName(p.table.ref);

      const evolve = p.schemaEvolution || autoMerge(session);
      const star = p.clauses.some((c) => c.action.kind === 'updateStar' || c.action.kind === 'insertStar');
      const addColumns = evolve && star
        ? sourceColumns.filter((s) => s.name !== SOURCE_MARKER && !tableFields.some((f) => f.name.toLowerCase() === s.name.toLowerCase())).map((s) => new arrow.Field(s.name, s.type.typeId === arrow.Type.Null ? new arrow.Utf8() : s.type, true))
        : [];
      const fields = [...tableFields, ...addColumns];
      const isNew = (i: number) => i >= tableFields.length;
      const sourceHas = (name: string) => sourceColumns.find((s) => s.name.toLowerCase() === name.toLowerCase());

      const targets: object[] = [resTarget('f', colRef(qualifier, FILE_COLUMN)), resTarget('r', colRef(qualifier, ROW_COLUMN)), resTarget('s', colRef(sourceQualifier, SOURCE_MARKER))];
      const casts = new Map<number, { type: arrow.DataType; column: string; at: Node | undefined }>();
      const conditions = new Set<number>();
      const layout: { condition?: number; values?: number[] }[] = [];
      const add = (val: Node) => {
        targets.push(resTarget(`o${targets.length}`, val));
        return targets.length - 1;
      };
      for (const clause of p.clauses) {
        const entry: { condition?: number; values?: number[] } = {};
        if (clause.condition !== undefined) {
          entry.condition = add(clause.condition);
          conditions.add(entry.condition);
        }
        const values = rowValues(clause, fields, p, table, qualifier, sourceQualifier, sourceHas, isNew);
        if (values !== undefined) {
          entry.values = values.map((v, i) => {
            const at = add(v.node);
            const field = fields[i] as arrow.Field;
            casts.set(at, { type: field.type, column: field.name, at: v.user ? v.node : undefined });
            return at;
          });
        }
        layout.push(entry);
      }
      const query = select(targets, from);
      const { physical, column } = bindChanges(prepared, query, casts, conditions, p);
      const clauses: ChangeClause[] = p.clauses.map((c, k) => {
        const entry = layout[k] as { condition?: number; values?: number[] };
        const action = c.action.kind === 'delete' ? 'delete' : c.action.kind === 'doNothing' ? 'none' : c.action.kind.startsWith('insert') ? 'insert' : 'update';
        return {
          match: c.match,
          ...(entry.condition === undefined ? {} : { condition: column(entry.condition) }),
          action,
          ...(entry.values === undefined ? {} : { values: entry.values.map(column) }),
        };
      });
      // Delta allows several source rows per target row only when the one matched clause is an unconditional DELETE.
      const matched = p.clauses.filter((c) => c.match === 'matched');
      const duplicates = matched.length === 1 && matched[0]?.action.kind === 'delete' && matched[0].condition === undefined ? 'first' : 'error';
      const outcome = await runChanges(prepared.target, {
        input: physical, fileColumn: 0, rowColumn: 1, sourceColumn: 2, clauses, duplicates,
        tableSchema: new arrow.Schema(fields),
      }, {
        name: 'MERGE',
        parameters: { predicate: JSON.stringify(sourceText(p, p.on)), matchedPredicates: JSON.stringify(p.clauses.filter((c) => c.match === 'matched').map((c) => ({ actionType: c.action.kind.replace('Star', '') }))) },
        addColumns,
        ...readPartitionsOf(p, prepared, qualifier),
      }, signal);
      return { count: outcome.updated + outcome.deleted + outcome.inserted };
    },
  };
}

/** The new row an UPDATE / INSERT clause writes: one node per table column, `user` when the user wrote it. */
function rowValues(clause: MergeClause, fields: readonly arrow.Field[], p: ParsedMerge, table: string, tq: string, sq: string, sourceHas: (n: string) => { name: string } | undefined, isNew: (i: number) => boolean): { node: Node; user: boolean }[] | undefined {
  const a = clause.action;
  switch (a.kind) {
    case 'delete':
    case 'doNothing': return undefined;
    case 'update': {
      const assigned = checkAssignments(a.set, fields, p, table);
      return fields.map((f, i) => {
        const x = assigned.get(i);
        if (x !== undefined) return { node: x.value, user: true };
        return { node: isNew(i) ? NULL_CONST : colRef(tq, f.name), user: false };
      });
    }
    case 'updateStar':
      return fields.map((f, i) => {
        const s = sourceHas(f.name);
        if (s !== undefined) return { node: colRef(sq, s.name), user: false };
        return { node: isNew(i) ? NULL_CONST : colRef(tq, f.name), user: false };
      });
    case 'insertStar':
      return fields.map((f) => {
        const s = sourceHas(f.name);
        return { node: s === undefined ? NULL_CONST : colRef(sq, s.name), user: false };
      });
    case 'insert': {
      const byColumn = new Map<number, Node>();
      if (a.columns !== undefined) {
        a.columns.forEach((c, k) => {
          const i = fields.findIndex((f) => f.name.toLowerCase() === c.name.toLowerCase());
          if (i < 0) throw new SqlError('42703', `column "${c.name}" of relation "${table}" does not exist`, { position: p.source.position(c.start) });
          if (byColumn.has(i)) throw new SqlError('42701', `column "${c.name}" specified more than once`, { position: p.source.position(c.start) });
          byColumn.set(i, a.values[k] as Node);
        });
      } else {
        if (a.values.length > fields.length) throw SqlError.syntax('INSERT has more expressions than target columns', p.source.position(startOf(a.values[fields.length])));
        a.values.forEach((v, i) => byColumn.set(i, v));
      }
      return fields.map((_, i) => {
        const v = byColumn.get(i);
        return v === undefined ? { node: NULL_CONST, user: false } : { node: v, user: true };
      });
    }
  }
}

/** The name the MERGE source's columns are qualified by: its alias, else the table's name. */
function sourceQualifierOf(using: Node): string {
  const n = using as AnyNode;
  if (n.RangeVar !== undefined) return String(n.RangeVar.alias?.aliasname ?? n.RangeVar.relname);
  if (n.RangeSubselect?.alias?.aliasname !== undefined) return String(n.RangeSubselect.alias.aliasname);
  if (n.JoinExpr?.alias?.aliasname !== undefined) return String(n.JoinExpr.alias.aliasname);
  throw SqlError.syntax('the MERGE source needs an alias (USING (SELECT …) AS s)', undefined);
}

/** The user's text of a predicate, for commitInfo's operationParameters. */
function sourceText(p: { source: { slice(a: number, b: number): string; byteLength: number } }, node: Node): string {
  const start = startOf(node);
  return p.source.slice(start, p.source.byteLength).split(/\bwhen\b/i)[0]?.trim() ?? '';
}
