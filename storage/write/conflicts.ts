import { SqlError } from '../../common/sql-error.js';
import type { AddFile, LogAction } from '../log/actions.js';
import { dvUniqueId } from '../dv/descriptor.js';

/**
 * What a transaction depended on and changed, for the check against commits that won the race
 * (reference/delta-protocol.md §6, Spark's WriteSerializable rules):
 * - "Blind appends never conflict."
 * - "A conflict arises if a concurrent commit removed a file we read or removed, changed the
 *   metadata or protocol, or added files matching our read predicate (for UPDATE, DELETE and MERGE)."
 * - "A txn with the same appId conflicts."
 * Adds with `dataChange=false` (OPTIMIZE) change no rows, so they never match a read predicate;
 * their removes still take files away from under a reader.
 */
export interface ReadSet {
  /** Keys (path + DV id) of files the transaction read. */
  readonly files: ReadonlySet<string>;
  /** Partitions the statement's predicate covers; `all` when it read the whole table; none for blind appends. */
  readonly partitions: 'none' | 'all' | ((partitionValues: Readonly<Record<string, string | null>>) => boolean);
  /** Keys of the files this transaction removes. */
  readonly removed: ReadonlySet<string>;
  readonly appIds: ReadonlySet<string>;
  /** This transaction changes metadata or protocol itself. */
  readonly changesMetadata: boolean;
}

export function fileKeyOf(path: string, dv: AddFile['deletionVector']): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // keep the raw path
  }
  return dv ? `${decoded}\u0000${dvUniqueId(dv)}` : decoded;
}

/** Throws `40001` naming the winning version and the reason when `winner` conflicts with `read`. */
export function checkConflicts(read: ReadSet, winner: readonly LogAction[], winnerVersion: number, table: string): void {
  const fail = (reason: string) =>
    new SqlError('40001', `could not serialize access to ${table}: a concurrent transaction (version ${winnerVersion}) ${reason}`, {
      hint: 'Retry the statement.',
    });
  for (const action of winner) {
    switch (action.kind) {
      case 'protocol':
        throw fail('changed the table protocol');
      case 'metaData':
        throw fail('changed the table metadata');
      case 'txn':
        if (read.appIds.has(action.txn.appId)) throw fail(`committed for the same application id "${action.txn.appId}"`);
        break;
      case 'remove': {
        const key = fileKeyOf(action.remove.path, action.remove.deletionVector);
        if (read.removed.has(key)) throw fail(`deleted a file this transaction also deletes (${action.remove.path})`);
        if (read.files.has(key)) throw fail(`deleted a file this transaction read (${action.remove.path})`);
        break;
      }
      case 'add': {
        if (!action.add.dataChange || read.partitions === 'none') break;
        if (read.partitions === 'all' || read.partitions(action.add.partitionValues)) throw fail(`added data this transaction's read covers (${action.add.path})`);
        break;
      }
      default:
        break;
    }
  }
  if (read.changesMetadata && winner.some((a) => a.kind === 'add' || a.kind === 'remove')) {
    // Spark: a metadata change must see every file written under the old schema.
    throw fail('changed files while this transaction changes the table metadata');
  }
}
