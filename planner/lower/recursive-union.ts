import { SqlError } from '../../common/sql-error.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import { DEFAULT_MAX_ROUNDS, RecursiveUnionExec } from '../../executor/operators/recursive-union.js';
import { WorkTableExec, type WorkTableSlot } from '../../executor/operators/work-table.js';
import type { LogicalPlan } from '../logical/plan.js';
import type { RecursiveUnion } from '../logical/recursive-union.js';
import type { WorkTable } from '../logical/work-table.js';

/** The slots of the RecursiveUnions being lowered, by id (lowering is synchronous and nested). */
const slots = new Map<number, WorkTableSlot>();

/** RecursiveUnion → RecursiveUnionExec, its WorkTables (lowered inside `lowerChild`) sharing one slot. */
export function lowerRecursiveUnion(node: RecursiveUnion, lowerChild: (p: LogicalPlan) => PhysicalOperator): RecursiveUnionExec {
  const slot: WorkTableSlot = { batches: [] };
  const anchor = lowerChild(node.anchor);
  slots.set(node.id, slot);
  try {
    return new RecursiveUnionExec(anchor, lowerChild(node.recursive), slot, node.distinct, node.name, node.schema, maxRounds());
  } finally {
    slots.delete(node.id);
  }
}

export function lowerWorkTable(node: WorkTable): WorkTableExec {
  const slot = slots.get(node.id);
  if (slot === undefined) throw SqlError.internal(`work table ${node.name} outside its recursive union`);
  return new WorkTableExec(slot, node.name, node.schema);
}

function maxRounds(): number {
  const configured = Number(process.env.DELTASQL_MAX_RECURSION);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_ROUNDS;
}
