import * as arrow from 'apache-arrow';
import type { LogicalPlan } from './plan.js';

/**
 * `UNION ALL` (`distinct` false) or `UNION`: the inputs' rows in turn. The binder has cast every
 * input to the same column types; names come from the first input.
 */
export interface Union {
  readonly kind: 'Union';
  readonly inputs: readonly LogicalPlan[];
  readonly distinct: boolean;
  readonly schema: arrow.Schema;
}

export const Union = Object.freeze({
  create(inputs: readonly LogicalPlan[], distinct: boolean): Union {
    const first = inputs[0].schema.fields;
    const schema = new arrow.Schema(first.map((f) => new arrow.Field(f.name, f.type, true)));
    return { kind: 'Union', inputs, distinct, schema };
  },
  is(node: { kind: string }): node is Union {
    return node.kind === 'Union';
  },
});
