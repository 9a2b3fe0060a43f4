import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';

/** One column visible to expressions: `index` into the input of the node being bound. */
export interface ScopeColumn {
  /** The table alias or name that qualifies it (`t` in `t.col`), compared case-insensitively. */
  readonly qualifier: string | undefined;
  readonly name: string;
  readonly type: arrow.DataType;
  readonly index: number;
}

/**
 * The columns an expression may name. Names bind case-insensitively (Spark's rule, DESIGN.md
 * §3): Delta keeps column case, users write whatever case they like.
 */
export class Scope {
  static readonly empty = new Scope([], []);

  /** `qualifiers`: the aliases / table names in scope (a table may have zero columns). */
  constructor(readonly columns: readonly ScopeColumn[], readonly qualifiers: readonly string[]) {}

  /** Columns matching `name` (and `qualifier` when given). */
  find(name: string, qualifier?: string): ScopeColumn[] {
    const n = name.toLowerCase();
    const q = qualifier?.toLowerCase();
    return this.columns.filter((c) => c.name.toLowerCase() === n && (q === undefined || c.qualifier?.toLowerCase() === q));
  }

  /** The unique column named so, undefined when none; `42702` when ambiguous. */
  resolve(name: string, qualifier: string | undefined, position: number | undefined): ScopeColumn | undefined {
    const found = this.find(name, qualifier);
    if (found.length > 1) throw SqlError.ambiguousColumn(qualifier === undefined ? name : `${qualifier}.${name}`, position);
    return found[0];
  }

  hasQualifier(qualifier: string): boolean {
    const q = qualifier.toLowerCase();
    return this.qualifiers.some((name) => name.toLowerCase() === q);
  }

  /** Column names for "did you mean" hints. */
  names(): string[] {
    return this.columns.map((c) => c.name);
  }
}
