import type { Node } from 'libpg-query';
import type { BindContext } from './context.js';
import { foldIdentifier } from './context.js';
import { unwrap } from './bind-expr.js';

/**
 * Output column names, as PostgreSQL names them (its FigureColname) but keeping the user's
 * spelling (DESIGN.md §3): `SELECT Ticker` → `Ticker`, `AVG(close) AS Average_Close` →
 * `Average_Close`, `t.Close` → `Close`, `lower(x)` → `lower`, `CAST(x AS int)` → `x`,
 * `1::int` → `int4`, `CASE …` → `case`, `explode(arr)` → `col` (Spark's), anything else → `?column?`.
 */
export function outputName(ctx: BindContext, target: Record<string, any>): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (target.name !== undefined) return aliasSpelling(ctx, target.location ?? 0, target.name);
  return figure(ctx, target.val);
}

function figure(ctx: BindContext, node: Node | undefined): string {
  if (node === undefined) return '?column?';
  const [kind, n] = unwrap(node);
  switch (kind) {
    case 'ColumnRef': {
      const fields = (n.fields ?? []) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      const last = fields[fields.length - 1];
      if (last === undefined || 'A_Star' in last) return '?column?';
      return partSpelling(ctx, n.location ?? 0, fields.length - 1, last.String?.sval ?? '?column?');
    }
    case 'A_Indirection': {
      const steps = (n.indirection ?? []) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      const last = steps[steps.length - 1];
      return last !== undefined && 'String' in last ? last.String.sval : figure(ctx, n.arg);
    }
    case 'FuncCall': {
      const renamed = ctx.prepass.renamed?.get(n.location ?? -1);
      if (renamed !== undefined) return renamed;
      const names = (n.funcname ?? []) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      const name: string = names[names.length - 1]?.String?.sval ?? '?column?';
      // Spark names an exploded array's column `col`.
      return /^explode(_outer)?$/i.test(name) ? 'col' : name;
    }
    case 'TypeCast': {
      const inner = figure(ctx, n.arg);
      if (inner !== '?column?') return inner;
      const names = (n.typeName?.names ?? []) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      return names[names.length - 1]?.String?.sval ?? '?column?';
    }
    case 'A_Expr': return n.kind === 'AEXPR_NULLIF' ? 'nullif' : '?column?';
    case 'CaseExpr': return 'case';
    case 'GroupingFunc': return 'grouping';
    case 'SubLink': {
      if (n.subLinkType === 'EXISTS_SUBLINK') return 'exists';
      if (n.subLinkType === 'ARRAY_SUBLINK') return 'array';
      if (n.subLinkType !== 'EXPR_SUBLINK') return '?column?';
      const target = n.subselect?.SelectStmt?.targetList?.[0]?.ResTarget;
      return target === undefined ? '?column?' : outputName(ctx, target);
    }
    case 'CoalesceExpr': return 'coalesce';
    // current_date, current_user, current_catalog…: PostgreSQL names the column after the keyword.
    case 'SQLValueFunction': return typeof n.op === 'string' ? n.op.replace(/^SVFOP_/, '').replace(/_N$/, '').toLowerCase() : '?column?';
    case 'MinMaxExpr': return n.op === 'IS_GREATEST' ? 'greatest' : 'least';
    default: return '?column?';
  }
}

/** The spelling of part `k` of a dotted name starting at byte `location`. */
function partSpelling(ctx: BindContext, location: number, k: number, parsed: string): string {
  const token = ctx.prepass.tokens[ctx.tokenIndexAt(location) + 2 * k];
  if (token === undefined) return parsed;
  return foldIdentifier(ctx.originalText(token)) === parsed ? ctx.spelling(token) : parsed;
}

const CLAUSE_WORDS = new Set(['from', 'where', 'group', 'having', 'order', 'limit', 'offset', 'window', 'union', 'intersect', 'except', 'into', 'fetch', 'for', ';']);

/**
 * The alias of a select item as written: the item's last token before the `,` or clause keyword
 * that ends it (tracking parentheses), when it folds to the parsed alias.
 */
function aliasSpelling(ctx: BindContext, location: number, parsed: string): string {
  const tokens = ctx.prepass.tokens;
  let depth = 0;
  let last: (typeof tokens)[number] | undefined;
  for (let i = ctx.tokenIndexAt(location); i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (t.text === ',' || CLAUSE_WORDS.has(t.text.toLowerCase()))) break;
    last = t;
  }
  if (last === undefined) return parsed;
  return foldIdentifier(ctx.originalText(last)) === parsed ? ctx.spelling(last) : parsed;
}
