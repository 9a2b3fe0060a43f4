import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { pgParse } from '../parser/libpg.js';
import { syntaxError } from '../parser/parse.js';
import { SourceText } from '../parser/source-text.js';
import { parseExprFragment, parseQueryFragment } from './fragment.js';
import type { Assignment, ParsedDelete, ParsedInsert, ParsedUpdate } from './statements.js';
import type { TokenCursor } from './tokens.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `INSERT [WITH SCHEMA EVOLUTION] {INTO | OVERWRITE} [TABLE] t [PARTITION (p = v, …)] [(cols)]
 * query` after INSERT. The skeleton is hand-parsed (PostgreSQL has no OVERWRITE, PARTITION or
 * TABLE here); the query is libpg-query's, at its own offsets.
 */
export function parseInsert(c: TokenCursor): ParsedInsert {
  const schemaEvolution = c.eatWords('with', 'schema', 'evolution');
  let overwrite = false;
  if (c.eatWords('overwrite')) overwrite = true;
  else c.expectWords('into');
  c.eatWords('table');
  const { ref, start } = c.tableName();
  const partition: ParsedInsert['partition'][number][] = [];
  if (c.eatWords('partition')) {
    c.expectPunct('(');
    do {
      const { name, token } = c.ident();
      let value: Node | undefined;
      if (c.eatPunct('=')) {
        const span = c.skipUntil((t) => t.text === ',' || t.text === ')');
        value = parseExprFragment(c.source, c.prepass, span.start, span.end);
      }
      partition.push({ name, start: token.start, value });
    } while (c.eatPunct(','));
    c.expectPunct(')');
  }
  let columns: { name: string; start: number }[] | undefined;
  if (c.isPunct('(') && !['select', 'values', 'with', '('].includes(c.peek(1)?.text.toLowerCase() ?? '')) {
    c.expectPunct('(');
    columns = [];
    do {
      const { name, token } = c.ident();
      columns.push({ name, start: token.start });
    } while (c.eatPunct(','));
    c.expectPunct(')');
  }
  const first = c.peek();
  if (first === undefined) throw c.error();
  const query = parseQueryFragment(c.source, c.prepass, first.start, c.source.byteLength);
  return {
    kind: 'insert',
    table: { ref, start },
    overwrite,
    schemaEvolution,
    partition,
    ...(columns === undefined ? {} : { columns }),
    query,
    source: c.source,
    prepass: c.prepass,
  };
}

/** UPDATE and DELETE parse as PostgreSQL's (the pre-pass already rewrote backticks and `default.`). */
function parseWhole(c: TokenCursor): AnyNode {
  try {
    const stmt = pgParse(c.prepass.text).stmts?.[0]?.stmt as AnyNode | undefined;
    if (stmt === undefined) throw SqlError.syntax('empty query');
    return stmt;
  } catch (err) {
    if (err instanceof SqlError) throw err;
    throw syntaxError(err, c.source, new SourceText(c.prepass.text), c.prepass);
  }
}

function target(c: TokenCursor, relation: AnyNode): { ref: ParsedUpdate['table']['ref']; start: number } {
  const start: number = relation.location ?? 0;
  const path = c.prepass.pathTables.get(start);
  if (path !== undefined) return { ref: { kind: 'path', path }, start };
  if (relation.catalogname !== undefined) throw SqlError.unsupportedFeature('three-part table names').at(c.source.position(start));
  const token = c.tokens.find((t) => t.start === start);
  // Keep the user's spelling of the name (the warehouse matches folders case-insensitively anyway).
  const name = String(relation.relname);
  return { ref: { kind: 'named', ...(relation.schemaname === undefined ? {} : { schema: String(relation.schemaname) }), name: relation.schemaname === undefined && token !== undefined ? c.spelling(token) : name }, start };
}

export function parseUpdate(c: TokenCursor): ParsedUpdate {
  const stmt = parseWhole(c).UpdateStmt as AnyNode | undefined;
  if (stmt === undefined) throw SqlError.internal('UPDATE did not parse as an UpdateStmt');
  if (stmt.returningList !== undefined) throw SqlError.unsupportedFeature('UPDATE … RETURNING');
  if (stmt.withClause !== undefined) throw SqlError.unsupportedFeature('WITH … UPDATE');
  const set: Assignment[] = ((stmt.targetList ?? []) as AnyNode[]).map((t) => {
    const r = t.ResTarget as AnyNode;
    if (r.indirection !== undefined) throw SqlError.unsupportedFeature('assigning to a field or element in UPDATE SET').at(c.source.position(r.location ?? 0));
    if (r.val?.MultiAssignRef !== undefined) throw SqlError.unsupportedFeature('UPDATE SET (a, b) = (…)').at(c.source.position(r.location ?? 0));
    const token = c.tokens.find((x) => x.start === (r.location ?? 0));
    return { column: token === undefined ? String(r.name) : c.spelling(token), start: r.location ?? 0, value: r.val as Node };
  });
  return {
    kind: 'update',
    table: target(c, stmt.relation),
    ...(stmt.relation.alias?.aliasname === undefined ? {} : { alias: String(stmt.relation.alias.aliasname) }),
    set,
    from: (stmt.fromClause ?? []) as Node[],
    ...(stmt.whereClause === undefined ? {} : { where: stmt.whereClause as Node }),
    source: c.source,
    prepass: c.prepass,
  };
}

export function parseDelete(c: TokenCursor): ParsedDelete {
  const stmt = parseWhole(c).DeleteStmt as AnyNode | undefined;
  if (stmt === undefined) throw SqlError.internal('DELETE did not parse as a DeleteStmt');
  if (stmt.returningList !== undefined) throw SqlError.unsupportedFeature('DELETE … RETURNING');
  if (stmt.usingClause !== undefined) throw SqlError.unsupportedFeature('DELETE … USING (use MERGE … WHEN MATCHED THEN DELETE)');
  if (stmt.withClause !== undefined) throw SqlError.unsupportedFeature('WITH … DELETE');
  return {
    kind: 'delete',
    table: target(c, stmt.relation),
    ...(stmt.relation.alias?.aliasname === undefined ? {} : { alias: String(stmt.relation.alias.aliasname) }),
    ...(stmt.whereClause === undefined ? {} : { where: stmt.whereClause as Node }),
    source: c.source,
    prepass: c.prepass,
  };
}
