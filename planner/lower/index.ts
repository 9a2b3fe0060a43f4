import type { PhysicalOperator } from '../../executor/operator.js';
import { visitPlan, type LogicalPlan } from '../logical/plan.js';
import { lowerAggregate } from './aggregate.js';
import { lowerFilter } from './filter.js';
import { lowerJoin, lowerProjectOverJoin } from './join.js';
import { lowerLimit } from './limit.js';
import { lowerProject } from './project.js';
import { lowerScan } from './scan.js';
import { lowerSetOp } from './set-op.js';
import { lowerSingleRow } from './single-row.js';
import { ApplyExec } from '../../executor/operators/apply.js';
import { ExplodeExec } from '../../executor/operators/explode.js';
import { lowerExpr } from './expr.js';
import { lowerSort } from './sort.js';
import { lowerUnion } from './union.js';
import { lowerValues } from './values.js';
import { lowerWindow } from './window.js';
import { lowerRecursiveUnion, lowerWorkTable } from './recursive-union.js';

/**
 * Logical plan → physical operators, one lowering file per node (STYLE.md §4). Two cross-node
 * choices: a Limit directly over a Sort lowers the Sort as a top-N with `fetch = limit + offset`;
 * a Project directly over a hash Join has the join output only the columns it reads. `wrap`
 * decorates every operator (EXPLAIN ANALYZE's counters).
 */
export function lower(plan: LogicalPlan, wrap: (op: PhysicalOperator) => PhysicalOperator = (op) => op): PhysicalOperator {
  const rec = (p: LogicalPlan): PhysicalOperator => lower(p, wrap);
  const op = visitPlan<PhysicalOperator>(plan, {
    Scan: (n) => lowerScan(n),
    Values: (n) => lowerValues(n),
    Filter: (n) => lowerFilter(n, rec(n.input)),
    Project: (n) => (n.input.kind === 'Join' ? lowerProjectOverJoin(n, n.input, rec, wrap) : undefined) ?? lowerProject(n, rec(n.input)),
    Sort: (n) => lowerSort(n, rec(n.input)),
    Limit: (n) => {
      if (n.input.kind === 'Sort' && n.limit !== undefined) {
        const sort = n.input;
        return lowerLimit(n, wrap(lowerSort(sort, rec(sort.input), n.limit + n.offset)));
      }
      return lowerLimit(n, rec(n.input));
    },
    Aggregate: (n) => lowerAggregate(n, rec(n.input)),
    Join: (n) => lowerJoin(n, rec(n.left), rec(n.right)),
    Window: (n) => lowerWindow(n, rec(n.input)),
    Union: (n) => lowerUnion(n, n.inputs.map(rec)),
    SetOp: (n) => lowerSetOp(n, rec(n.left), rec(n.right)),
    SingleRow: (n) => lowerSingleRow(n, rec(n.input)),
    Explode: (n) => new ExplodeExec(rec(n.input), lowerExpr(n.expr), n.outer === true, [n.outputName]),
    RecursiveUnion: (n) => lowerRecursiveUnion(n, rec),
    WorkTable: (n) => lowerWorkTable(n),
    Apply: (n) => new ApplyExec(rec(n.input), n.columns, n.evaluate, n.schema.fields.slice(n.input.schema.fields.length), n.label, n.join),
  });
  return wrap(op);
}
