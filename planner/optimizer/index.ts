import type { LogicalPlan } from '../logical/plan.js';
import { distinctValuesScan } from './distinct-values-scan.js';
import { partialAggregateScan } from './partial-aggregate-scan.js';
import { foldConstants } from './fold-constants.js';
import { joinOrder } from './join-order.js';
import { pruneColumns } from './prune-columns.js';
import { pushDownFilter } from './push-down-filter.js';
import { pushScanFilters } from './push-scan-filters.js';
import type { OptimizerRule } from './rule.js';
import { windowGroupLimit } from './window-group-limit.js';

/**
 * The rules, in the order they run: fold first (so `WHERE 1 = 1` disappears before anything
 * moves), push predicates down (making equi joins of cross joins), order joins, prune columns,
 * hand the conjuncts now sitting on scans to storage, tell one-column scans under duplicate-blind
 * aggregates that distinct values will do (once columns are pruned), have scans under a GROUP BY
 * of one column answer partial aggregates, and last tell windows
 * filtered on their rank to cut their input (after every rule that rebuilds windows).
 */
export const RULES: readonly OptimizerRule[] = [foldConstants, pushDownFilter, joinOrder, pruneColumns, pushScanFilters, distinctValuesScan, partialAggregateScan, windowGroupLimit];

/** Runs every rule once; `trace` receives the plan after each (EXPLAIN VERBOSE). */
export function optimize(plan: LogicalPlan, trace?: (rule: string, plan: LogicalPlan) => void): LogicalPlan {
  let current = plan;
  for (const rule of RULES) {
    current = rule.rewrite(current);
    trace?.(rule.name, current);
  }
  return current;
}
