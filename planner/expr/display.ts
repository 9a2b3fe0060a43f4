import { formatFloat } from '../../executor/kernels/cast.js';
import { formatDate, formatTimestamp } from '../../common/time/datetime.js';
import { formatDecimal } from '../../executor/values/decimal.js';
import { pgShortTypeName } from '../../executor/values/type-names.js';
import * as arrow from 'apache-arrow';
import type { Expr, Literal } from './expr.js';

/** SQL-like text of a bound expression, for EXPLAIN of logical plans and tests. */
export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'ColumnRef': return e.name;
    case 'Literal': return literalToString(e);
    case 'Unary': return e.op === 'NOT' ? `NOT ${wrap(e.input)}` : `-${wrap(e.input)}`;
    case 'Binary': return `${wrap(e.left)} ${e.op} ${wrap(e.right)}`;
    case 'Cast': return `CAST(${exprToString(e.input)} AS ${pgShortTypeName(e.type)})`;
    case 'IsNull': return `${wrap(e.input)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'InList': return `${wrap(e.input)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(exprToString).join(', ')})`;
    case 'Between': return `${wrap(e.input)} ${e.negated ? 'NOT ' : ''}BETWEEN ${wrap(e.low)} AND ${wrap(e.high)}`;
    case 'Case': return `CASE ${e.whens.map((w) => `WHEN ${exprToString(w.condition)} THEN ${exprToString(w.result)}`).join(' ')}${e.otherwise === undefined ? '' : ` ELSE ${exprToString(e.otherwise)}`} END`;
    case 'Call': return `${e.name}(${e.args.map(exprToString).join(', ')})`;
    case 'Like': return `${wrap(e.input)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} '${e.pattern.replace(/'/g, "''")}'`;
    case 'FieldAccess': return `${wrap(e.input)}.${e.field}`;
    case 'Placeholder': return e.label;
  }
}

function wrap(e: Expr): string {
  return e.kind === 'Binary' || e.kind === 'Between' || e.kind === 'InList' || e.kind === 'Like' || e.kind === 'IsNull' ? `(${exprToString(e)})` : exprToString(e);
}

/** A literal as SQL text (`'abc'`, `12.50`, `DATE '2021-01-01'`, `NULL`). */
export function literalToString(e: Literal): string {
  const v = e.value;
  if (v === null) return 'NULL';
  switch (e.type.typeId) {
    case arrow.Type.Utf8: return `'${String(v).replace(/'/g, "''")}'`;
    case arrow.Type.Decimal: return formatDecimal(v as bigint, (e.type as arrow.Decimal).scale);
    case arrow.Type.Float: return formatFloat(v as number);
    case arrow.Type.Date: return `DATE '${formatDate(v as number)}'`;
    case arrow.Type.Timestamp: return `TIMESTAMP '${formatTimestamp(v as bigint, Boolean((e.type as arrow.Timestamp).timezone))}'`;
    case arrow.Type.Bool: return v ? 'true' : 'false';
    default: return String(v);
  }
}
