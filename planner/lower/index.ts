import type { PhysicalOperator } from '../../executor/operator.js';
import { visitPlan, type LogicalPlan } from '../logical/plan.js';
import { lowerFilter } from './filter.js';
import { lowerLimit } from './limit.js';
import { lowerProject } from './project.js';
import { lowerScan } from './scan.js';
import { lowerSort } from './sort.js';
import { lowerValues } from './values.js';

/**
 * Logical plan → physical operators, one lowering file per node (STYLE.md §4). The one
 * cross-node choice: a Limit directly over a Sort lowers the Sort as a top-N with
 * `fetch = limit + offset`.
 */
export function lower(plan: LogicalPlan): PhysicalOperator {
  return visitPlan<PhysicalOperator>(plan, {
    Scan: (n) => lowerScan(n),
    Values: (n) => lowerValues(n),
    Filter: (n) => lowerFilter(n, lower(n.input)),
    Project: (n) => lowerProject(n, lower(n.input)),
    Sort: (n) => lowerSort(n, lower(n.input)),
    Limit: (n) => {
      if (n.input.kind === 'Sort' && n.limit !== undefined) {
        const sort = n.input;
        return lowerLimit(n, lowerSort(sort, lower(sort.input), n.limit + n.offset));
      }
      return lowerLimit(n, lower(n.input));
    },
  });
}
