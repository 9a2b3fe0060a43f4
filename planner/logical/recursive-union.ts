import * as arrow from 'apache-arrow';
import type { LogicalPlan } from './plan.js';

/**
 * `WITH RECURSIVE t AS (anchor UNION [ALL] recursive)`: the anchor's rows, then the recursive
 * term run again and again over the rows the previous round produced (its `WorkTable` with the
 * same `id`) until a round produces none. With `distinct` (UNION), rows already produced are
 * dropped before they feed the next round, so a cycle ends. The binder has cast the recursive
 * term to the anchor's column types.
 */
export interface RecursiveUnion {
  readonly kind: 'RecursiveUnion';
  readonly anchor: LogicalPlan;
  readonly recursive: LogicalPlan;
  readonly distinct: boolean;
  /** Which WorkTable nodes inside `recursive` read this node's previous round. */
  readonly id: number;
  readonly name: string;
  readonly schema: arrow.Schema;
}

export const RecursiveUnion = Object.freeze({
  create(anchor: LogicalPlan, recursive: LogicalPlan, distinct: boolean, id: number, name: string, names: readonly string[]): RecursiveUnion {
    const schema = new arrow.Schema(anchor.schema.fields.map((f, i) => new arrow.Field(names[i] ?? f.name, f.type, true)));
    return { kind: 'RecursiveUnion', anchor, recursive, distinct, id, name, schema };
  },
  is(node: { kind: string }): node is RecursiveUnion {
    return node.kind === 'RecursiveUnion';
  },
});
