import * as arrow from 'apache-arrow';
import { sameType } from '../../executor/kernels/cast.js';
import type { ScanPredicate } from '../catalog.js';
import type { Expr } from '../expr/expr.js';
import { Filter } from '../logical/filter.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Scan } from '../logical/scan.js';
import { conjuncts } from './push-down-filter.js';
import { mapPlan } from './map-plan.js';
import type { OptimizerRule } from './rule.js';

/**
 * Hands the simple conjuncts of a Filter right above a Scan to the Scan, so storage can skip
 * files (partition values, Delta stats) and row groups that cannot hold a matching row.
 *
 * ```
 * Filter: d >= DATE '2021-01-02' AND lower(t) = 'x'       Filter: d >= DATE '2021-01-02' AND lower(t) = 'x'
 *   Scan: prices                                    ⇒      Scan: prices filters=[d >= 18629]
 * ```
 *
 * Law: storage only skips whole files / row groups whose every row fails a conjunct, so the
 * rows it returns are a superset of the matching ones; the Filter stays above and removes the
 * rest. Only `column op literal` (either side), `column IS [NOT] NULL`, `column IN (literals)`
 * and BETWEEN of literals qualify, with the literal already of the column's exact type.
 */
export const pushScanFilters: OptimizerRule = {
  name: 'push_scan_filters',
  rewrite(plan: LogicalPlan): LogicalPlan {
    return mapPlan(plan, (node) => {
      if (node.kind !== 'Filter' || node.input.kind !== 'Scan') return node;
      const scan = node.input;
      const found = conjuncts(node.predicate).flatMap((c) => scanPredicates(c, scan));
      if (found.length === 0) return node;
      const key = (p: ScanPredicate) => JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
      const existing = new Set(scan.filters.map(key));
      const filters = [...scan.filters, ...found.filter((p) => !existing.has(key(p)))];
      return Filter.create(Scan.create(scan.source, scan.columns, filters), node.predicate);
    });
  },
};

const FLIP = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;

function scanPredicates(c: Expr, scan: Scan): ScanPredicate[] {
  const column = (e: Expr): string | undefined => (e.kind === 'ColumnRef' ? scan.schema.fields[e.index]?.name : undefined);
  const literal = (e: Expr, like: Expr): boolean => e.kind === 'Literal' && e.value !== null && sameType(e.type, like.type);
  switch (c.kind) {
    case 'Binary': {
      if (!(c.op in FLIP)) return [];
      const op = c.op as keyof typeof FLIP;
      const l = column(c.left);
      const r = column(c.right);
      if (l !== undefined && literal(c.right, c.left) && c.right.kind === 'Literal') return [{ kind: 'compare', column: l, op, value: c.right.value }];
      if (r !== undefined && literal(c.left, c.right) && c.left.kind === 'Literal') return [{ kind: 'compare', column: r, op: FLIP[op], value: c.left.value }];
      return [];
    }
    case 'IsNull': {
      const col = column(c.input);
      return col === undefined ? [] : [{ kind: 'isNull', column: col, negated: c.negated }];
    }
    case 'InList': {
      const col = column(c.input);
      if (col === undefined || c.negated || !c.list.every((x) => literal(x, c.input))) return [];
      return [{ kind: 'in', column: col, values: c.list.map((x) => (x.kind === 'Literal' ? x.value : null)) }];
    }
    case 'Between': {
      const col = column(c.input);
      if (col === undefined || c.negated || c.low.kind !== 'Literal' || c.high.kind !== 'Literal' || !literal(c.low, c.input) || !literal(c.high, c.input)) return [];
      return [
        { kind: 'compare', column: col, op: '>=', value: c.low.value },
        { kind: 'compare', column: col, op: '<=', value: c.high.value },
      ];
    }
    default:
      return [];
  }
}

export { arrow };
