import type * as arrow from 'apache-arrow';

/**
 * The state of one aggregate call across all groups of one aggregation, in typed arrays indexed
 * by group id (growable.ts). HashAggregateExec evaluates the call's arguments once per batch,
 * maps the batch's rows to group ids with one GroupTable probe, applies FILTER and DISTINCT
 * (by selecting rows), and then calls `update` once per batch — each accumulator is a tight
 * loop over `groupIds` and the arguments' typed arrays.
 */
export interface Accumulator {
  /**
   * Folds rows into their groups: row i of every `args` Data belongs to group `groupIds[i]`
   * (`args.length` is the call's argument count, then its ORDER BY keys). `groups` is the number of
   * groups that exist so far (every id is below it), so state can grow before the loop.
   * NULL arguments are the accumulator's to skip (count_star counts them).
   */
  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void;
  /** The result column for groups `[0, groups)`, of the call's result type. */
  finish(groups: number): arrow.Data;
}
