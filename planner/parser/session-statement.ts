import { SqlError } from '../../common/sql-error.js';
import { ensureParserLoaded, pgParse, pgScan } from './libpg.js';
import { SourceText } from './source-text.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Statements about the session rather than the data: settings, transaction control, prepared
 * statements, cursors and COPY. The session (server/session) runs them; the planner only
 * classifies them here, with PostgreSQL's own parser.
 */
export type SessionStatement =
  | { readonly kind: 'set'; readonly name: string; readonly value: string; readonly local: boolean }
  | { readonly kind: 'reset'; readonly name: string }
  | { readonly kind: 'resetAll' }
  /** `SET TRANSACTION …`, `SET SESSION CHARACTERISTICS …`, `SET x FROM CURRENT`: accepted, no effect. */
  | { readonly kind: 'setNoop' }
  | { readonly kind: 'show'; readonly name: string }
  | { readonly kind: 'transaction'; readonly action: TransactionAction; readonly savepoint?: string }
  | { readonly kind: 'discard'; readonly target: 'ALL' | 'PLANS' | 'SEQUENCES' | 'TEMP' }
  | { readonly kind: 'deallocate'; readonly name?: string }
  | { readonly kind: 'declare'; readonly name: string; readonly binary: boolean; readonly hold: boolean; readonly query: string; readonly queryOffset: number }
  /** `count` undefined = ALL. */
  | { readonly kind: 'fetch'; readonly name: string; readonly count: number | undefined; readonly move: boolean }
  | { readonly kind: 'closeCursor'; readonly name?: string }
  | CopyStatement;

export type TransactionAction = 'begin' | 'start' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo' | 'prepare';

export interface CopyOptions {
  readonly format: 'text' | 'csv';
  readonly header: boolean;
  readonly delimiter: string;
  readonly null: string;
  readonly quote: string;
  readonly escape: string;
}

/** `COPY (query) TO STDOUT`, `COPY t [(cols)] TO STDOUT`, `COPY t [(cols)] FROM STDIN`. */
export interface CopyStatement {
  readonly kind: 'copy';
  readonly direction: 'to' | 'from';
  /** The query's text (`COPY (query) …`), or undefined for a table. */
  readonly query?: string;
  readonly queryOffset?: number;
  readonly table?: { readonly schema?: string; readonly name: string };
  readonly columns?: readonly string[];
  readonly options: CopyOptions;
}

const SPARK_SHOW = new Set(['tables', 'schemas', 'databases', 'namespaces', 'columns', 'tblproperties', 'partitions']);

const SESSION_KEYWORDS = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(set|reset|show|begin|start|commit|end|rollback|abort|savepoint|release|discard|deallocate|declare|fetch|move|close|copy)\b/i;

/**
 * The session statement `sql` is, or undefined when it is something for the planner (a query,
 * DDL…). Cheap for queries: only texts starting with one of the keywords above are parsed.
 */
export async function parseSessionStatement(sql: string): Promise<SessionStatement | undefined> {
  if (!SESSION_KEYWORDS.test(sql)) return undefined;
  await ensureParserLoaded();
  let stmts;
  try {
    stmts = pgParse(sql).stmts ?? [];
  } catch {
    return undefined; // not ours (or a syntax error the planner reports with its position)
  }
  if (stmts.length !== 1) return undefined;
  const stmt = stmts[0].stmt as AnyNode;
  const [key] = Object.keys(stmt);
  const n = stmt[key as string] as AnyNode;
  switch (key) {
    case 'VariableSetStmt': return variableSet(n);
    // Spark's SHOW TABLES / SCHEMAS / … / PARTITIONS are the planner's (no PostgreSQL setting has these names).
    case 'VariableShowStmt': return SPARK_SHOW.has(String(n.name).toLowerCase()) ? undefined : { kind: 'show', name: String(n.name) };
    case 'TransactionStmt': return transaction(n);
    case 'DiscardStmt': return { kind: 'discard', target: String(n.target).replace('DISCARD_', '') as 'ALL' };
    case 'DeallocateStmt': return n.isall === true || n.name === undefined ? { kind: 'deallocate' } : { kind: 'deallocate', name: String(n.name) };
    case 'DeclareCursorStmt': return declare(n, sql);
    case 'FetchStmt': return fetch(n);
    case 'ClosePortalStmt': return n.portalname === undefined ? { kind: 'closeCursor' } : { kind: 'closeCursor', name: String(n.portalname) };
    case 'CopyStmt': return copy(n, sql);
  }
  return undefined;
}

function variableSet(n: AnyNode): SessionStatement {
  switch (n.kind) {
    case 'VAR_SET_VALUE': return { kind: 'set', name: String(n.name), value: settingValue(String(n.name), n.args ?? []), local: n.is_local === true };
    case 'VAR_SET_DEFAULT':
    case 'VAR_RESET': return { kind: 'reset', name: String(n.name) };
    case 'VAR_RESET_ALL': return { kind: 'resetAll' };
    default: return { kind: 'setNoop' };
  }
}

/** The value of `SET x TO a, 'b', 3` as PostgreSQL stores it (`a, b, 3`); names in lists quoted when needed. */
function settingValue(name: string, args: AnyNode[]): string {
  const list = name.toLowerCase() === 'search_path';
  return args.map((a) => {
    const c = a.A_Const ?? a.TypeCast?.arg?.A_Const;
    if (c === undefined) throw SqlError.unsupportedFeature(`this value for SET ${name}`);
    if (c.sval !== undefined) {
      const s = String(c.sval.sval ?? '');
      return list && !/^[a-z_][a-z0-9_$]*$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    }
    if (c.ival !== undefined) return String(c.ival.ival ?? 0);
    if (c.fval !== undefined) return String(c.fval.fval);
    if (c.boolval !== undefined) return c.boolval.boolval === true ? 'on' : 'off';
    return '';
  }).join(', ');
}

function transaction(n: AnyNode): SessionStatement {
  const kinds: Record<string, TransactionAction> = {
    TRANS_STMT_BEGIN: 'begin', TRANS_STMT_START: 'start', TRANS_STMT_COMMIT: 'commit', TRANS_STMT_ROLLBACK: 'rollback',
    TRANS_STMT_SAVEPOINT: 'savepoint', TRANS_STMT_RELEASE: 'release', TRANS_STMT_ROLLBACK_TO: 'rollbackTo',
  };
  const action = kinds[String(n.kind)];
  if (action === undefined) throw SqlError.unsupportedFeature('two-phase commit');
  return n.savepoint_name === undefined ? { kind: 'transaction', action } : { kind: 'transaction', action, savepoint: String(n.savepoint_name) };
}

/** PostgreSQL's CURSOR_OPT_* bits. */
const CURSOR_BINARY = 0x1;
const CURSOR_HOLD = 0x20;

function declare(n: AnyNode, sql: string): SessionStatement {
  const options = Number(n.options ?? 0);
  const { text, offset } = textAfterKeyword(sql, 'for', 'cursor');
  return { kind: 'declare', name: String(n.portalname), binary: (options & CURSOR_BINARY) !== 0, hold: (options & CURSOR_HOLD) !== 0, query: text, queryOffset: offset };
}

function fetch(n: AnyNode): SessionStatement {
  const direction = String(n.direction ?? 'FETCH_FORWARD');
  if (direction !== 'FETCH_FORWARD') throw new SqlError('55000', 'cursor can only scan forward', { hint: 'Declare it with SCROLL option to enable backward scan.' });
  const howMany = Number(n.howMany ?? 1);
  return { kind: 'fetch', name: String(n.portalname), count: howMany >= 2147483647 || howMany === 0 ? undefined : howMany, move: n.ismove === true };
}

function copy(n: AnyNode, sql: string): CopyStatement {
  if (n.filename !== undefined || n.is_program === true) throw new SqlError('42501', 'COPY to or from a file is not allowed: use COPY … TO STDOUT / FROM STDIN (psql\'s \\copy)');
  const options = copyOptions((n.options ?? []) as AnyNode[]);
  const direction = n.is_from === true ? 'from' : 'to';
  const columns = ((n.attlist ?? []) as AnyNode[]).map((c) => String(c.String?.sval));
  if (n.query !== undefined) {
    const { text, offset } = parenthesised(sql);
    return { kind: 'copy', direction, query: text, queryOffset: offset, options };
  }
  const r = n.relation as AnyNode;
  return {
    kind: 'copy',
    direction,
    table: r.schemaname === undefined ? { name: String(r.relname) } : { schema: String(r.schemaname), name: String(r.relname) },
    ...(columns.length === 0 ? {} : { columns }),
    options,
  };
}

function copyOptions(defs: AnyNode[]): CopyOptions {
  let format: 'text' | 'csv' = 'text';
  let header = false;
  let delimiter: string | undefined;
  let nullText: string | undefined;
  let quote = '"';
  let escape: string | undefined;
  for (const d of defs.map((x) => x.DefElem as AnyNode)) {
    const arg = d.arg?.String?.sval ?? d.arg?.Boolean?.boolval ?? d.arg?.Integer?.ival;
    switch (d.defname) {
      case 'format':
        if (arg !== 'text' && arg !== 'csv') throw SqlError.unsupportedFeature(`COPY format "${String(arg)}"`);
        format = arg;
        break;
      case 'header': header = arg === undefined || arg === true || arg === 1 || ['true', 'on', '1'].includes(String(arg).toLowerCase()); break;
      case 'delimiter': delimiter = String(arg); break;
      case 'null': nullText = String(arg); break;
      case 'quote': quote = String(arg); break;
      case 'escape': escape = String(arg); break;
      case 'encoding': break;
      default: throw new SqlError('42601', `option "${String(d.defname)}" not recognized`);
    }
  }
  if (delimiter !== undefined && delimiter.length !== 1) throw new SqlError('0A000', 'COPY delimiter must be a single one-byte character');
  return { format, header, delimiter: delimiter ?? (format === 'csv' ? ',' : '\t'), null: nullText ?? (format === 'csv' ? '' : '\\N'), quote, escape: escape ?? quote };
}

/** The text inside the first top-level parentheses (`COPY (query) TO …`), and its character offset. */
function parenthesised(sql: string): { text: string; offset: number } {
  const source = new SourceText(sql);
  const tokens = pgScan(sql) ?? [];
  const open = tokens.findIndex((t) => t.text === '(');
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.text === '(') depth++;
    else if (tokens[i]!.text === ')' && --depth === 0) {
      const start = tokens[open + 1]!.start;
      return { text: source.slice(start, tokens[i]!.start).trim(), offset: source.position(start) - 1 };
    }
  }
  throw SqlError.syntax('syntax error in COPY');
}

/** The text after the first `keyword` token that follows `after` (DECLARE c CURSOR … FOR <query>). */
function textAfterKeyword(sql: string, keyword: string, after: string): { text: string; offset: number } {
  const source = new SourceText(sql);
  const tokens = pgScan(sql) ?? [];
  const a = tokens.findIndex((t) => t.text.toLowerCase() === after);
  const k = tokens.findIndex((t, i) => i > a && t.text.toLowerCase() === keyword);
  const start = tokens[k + 1]?.start ?? source.byteLength;
  return { text: source.slice(start, source.byteLength).replace(/;\s*$/, ''), offset: source.position(start) - 1 };
}
