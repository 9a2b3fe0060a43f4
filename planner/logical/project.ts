import * as arrow from 'apache-arrow';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from './plan.js';

/** One output column per expression (over the input's columns), named by `names`. */
export interface Project {
  readonly kind: 'Project';
  readonly input: LogicalPlan;
  readonly exprs: readonly Expr[];
  readonly names: readonly string[];
  readonly schema: arrow.Schema;
}

export const Project = Object.freeze({
  create(input: LogicalPlan, exprs: readonly Expr[], names: readonly string[]): Project {
    const schema = new arrow.Schema(exprs.map((e, i) => new arrow.Field(names[i], e.type, true)));
    return { kind: 'Project', input, exprs, names, schema };
  },
  is(node: { kind: string }): node is Project {
    return node.kind === 'Project';
  },
});
