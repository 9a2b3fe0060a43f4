import type { LogicalPlan } from '../logical/plan.js';
import { foldConstants } from './fold-constants.js';
import { pruneColumns } from './prune-columns.js';
import type { OptimizerRule } from './rule.js';

/** The rules, in the order they run. */
export const RULES: readonly OptimizerRule[] = [foldConstants, pruneColumns];

/** Runs every rule once; `trace` receives the plan after each (EXPLAIN VERBOSE). */
export function optimize(plan: LogicalPlan, trace?: (rule: string, plan: LogicalPlan) => void): LogicalPlan {
  let current = plan;
  for (const rule of RULES) {
    current = rule.rewrite(current);
    trace?.(rule.name, current);
  }
  return current;
}
