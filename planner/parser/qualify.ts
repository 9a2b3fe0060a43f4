import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { pgParse } from './libpg.js';
import type { Prepassed, QualifyClause } from './prepass.js';
import { SourceText } from './source-text.js';

/**
 * The QUALIFY clause of the query block whose first select item starts at byte `firstTarget`
 * (the pre-pass keys clauses by their block's `SELECT` keyword), or undefined.
 */
export function qualifyClauseOf(pre: Prepassed, firstTarget: number): QualifyClause | undefined {
  if (pre.qualify === undefined || pre.qualify.size === 0) return undefined;
  let select: number | undefined;
  for (const t of pre.tokens) {
    if (t.start >= firstTarget) break;
    if (t.text.toLowerCase() === 'select') select = t.start;
  }
  return select === undefined ? undefined : pre.qualify.get(select);
}

/**
 * A QUALIFY clause's condition as a libpg-query node whose locations are byte offsets into the
 * user's text (the clause's text keeps every byte where it was). Syntax errors are `42601` at
 * the user's position.
 */
export function parseQualify(clause: QualifyClause, source: SourceText): Node {
  let node = parsed.get(clause);
  if (node === undefined) {
    node = parseOnce(clause, source);
    parsed.set(clause, node);
  }
  return node;
}

/** Each clause is parsed once (preloading its tables and binding both need it). */
const parsed = new WeakMap<QualifyClause, Node>();

function parseOnce(clause: QualifyClause, source: SourceText): Node {
  let result;
  try {
    result = pgParse(clause.text);
  } catch (err) {
    const details = (err as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    if (details === undefined) throw SqlError.from(err);
    const byte = new SourceText(clause.text).byteOfChar(details.cursorPosition);
    throw SqlError.syntax(details.message, source.position(Math.min(byte, clause.end)));
  }
  const stmt = result.stmts?.[0]?.stmt as { SelectStmt?: { targetList?: { ResTarget?: { val?: Node } }[] } } | undefined;
  const targets = stmt?.SelectStmt?.targetList ?? [];
  const val = targets[0]?.ResTarget?.val;
  if (val === undefined || targets.length !== 1 || (result.stmts?.length ?? 0) !== 1) throw SqlError.syntax('syntax error at or near "QUALIFY"', source.position(clause.keyword));
  return val;
}
