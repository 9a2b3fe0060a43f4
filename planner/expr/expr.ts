import type * as arrow from 'apache-arrow';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import type { ScalarFunctionName } from '../../executor/expr/function.js';
import type { ArithOp } from '../../executor/kernels/arith.js';
import type { CompareOp } from '../../executor/kernels/compare.js';
import type { ParamSlot } from '../binder/params.js';

/**
 * Bound expressions: the closed union the binder produces and the optimiser rewrites. Every
 * node carries its Arrow type (storage/schema/arrow.ts's mapping); a ColumnRef points at a
 * column of its plan node's *input* by index. Lowering turns each kind into one PhysicalExpr
 * (planner/lower/expr.ts), and passes over expressions take a `Record<Expr['kind'], …>` so a new
 * kind is a compile error until every pass handles it.
 */
export type Expr = ColumnRef | Literal | Unary | Binary | Cast | IsNull | InList | Between | Case | Call | Like | FieldAccess | Placeholder;

interface Typed {
  readonly type: arrow.DataType;
}

/** Column `index` of the input; `name` is how EXPLAIN shows it. */
export interface ColumnRef extends Typed { readonly kind: 'ColumnRef'; readonly index: number; readonly name: string }

/**
 * A constant in the ScalarValue form of its type. `unknown` marks a string literal whose type
 * is not decided yet (PostgreSQL's `unknown`): comparisons and arithmetic coerce it to the
 * other side's type (`d > '2021-01-01'`); left alone it is text.
 */
export interface Literal extends Typed {
  readonly kind: 'Literal';
  readonly value: ScalarValue;
  readonly unknown?: boolean;
  /** Set on an untyped `$n`: coercing it records the type the parameter is inferred as. */
  readonly param?: ParamSlot;
}

export interface Unary extends Typed { readonly kind: 'Unary'; readonly op: 'NOT' | '-'; readonly input: Expr }

export type BinaryOp = ArithOp | CompareOp | 'AND' | 'OR';

/** Operands already share the type the operator needs (the binder inserted the casts). */
export interface Binary extends Typed { readonly kind: 'Binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }

export interface Cast extends Typed { readonly kind: 'Cast'; readonly input: Expr }

export interface IsNull extends Typed { readonly kind: 'IsNull'; readonly input: Expr; readonly negated: boolean }

export interface InList extends Typed { readonly kind: 'InList'; readonly input: Expr; readonly list: readonly Expr[]; readonly negated: boolean }

export interface Between extends Typed { readonly kind: 'Between'; readonly input: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean }

export interface CaseWhen { readonly condition: Expr; readonly result: Expr }
export interface Case extends Typed { readonly kind: 'Case'; readonly whens: readonly CaseWhen[]; readonly otherwise?: Expr }

/** A scalar function call (`lower`, `upper`, `length`, `abs`, `coalesce`). */
export interface Call extends Typed { readonly kind: 'Call'; readonly name: ScalarFunctionName; readonly args: readonly Expr[] }

/** `x [NOT] LIKE|ILIKE 'pattern'` with a constant pattern. */
export interface Like extends Typed { readonly kind: 'Like'; readonly input: Expr; readonly pattern: string; readonly caseInsensitive: boolean; readonly negated: boolean }

/** `struct.field`. */
export interface FieldAccess extends Typed { readonly kind: 'FieldAccess'; readonly input: Expr; readonly fieldIndex: number; readonly field: string }

/**
 * Binder-internal: a value a plan node the binder has not placed yet will compute — an aggregate
 * (`slot: 'aggregate'`), a window call, a scalar subquery, `GROUPING(…)`, or a column of the
 * enclosing query seen from a correlated subquery (`'outer'`, `id` = that column's index).
 * The binder replaces every Placeholder by a ColumnRef once the node exists; none reaches the
 * optimiser or lowering (lowering one is an internal error).
 */
export interface Placeholder extends Typed {
  readonly kind: 'Placeholder';
  readonly slot: 'aggregate' | 'window' | 'subquery' | 'grouping' | 'outer' | 'srf';
  readonly id: number;
  /** How EXPLAIN and errors show it (`sum(close)`). */
  readonly label: string;
}

/** The direct sub-expressions of `e`, in evaluation order. */
export function exprChildren(e: Expr): readonly Expr[] {
  return CHILDREN[e.kind](e as never);
}

const CHILDREN: { [K in Expr['kind']]: (e: Extract<Expr, { kind: K }>) => readonly Expr[] } = {
  ColumnRef: () => [],
  Literal: () => [],
  Unary: (e) => [e.input],
  Binary: (e) => [e.left, e.right],
  Cast: (e) => [e.input],
  IsNull: (e) => [e.input],
  InList: (e) => [e.input, ...e.list],
  Between: (e) => [e.input, e.low, e.high],
  Case: (e) => [...e.whens.flatMap((w) => [w.condition, w.result]), ...(e.otherwise === undefined ? [] : [e.otherwise])],
  Call: (e) => e.args,
  Like: (e) => [e.input],
  FieldAccess: (e) => [e.input],
  Placeholder: () => [],
};

/** `e` with each direct child replaced by `f(child)` (same node when nothing changed). */
export function mapChildren(e: Expr, f: (child: Expr) => Expr): Expr {
  return MAP[e.kind](e as never, f);
}

const MAP: { [K in Expr['kind']]: (e: Extract<Expr, { kind: K }>, f: (c: Expr) => Expr) => Expr } = {
  ColumnRef: (e) => e,
  Literal: (e) => e,
  Unary: (e, f) => ({ ...e, input: f(e.input) }),
  Binary: (e, f) => ({ ...e, left: f(e.left), right: f(e.right) }),
  Cast: (e, f) => ({ ...e, input: f(e.input) }),
  IsNull: (e, f) => ({ ...e, input: f(e.input) }),
  InList: (e, f) => ({ ...e, input: f(e.input), list: e.list.map(f) }),
  Between: (e, f) => ({ ...e, input: f(e.input), low: f(e.low), high: f(e.high) }),
  Case: (e, f) => ({ ...e, whens: e.whens.map((w) => ({ condition: f(w.condition), result: f(w.result) })), ...(e.otherwise === undefined ? {} : { otherwise: f(e.otherwise) }) }),
  Call: (e, f) => ({ ...e, args: e.args.map(f) }),
  Like: (e, f) => ({ ...e, input: f(e.input) }),
  FieldAccess: (e, f) => ({ ...e, input: f(e.input) }),
  Placeholder: (e) => e,
};

/** Bottom-up rewrite: children first, then `f` on the rebuilt node. */
export function transformExpr(e: Expr, f: (e: Expr) => Expr): Expr {
  return f(mapChildren(e, (c) => transformExpr(c, f)));
}

/** Every ColumnRef index `e` reads. */
export function columnsUsed(e: Expr, into: Set<number> = new Set()): Set<number> {
  if (e.kind === 'ColumnRef') into.add(e.index);
  for (const c of exprChildren(e)) columnsUsed(c, into);
  return into;
}

/** Whether any node of `e` satisfies `test`. */
export function someExpr(e: Expr, test: (e: Expr) => boolean): boolean {
  return test(e) || exprChildren(e).some((c) => someExpr(c, test));
}

/**
 * A structural key of `e`: equal keys mean the same computation (column names as spelled and
 * labels are ignored, types are not). `GROUP BY lower(t)` matches `SELECT LOWER(T)` this way.
 */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, function (this: Record<string, unknown>, key: string, value: unknown) {
    if (key === 'name' && this.kind === 'ColumnRef') return undefined;
    if (key === 'label') return undefined;
    if (typeof value === 'bigint') return `${value}n`;
    if (value !== null && typeof value === 'object' && 'typeId' in value && !('kind' in value)) return String(value);
    return value;
  });
}
