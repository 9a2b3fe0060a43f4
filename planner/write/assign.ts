import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import type { Expr } from '../expr/expr.js';
import { Project } from '../logical/project.js';
import type { LogicalPlan } from '../logical/plan.js';
import { coerce, isNumeric, isUnknownLiteral } from '../types/coerce.js';

/**
 * Store assignment (schema enforcement): which values a column of a Delta table accepts, and
 * the casts that make them fit. As in PostgreSQL's assignment casts and Spark's ANSI store
 * assignment: any numeric into a numeric column (out-of-range values fail at run time with
 * `22003`), dates and timestamps into each other, any scalar into a string column, an untyped
 * string literal into anything it parses as (`'2024-01-01'` into a date), NULL anywhere.
 * Anything else is `42804` naming both types, at the expression's position, and nothing is
 * written.
 */
export function assignable(from: Expr, to: arrow.DataType): boolean {
  const f = from.type;
  if (isUnknownLiteral(from) || f.typeId === arrow.Type.Null) return true;
  if (String(f) === String(to)) return true;
  if (isNumeric(f) && isNumeric(to)) return true;
  const temporal = (t: arrow.DataType) => t.typeId === arrow.Type.Date || t.typeId === arrow.Type.Timestamp;
  if (temporal(f) && temporal(to)) return true;
  if (to.typeId === arrow.Type.Utf8) return f.typeId !== arrow.Type.Struct && f.typeId !== arrow.Type.List && f.typeId !== arrow.Type.Map;
  if (f.typeId === to.typeId && (f.typeId === arrow.Type.List || f.typeId === arrow.Type.Struct || f.typeId === arrow.Type.Map)) return sameShape(f, to);
  return false;
}

/** Nested types are stored as they are when their shapes and leaf types agree (field names aside). */
function sameShape(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  const ac = a.children ?? [];
  const bc = b.children ?? [];
  if (ac.length === 0 && bc.length === 0) return String(a) === String(b);
  return ac.length === bc.length && ac.every((f: arrow.Field, i: number) => sameShape(f.type, (bc[i] as arrow.Field).type));
}

/** `e` as a value of `column` (type `to`), or 42804 at `position`. */
export function assign(e: Expr, to: arrow.DataType, column: string, position: number | undefined): Expr {
  if (!assignable(e, to)) {
    throw new SqlError('42804', `column "${column}" is of type ${pgTypeName(to)} but expression is of type ${pgTypeName(e.type)}`, {
      position,
      hint: 'You will need to rewrite or cast the expression.',
    });
  }
  if (e.type.typeId === arrow.Type.Null) return { kind: 'Literal', type: to, value: null };
  return coerce(e, to, position);
}

/**
 * The expression computing output `c` of a bound query: the Project's own expression when the
 * plan is one (so an untyped literal is still untyped), else a reference to the column.
 */
export function outputExpr(plan: LogicalPlan, c: number): Expr {
  if (plan.kind === 'Project') return plan.exprs[c] as Expr;
  const field = plan.schema.fields[c] as arrow.Field;
  return { kind: 'ColumnRef', index: c, name: field.name, type: field.type };
}

/**
 * A Project over `plan` computing `exprs` (built over `plan`'s outputs by `outputExpr`); when
 * `plan` is itself a Project, its expressions are substituted so no second projection runs.
 */
export function projectOver(plan: LogicalPlan, exprs: readonly Expr[], names: readonly string[]): LogicalPlan {
  if (plan.kind === 'Project') return Project.create(plan.input, exprs, names);
  return Project.create(plan, exprs, names);
}
