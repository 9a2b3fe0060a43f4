import type { Node, SelectStmt } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { pgParse } from '../parser/libpg.js';
import { syntaxError } from '../parser/parse.js';
import type { Prepassed } from '../parser/prepass.js';
import { SourceText } from '../parser/source-text.js';

/**
 * Parses one piece of a statement libpg-query cannot parse whole (Spark's `INSERT *`, `CREATE
 * TABLE … PARTITIONED BY`, …) with libpg-query itself, at the piece's own byte offsets: every
 * byte outside `[start, end)` of the pre-passed text becomes a space and a same-length prefix
 * (`SELECT`, `SELECT * FROM`) is written over the blanked start, so each node's `location` is
 * an offset into the user's text and binding reports positions as for any query.
 */
const SPACE = 0x20;

function blanked(pre: Prepassed, start: number, end: number, prefix: string): string {
  const bytes = new TextEncoder().encode(pre.text);
  const head = new TextEncoder().encode(prefix);
  if (head.length + 1 > start && prefix !== '') throw SqlError.internal(`fragment at ${start} leaves no room for "${prefix}"`);
  bytes.fill(SPACE, 0, start);
  bytes.fill(SPACE, end);
  bytes.set(head, 0);
  return new TextDecoder().decode(bytes);
}

function parseBlanked(text: string, source: SourceText, pre: Prepassed): SelectStmt {
  let result;
  try {
    result = pgParse(text);
  } catch (err) {
    throw syntaxError(err, source, new SourceText(text), pre);
  }
  const stmt = result.stmts?.[0]?.stmt as Node | undefined;
  if (stmt === undefined || !('SelectStmt' in stmt) || (result.stmts ?? []).length !== 1) throw SqlError.syntax('syntax error', source.position(0));
  return stmt.SelectStmt;
}

/** The expression written at `[start, end)`. */
export function parseExprFragment(source: SourceText, pre: Prepassed, start: number, end: number): Node {
  if (end <= start) throw SqlError.syntax('syntax error at or near ""', source.position(start));
  const select = parseBlanked(blanked(pre, start, end, 'SELECT'), source, pre);
  const targets = select.targetList ?? [];
  const target = (targets[0] as { ResTarget?: { val?: Node; name?: string } } | undefined)?.ResTarget;
  if (targets.length !== 1 || target?.val === undefined || target.name !== undefined || select.fromClause !== undefined) {
    throw SqlError.syntax(`syntax error at or near "${source.slice(start, end)}"`, source.position(start));
  }
  return target.val;
}

/** The query (SELECT, VALUES, WITH …) written at `[start, end)`. */
export function parseQueryFragment(source: SourceText, pre: Prepassed, start: number, end: number): SelectStmt {
  return parseBlanked(blanked(pre, start, end, ''), source, pre);
}

/** A FROM item (`s`, `s AS x`, `(SELECT …) x`, a join) written at `[start, end)`. */
export function parseFromFragment(source: SourceText, pre: Prepassed, start: number, end: number): Node {
  const select = parseBlanked(blanked(pre, start, end, 'SELECT * FROM'), source, pre);
  const from = select.fromClause ?? [];
  if (from.length !== 1 || select.whereClause !== undefined) throw SqlError.syntax(`syntax error at or near "${source.slice(start, end)}"`, source.position(start));
  return from[0] as Node;
}
