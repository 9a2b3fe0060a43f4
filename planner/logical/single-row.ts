import * as arrow from 'apache-arrow';
import type { LogicalPlan } from './plan.js';

/**
 * The input of a scalar subquery: at most one row passes (a second is error 21000), and no row
 * becomes one row of NULLs. Every column is nullable.
 */
export interface SingleRow {
  readonly kind: 'SingleRow';
  readonly input: LogicalPlan;
  readonly schema: arrow.Schema;
}

export const SingleRow = Object.freeze({
  create(input: LogicalPlan): SingleRow {
    const schema = new arrow.Schema(input.schema.fields.map((f) => new arrow.Field(f.name, f.type, true)));
    return { kind: 'SingleRow', input, schema };
  },
  is(node: { kind: string }): node is SingleRow {
    return node.kind === 'SingleRow';
  },
});
