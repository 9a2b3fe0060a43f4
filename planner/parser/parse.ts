import type { Node, SelectStmt } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { ensureParserLoaded, pgParse } from './libpg.js';
import { prepass, type Prepassed } from './prepass.js';
import { SourceText } from './source-text.js';
import { parseWriteStatement } from '../write/parse-write.js';
import type { ParsedWrite } from '../write/statements.js';

/** A statement the planner handles, with what binding needs to map nodes back to the user's text. */
export type ParsedStatement = ParsedQuery | ParsedCreateView | ParsedDropView | ParsedWrite;

interface ParsedBase {
  /** The user's text (positions in errors are into this). */
  readonly source: SourceText;
  readonly prepass: Prepassed;
  /** The query of a SELECT / EXPLAIN (undefined for commands). */
  readonly select?: SelectStmt;
}

/** A query, or `EXPLAIN [ANALYZE] [VERBOSE] <query>`. */
export interface ParsedQuery extends ParsedBase {
  readonly kind: 'select' | 'explain';
  readonly select: SelectStmt;
  readonly analyze?: boolean;
  readonly verbose?: boolean;
}

/** `CREATE [OR REPLACE] [TEMPORARY | GLOBAL TEMPORARY] VIEW name [(cols)] AS query`. */
export interface ParsedCreateView extends ParsedBase {
  readonly kind: 'createView';
  readonly name: string;
  readonly schema?: string;
  readonly global: boolean;
  readonly replace: boolean;
  readonly columns?: readonly string[];
  readonly query: SelectStmt;
  /** The query's text as the user wrote it (kept, and bound again at each use). */
  readonly queryText: string;
}

/** `DROP VIEW [IF EXISTS] v [, …]`. */
export interface ParsedDropView extends ParsedBase {
  readonly kind: 'dropView';
  readonly names: readonly { readonly schema?: string; readonly name: string }[];
  readonly ifExists: boolean;
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
  // Writes and Delta commands (planner/write/): Spark's grammar, hand-parsed around libpg-query.
  const write = parseWriteStatement(source, pre);
  if (write !== undefined) return write;
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
    const options = ((stmt.ExplainStmt.options ?? []) as { DefElem?: { defname?: string; arg?: unknown } }[]).map((o) => ({ name: o.DefElem?.defname ?? '', on: !isFalse(o.DefElem?.arg) }));
    const analyze = options.some((o) => o.name === 'analyze' && o.on);
    const verbose = options.some((o) => o.name === 'verbose' && o.on);
    if (inner !== undefined && 'SelectStmt' in inner) return { kind: 'explain', select: inner.SelectStmt, source, prepass: pre, analyze, verbose };
    throw SqlError.unsupportedFeature(`EXPLAIN of ${statementName(inner)}`);
  }
  if ('ViewStmt' in stmt) return createView(stmt.ViewStmt as Record<string, any>, source, pre); // eslint-disable-line @typescript-eslint/no-explicit-any
  if ('DropStmt' in stmt && stmt.DropStmt.removeType === 'OBJECT_VIEW') {
    const names = ((stmt.DropStmt.objects ?? []) as { List?: { items?: { String?: { sval?: string } }[] } }[]).map((o) => {
      const parts = (o.List?.items ?? []).map((i) => String(i.String?.sval));
      return parts.length === 1 ? { name: parts[0] } : { schema: parts[parts.length - 2], name: parts[parts.length - 1] };
    });
    return { kind: 'dropView', names, ifExists: stmt.DropStmt.missing_ok === true, source, prepass: pre };
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
export function syntaxError(err: unknown, original: SourceText, rewritten: SourceText, pre: Prepassed): SqlError {
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

function isFalse(arg: unknown): boolean {
  const a = arg as { String?: { sval?: string }; Boolean?: { boolval?: boolean }; Integer?: { ival?: number } } | undefined;
  if (a === undefined) return false;
  if (a.String !== undefined) return ['false', 'off', '0', 'no'].includes(String(a.String.sval).toLowerCase());
  if (a.Boolean !== undefined) return a.Boolean.boolval !== true;
  if (a.Integer !== undefined) return (a.Integer.ival ?? 0) === 0;
  return false;
}

/**
 * `CREATE VIEW`: the view's own query text is the user's text after the `AS` that follows the
 * name (and column list); GLOBAL is read from the tokens (PostgreSQL's grammar accepts and
 * ignores it).
 */
function createView(v: Record<string, any>, source: SourceText, pre: Prepassed): ParsedCreateView { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (v.withCheckOption !== undefined && v.withCheckOption !== 'NO_CHECK_OPTION') throw SqlError.unsupportedFeature('WITH CHECK OPTION');
  if (v.options !== undefined && v.options.length > 0) throw SqlError.unsupportedFeature('view options');
  const location: number = v.view?.location ?? 0;
  const before = pre.tokens.filter((t) => t.end <= location).map((t) => t.text.toLowerCase());
  const global = before.includes('global');
  let i = pre.tokens.findIndex((t) => t.start >= location);
  let depth = 0;
  for (; i < pre.tokens.length; i++) {
    const t = pre.tokens[i].text;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (depth === 0 && t.toLowerCase() === 'as') break;
  }
  const start = pre.tokens[i + 1]?.start ?? source.byteLength;
  const queryText = source.slice(start, source.byteLength).replace(/;\s*$/, '').trim();
  const columns = ((v.aliases ?? []) as { String?: { sval?: string } }[]).map((a) => String(a.String?.sval));
  const query = (v.query as Node & { SelectStmt?: SelectStmt }).SelectStmt;
  if (query === undefined) throw SqlError.unsupportedFeature('a view over something other than a query');
  return {
    kind: 'createView',
    name: String(v.view?.relname),
    ...(v.view?.schemaname === undefined ? {} : { schema: String(v.view.schemaname) }),
    global,
    replace: v.replace === true,
    ...(columns.length === 0 ? {} : { columns }),
    query,
    queryText,
    source,
    prepass: pre,
  };
}
