import { SqlError } from '../../common/sql-error.js';
import { pgScan, type ScanToken } from './libpg.js';
import { SourceText } from './source-text.js';

/**
 * The offset-preserving pre-pass (DESIGN.md §3): rewrites Spark spellings into PostgreSQL ones
 * that libpg-query parses, replacing text only with text of the same byte length, so every
 * byte offset the parser reports is also an offset into the user's original text.
 *
 * | Spark                               | rewritten to                         | recorded             |
 * |-------------------------------------|--------------------------------------|----------------------|
 * | `` `a b` ``                         | `"a b"`                              | `backticked`         |
 * | `t VERSION AS OF 3`                 | `t                ` (blanked)        | `timeTravel` at `t`  |
 * | `t TIMESTAMP AS OF '2021-01-01'`    | blanked                              | `timeTravel` at `t`  |
 * | ``delta.`/abs/path` ``              | `delta."/abs/path"`                  | `pathTables` at it   |
 * | `default.t`                         | `public .t`                          | —                    |
 * | `a == b`                            | `a  = b`                             | —                    |
 * | `a LEFT SEMI JOIN b` / `ANTI`       | `a           JOIN b` (blanked)       | `semiJoins` at `b`   |
 * | `window(ts, …)`, `window.start`     | `"wind"(…`, `"wind".start`           | `renamed` at it      |
 * | `array(1, 2)`                       | `"arr"(1, 2)`                        | `renamed` at it      |
 * | `TRY_CAST(x AS int)`                | `    CAST(x AS int)`                 | `tryCasts` at `CAST` |
 * | `a RLIKE 'x'` / `REGEXP`            | `a ~     'x'`                        | —                    |
 * | `a NOT RLIKE 'x'`                   | `a !~        'x'`                    | —                    |
 * | `INTERVAL 3 HOURS`                  | `INTERVAL'3'HOUR `                   | —                    |
 * | `… QUALIFY cond ORDER BY …`         | `…              ORDER BY …` (blanked)| `qualify` at SELECT  |
 * | `LATERAL VIEW [OUTER] f(a) t AS x`  | `, LATERAL          f(a)       `     | `lateralViews` at f  |
 * | `GROUP BY ALL` (Databricks, DuckDB) | `GROUP BY () `                       | `groupByAll` at `(`  |
 * | `* EXCEPT (a, b)` / DuckDB `EXCLUDE`| `*` (the list blanked)               | `starExcept` at it   |
 * | `f(x) IGNORE NULLS` / `RESPECT …`   | `f(x)` (blanked)                     | `ignoreNulls` at `f` |
 * | `ORDER BY ALL [DESC]`               | `ORDER BY 1   [DESC]`                | `orderByAll` at `1`  |
 *
 * Identifiers in backticks may not contain `"` or a doubled backtick (no same-length spelling).
 */
export interface Prepassed {
  /** The rewritten text handed to libpg-query (same byte length as the original). */
  readonly text: string;
  /** Tokens of the rewritten text (byte spans), for recovering the user's spelling by offset. */
  readonly tokens: readonly ScanToken[];
  /** Time travel clauses, keyed by the byte offset where their relation's name starts. */
  readonly timeTravel: ReadonlyMap<number, TimeTravelClause>;
  /** ``delta.`/path` `` references, keyed by the byte offset of `delta`. */
  readonly pathTables: ReadonlyMap<number, string>;
  /** Byte offsets of identifiers the user wrote in backticks (never string literals). */
  readonly backticked: ReadonlySet<number>;
  /** Spark's `[LEFT] SEMI|ANTI JOIN x`, keyed by the byte offset of the token after JOIN. */
  readonly semiJoins?: ReadonlyMap<number, 'semi' | 'anti'>;
  /**
   * Names PostgreSQL reserves that Spark uses as functions and columns (`window`, `array`),
   * rewritten to a same-length quoted placeholder; keyed by byte offset, the name to bind instead.
   */
  readonly renamed?: ReadonlyMap<number, string>;
  /** Byte offsets of `CAST` keywords that were `TRY_CAST` (NULL instead of an error). */
  readonly tryCasts?: ReadonlySet<number>;
  /**
   * Databricks / DuckDB `QUALIFY cond` clauses, keyed by the byte offset of the `SELECT` keyword
   * of the query block they belong to (planner/parser/qualify.ts).
   */
  readonly qualify?: ReadonlyMap<number, QualifyClause>;
  /** Spark's `LATERAL VIEW [OUTER] f(…) t AS x`, keyed by the byte offset of `f`. */
  readonly lateralViews?: ReadonlyMap<number, LateralView>;
  /** Byte offsets of the `()` written over `ALL` in `GROUP BY ALL` (every select item without an aggregate). */
  readonly groupByAll?: ReadonlySet<number>;
  /** Byte offsets of the `1` written over `ALL` in `ORDER BY ALL` (every output column, left to right). */
  readonly orderByAll?: ReadonlySet<number>;
  /**
   * Databricks' `* EXCEPT (a, b)` / DuckDB's `* EXCLUDE (a, b)`, keyed by the byte offset where the
   * star expression starts (`*`, or `t` of `t.*`): the columns left out, and where each is named.
   */
  readonly starExcept?: ReadonlyMap<number, readonly { readonly name: string; readonly at: number }[]>;
  /** Byte offsets of the calls written `f(x) IGNORE NULLS` (window value functions, first / last). */
  readonly ignoreNulls?: ReadonlySet<number>;
}

/** What may follow `GROUP BY ALL` / `ORDER BY ALL` (PostgreSQL's `GROUP BY ALL a` is its own, and left alone). */
const AFTER_BY_ALL = new Set([')', ';', 'having', 'order', 'limit', 'offset', 'fetch', 'qualify', 'window', 'union', 'intersect', 'except', 'asc', 'desc', 'nulls', 'for']);

/** The names (and OUTER) of a `LATERAL VIEW`, which the rewritten text no longer spells. */
export interface LateralView {
  readonly table?: string;
  readonly columns: readonly string[];
  readonly outer: boolean;
}

/**
 * A `QUALIFY` clause, blanked out of the text libpg-query parses. `text` is the rewritten text
 * with everything blanked except `SELECT ` written over the keyword and the condition after
 * it, so parsing it gives the condition with byte offsets into the user's original text.
 */
export interface QualifyClause {
  readonly keyword: number;
  readonly end: number;
  readonly text: string;
}

/** Reserved words used as names, and their same-length placeholders. */
const RESERVED_AS_NAMES: Readonly<Record<string, string>> = { window: '"wind"', array: '"arr"' };
/** Spark's plural interval units, and PostgreSQL's singular of the same length or shorter. */
const INTERVAL_UNITS: Readonly<Record<string, string>> = {
  year: 'year', years: 'year', month: 'month', months: 'month', week: 'week', weeks: 'week', day: 'day', days: 'day',
  hour: 'hour', hours: 'hour', minute: 'minute', minutes: 'minute', second: 'second', seconds: 'second',
};

export type TimeTravelClause =
  | { readonly kind: 'version'; readonly version: number; readonly start: number }
  /** `literalStart`: byte offset of the string literal (errors point at it). */
  | { readonly kind: 'timestamp'; readonly text: string; readonly start: number; readonly literalStart: number };

const SPACE = 0x20;
const QUOTE = 0x22;
const BACKTICK = 0x60;

export function prepass(source: SourceText): Prepassed {
  const bytes = source.bytes.slice();
  const backticked = rewriteBackticks(bytes, source);
  const decoder = new TextDecoder();
  const tokens = pgScan(decoder.decode(bytes));
  const timeTravel = new Map<number, TimeTravelClause>();
  const pathTables = new Map<number, string>();
  const semiJoins = new Map<number, 'semi' | 'anti'>();
  const renamed = new Map<number, string>();
  const tryCasts = new Set<number>();
  const qualifySpans: { select: number; keyword: number; end: number }[] = [];
  const lateralViews = new Map<number, LateralView>();
  const groupByAll = new Set<number>();
  const orderByAll = new Set<number>();
  const starExcept = new Map<number, { name: string; at: number }[]>();
  const ignoreNulls = new Set<number>();
  const encoder = new TextEncoder();
  const write = (at: number, text: string, length: number) => {
    bytes.fill(SPACE, at, at + length);
    bytes.set(encoder.encode(text), at);
  };
  if (tokens === undefined) {
    // The lexer fails (an unterminated string…): the parser will report it with its position.
    return { text: decoder.decode(bytes), tokens: [], timeTravel, pathTables, backticked };
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const lower = t.text.toLowerCase();
    if (t.text === '==') {
      bytes[t.start] = SPACE;
      continue;
    }
    const placeholder = RESERVED_AS_NAMES[lower];
    if (placeholder !== undefined && t.end - t.start === placeholder.length && (tokens[i + 1]?.text === '(' || tokens[i + 1]?.text === '.') && tokens[i - 1]?.text !== '.') {
      // `WINDOW w AS (…)` (a clause) is never followed by `(` or `.`; ARRAY[…] is left alone.
      if (!(lower === 'array' && tokens[i + 1]?.text === '(' && tokens[i + 2]?.text.toLowerCase() === 'select')) {
        write(t.start, placeholder, t.end - t.start);
        renamed.set(t.start, lower);
        continue;
      }
    }
    if (lower === 'lateral' && tokens[i + 1]?.text.toLowerCase() === 'view') {
      const view = lateralView(tokens, i, source);
      write(t.start, ', LATERAL', tokens[i + 1].end - t.start);
      if (view.outerToken !== undefined) bytes.fill(SPACE, view.outerToken.start, view.outerToken.end);
      bytes.fill(SPACE, view.namesStart, view.namesEnd);
      lateralViews.set(view.functionStart, view.view);
      i = view.next - 1;
      continue;
    }
    if (lower === 'qualify' && t.tokenName === 'IDENT') {
      const span = qualifySpan(tokens, i);
      if (span !== undefined) {
        if (span.select === undefined) throw nearError(source, t);
        qualifySpans.push({ select: span.select, keyword: t.start, end: span.end });
        continue;
      }
    }
    if (lower === 'all' && tokens[i - 1]?.text.toLowerCase() === 'by' && t.end - t.start === 3) {
      const clause = tokens[i - 2]?.text.toLowerCase();
      const next = tokens[i + 1];
      if ((clause === 'group' || clause === 'order') && (next === undefined || AFTER_BY_ALL.has(next.text.toLowerCase()))) {
        write(t.start, clause === 'group' ? '()' : '1', 3);
        (clause === 'group' ? groupByAll : orderByAll).add(t.start);
        continue;
      }
    }
    if (t.text === '*' && ['except', 'exclude'].includes(tokens[i + 1]?.text.toLowerCase() ?? '') && tokens[i + 2]?.text === '(' && isName(tokens[i + 3]) && !['select', 'values', 'with'].includes(tokens[i + 3]?.text.toLowerCase() ?? '')) {
      // `* EXCEPT (a, b)`: a column list, not a set operation (`EXCEPT (SELECT …)`).
      const columns: { name: string; at: number }[] = [];
      let j = i + 3;
      for (;;) {
        const name = tokens[j];
        if (name === undefined || !isName(name)) throw nearError(source, name);
        columns.push({ name: unquote(name.text), at: name.start });
        const sep = tokens[j + 1];
        if (sep?.text === ')') break;
        if (sep?.text !== ',') throw nearError(source, sep);
        j += 2;
      }
      const close = tokens[j + 1] as ScanToken;
      bytes.fill(SPACE, (tokens[i + 1] as ScanToken).start, close.end);
      starExcept.set(tokens[i - 1]?.text === '.' && tokens[i - 2] !== undefined ? tokens[i - 2].start : t.start, columns);
      i = j + 1;
      continue;
    }
    if ((lower === 'ignore' || lower === 'respect') && tokens[i + 1]?.text.toLowerCase() === 'nulls' && tokens[i - 1]?.text === ')') {
      // After a call's closing parenthesis: find the call's name.
      let depth = 0;
      let j = i - 1;
      for (; j >= 0; j--) {
        if (tokens[j]?.text === ')') depth++;
        else if (tokens[j]?.text === '(' && --depth === 0) break;
      }
      const name = tokens[j - 1];
      if (name !== undefined && isName(name)) {
        if (lower === 'ignore') ignoreNulls.add(name.start);
        bytes.fill(SPACE, t.start, (tokens[i + 1] as ScanToken).end);
        i++;
        continue;
      }
    }
    if (lower === 'try_cast' && tokens[i + 1]?.text === '(') {
      write(t.start, '    cast', t.end - t.start);
      tryCasts.add(t.start + 4);
      continue;
    }
    if ((lower === 'rlike' || lower === 'regexp') && tokens[i + 1]?.text !== '(') {
      const negated = tokens[i - 1]?.text.toLowerCase() === 'not';
      if (negated) write((tokens[i - 1] as ScanToken).start, '!~', t.end - (tokens[i - 1] as ScanToken).start);
      else write(t.start, '~', t.end - t.start);
      continue;
    }
    if (lower === 'interval' && tokens[i + 1]?.tokenName === 'ICONST' && INTERVAL_UNITS[tokens[i + 2]?.text.toLowerCase() ?? ''] !== undefined) {
      // INTERVAL 3 HOURS → INTERVAL'3'HOUR : the spaces around the number become the quotes.
      const value = tokens[i + 1] as ScanToken;
      const unit = tokens[i + 2] as ScanToken;
      if (value.start > t.end && unit.start > value.end) {
        write(value.start - 1, `'${value.text}'`, value.end + 1 - (value.start - 1));
        write(unit.start, INTERVAL_UNITS[unit.text.toLowerCase()] as string, unit.end - unit.start);
        i += 2;
        continue;
      }
    }
    if ((lower === 'semi' || lower === 'anti') && tokens[i + 1]?.text.toLowerCase() === 'join' && tokens[i + 2] !== undefined) {
      const from = tokens[i - 1]?.text.toLowerCase() === 'left' ? tokens[i - 1].start : t.start;
      bytes.fill(SPACE, from, t.end);
      semiJoins.set(tokens[i + 2].start, lower);
      continue;
    }
    if (lower === 'default' && tokens[i + 1]?.text === '.' && isName(tokens[i + 2])) {
      bytes.set(new TextEncoder().encode('public '), t.start);
      continue;
    }
    if (lower === 'delta' && tokens[i + 1]?.text === '.' && tokens[i + 2] !== undefined && backticked.has(tokens[i + 2].start)) {
      const path = tokens[i + 2].text.slice(1, -1);
      if (looksLikePath(path)) pathTables.set(t.start, path);
      continue;
    }
    if ((lower === 'version' || lower === 'timestamp') && tokens[i + 1]?.text.toLowerCase() === 'as' && tokens[i + 2]?.text.toLowerCase() === 'of' && isName(tokens[i - 1])) {
      const value = tokens[i + 3];
      const relationStart = nameStart(tokens, i - 1);
      if (lower === 'version') {
        if (value === undefined || value.tokenName !== 'ICONST') throw nearError(source, value);
        timeTravel.set(relationStart, { kind: 'version', version: Number(value.text), start: t.start });
      } else {
        if (value === undefined || value.tokenName !== 'SCONST' || !value.text.startsWith("'")) throw nearError(source, value);
        const text = value.text.slice(1, -1).replace(/''/g, "'");
        timeTravel.set(relationStart, { kind: 'timestamp', text, start: t.start, literalStart: value.start });
      }
      bytes.fill(SPACE, t.start, value.end);
      i += 3;
    }
  }
  const qualify = new Map<number, QualifyClause>();
  for (const q of qualifySpans) {
    // Another block's QUALIFY nested inside this one is parsed with its own block, not here.
    const own = bytes.slice(0, q.end);
    own.fill(SPACE, 0, q.keyword);
    for (const other of qualifySpans) if (other !== q && other.keyword > q.keyword && other.keyword < q.end) own.fill(SPACE, other.keyword, other.end);
    own.set(encoder.encode('SELECT '), q.keyword);
    qualify.set(q.select, { keyword: q.keyword, end: q.end, text: decoder.decode(own) });
  }
  for (const q of qualifySpans) bytes.fill(SPACE, q.keyword, q.end);
  return { text: decoder.decode(bytes), tokens, timeTravel, pathTables, backticked, semiJoins, renamed, tryCasts, qualify, lateralViews, groupByAll, orderByAll, starExcept, ignoreNulls };
}

/**
 * `LATERAL VIEW [OUTER] f(args) [t] AS c1 [, c2…]` starting at token `i`: where the function
 * starts, the byte span of the names after its call (blanked: PostgreSQL spells them
 * differently), and the index of the token after them.
 */
function lateralView(tokens: readonly ScanToken[], i: number, source: SourceText): { view: LateralView; functionStart: number; outerToken?: ScanToken; namesStart: number; namesEnd: number; next: number } {
  let j = i + 2;
  const outerToken = tokens[j]?.text.toLowerCase() === 'outer' ? tokens[j++] : undefined;
  const fn = tokens[j];
  if (fn === undefined || tokens[j + 1]?.text !== '(') throw nearError(source, tokens[j + 1] ?? fn);
  let depth = 0;
  j++;
  for (; j < tokens.length; j++) {
    if (tokens[j].text === '(') depth++;
    else if (tokens[j].text === ')' && --depth === 0) break;
  }
  j++;
  const namesStart = tokens[j]?.start ?? source.byteLength;
  let table: string | undefined;
  if (tokens[j] !== undefined && tokens[j].text.toLowerCase() !== 'as' && isName(tokens[j])) table = unquote(tokens[j++].text);
  if (tokens[j]?.text.toLowerCase() !== 'as') throw nearError(source, tokens[j]);
  j++;
  const columns: string[] = [];
  for (;;) {
    const c = tokens[j];
    if (c === undefined || !isName(c)) throw nearError(source, c);
    columns.push(unquote(c.text));
    j++;
    if (tokens[j]?.text !== ',' || !isName(tokens[j + 1]) || ['lateral', 'where', 'group', 'order', 'limit'].includes(tokens[j + 1].text.toLowerCase())) break;
    j++;
  }
  const namesEnd = tokens[j - 1].end;
  return { view: { ...(table === undefined ? {} : { table }), columns, outer: outerToken !== undefined }, functionStart: fn.start, ...(outerToken === undefined ? {} : { outerToken }), namesStart, namesEnd, next: j };
}

/** A name as the user spelled it (Spark keeps the case of generated column names), without its quotes. */
function unquote(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** Words that end a QUALIFY condition at its own nesting depth. */
const AFTER_QUALIFY = new Set(['order', 'limit', 'offset', 'fetch', 'window', 'union', 'intersect', 'except', ';']);
/** Tokens after which `qualify` is a column name or alias, not the clause. */
const NOT_BEFORE_QUALIFY = new Set([',', '(', '.', 'select', 'as', 'distinct', 'all', '+', '-', '*', '/', '=', '<', '>', '<=', '>=', '<>', '!=', 'and', 'or', 'not', 'by', 'on', 'when', 'then', 'else']);
/** Tokens after which `qualify` is an alias (`SELECT x qualify FROM t`). */
const NOT_AFTER_QUALIFY = new Set([',', ')', ';', 'from', 'where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'window', 'as', '.']);

/**
 * Where the QUALIFY clause at token `i` ends (byte offset) and the byte offset of the `SELECT`
 * keyword of its query block (undefined when there is none: a syntax error), or undefined when
 * `qualify` here is a name rather than the clause.
 */
function qualifySpan(tokens: readonly ScanToken[], i: number): { select: number | undefined; end: number } | undefined {
  const before = tokens[i - 1]?.text.toLowerCase();
  const after = tokens[i + 1]?.text.toLowerCase();
  if (before === undefined || after === undefined || NOT_BEFORE_QUALIFY.has(before) || NOT_AFTER_QUALIFY.has(after)) return undefined;
  let end = tokens[tokens.length - 1].end;
  let depth = 0;
  for (let j = i + 1; j < tokens.length; j++) {
    const text = tokens[j].text.toLowerCase();
    if (text === '(') depth++;
    else if (text === ')') {
      if (depth === 0) { end = tokens[j].start; break; }
      depth--;
    } else if (depth === 0 && AFTER_QUALIFY.has(text)) { end = tokens[j].start; break; }
  }
  let select: number | undefined;
  depth = 0;
  for (let j = i - 1; j >= 0; j--) {
    const text = tokens[j].text.toLowerCase();
    if (text === ')') depth++;
    else if (text === '(') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && text === 'select') { select = tokens[j].start; break; }
  }
  return { select, end };
}

/** An identifier or a keyword usable as a name (anything but a reserved keyword or punctuation). */
function isName(t: ScanToken | undefined): boolean {
  if (t === undefined) return false;
  if (t.tokenName === 'IDENT') return true;
  return t.keywordKind !== 0 && t.keywordName !== 'RESERVED_KEYWORD';
}

/** Walks back over `a.b.c` to the byte offset where the qualified name starts. */
function nameStart(tokens: readonly ScanToken[], last: number): number {
  let j = last;
  // A qualifier may be a reserved word too (`default.t`, rewritten to `public .t`).
  while (j >= 2 && tokens[j - 1].text === '.' && (isName(tokens[j - 2]) || tokens[j - 2].keywordKind !== 0)) j -= 2;
  return tokens[j].start;
}

function looksLikePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:\//.test(path);
}

function nearError(source: SourceText, token: ScanToken | undefined): SqlError {
  if (token === undefined) return SqlError.syntax('syntax error at end of input', source.position(source.byteLength));
  return SqlError.syntax(`syntax error at or near "${source.slice(token.start, token.end)}"`, source.position(token.start));
}

/**
 * Replaces each backtick pair around an identifier by double quotes, skipping strings, quoted
 * identifiers, comments and dollar quotes as PostgreSQL's lexer does. Works on UTF-8 bytes: all
 * delimiters are ASCII, and multi-byte characters never contain ASCII bytes.
 */
function rewriteBackticks(bytes: Uint8Array, source: SourceText): Set<number> {
  const starts = new Set<number>();
  const n = bytes.length;
  let i = 0;
  const isIdentByte = (b: number): boolean =>
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x24 || b >= 0x80;
  while (i < n) {
    const b = bytes[i];
    if (b === 0x27 /* ' */) {
      const escapes = i > 0 && (bytes[i - 1] === 0x45 || bytes[i - 1] === 0x65) && (i < 2 || !isIdentByte(bytes[i - 2]));
      i++;
      while (i < n) {
        if (escapes && bytes[i] === 0x5c) { i += 2; continue; }
        if (bytes[i] === 0x27) {
          if (bytes[i + 1] === 0x27) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
    } else if (b === QUOTE) {
      i++;
      while (i < n) {
        if (bytes[i] === QUOTE) {
          if (bytes[i + 1] === QUOTE) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
    } else if (b === 0x2d && bytes[i + 1] === 0x2d) {
      while (i < n && bytes[i] !== 0x0a) i++;
    } else if (b === 0x2f && bytes[i + 1] === 0x2a) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (bytes[i] === 0x2f && bytes[i + 1] === 0x2a) { depth++; i += 2; }
        else if (bytes[i] === 0x2a && bytes[i + 1] === 0x2f) { depth--; i += 2; }
        else i++;
      }
    } else if (b === 0x24 && (i === 0 || !isIdentByte(bytes[i - 1])) && !(bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39)) {
      let j = i + 1;
      while (j < n && isIdentByte(bytes[j]) && bytes[j] !== 0x24) j++;
      if (bytes[j] !== 0x24) { i++; continue; }
      const tag = bytes.subarray(i, j + 1);
      i = j + 1;
      outer: while (i < n) {
        if (bytes[i] === 0x24) {
          for (let k = 0; k < tag.length; k++) if (bytes[i + k] !== tag[k]) { i++; continue outer; }
          i += tag.length;
          break;
        }
        i++;
      }
    } else if (b === BACKTICK) {
      let j = i + 1;
      while (j < n && bytes[j] !== BACKTICK) {
        if (bytes[j] === QUOTE) {
          throw SqlError.syntax('a backtick identifier may not contain a double quote', source.position(i));
        }
        j++;
      }
      if (j >= n) throw SqlError.syntax('unterminated backtick identifier', source.position(i));
      if (bytes[j + 1] === BACKTICK) throw SqlError.syntax('a backtick identifier may not contain a backtick', source.position(i));
      if (j === i + 1) throw SqlError.syntax('zero-length delimited identifier', source.position(i));
      bytes[i] = QUOTE;
      bytes[j] = QUOTE;
      starts.add(i);
      i = j + 1;
    } else {
      i++;
    }
  }
  return starts;
}
