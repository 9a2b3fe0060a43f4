import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { makeBatch } from '../../executor/arrow/batch.js';
import { dataFromValues } from '../../executor/arrow/scalar.js';
import { parseText } from '../../executor/kernels/cast.js';
import { ExprBinder } from '../binder/bind-expr.js';
import type { BindContext } from '../binder/context.js';
import { Scope } from '../binder/scope.js';
import { lowerExpr } from '../lower/expr.js';

/**
 * A WHERE over a table's columns as a test of a file's partition values, for the statements
 * that act on whole files when their predicate names partition columns only: OPTIMIZE … WHERE
 * (which refuses anything else, as Delta does) and DELETE (which then removes whole files
 * without reading them). The predicate is evaluated once per file on a one-row batch of its
 * partition values; a NULL result is false.
 *
 * `nonPartitionColumn`: the first other column it names (then `filter` is undefined).
 */
export function bindPartitionPredicate(
  ctx: BindContext,
  where: Node,
  schema: arrow.Schema,
  partitionColumns: readonly string[],
  qualifier?: string,
): { filter?: (values: Readonly<Record<string, string | null>>) => boolean; nonPartitionColumn?: string } {
  const columns = schema.fields.map((f, index) => ({ qualifier, name: f.name, type: f.type, index }));
  const expr = new ExprBinder(ctx, new Scope(columns, qualifier === undefined ? [] : [qualifier]), { clause: 'WHERE' }).bind(where);
  const used = new Set<number>();
  const visit = (e: unknown): void => {
    if (e === null || typeof e !== 'object') return;
    const o = e as Record<string, unknown>;
    if (o.kind === 'ColumnRef' && typeof o.index === 'number') used.add(o.index);
    for (const v of Object.values(o)) if (typeof v === 'object') visit(v);
  };
  visit(expr);
  for (const i of used) {
    const name = (schema.fields[i] as arrow.Field).name;
    if (!partitionColumns.includes(name)) return { nonPartitionColumn: name };
  }
  const physical = lowerExpr(expr);
  const batchSchema = new arrow.Schema(schema.fields.map((f) => f.clone({ nullable: true })));
  const filter = (values: Readonly<Record<string, string | null>>): boolean => {
    const data = schema.fields.map((f) => {
      const raw = partitionColumns.includes(f.name) ? (values[f.name] ?? null) : null;
      return dataFromValues(f.type, [raw === null || raw === '' ? null : parseText(raw, f.type)]);
    });
    const result = physical.evaluate(makeBatch(batchSchema, data, 1));
    const valid = validityBytes(result);
    return boolBytes(result)[0] === 1 && (valid === null || valid[0] === 1);
  };
  return { filter };
}
