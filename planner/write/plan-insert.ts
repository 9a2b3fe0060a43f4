import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import { runInsert, type PartitionValue } from '../../executor/write/run-insert.js';
import { ExprBinder, startOf } from '../binder/bind-expr.js';
import { bindQuery } from '../binder/bind-query.js';
import { Scope } from '../binder/scope.js';
import type { Catalog } from '../catalog.js';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Values } from '../logical/values.js';
import { lower } from '../lower/index.js';
import { optimize } from '../optimizer/index.js';
import { assign, outputExpr, projectOver } from './assign.js';
import { autoMerge, bindContext, displayName, withPosition, writableCatalog, type PlannedWrite, type WriteSession } from './plan-common.js';
import type { ParsedInsert } from './statements.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * INSERT INTO / OVERWRITE: the query (or VALUES list) bound, each of its columns stored into
 * the table column it targets (by the column list, else by position; PARTITION (p = v)
 * supplies static partition columns, Spark's form) under the store-assignment rules of
 * assign.ts, missing columns NULL. VALUES items are typed by their target column, as in
 * PostgreSQL (`'2024-01-01'` into a date column). Extra columns are an error unless schema
 * evolution is asked for, when they become new nullable columns named as the query names them.
 */
export function planInsert(p: ParsedInsert, catalog: Catalog, session: WriteSession): PlannedWrite {
  return {
    kind: 'write',
    tag: 'INSERT',
    async run(signal) {
      const wc = writableCatalog(catalog);
      const name = displayName(p.table.ref);
      const source = await withPosition(p, p.table.start, () => catalog.resolveTable(p.table.ref));
      const table = await wc.openTable(p.table.ref);
      const tableFields = source.schema.fields;
      const position = (start: number) => p.source.position(start);
      const columnIndex = (col: string, start: number) => {
        const i = tableFields.findIndex((f) => f.name.toLowerCase() === col.toLowerCase());
        if (i < 0) throw new SqlError('42703', `column "${col}" of relation "${name}" does not exist`, { position: position(start) });
        return i;
      };
      const ctx = bindContext(p, catalog, session);
      await ctx.preload(p.query);
      for (const part of p.partition) if (part.value !== undefined) await ctx.preload(part.value);

      // Static partition values: constants for their columns, left out of the query's targets.
      const staticValues = new Map<number, Expr>();
      const literalBinder = new ExprBinder(ctx, Scope.empty, { clause: 'PARTITION' });
      for (const part of p.partition) {
        const i = columnIndex(part.name, part.start);
        const field = tableFields[i] as arrow.Field;
        if (part.value === undefined) continue; // `PARTITION (p)`: dynamic, the query supplies it
        staticValues.set(i, assign(literalBinder.bind(part.value), field.type, field.name, position(startOf(part.value))));
      }
      const seen = new Set<number>();
      const targets = p.columns !== undefined
        ? p.columns.map((c) => {
            const i = columnIndex(c.name, c.start);
            if (seen.has(i)) throw new SqlError('42701', `column "${c.name}" specified more than once`, { position: position(c.start) });
            seen.add(i);
            return i;
          })
        : tableFields.map((_, i) => i).filter((i) => !staticValues.has(i));

      const values = p.query.valuesLists !== undefined && p.query.sortClause === undefined && p.query.limitCount === undefined ? (p.query.valuesLists as AnyNode[]).map((l) => (l.List?.items ?? []) as Node[]) : undefined;
      let plan: LogicalPlan;
      let width: number;
      let names: readonly string[];
      let firstExtra: number | undefined;
      if (values !== undefined) {
        width = values[0]?.length ?? 0;
        const binder = new ExprBinder(ctx, Scope.empty, { clause: 'VALUES' });
        const rows = values.map((items) => {
          if (items.length !== width) throw SqlError.syntax('VALUES lists must all be the same length', position(startOf(items[0])));
          return items.map((item) => binder.bind(item));
        });
        names = Array.from({ length: width }, (_, c) => `column${c + 1}`);
        firstExtra = values[0]?.[targets.length] === undefined ? undefined : startOf(values[0][targets.length]);
        // Each item typed by its target column (extra columns keep their own type).
        const typed = rows.map((row, r) => row.map((e, c) => {
          const t = targets[c];
          const field = t === undefined ? undefined : tableFields[t];
          return field === undefined ? e : assign(e, field.type, field.name, position(startOf(values[r]?.[c])));
        }));
        plan = Values.create(typed.map((row) => row.map((e, c) => (e.kind === 'Literal' && e.unknown === true && targets[c] === undefined ? { ...e, unknown: false, type: new arrow.Utf8() } : e))), names);
      } else {
        const bound = bindQuery(ctx, p.query);
        plan = bound.plan;
        names = bound.names;
        width = bound.names.length;
        const targetList = (p.query.targetList ?? []) as AnyNode[];
        const extra = targetList[targets.length]?.ResTarget?.val as Node | undefined;
        firstExtra = extra === undefined ? undefined : startOf(extra);
      }
      ctx.checkAllConsumed();

      const evolve = p.schemaEvolution || autoMerge(session);
      let addColumns: arrow.Field[] = [];
      if (width > targets.length) {
        if (!evolve || p.columns !== undefined) throw SqlError.syntax('INSERT has more expressions than target columns', firstExtra === undefined ? undefined : position(firstExtra));
        addColumns = names.slice(targets.length).map((n, k) => {
          if (tableFields.some((f) => f.name.toLowerCase() === n.toLowerCase())) throw new SqlError('42701', `column "${n}" of relation "${name}" already exists`);
          const e = outputExpr(plan, targets.length + k);
          return new arrow.Field(n, e.type.typeId === arrow.Type.Null ? new arrow.Utf8() : e.type, true);
        });
      }
      const fields = [...tableFields, ...addColumns];
      const queryColumn = new Map<number, number>(targets.map((t, c) => [t, c]));
      addColumns.forEach((_, k) => queryColumn.set(tableFields.length + k, targets.length + k));
      const targetList = (p.query.targetList ?? []) as AnyNode[];
      const exprs = fields.map((field, i): Expr => {
        const fixed = staticValues.get(i);
        if (fixed !== undefined) return fixed;
        const c = queryColumn.get(i);
        if (c === undefined || c >= width) return { kind: 'Literal', type: field.type, value: null };
        const at = values?.[0]?.[c] ?? (targetList[c]?.ResTarget?.val as Node | undefined);
        return assign(outputExpr(plan, c), field.type, field.name, at === undefined ? undefined : position(startOf(at)));
      });
      const tableSchema = new arrow.Schema(fields);
      const input = lower(optimize(projectOver(plan, exprs, fields.map((f) => f.name))));
      const overwrite = p.overwrite ? overwriteScope(p, staticValues, tableFields) : undefined;
      // INSERT … SELECT from the table itself is no blind append: it read the table (conflict check).
      const readsTarget = [...ctx.tables.values()].some((t) => !(t instanceof SqlError) && t.displayName === source.displayName);
      const { rows } = await runInsert({ table, input: input.execute(signal === undefined ? {} : { signal }), tableSchema, readsTarget, ...(overwrite === undefined ? {} : { overwrite }), ...(addColumns.length === 0 ? {} : { addColumns }) });
      return { count: rows };
    },
  };
}

/** INSERT OVERWRITE: every live file, or with static PARTITION values only the files of that partition. */
function overwriteScope(p: ParsedInsert, staticValues: ReadonlyMap<number, Expr>, fields: readonly arrow.Field[]): { partition?: Record<string, PartitionValue> } {
  const partition: Record<string, PartitionValue> = {};
  for (const [i, e] of staticValues) {
    // assign() already converted a literal to the column's type; anything else is not a constant.
    if (e.kind !== 'Literal') throw SqlError.unsupportedFeature('a PARTITION value that is not a literal');
    partition[(fields[i] as arrow.Field).name] = { value: e.value as ScalarValue, type: e.type };
  }
  return p.partition.length === 0 || Object.keys(partition).length === 0 ? {} : { partition };
}
