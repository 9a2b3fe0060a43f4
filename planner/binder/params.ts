import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { parseText } from '../../executor/kernels/cast.js';
import type { Literal } from '../expr/expr.js';
import { numericLiteral } from './bind-expr.js';

/**
 * A value bound to `$n`: strings are untyped text (like a quoted literal `'…'`, so it takes the
 * type of what it meets, or the declared type), numbers / bigints / booleans are typed
 * (int4 or int8 for integers, float8 otherwise, bool), null is NULL.
 */
export type ParamValue = string | number | bigint | boolean | null;

/**
 * The `$n` parameters of one statement. `types[i]` is the declared type of `$i+1` (the wire's
 * Parse OIDs) or undefined to infer it; `values` is absent while only preparing (Describe).
 * Binding fills `resolved[i]` with the type each parameter ended up with, as PostgreSQL infers
 * it: from a declaration, else from the column or value it is compared with, combined with or
 * cast to, else text.
 */
export class StatementParams {
  readonly resolved: (arrow.DataType | undefined)[];
  private readonly slots: ParamSlot[] = [];

  constructor(readonly types: readonly (arrow.DataType | undefined)[] = [], readonly values?: readonly ParamValue[]) {
    this.resolved = [...types];
  }

  /** The literal `$n` (1-based) binds as; `position` is its place in the SQL text for errors. */
  literal(n: number, position: number | undefined): Literal {
    const count = Math.max(this.types.length, this.values?.length ?? 0);
    if (this.values !== undefined && n > this.values.length) throw new SqlError('42P02', `there is no parameter $${n}`, { position });
    if (n < 1 || (this.values !== undefined && n > count)) throw new SqlError('42P02', `there is no parameter $${n}`, { position });
    const declared = this.types[n - 1];
    const value = this.values?.[n - 1] ?? null;
    const slot = (this.slots[n - 1] ??= { index: n - 1, params: this });
    if (declared !== undefined) {
      try {
        return { kind: 'Literal', type: declared, value: value === null ? null : parseText(String(value), declared) };
      } catch (err) {
        throw err instanceof SqlError ? err.at(position) : err;
      }
    }
    if (typeof value === 'string' || value === null) return { kind: 'Literal', type: new arrow.Utf8(), value, unknown: true, param: slot };
    let typed: Literal;
    if (typeof value === 'boolean') typed = { kind: 'Literal', type: new arrow.Bool(), value };
    else if (typeof value === 'bigint') typed = { kind: 'Literal', type: new arrow.Int64(), value };
    else if (Number.isInteger(value) && Math.abs(value) < 2 ** 31) typed = { kind: 'Literal', type: new arrow.Int32(), value };
    else typed = numericLiteral(String(value)) as Literal;
    this.resolve(slot, typed.type);
    return typed;
  }

  /** A parameter met a type (coercion, comparison): the first one decides. */
  resolve(slot: ParamSlot, type: arrow.DataType): void {
    this.resolved[slot.index] ??= type;
  }

  /** Every parameter's type after binding (undeclared, unresolved ones are text). */
  finalTypes(count: number): arrow.DataType[] {
    const n = Math.max(count, this.resolved.length);
    return Array.from({ length: n }, (_, i) => this.resolved[i] ?? new arrow.Utf8());
  }
}

/** Marks a literal as `$n`, so coercing it records the parameter's type. */
export interface ParamSlot {
  readonly index: number;
  readonly params: StatementParams;
}

/** The highest `$n` in a statement's tokens (`$3` → 3), for a Describe before any value exists. */
export function highestParam(tokens: readonly { text: string }[]): number {
  let max = 0;
  for (const t of tokens) {
    const m = /^\$(\d+)$/.exec(t.text);
    if (m !== null) max = Math.max(max, Number(m[1]));
  }
  return max;
}
