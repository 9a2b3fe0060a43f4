import { Aggregate } from '../logical/aggregate.js';
import { Filter } from '../logical/filter.js';
import { Join } from '../logical/join.js';
import { Limit } from '../logical/limit.js';
import { visitPlan, type LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { SetOp } from '../logical/set-op.js';
import { SingleRow } from '../logical/single-row.js';
import { Sort } from '../logical/sort.js';
import { Union } from '../logical/union.js';
import { Window } from '../logical/window.js';

/** Bottom-up rewrite of a plan: children first, then `f` on the node rebuilt over them. */
export function mapPlan(plan: LogicalPlan, f: (node: LogicalPlan) => LogicalPlan): LogicalPlan {
  const rec = (p: LogicalPlan) => mapPlan(p, f);
  const rebuilt = visitPlan<LogicalPlan>(plan, {
    Scan: (n) => n,
    Values: (n) => n,
    Filter: (n) => Filter.create(rec(n.input), n.predicate),
    Project: (n) => Project.create(rec(n.input), n.exprs, n.names),
    Sort: (n) => Sort.create(rec(n.input), n.keys),
    Limit: (n) => Limit.create(rec(n.input), n.limit, n.offset),
    Aggregate: (n) => Aggregate.create(rec(n.input), n.groupBy, n.groupNames, n.aggregates, n.groupingSets),
    Join: (n) => Join.create(rec(n.left), rec(n.right), n.type, n.condition, n.nullAwareAnti),
    Window: (n) => Window.create(rec(n.input), n.partitionBy, n.orderBy, n.calls, n.groupLimit),
    Union: (n) => Union.create(n.inputs.map(rec), n.distinct),
    SetOp: (n) => SetOp.create(rec(n.left), rec(n.right), n.op, n.all),
    SingleRow: (n) => SingleRow.create(rec(n.input)),
    Apply: (n) => ({ ...n, input: rec(n.input) }),
    Explode: (n) => ({ ...n, input: rec(n.input) }),
    RecursiveUnion: (n) => ({ ...n, anchor: rec(n.anchor), recursive: rec(n.recursive) }),
    WorkTable: (n) => n,
  });
  return f(rebuilt);
}
