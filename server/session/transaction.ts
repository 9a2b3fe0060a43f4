import { SqlError } from '../../common/sql-error.js';
import type { TransactionAction } from '../../planner/index.js';

/** ReadyForQuery's transaction status: idle, inside a block, inside a failed block. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** What a transaction-control statement answers: its tag, and a WARNING PostgreSQL would send. */
export interface TransactionOutcome {
  readonly tag: string;
  readonly warning?: string;
  /** The block ended (COMMIT / ROLLBACK): SET LOCAL values revert, non-holdable cursors close. */
  readonly ended: boolean;
}

/**
 * BEGIN / COMMIT / ROLLBACK / SAVEPOINT bookkeeping with PostgreSQL's tags and states. deltasql
 * has no multi-statement transactions: every statement commits on its own (README), so this
 * only tracks what clients observe: the `T` / `E` status, `25P02` for commands after an error
 * inside a block until ROLLBACK, savepoint names, and COMMIT of a failed block answering
 * `ROLLBACK`.
 */
export class TransactionState {
  private state: TransactionStatus = 'I';
  private savepoints: string[] = [];

  get status(): TransactionStatus {
    return this.state;
  }

  /** A statement failed: inside a block, the block is now aborted. */
  fail(): void {
    if (this.state === 'T') this.state = 'E';
  }

  /** Refuses a statement in an aborted block unless it ends the block (`25P02`). */
  checkAllowed(action: TransactionAction | undefined): void {
    if (this.state !== 'E') return;
    if (action === 'commit' || action === 'rollback' || action === 'rollbackTo') return;
    throw new SqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
  }

  apply(action: TransactionAction, savepoint?: string): TransactionOutcome {
    switch (action) {
      case 'begin':
      case 'start': {
        const tag = action === 'begin' ? 'BEGIN' : 'START TRANSACTION';
        if (this.state !== 'I') return { tag, warning: 'there is already a transaction in progress', ended: false };
        this.state = 'T';
        return { tag, ended: false };
      }
      case 'commit': {
        if (this.state === 'I') return { tag: 'COMMIT', warning: 'there is no transaction in progress', ended: true };
        const failed = this.state === 'E';
        this.end();
        return { tag: failed ? 'ROLLBACK' : 'COMMIT', ended: true };
      }
      case 'rollback': {
        if (this.state === 'I') return { tag: 'ROLLBACK', warning: 'there is no transaction in progress', ended: true };
        this.end();
        return { tag: 'ROLLBACK', ended: true };
      }
      case 'savepoint':
        if (this.state === 'I') throw new SqlError('25P01', 'SAVEPOINT can only be used in transaction blocks');
        this.savepoints.push(String(savepoint));
        return { tag: 'SAVEPOINT', ended: false };
      case 'release':
      case 'rollbackTo': {
        const verb = action === 'release' ? 'RELEASE SAVEPOINT' : 'ROLLBACK TO SAVEPOINT';
        if (this.state === 'I') throw new SqlError('25P01', `${verb} can only be used in transaction blocks`);
        const at = this.savepoints.lastIndexOf(String(savepoint));
        if (at < 0) throw new SqlError('3B001', `savepoint "${String(savepoint)}" does not exist`);
        if (action === 'release') {
          this.savepoints = this.savepoints.slice(0, at);
          return { tag: 'RELEASE', ended: false };
        }
        this.savepoints = this.savepoints.slice(0, at + 1);
        this.state = 'T';
        return { tag: 'ROLLBACK', ended: false };
      }
      case 'prepare':
        throw SqlError.unsupportedFeature('PREPARE TRANSACTION');
    }
  }

  private end(): void {
    this.state = 'I';
    this.savepoints = [];
  }
}
