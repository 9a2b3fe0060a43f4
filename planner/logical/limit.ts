import type * as arrow from 'apache-arrow';
import type { LogicalPlan } from './plan.js';

/** `LIMIT limit OFFSET offset`; `limit` undefined means no limit (`LIMIT ALL`, OFFSET alone). */
export interface Limit {
  readonly kind: 'Limit';
  readonly input: LogicalPlan;
  readonly limit: number | undefined;
  readonly offset: number;
  readonly schema: arrow.Schema;
}

export const Limit = Object.freeze({
  create(input: LogicalPlan, limit: number | undefined, offset: number): Limit {
    return { kind: 'Limit', input, limit, offset, schema: input.schema };
  },
  is(node: { kind: string }): node is Limit {
    return node.kind === 'Limit';
  },
});
