import type * as arrow from 'apache-arrow';

/**
 * The self-reference inside a recursive CTE's recursive term: the rows the enclosing
 * RecursiveUnion (same `id`) produced in its previous round.
 */
export interface WorkTable {
  readonly kind: 'WorkTable';
  readonly id: number;
  readonly name: string;
  readonly schema: arrow.Schema;
}

export const WorkTable = Object.freeze({
  create(id: number, name: string, schema: arrow.Schema): WorkTable {
    return { kind: 'WorkTable', id, name, schema };
  },
  is(node: { kind: string }): node is WorkTable {
    return node.kind === 'WorkTable';
  },
});
