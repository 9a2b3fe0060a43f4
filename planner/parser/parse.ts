import type { Node, SelectStmt } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { ensureParserLoaded, pgParse } from './libpg.js';
import { prepass, type Prepassed } from './prepass.js';
import { SourceText } from './source-text.js';

/** A statement the planner handles, with what binding needs to map nodes back to the user's text. */
export interface ParsedStatement {
  readonly kind: 'select' | 'explain';
  readonly select: SelectStmt;
  /** The user's text (positions in errors are into this). */
  readonly source: SourceText;
  readonly prepass: Prepassed;
}

/**
 * SQL text → one SELECT (or EXPLAIN of one). Syntax errors are `42601` with PostgreSQL's
 * wording and the 1-based position in the *original* text; other statement kinds are `0A000`
 * naming them.
 */
export async function parseStatement(sql: string): Promise<ParsedStatement> {
  await ensureParserLoaded();
  const source = new SourceText(sql);
  const pre = prepass(source);
  if (sql.trim() === '') throw SqlError.syntax('empty query');
  let result;
  try {
    result = pgParse(pre.text);
  } catch (err) {
    throw syntaxError(err, source, new SourceText(pre.text), pre);
  }
  const stmts = result.stmts ?? [];
  if (stmts.length === 0) throw SqlError.syntax('empty query');
  if (stmts.length > 1) throw SqlError.unsupportedFeature('more than one statement in a query');
  const stmt = stmts[0].stmt as Node;
  if ('SelectStmt' in stmt) return { kind: 'select', select: stmt.SelectStmt, source, prepass: pre };
  if ('ExplainStmt' in stmt) {
    const inner = stmt.ExplainStmt.query as Node | undefined;
    if (inner !== undefined && 'SelectStmt' in inner) return { kind: 'explain', select: inner.SelectStmt, source, prepass: pre };
    throw SqlError.unsupportedFeature(`EXPLAIN of ${statementName(inner)}`);
  }
  throw SqlError.unsupportedFeature(statementName(stmt));
}

const NAMES: Record<string, string> = {
  InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', MergeStmt: 'MERGE',
  CreateStmt: 'CREATE TABLE', CreateTableAsStmt: 'CREATE TABLE AS', ViewStmt: 'CREATE VIEW',
  DropStmt: 'DROP', AlterTableStmt: 'ALTER TABLE', TransactionStmt: 'transaction control',
  VariableSetStmt: 'SET', VariableShowStmt: 'SHOW', CopyStmt: 'COPY', TruncateStmt: 'TRUNCATE',
};

/** How `0A000` names a statement kind (`InsertStmt` → `INSERT`, `CreateSchemaStmt` → `CREATE SCHEMA`). */
function statementName(stmt: Node | undefined): string {
  if (stmt === undefined) return 'an empty statement';
  const key = Object.keys(stmt)[0] ?? 'statement';
  const known = NAMES[key];
  if (known !== undefined) return `${known} statements`;
  return `${key.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()} statements`;
}

/**
 * libpg-query's error → SqlError `42601`. Its cursor is a 0-based character index in the
 * rewritten text; via the byte offset (shared by both texts) it becomes the 1-based character
 * position in the original, and the quoted token is re-read from the original.
 */
function syntaxError(err: unknown, original: SourceText, rewritten: SourceText, pre: Prepassed): SqlError {
  const details = (err as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
  if (details === undefined) return SqlError.from(err);
  let byte = rewritten.byteOfChar(details.cursorPosition);
  let message = details.message;
  const near = /^(.* at or near )"(.*)"$/s.exec(message);
  if (near !== null) {
    // A rewritten token (`==` → ` =`) may be reported from its middle: point at the user's token.
    const token = pre.tokens.find((t) => t.start < byte && byte < t.end);
    if (token !== undefined) {
      byte = token.start;
      message = `${near[1]}"${original.slice(token.start, token.end)}"`;
    } else {
      const length = new TextEncoder().encode(near[2]).length;
      message = `${near[1]}"${original.slice(byte, byte + length)}"`;
    }
  }
  return SqlError.syntax(message, original.position(byte));
}
