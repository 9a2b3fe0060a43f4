import { SqlError } from '../../common/sql-error.js';
import { BetweenExpr } from '../../executor/expr/between.js';
import { BinaryExpr } from '../../executor/expr/binary.js';
import { CaseExpr } from '../../executor/expr/case.js';
import { CastExpr } from '../../executor/expr/cast.js';
import { ColumnExpr } from '../../executor/expr/column.js';
import { FieldExpr } from '../../executor/expr/field.js';
import { FunctionExpr } from '../../executor/expr/function.js';
import { InListExpr } from '../../executor/expr/in-list.js';
import { LikeExpr } from '../../executor/expr/like.js';
import { LiteralExpr } from '../../executor/expr/literal.js';
import type { PhysicalExpr } from '../../executor/expr/physical-expr.js';
import { UnaryExpr } from '../../executor/expr/unary.js';
import { literalToString } from '../expr/display.js';
import type { Expr } from '../expr/expr.js';

/** A bound expression → its executor form (one PhysicalExpr class per kind). */
export function lowerExpr(e: Expr): PhysicalExpr {
  return LOWER[e.kind](e as never);
}

const LOWER: { [K in Expr['kind']]: (e: Extract<Expr, { kind: K }>) => PhysicalExpr } = {
  ColumnRef: (e) => new ColumnExpr(e.index, e.name, e.type),
  Literal: (e) => new LiteralExpr(e.value, e.type, literalToString(e)),
  Unary: (e) => new UnaryExpr(e.op, lowerExpr(e.input), e.type),
  Binary: (e) => new BinaryExpr(e.op, lowerExpr(e.left), lowerExpr(e.right), e.type),
  Cast: (e) => new CastExpr(lowerExpr(e.input), e.type),
  IsNull: (e) => new UnaryExpr(e.negated ? 'IS NOT NULL' : 'IS NULL', lowerExpr(e.input), e.type),
  InList: (e) => new InListExpr(lowerExpr(e.input), e.list.map(lowerExpr), e.negated),
  Between: (e) => new BetweenExpr(lowerExpr(e.input), lowerExpr(e.low), lowerExpr(e.high), e.negated),
  Case: (e) => new CaseExpr(e.whens.map((w) => ({ condition: lowerExpr(w.condition), result: lowerExpr(w.result) })), e.otherwise === undefined ? undefined : lowerExpr(e.otherwise), e.type),
  Call: (e) => new FunctionExpr(e.name, e.args.map(lowerExpr), e.type),
  Like: (e) => new LikeExpr(lowerExpr(e.input), e.pattern, e.caseInsensitive, e.negated),
  FieldAccess: (e) => new FieldExpr(lowerExpr(e.input), e.fieldIndex, e.field, e.type),
  Placeholder: (e) => {
    throw SqlError.internal(`placeholder ${e.label} survived binding`);
  },
};
