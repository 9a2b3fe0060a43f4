import type { LogicalPlan } from '../logical/plan.js';

/** One optimiser rule (STYLE.md §5): returns a new plan, never mutates. */
export interface OptimizerRule {
  readonly name: string;
  rewrite(plan: LogicalPlan): LogicalPlan;
}
