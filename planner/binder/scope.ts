import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import type { Expr } from '../expr/expr.js';

/** One column visible to expressions: `index` into the input of the node being bound. */
export interface ScopeColumn {
  /** The table alias or name that qualifies it (`t` in `t.col`), compared case-insensitively. */
  readonly qualifier: string | undefined;
  readonly name: string;
  readonly type: arrow.DataType;
  readonly index: number;
  /**
   * Reachable only qualified and left out of `*`: the two inputs' copies of a `USING` /
   * NATURAL join column (the merged column, unqualified, stands for both).
   */
  readonly hidden?: boolean;
}

/**
 * The columns an expression may name. Names bind case-insensitively (Spark's rule, DESIGN.md
 * §3): Delta keeps column case, users write whatever case they like. `parent` is the enclosing
 * query's scope, seen from a (correlated) subquery.
 */
export class Scope {
  static readonly empty = new Scope([], []);

  /**
   * `qualifiers`: the aliases / table names in scope (a table may have zero columns).
   * `constant`: set on an enclosing query's scope seen from a subquery that runs once per
   * distinct value of the columns it reads (per-value.ts): each column it names binds to
   * `constant(column)`, a literal of that run's value, instead of a correlated reference.
   */
  constructor(
    readonly columns: readonly ScopeColumn[],
    readonly qualifiers: readonly string[],
    readonly parent?: Scope,
    readonly constant?: (column: ScopeColumn) => Expr,
  ) {}

  /** This scope seen from a subquery of the query it belongs to. */
  withParent(parent: Scope | undefined): Scope {
    return parent === undefined ? this : new Scope(this.columns, this.qualifiers, parent, this.constant);
  }

  /** This scope with every column bound to `constant(column)` (its parent is left as it is). */
  asConstants(constant: (column: ScopeColumn) => Expr): Scope {
    return new Scope(this.columns, this.qualifiers, this.parent, constant);
  }

  /** Columns matching `name` (and `qualifier` when given). */
  find(name: string, qualifier?: string): ScopeColumn[] {
    const n = name.toLowerCase();
    const q = qualifier?.toLowerCase();
    return this.columns.filter((c) => c.name.toLowerCase() === n && (q === undefined ? c.hidden !== true : c.qualifier?.toLowerCase() === q));
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

  /** What `*` (qualifier undefined) or `t.*` expands to, in order. */
  star(qualifier?: string): ScopeColumn[] {
    if (qualifier === undefined) return this.columns.filter((c) => c.hidden !== true);
    const q = qualifier.toLowerCase();
    return this.columns.filter((c) => c.qualifier?.toLowerCase() === q);
  }

  /** Column names for "did you mean" hints. */
  names(): string[] {
    return this.columns.map((c) => c.name);
  }

  /**
   * The scope of a join's output: `left`'s columns, then `right`'s shifted by `offset`.
   * `42712` when both sides use the same table name or alias (a self-join needs aliases).
   */
  static join(left: Scope, right: Scope, offset: number, position?: number): Scope {
    for (const q of right.qualifiers) {
      if (left.hasQualifier(q)) throw new SqlError('42712', `table name "${q}" specified more than once`, { position });
    }
    return new Scope([...left.columns, ...right.columns.map((c) => ({ ...c, index: c.index + offset }))], [...left.qualifiers, ...right.qualifiers], left.parent);
  }
}
