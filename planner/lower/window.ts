import { WindowExec } from '../../executor/operators/window.js';
import { WindowGroupLimitExec } from '../../executor/operators/window-group-limit.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { WindowCall, WindowFunctionName } from '../../executor/window/window-call.js';
import type { Window } from '../logical/window.js';
import { lowerExpr } from './expr.js';

export function lowerWindow(node: Window, input: PhysicalOperator): WindowExec {
  const calls = node.calls.map<WindowCall>((c) => ({
    name: c.name as WindowFunctionName,
    args: c.args.map(lowerExpr),
    ...(c.params === undefined ? {} : { params: c.params }),
    ...(c.frame === undefined ? {} : { frame: c.frame }),
    ...(c.ignoreNulls === undefined ? {} : { ignoreNulls: c.ignoreNulls }),
    type: c.type,
    outputName: c.outputName,
  }));
  const partitionBy = node.partitionBy.map(lowerExpr);
  const orderBy = node.orderBy.map((k) => ({ expr: lowerExpr(k.expr), descending: k.descending, nullsFirst: k.nullsFirst }));
  const limited = node.groupLimit === undefined ? input : new WindowGroupLimitExec(input, partitionBy, orderBy, node.groupLimit.rank, node.groupLimit.limit);
  return new WindowExec(limited, partitionBy, orderBy, calls);
}
