import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { isTimestampUnit } from '../../executor/kernels/datetime.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import type { BinaryOp, Expr } from '../expr/expr.js';
import { asDecimal, canCast, coerce, commonNumeric, commonType, isNumeric, isUnknownLiteral, MAX_DECIMAL_PRECISION } from '../types/coerce.js';
import { isUnconstrainedNumeric, typeFromName } from '../types/type-name.js';
import type { BindContext } from './context.js';
import { bindFunction, currentTimeLiteral, intervalLiteral, tryCastCall } from './functions.js';
import { bindAtTimeZone } from './at-time-zone.js';
import { perValueError } from './per-value-error.js';
import { rowComparison, rowInList, rowItems, rowSubqueryItems } from './row-compare.js';
import { bindCatalogCast, bindCatalogFunction, sqlValueFunction } from './catalog-functions.js';
import { bindOperator, bindTemporalArithmetic, booleanTest, distinct, subscript } from './operators.js';
import type { Scope, ScopeColumn } from './scope.js';

/**
 * What a clause allows besides plain expressions (bind-select.ts sets them per clause): each
 * hook binds the construct and returns a Placeholder the select binder resolves later. A
 * missing hook is PostgreSQL's "… are not allowed in <clause>" error.
 */
export interface BindHooks {
  /** How errors name the clause: `WHERE`, `GROUP BY`, `JOIN conditions`… */
  readonly clause?: string;
  /** An aggregate call (`sum(x)`, `count(*)`, `percentile_cont(…) WITHIN GROUP (…)`). */
  readonly aggregate?: (call: AnyNode, binder: ExprBinder) => Expr;
  /** `f(…) OVER (…)`. */
  readonly window?: (call: AnyNode, binder: ExprBinder) => Expr;
  /** A subquery expression (SubLink: scalar, EXISTS, IN, ANY/ALL). */
  readonly subquery?: (link: AnyNode, binder: ExprBinder) => Expr;
  /** A column of the enclosing query, named inside a subquery. */
  readonly outer?: (column: ScopeColumn, name: string, position: number | undefined) => Expr;
  /** `GROUPING(a, b)`. */
  readonly grouping?: (call: AnyNode, binder: ExprBinder) => Expr;
  /**
   * A name that is no column but a GROUP BY call's automatic name (Spark: `SELECT window.start …
   * GROUP BY window(eventTime, '1 hour')`): the grouping expression it stands for.
   */
  readonly namedGroup?: (name: string) => Expr | undefined;
  /** A set-returning function (`unnest(arr)`, `information_schema._pg_expandarray(arr)`) in a select list. */
  readonly setReturning?: (name: string, args: readonly Expr[], position: number | undefined) => Expr;
}

/** Set-returning functions a select list may call (each becomes an Explode below the projection). */
const SET_RETURNING = new Set(['unnest', 'explode', 'explode_outer', 'generate_series', '_pg_expandarray']);

/** Whether `name(…)` (no OVER) is an aggregate call; set by bind-aggregate.ts (avoids an import cycle). */
export const aggregateCalls: { isAggregate: (name: string, call: AnyNode) => boolean } = { isAggregate: () => false };

/** Where each bound column reference came from, for errors raised after binding (42803). */
export const columnOrigins = new WeakMap<Expr, { readonly position: number | undefined; readonly display: string }>();

// libpg-query's JSON omits zero-valued fields (a location of 0, an ival of 0), so every read
// below defaults them.
type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BOOL = new arrow.Bool();
const OPERATOR_HINT = 'No operator matches the given name and argument types. You might need to add explicit type casts.';

/** The node's kind (`ColumnRef`, `A_Expr`…) and body. */
export function unwrap(node: Node): [string, AnyNode] {
  const key = Object.keys(node)[0];
  return [key, (node as AnyNode)[key] as AnyNode];
}

/** Byte offset of the leftmost point of an expression (PostgreSQL's exprLocation, roughly). */
export function startOf(node: Node | undefined): number {
  if (node === undefined) return 0;
  const [kind, n] = unwrap(node);
  const own: number = n.location ?? 0;
  switch (kind) {
    case 'A_Expr': return n.lexpr === undefined ? own : Math.min(own, startOf(n.lexpr));
    case 'BoolExpr': return n.boolop === 'NOT_EXPR' ? own : Math.min(own, startOf(n.args?.[0]));
    case 'NullTest':
    case 'BooleanTest': return Math.min(own, startOf(n.arg));
    case 'TypeCast': return Math.min(own, startOf(n.arg));
    case 'A_Indirection': return startOf(n.arg);
    default: return own;
  }
}

/**
 * Binds one expression against a scope: resolves names (case-insensitively), types every node,
 * inserts the casts implicit promotion needs, and raises PostgreSQL's errors with the position
 * of the offending token in the user's text.
 */
export class ExprBinder {
  constructor(readonly ctx: BindContext, readonly scope: Scope, readonly hooks: BindHooks = {}) {}

  /** A binder over the same scope with other hooks (an aggregate's arguments…). */
  with(hooks: BindHooks): ExprBinder {
    return new ExprBinder(this.ctx, this.scope, hooks);
  }

  bind(node: Node): Expr {
    const [kind, n] = unwrap(node);
    switch (kind) {
      case 'ColumnRef': return this.columnRef(n);
      case 'A_Const': return this.constant(n);
      case 'A_Expr': return this.aExpr(n, node);
      case 'BoolExpr': return this.boolExpr(n);
      case 'NullTest': return { kind: 'IsNull', input: this.bind(n.arg), negated: n.nulltesttype === 'IS_NOT_NULL', type: BOOL };
      case 'TypeCast': return this.typeCast(n, node);
      case 'FuncCall': return this.funcCall(n);
      case 'CoalesceExpr': return bindFunction('coalesce', (n.args ?? []).map((a: Node) => this.bind(a)), this.ctx.position(n.location ?? 0));
      case 'CaseExpr': return this.caseExpr(n);
      case 'A_Indirection': return this.indirection(n);
      case 'MinMaxExpr': return bindFunction(n.op === 'IS_GREATEST' ? 'greatest' : 'least', ((n.args ?? []) as Node[]).map((a) => this.bind(a)), this.ctx.position(n.location ?? 0));
      case 'BooleanTest': return booleanTest(this.bindCondition(n.arg, 'IS TRUE'), n.booltesttype ?? 'IS_TRUE');
      case 'SQLValueFunction': return sqlValueFunction(this.ctx, n.op) ?? currentTimeLiteral(n.op === 'SVFOP_CURRENT_DATE' ? 'date' : n.op === 'SVFOP_LOCALTIMESTAMP' || n.op === 'SVFOP_LOCALTIMESTAMP_N' ? 'timestamp_ntz' : 'timestamp');
      case 'A_ArrayExpr': return bindFunction('array', ((n.elements ?? []) as Node[]).map((a) => this.bind(a)), this.ctx.position(n.location ?? 0));
      case 'ParamRef': {
        const position = this.ctx.position(n.location ?? 0);
        if (this.ctx.params === undefined) throw new SqlError('42P02', `there is no parameter $${n.number ?? 0}`, { position });
        return this.ctx.params.literal(Number(n.number ?? 0), position);
      }
      case 'SubLink': {
        if (this.hooks.subquery !== undefined) return this.hooks.subquery(n, this);
        throw SqlError.unsupportedFeature(`subqueries in ${this.hooks.clause ?? 'this clause'}`).at(this.ctx.position(n.location ?? 0));
      }
      case 'CollateClause': return this.collate(n);
      case 'RowExpr': {
        // A row value `ROW(a, b)` / `(a, b)`: a struct with PostgreSQL's field names f1, f2… (row comparisons are rewritten before this, row-compare.ts).
        const items = ((n.args ?? []) as Node[]).map((a) => this.bind(a));
        const text = new arrow.Utf8();
        return bindFunction('named_struct', items.flatMap((e, k) => [{ kind: 'Literal', value: `f${k + 1}`, type: text } as Expr, e]), this.ctx.position(n.location ?? 0));
      }
      case 'GroupingFunc': {
        if (this.hooks.grouping !== undefined) return this.hooks.grouping(n, this);
        throw new SqlError('42803', `grouping operations are not allowed in ${this.hooks.clause ?? 'this clause'}`, { position: this.ctx.position(n.location ?? 0) });
      }
      default: throw SqlError.unsupportedFeature(`expression ${kind}`).at(this.ctx.position(startOf(node)));
    }
  }

  /** Binds a condition (WHERE, AND, CASE WHEN…): it must be boolean (`42804` otherwise). */
  bindCondition(node: Node, clause: string): Expr {
    return this.requireBoolean(this.bind(node), clause, startOf(node));
  }

  // ── names ──

  private columnRef(n: AnyNode): Expr {
    const location: number = n.location ?? 0;
    const position = this.ctx.position(location);
    const fields = (n.fields ?? []) as AnyNode[];
    if (fields.some((f) => 'A_Star' in f)) throw SqlError.syntax('"*" is not allowed here', position);
    const names: string[] = fields.map((f) => f.String?.sval ?? '');
    const renamed = this.ctx.prepass.renamed?.get(location);
    if (renamed !== undefined) names[0] = renamed; // `window.start`: a reserved word as a column name
    const spelled = this.spellings(location, names);
    let column: Expr | undefined;
    let rest: number;
    const qualified = names.length >= 2 && this.scope.hasQualifier(names[0]) ? this.scope.resolve(names[1], names[0], position) : undefined;
    if (qualified !== undefined) {
      column = { kind: 'ColumnRef', index: qualified.index, name: spelled[1], type: qualified.type };
      columnOrigins.set(column, { position, display: `${qualified.qualifier ?? names[0]}.${qualified.name}` });
      rest = 2;
    } else {
      const c = this.scope.resolve(names[0], undefined, position);
      if (c !== undefined) {
        column = { kind: 'ColumnRef', index: c.index, name: spelled[0], type: c.type };
        columnOrigins.set(column, { position, display: c.qualifier === undefined ? c.name : `${c.qualifier}.${c.name}` });
      }
      rest = 1;
    }
    // A correlated reference: a column of an enclosing query, the nearest one that has it. A
    // constant scope gives that run's value (per-value.ts); the immediately enclosing query's
    // column is the outer hook's to plan; anything else needs the subquery run per value.
    for (let parent = this.scope.parent, depth = 1; column === undefined && parent !== undefined; parent = parent.parent, depth++) {
      const q = names.length >= 2 && parent.hasQualifier(names[0]) ? parent.resolve(names[1], names[0], position) : undefined;
      const c = q ?? (names.length >= 2 && parent.hasQualifier(names[0]) ? undefined : parent.resolve(names[0], undefined, position));
      if (c === undefined) continue;
      if (parent.constant !== undefined) column = parent.constant(c);
      else if (depth === 1 && this.hooks.outer !== undefined) column = this.hooks.outer(c, q !== undefined ? spelled[1] : spelled[0], position);
      else throw perValueError(depth === 1 ? 'correlated subqueries here' : 'a subquery correlated with a query two levels out', position);
      rest = q !== undefined ? 2 : 1;
    }
    if (column === undefined && this.hooks.namedGroup !== undefined) {
      const grouped = this.hooks.namedGroup(names[0]);
      if (grouped !== undefined) {
        column = grouped;
        rest = 1;
      }
    }
    if (column === undefined) {
      // Spark's `ticker == "AAPL"`: a double-quoted name that is no column is a string.
      if (names.length === 1 && this.ctx.isDoubleQuotedAt(location)) return { kind: 'Literal', value: names[0], type: new arrow.Utf8(), unknown: true };
      if (names.length >= 2 && !this.scope.hasQualifier(names[0]) && this.scope.find(names[0]).length === 0) {
        throw new SqlError('42P01', `missing FROM-clause entry for table "${names[0]}"`, { position });
      }
      throw SqlError.undefinedColumn(names.join('.'), position, this.scope.names());
    }
    for (let k = rest; k < names.length; k++) column = this.field(column, names[k], spelled[k], names.slice(0, k + 1).join('.'), position);
    return column;
  }

  /** The user's spelling of each part of a dotted name starting at `location`. */
  private spellings(location: number, names: readonly string[]): string[] {
    const tokens = this.ctx.prepass.tokens;
    let i = this.ctx.tokenIndexAt(location);
    const out: string[] = [];
    for (let k = 0; k < names.length; k++) {
      const t = tokens[i];
      out.push(t !== undefined && t.text !== '.' ? this.ctx.spelling(t) : names[k]);
      i += 2;
    }
    return out.map((s, k) => (s.toLowerCase() === names[k].toLowerCase() ? s : names[k]));
  }

  private field(input: Expr, name: string, spelled: string, full: string, position: number | undefined): Expr {
    if (input.type.typeId !== arrow.Type.Struct) throw SqlError.undefinedColumn(full, position);
    const fields = (input.type as arrow.Struct).children;
    const index = fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    if (index < 0) throw SqlError.undefinedColumn(full, position, fields.map((f) => f.name));
    return { kind: 'FieldAccess', input, fieldIndex: index, field: fields[index].name ?? spelled, type: fields[index].type };
  }

  private indirection(n: AnyNode): Expr {
    let e = this.bind(n.arg);
    const position = this.ctx.position(startOf(n.arg));
    for (const step of (n.indirection ?? []) as AnyNode[]) {
      if ('String' in step) e = this.field(e, step.String.sval, step.String.sval, step.String.sval, position);
      else if ('A_Indices' in step && step.A_Indices.is_slice !== true && step.A_Indices.uidx !== undefined) {
        const index = this.bind(step.A_Indices.uidx);
        const bound = subscript(e, index, position);
        if (bound === undefined) throw new SqlError('42804', `cannot subscript type ${pgTypeName(e.type)} because it does not support subscripting`, { position });
        e = bound;
      } else throw SqlError.unsupportedFeature('array slices').at(position);
    }
    return e;
  }

  // ── constants ──

  private constant(n: AnyNode): Expr {
    if (n.isnull) return { kind: 'Literal', value: null, type: new arrow.Null() };
    if (n.ival !== undefined) return { kind: 'Literal', value: n.ival.ival ?? 0, type: new arrow.Int32() };
    if (n.boolval !== undefined) return { kind: 'Literal', value: n.boolval.boolval ?? false, type: BOOL };
    if (n.sval !== undefined) return { kind: 'Literal', value: n.sval.sval ?? '', type: new arrow.Utf8(), unknown: true };
    if (n.fval !== undefined) return numericLiteral(String(n.fval.fval ?? '0'));
    throw SqlError.unsupportedFeature('bit string constants').at(this.ctx.position(n.location ?? 0));
  }

  // ── operators ──

  private aExpr(n: AnyNode, node: Node): Expr {
    const op: string = (n.name ?? []).map((x: AnyNode) => x.String?.sval ?? '').pop() ?? '';
    const position = this.ctx.position(n.location ?? 0);
    // Row constructors on both sides: item-wise comparisons (row-compare.ts).
    const leftRow = rowItems(n.lexpr);
    if (leftRow !== undefined) {
      const rightRow = rowItems(n.rexpr);
      if (n.kind === 'AEXPR_IN' && 'List' in n.rexpr) {
        const typeName = (item: Node) => pgTypeName(this.bind(item).type);
        return this.bind(rowInList(op === '<>', leftRow, (n.rexpr.List.items ?? []) as Node[], n.location ?? 0, position, typeName));
      }
      // `(a, b) op (SELECT x, y …)`: each item against its column of the one row (21000 for more).
      if (n.kind === 'AEXPR_OP' && rightRow === undefined && unwrap(n.rexpr)[0] === 'SubLink' && unwrap(n.rexpr)[1].subLinkType === 'EXPR_SUBLINK') {
        return this.bind(rowComparison(op, leftRow, rowSubqueryItems(unwrap(n.rexpr)[1], leftRow.length), n.location ?? 0, position));
      }
      if (rightRow !== undefined && (n.kind === 'AEXPR_OP' || n.kind === 'AEXPR_DISTINCT' || n.kind === 'AEXPR_NOT_DISTINCT')) {
        const rowOp = n.kind === 'AEXPR_DISTINCT' ? 'IS DISTINCT FROM' : n.kind === 'AEXPR_NOT_DISTINCT' ? 'IS NOT DISTINCT FROM' : op;
        return this.bind(rowComparison(rowOp, leftRow, rightRow, n.location ?? 0, position));
      }
    }
    switch (n.kind) {
      case 'AEXPR_OP':
        if (n.lexpr === undefined) return this.prefix(op, n.rexpr, position);
        return this.binary(op, this.bind(n.lexpr), this.bind(n.rexpr), position, n.lexpr, n.rexpr);
      case 'AEXPR_IN': {
        // `x IN (SELECT …)` arrives as a SubLink; an A_Expr IN always has a list (or a row) here.
        if (!('List' in n.rexpr)) throw SqlError.unsupportedFeature('IN with this right-hand side').at(position);
        const input = this.bind(n.lexpr);
        const items = ((n.rexpr.List.items ?? []) as Node[]).map((i) => this.bind(i));
        let type: arrow.DataType | undefined = input.type;
        let witness: Expr = input;
        for (const item of items) {
          type = commonType(witness, item);
          if (type === undefined) throw operatorError('=', witness, item, position);
          witness = { kind: 'Literal', type, value: null };
        }
        const t = type as arrow.DataType;
        return {
          kind: 'InList',
          input: coerce(input, t, this.ctx.position(startOf(n.lexpr))),
          list: items.map((item, k) => coerce(item, t, this.ctx.position(startOf(n.rexpr.List.items[k])))),
          negated: op === '<>',
          type: BOOL,
        };
      }
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN': {
        const [lowNode, highNode] = n.rexpr.List.items as Node[];
        const input = this.bind(n.lexpr);
        const low = this.bind(lowNode);
        const high = this.bind(highNode);
        const t1 = commonType(input, low);
        if (t1 === undefined) throw operatorError('>=', input, low, position);
        const t = commonType({ kind: 'Literal', type: t1, value: null }, high);
        if (t === undefined) throw operatorError('<=', input, high, position);
        return {
          kind: 'Between',
          input: coerce(input, t, this.ctx.position(startOf(n.lexpr))),
          low: coerce(low, t, this.ctx.position(startOf(lowNode))),
          high: coerce(high, t, this.ctx.position(startOf(highNode))),
          negated: n.kind === 'AEXPR_NOT_BETWEEN',
          type: BOOL,
        };
      }
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE': {
        const input = this.bind(n.lexpr);
        const pattern = this.bind(n.rexpr);
        if (input.type.typeId !== arrow.Type.Utf8 && input.type.typeId !== arrow.Type.Null) throw operatorError(op, input, pattern, position);
        if (pattern.kind !== 'Literal' || (pattern.value !== null && typeof pattern.value !== 'string')) {
          throw SqlError.unsupportedFeature('LIKE with a non-constant pattern').at(this.ctx.position(startOf(n.rexpr)));
        }
        if (pattern.value === null) return { kind: 'Literal', value: null, type: BOOL };
        return {
          kind: 'Like',
          input: coerce(input, new arrow.Utf8()),
          pattern: pattern.value,
          caseInsensitive: n.kind === 'AEXPR_ILIKE',
          negated: op.startsWith('!'),
          type: BOOL,
        };
      }
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL':
        return this.anyAll(op, n.kind === 'AEXPR_OP_ALL', n, position);
      case 'AEXPR_NULLIF': return bindFunction('nullif', [this.bind(n.lexpr), this.bind(n.rexpr)], position);
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT': {
        const left = this.bind(n.lexpr);
        const right = this.bind(n.rexpr);
        const bound = distinct(left, right, n.kind === 'AEXPR_NOT_DISTINCT', position);
        if (bound === undefined) throw operatorError('=', left, right, position);
        return bound;
      }
      default:
        throw SqlError.unsupportedFeature(`operator form ${String(n.kind).replace('AEXPR_', '')}`).at(this.ctx.position(startOf(node)));
    }
  }

  private prefix(op: string, operand: Node, position: number | undefined): Expr {
    const input = this.bind(operand);
    if (op === '+' && isNumeric(input.type)) return input;
    if (op === '-') {
      if (isUnknownLiteral(input)) return { kind: 'Unary', op: '-', input: coerce(input, new arrow.Float64(), this.ctx.position(startOf(operand))), type: new arrow.Float64() };
      if (isNumeric(input.type)) return { kind: 'Unary', op: '-', input, type: input.type };
    }
    throw new SqlError('42883', `operator does not exist: ${op} ${typeLabel(input)}`, { position, hint: OPERATOR_HINT });
  }

  private binary(op: string, left: Expr, right: Expr, position: number | undefined, lnode: Node, rnode: Node): Expr {
    const lpos = this.ctx.position(startOf(lnode));
    const rpos = this.ctx.position(startOf(rnode));
    switch (op) {
      case '=': case '<>': case '<': case '<=': case '>': case '>=': {
        // `polroles = '{0}'`: an untyped literal compared with an array is an array literal.
        if (left.type.typeId === arrow.Type.List && isUnknownLiteral(right)) right = arrayLiteral(String(right.value), left.type as arrow.List, rpos);
        if (right.type.typeId === arrow.Type.List && isUnknownLiteral(left)) left = arrayLiteral(String(left.value), right.type as arrow.List, lpos);
        const t = commonType(left, right);
        if (t === undefined) throw operatorError(op, left, right, position);
        return { kind: 'Binary', op, left: coerce(left, t, lpos), right: coerce(right, t, rpos), type: BOOL };
      }
      case '+': case '-': case '*': case '/': case '%':
        return this.arithmetic(op, left, right, position, lpos, rpos);
      default: {
        const bound = bindOperator(op, left, right, position);
        if (bound !== undefined) return bound;
        throw new SqlError('42883', `operator does not exist: ${typeLabel(left)} ${op} ${typeLabel(right)}`, { position, hint: OPERATOR_HINT });
      }
    }
  }

  /**
   * Numeric arithmetic. Integers keep PostgreSQL's rules (int / int truncates, the wider type
   * wins); decimals are exact: + - at scale max(s1,s2), * at s1+s2, % at the common type, and /
   * at Spark's scale max(6, s1 + p2 + 1) (PostgreSQL picks the scale per value; a fixed-scale
   * decimal needs one per column), rounded half away from zero, precision capped at 38.
   */
  private arithmetic(op: BinaryOp & ('+' | '-' | '*' | '/' | '%'), left: Expr, right: Expr, position: number | undefined, lpos?: number, rpos?: number): Expr {
    const temporal = bindTemporalArithmetic(op, left, right);
    if (temporal !== undefined) return temporal;
    let l = left;
    let r = right;
    if (isUnknownLiteral(l) && isUnknownLiteral(r)) throw new SqlError('42725', `operator is not unique: unknown ${op} unknown`, { position, hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.' });
    if (isUnknownLiteral(l) || l.type.typeId === arrow.Type.Null) l = coerce(l, isNumeric(r.type) ? r.type : l.type, lpos);
    if (isUnknownLiteral(r) || r.type.typeId === arrow.Type.Null) r = coerce(r, isNumeric(l.type) ? l.type : r.type, rpos);
    if (!isNumeric(l.type) || !isNumeric(r.type)) throw operatorError(op, left, right, position);
    let type = commonNumeric(l.type, r.type);
    if (type.typeId === arrow.Type.Int && (type as arrow.Int).bitWidth === 8) type = new arrow.Int16();
    if (type.typeId === arrow.Type.Decimal) {
      const a = asDecimal(l.type);
      const b = asDecimal(r.type);
      if (op === '*') {
        const result = new arrow.Decimal(a.scale + b.scale, Math.min(MAX_DECIMAL_PRECISION, a.precision + b.precision + 1), 128);
        return { kind: 'Binary', op, left: coerce(l, a), right: coerce(r, b), type: result };
      }
      if (op === '+' || op === '-') {
        const d = type as arrow.Decimal;
        const result = new arrow.Decimal(d.scale, Math.min(MAX_DECIMAL_PRECISION, d.precision + 1), 128);
        return { kind: 'Binary', op, left: coerce(l, result), right: coerce(r, result), type: result };
      }
      if (op === '/') return { kind: 'Binary', op, left: coerce(l, a), right: coerce(r, b), type: decimalQuotientType(a, b) };
    }
    return { kind: 'Binary', op, left: coerce(l, type), right: coerce(r, type), type };
  }

  private boolExpr(n: AnyNode): Expr {
    const args = (n.args ?? []) as Node[];
    if (n.boolop === 'NOT_EXPR') return { kind: 'Unary', op: 'NOT', input: this.bindCondition(args[0], 'NOT'), type: BOOL };
    const op = n.boolop === 'AND_EXPR' ? 'AND' : 'OR';
    const bound = args.map((a) => this.bindCondition(a, op));
    return bound.slice(1).reduce<Expr>((acc, e) => ({ kind: 'Binary', op, left: acc, right: e, type: BOOL }), bound[0]);
  }

  private requireBoolean(e: Expr, clause: string, location: number): Expr {
    if (e.type.typeId === arrow.Type.Bool && !isUnknownLiteral(e)) return e;
    if (isUnknownLiteral(e) || e.type.typeId === arrow.Type.Null) return coerce(e, BOOL, this.ctx.position(location));
    throw SqlError.datatypeMismatch(`argument of ${clause} must be type boolean, not type ${pgTypeName(e.type)}`, this.ctx.position(location));
  }

  // ── casts, calls, CASE ──

  private typeCast(n: AnyNode, node: Node): Expr {
    const named = this.regNameAsText(n);
    if (named !== undefined) return named;
    // `ARRAY[a, b]::T[]` casts each element (and `ARRAY[]::T[]` is an empty T[]).
    const [argKind, arg] = unwrap(n.arg as Node);
    if (argKind === 'A_ArrayExpr' && ((n.typeName as AnyNode).arrayBounds ?? []).length === 1) {
      const elements = (arg.elements ?? []) as Node[];
      const elementType = { ...(n.typeName as AnyNode), arrayBounds: undefined };
      const cast = (e: Node): Node => ({ TypeCast: { arg: e, typeName: elementType, location: n.location } }) as Node;
      if (elements.length > 0) return this.bind({ A_ArrayExpr: { ...arg, elements: elements.map(cast) } } as Node);
      const element = this.bind(cast({ A_Const: { isnull: true, location: n.location } } as Node)).type;
      return { kind: 'Literal', value: [], type: new arrow.List(new arrow.Field('item', element, true)) };
    }
    const input = this.bind(n.arg);
    const typeNode = n.typeName as AnyNode;
    const typeText = this.ctx.source.slice(typeNode.location ?? 0, Math.min(this.ctx.source.byteLength, (typeNode.location ?? 0) + 40));
    const position = this.ctx.position(n.location ?? startOf(node));
    const typeNames = ((typeNode.names ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? '').toLowerCase());
    if (typeNames[typeNames.length - 1] === 'interval' && isUnknownLiteral(input)) {
      // `INTERVAL '1' DAY`: PostgreSQL's typmod names the unit of a bare number (its field bit mask).
      const mask: number = ((typeNode.typmods ?? []) as AnyNode[])[0]?.A_Const?.ival?.ival ?? 0;
      const units: [number, string][] = [[1 << 12, 'second'], [1 << 11, 'minute'], [1 << 10, 'hour'], [1 << 3, 'day'], [1 << 1, 'month'], [1 << 2, 'year']];
      return intervalLiteral(String(input.value), units.find(([bit]) => (mask & bit) !== 0)?.[1], this.ctx.position(startOf(n.arg)));
    }
    const catalogType = typeNames[typeNames.length - 1];
    if ((typeNode.arrayBounds ?? []).length > 0) return this.arrayCast(input, typeNode, position, startOf(n.arg));
    if (typeNames.length === 1 || typeNames[0] === 'pg_catalog') {
      const cast = bindCatalogCast(this.ctx, input, catalogType, this.ctx.position(startOf(n.arg)));
      if (cast !== undefined) return cast;
    }
    let to = typeFromName(typeNode, this.ctx.position(typeNode.location), typeText);
    if (isUnconstrainedNumeric(typeNode)) to = unconstrainedNumericFor(input);
    if (this.ctx.prepass.tryCasts?.has(n.location ?? -1)) return tryCastCall(input, to, position);
    if (isUnknownLiteral(input)) return coerce(input, to, this.ctx.position(startOf(n.arg)));
    if (!canCast(input.type, to)) throw new SqlError('42846', `cannot cast type ${pgTypeName(input.type)} to ${pgTypeName(to)}`, { position });
    return coerce(input, to, this.ctx.position(startOf(n.arg)));
  }

  private funcCall(n: AnyNode): Expr {
    const names: string[] = (n.funcname ?? []).map((x: AnyNode) => x.String?.sval ?? '');
    // A reserved word used as a function (`window(…)`, `array(…)`) arrives as its pre-pass placeholder.
    const renamed = this.ctx.prepass.renamed?.get(n.location ?? -1);
    if (renamed !== undefined) names[names.length - 1] = renamed;
    const name = names[names.length - 1];
    const position = this.ctx.position(n.location ?? 0);
    // `x AT TIME ZONE z` parses as pg_catalog.timezone(z, x): name the SQL the user wrote.
    if (name === 'timezone' && (n.args ?? []).length === 2 && (names.length === 1 || names[0] === 'pg_catalog') && n.over === undefined) {
      const [zone, x] = ((n.args ?? []) as Node[]).map((a) => this.bind(a));
      return bindAtTimeZone(zone, x, position, n.funcformat === 'COERCE_SQL_SYNTAX' || names.length > 1 ? 'pg_catalog.timezone' : 'timezone');
    }
    const srf = SET_RETURNING.has(name) && (names.length === 1 || names[0] === 'pg_catalog' || (names[0] === 'information_schema' && name === '_pg_expandarray'));
    if (names.length > 1 && names[0] !== 'pg_catalog' && !srf) throw SqlError.undefinedFunction(names.join('.'), position);
    if (srf) {
      const args = ((n.args ?? []) as Node[]).map((a) => this.bind(a));
      if (this.hooks.setReturning !== undefined) return this.hooks.setReturning(name, args, position);
      throw SqlError.unsupportedFeature(`set-returning function ${name} in ${this.hooks.clause ?? 'this clause'}`).at(position);
    }
    if (n.over !== undefined) {
      if (this.hooks.window !== undefined) return this.hooks.window(n, this);
      throw new SqlError('42P20', `window functions are not allowed in ${this.hooks.clause ?? 'this clause'}`, { position });
    }
    if (aggregateCalls.isAggregate(name, n)) {
      if (this.hooks.aggregate !== undefined) return this.hooks.aggregate(n, this);
      throw new SqlError('42803', `aggregate functions are not allowed in ${this.hooks.clause ?? 'this clause'}`, { position });
    }
    if (n.agg_star || n.agg_distinct || n.agg_filter !== undefined || n.agg_order !== undefined) {
      const what = n.agg_star ? '*' : n.agg_distinct ? 'DISTINCT' : n.agg_filter !== undefined ? 'FILTER' : 'ORDER BY';
      throw new SqlError('42809', `${what} specified, but ${name} is not an aggregate function`, { position });
    }
    const args = unitArgument(name, (n.args ?? []) as Node[]).map((a) => this.bind(a));
    return bindCatalogFunction(this.ctx, name, args, position) ?? bindFunction(name, args, position);
  }

  // ── PostgreSQL catalog syntax ──

  /** `'t'::regclass::text`, `oid::regtype::text`: the name a reg* value prints as. */
  private regNameAsText(n: AnyNode): Expr | undefined {
    const target = ((n.typeName?.names ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? '').toLowerCase());
    const [innerKind, inner] = unwrap(n.arg);
    if (innerKind !== 'TypeCast' || !['text', 'varchar', 'name'].includes(target[target.length - 1] ?? '')) return undefined;
    const innerType = ((inner.typeName?.names ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? '').toLowerCase());
    const reg = innerType[innerType.length - 1] ?? '';
    if (!['regclass', 'regtype', 'regnamespace', 'regrole', 'regproc'].includes(reg)) return undefined;
    const value = this.bind(inner.arg);
    const position = this.ctx.position(startOf(inner.arg));
    const oid = bindCatalogCast(this.ctx, value, reg, position);
    // A constant name became its OID; name it the way the column form does.
    return oid === undefined ? undefined : oid.kind === 'Literal' ? bindCatalogCast(this.ctx, { ...oid, value: oid.value }, reg, position, true) : oid;
  }

  /** `x COLLATE "C"`: accepted for the collations every PostgreSQL has; comparisons stay byte-wise. */
  private collate(n: AnyNode): Expr {
    const names = ((n.collname ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? ''));
    const name = names[names.length - 1] ?? '';
    if (!KNOWN_COLLATIONS.has(name.toLowerCase()) || (names.length > 1 && names[0] !== 'pg_catalog')) {
      throw new SqlError('42704', `collation "${names.join('.')}" for encoding "UTF8" does not exist`, { position: this.ctx.position(n.location ?? 0) });
    }
    return this.bind(n.arg);
  }

  /**
   * `x op ANY (array)` / `x op ALL (array)`: over `ARRAY[…]` each element is compared (`= ANY` is
   * an IN list); over an array value (a column, `'{a,b}'`) `= ANY` is array membership and
   * `<> ALL` its negation, with PostgreSQL's NULL rules (no match but a NULL element is NULL).
   */
  private anyAll(op: string, all: boolean, n: AnyNode, position: number | undefined): Expr {
    const left = this.bind(n.lexpr);
    const [rkind, r] = unwrap(n.rexpr);
    if (rkind === 'A_ArrayExpr') {
      const items = ((r.elements ?? []) as Node[]);
      if (items.length === 0) return { kind: 'Literal', value: all, type: BOOL };
      const compared = items.map((item) => this.binary(op, left, this.bind(item), position, n.lexpr, item));
      return compared.slice(1).reduce<Expr>((acc, e) => ({ kind: 'Binary', op: all ? 'AND' : 'OR', left: acc, right: e, type: BOOL }), compared[0]);
    }
    let array = this.bind(n.rexpr);
    if (isUnknownLiteral(array) && !isUnknownLiteral(left)) {
      array = arrayLiteral(String(array.value), new arrow.List(new arrow.Field('item', left.type, true)), this.ctx.position(startOf(n.rexpr)));
    }
    if (array.type.typeId !== arrow.Type.List) {
      throw new SqlError('42809', `op ANY/ALL (array) requires array on right side`, { position });
    }
    if ((op === '=' && !all) || (op === '<>' && all)) {
      const element = (array.type as arrow.List).children[0].type;
      const probe = isUnknownLiteral(left) || left.type.typeId === arrow.Type.Null ? coerce(left, element) : left;
      const t = commonType(probe, { kind: 'Literal', value: null, type: element });
      if (t === undefined) throw operatorError(op, left, { kind: 'Literal', value: null, type: element }, position);
      const contains: Expr = { kind: 'Call', name: 'array_contains', args: [array, coerce(probe, element)], type: BOOL };
      return all ? { kind: 'Unary', op: 'NOT', input: contains, type: BOOL } : contains;
    }
    throw SqlError.unsupportedFeature(`${op} ${all ? 'ALL' : 'ANY'} over an array value (only = ANY and <> ALL)`).at(position);
  }

  /** `'{a,b}'::text[]`, `x::int2[]`: an array literal parsed, or an array value kept when its elements already fit. */
  private arrayCast(input: Expr, typeNode: AnyNode, position: number | undefined, argStart: number): Expr {
    const elementNode = { ...typeNode, arrayBounds: [] };
    const names = ((typeNode.names ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? '').toLowerCase());
    const elementName = names[names.length - 1];
    const element = CATALOG_ELEMENT_TYPES[elementName] ?? typeFromName(elementNode, position);
    const type = new arrow.List(new arrow.Field('item', element, true));
    if (input.kind === 'Literal' && typeof input.value === 'string') return arrayLiteral(input.value, type, this.ctx.position(argStart));
    if (input.kind === 'Literal' && input.value === null) return { kind: 'Literal', value: null, type };
    if (input.type.typeId === arrow.Type.List) {
      const from = (input.type as arrow.List).children[0].type;
      if (sameElement(from, element)) return input;
    }
    throw new SqlError('42846', `cannot cast type ${pgTypeName(input.type)} to ${pgTypeName(type)}`, { position });
  }

  private caseExpr(n: AnyNode): Expr {
    const subject = n.arg === undefined ? undefined : this.bind(n.arg);
    const whens = ((n.args ?? []) as AnyNode[]).map((w) => w.CaseWhen as AnyNode);
    const conditions = whens.map((w) => {
      if (subject === undefined) return this.bindCondition(w.expr, 'CASE/WHEN');
      const position = this.ctx.position(w.location ?? 0);
      return this.binary('=', subject, this.bind(w.expr), position, n.arg, w.expr);
    });
    const results = whens.map((w) => this.bind(w.result));
    const otherwise = n.defresult === undefined ? undefined : this.bind(n.defresult);
    const all = otherwise === undefined ? results : [...results, otherwise];
    let type: arrow.DataType | undefined = all[0].type;
    let witness = all[0];
    for (const r of all.slice(1)) {
      type = commonType(witness, r);
      if (type === undefined) {
        throw SqlError.datatypeMismatch(`CASE types ${typeLabel(witness)} and ${typeLabel(r)} cannot be matched`, this.ctx.position(n.location ?? 0));
      }
      witness = { kind: 'Literal', type, value: null };
    }
    const t = all.every(isUnknownLiteral) ? new arrow.Utf8() : (type as arrow.DataType);
    return {
      kind: 'Case',
      whens: conditions.map((condition, k) => ({ condition, result: coerce(results[k], t) })),
      ...(otherwise === undefined ? {} : { otherwise: coerce(otherwise, t) }),
      type: t,
    };
  }
}

function typeLabel(e: Expr): string {
  return isUnknownLiteral(e) ? 'unknown' : pgTypeName(e.type);
}

export function operatorError(op: string, left: Expr, right: Expr, position: number | undefined): SqlError {
  return new SqlError('42883', `operator does not exist: ${typeLabel(left)} ${op} ${typeLabel(right)}`, { position, hint: OPERATOR_HINT });
}

/**
 * A numeric constant that is not a plain int4: a big integer is int8 (or numeric beyond),
 * `1.50` is numeric(3,2) as in PostgreSQL, and exponent notation is double precision.
 */
export function numericLiteral(text: string): Expr {
  if (/[eE]/.test(text) || /inf|nan/i.test(text)) return { kind: 'Literal', value: Number(text), type: new arrow.Float64() };
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  if (/^\d+$/.test(body)) {
    const v = negative ? -BigInt(body) : BigInt(body);
    if (v >= -(2n ** 63n) && v < 2n ** 63n) return { kind: 'Literal', value: v, type: new arrow.Int64() };
  }
  const [whole = '', frac = ''] = body.split('.');
  const digits = (whole.replace(/^0+/, '') + frac).length;
  const scale = frac.length;
  const precision = Math.max(digits, scale, 1);
  if (precision > MAX_DECIMAL_PRECISION) return { kind: 'Literal', value: Number(text), type: new arrow.Float64() };
  const unscaled = BigInt(whole + frac || '0');
  return { kind: 'Literal', value: negative ? -unscaled : unscaled, type: new arrow.Decimal(scale, precision, 128) };
}

/** `CAST(x AS numeric)` without a precision: keep a decimal's type, fit an integer, else (38, 18). */
function unconstrainedNumericFor(input: Expr): arrow.DataType {
  if (input.type.typeId === arrow.Type.Decimal || input.type.typeId === arrow.Type.Int) return asDecimal(input.type);
  if (isUnknownLiteral(input) && typeof input.value === 'string') {
    const lit = numericLiteral(input.value.trim());
    if (lit.type.typeId === arrow.Type.Decimal) return lit.type;
    if (lit.type.typeId === arrow.Type.Int) return asDecimal(lit.type);
  }
  return new arrow.Decimal(18, 38, 128);
}

/**
 * Spark's type for decimal(p1,s1) / decimal(p2,s2): scale max(6, s1 + p2 + 1), precision
 * p1 - s1 + s2 + scale; past 38 digits the scale gives way (to no less than 6) so the integer
 * digits still fit (`DecimalPrecision.adjustPrecisionScale`).
 */
function decimalQuotientType(a: arrow.Decimal, b: arrow.Decimal): arrow.Decimal {
  const scale = Math.max(6, a.scale + b.precision + 1);
  const precision = a.precision - a.scale + b.scale + scale;
  if (precision <= MAX_DECIMAL_PRECISION) return new arrow.Decimal(scale, precision, 128);
  const integerDigits = precision - scale;
  return new arrow.Decimal(Math.max(MAX_DECIMAL_PRECISION - integerDigits, Math.min(scale, 6)), MAX_DECIMAL_PRECISION, 128);
}

/** The collations every PostgreSQL 15 database has (pg_collation's static rows). */
const KNOWN_COLLATIONS = new Set(['default', 'c', 'posix', 'ucs_basic']);

/** Catalog element types of array casts (`::oid[]`, `::name[]`, `::"char"[]`) as OID and text columns hold them. */
const CATALOG_ELEMENT_TYPES: Record<string, arrow.DataType> = {
  oid: new arrow.Int64(), regtype: new arrow.Int64(), regclass: new arrow.Int64(), xid: new arrow.Int64(),
  regproc: new arrow.Int64(), name: new arrow.Utf8(), char: new arrow.Utf8(), aclitem: new arrow.Utf8(),
};

function sameElement(a: arrow.DataType, b: arrow.DataType): boolean {
  return a.typeId === b.typeId && String(a) === String(b);
}

/**
 * PostgreSQL's array input syntax, one dimension: `{a,b,"c d",NULL}` → a list literal of
 * `type`; `22P02` when it is not one.
 */
export function arrayLiteral(text: string, type: arrow.List, position: number | undefined): Expr {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) {
    throw new SqlError('22P02', `malformed array literal: "${text}"`, { position, detail: 'Array value must start with "{" or dimension information.' });
  }
  const inner = body.slice(1, -1);
  const items: (string | null)[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,{}"]*?))\s*(?:,|$)/gy;
  if (inner.trim() !== '') {
    let m: RegExpExecArray | null;
    while (re.lastIndex < inner.length && (m = re.exec(inner)) !== null) {
      if (m[1] !== undefined) items.push(m[1].replace(/\\(.)/g, '$1'));
      else items.push(/^null$/i.test(m[2] ?? '') ? null : (m[2] ?? ''));
      if (m[0].length === 0) throw new SqlError('22P02', `malformed array literal: "${text}"`, { position });
    }
  }
  const element = type.children[0].type;
  const values = items.map((v) => (v === null ? null : coerce({ kind: 'Literal', value: v, type: new arrow.Utf8(), unknown: true }, element, position)));
  return { kind: 'Literal', value: values.map((v) => (v === null || v.kind !== 'Literal' ? null : v.value)), type };
}

/** Databricks' calls whose first argument is always a bare time unit: `timestampadd(HOUR, 2, ts)`. */
const UNIT_FIRST = new Set(['timestampadd', 'timestampdiff', 'dateadd', 'timestamp_add', 'timestamp_diff']);
/** …and those whose three-argument form takes one (`datediff(DAY, a, b)`; `datediff(end, start)` is Spark's own). */
const UNIT_FIRST_OF_THREE = new Set(['date_add', 'datediff', 'date_diff']);

/** Their unit, written as a name (`DAY`), read as the string `'DAY'`; any other call's arguments as they are. */
function unitArgument(name: string, args: readonly Node[]): readonly Node[] {
  const lower = name.toLowerCase();
  if (args.length === 0 || !(UNIT_FIRST.has(lower) || (UNIT_FIRST_OF_THREE.has(lower) && args.length === 3))) return args;
  const [kind, n] = unwrap(args[0] as Node);
  const fields = kind === 'ColumnRef' ? ((n.fields ?? []) as AnyNode[]) : [];
  const word = fields.length === 1 ? fields[0]?.String?.sval : undefined;
  if (typeof word !== 'string' || !isTimestampUnit(word)) return args;
  return [{ A_Const: { sval: { sval: word.toUpperCase() }, location: n.location } } as unknown as Node, ...args.slice(1)];
}
