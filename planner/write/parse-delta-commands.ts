import { SqlError } from '../../common/sql-error.js';
import { parseExprFragment } from './fragment.js';
import type { ParsedDescribeDetail, ParsedDescribeHistory, ParsedOptimize, ParsedRestore, ParsedShowCatalog, ParsedTableInfo, ParsedUse, ParsedVacuum } from './statements.js';
import type { TokenCursor } from './tokens.js';

/**
 * The Delta commands PostgreSQL has no grammar for (DESIGN.md §3's hand-written parser), each
 * after its first keyword: `DESCRIBE DETAIL t`, `DESCRIBE HISTORY t [LIMIT n]`, `RESTORE [TABLE] t [TO] VERSION|TIMESTAMP AS OF
 * …`, `OPTIMIZE t [WHERE …] [ZORDER BY (…)]`, `VACUUM t [RETAIN n HOURS] [DRY RUN]`.
 *
 * RESTORE's `VERSION AS OF 3` was blanked by the pre-pass and recorded as time travel on the
 * table name; it is read back from there.
 */

export function parseDescribeHistory(c: TokenCursor): ParsedDescribeHistory {
  c.expectWords('history');
  const table = c.tableName();
  const limit = c.eatWords('limit') ? c.integer() : undefined;
  c.expectEnd();
  return { kind: 'describeHistory', table, ...(limit === undefined ? {} : { limit }), source: c.source, prepass: c.prepass };
}

export function parseDescribeDetail(c: TokenCursor): ParsedDescribeDetail {
  c.expectWords('detail');
  const table = c.tableName();
  c.expectEnd();
  return { kind: 'describeDetail', table, source: c.source, prepass: c.prepass };
}

/** `DESCRIBE [TABLE] [EXTENDED | FORMATTED] t`, after DESCRIBE. */
export function parseDescribeTable(c: TokenCursor): ParsedTableInfo {
  c.eatWords('table');
  const extended = c.eatWords('extended') || c.eatWords('formatted');
  const table = c.tableName();
  c.expectEnd();
  return { kind: 'tableInfo', what: extended ? 'describeExtended' : 'describe', table, source: c.source, prepass: c.prepass };
}

/** `SHOW COLUMNS (IN | FROM) t`, `SHOW TBLPROPERTIES t`, `SHOW PARTITIONS t`, after SHOW. */
export function parseShowTableInfo(c: TokenCursor): ParsedTableInfo {
  let what: ParsedTableInfo['what'];
  if (c.eatWords('columns')) {
    if (!c.eatWords('in')) c.expectWords('from');
    what = 'columns';
  } else if (c.eatWords('tblproperties')) what = 'properties';
  else {
    c.expectWords('partitions');
    what = 'partitions';
  }
  const table = c.tableName();
  c.expectEnd();
  return { kind: 'tableInfo', what, table, source: c.source, prepass: c.prepass };
}

/** `SHOW TABLES [IN | FROM schema] [LIKE 'p']`, `SHOW SCHEMAS | DATABASES | NAMESPACES [LIKE 'p']`, after SHOW. */
export function parseShowCatalog(c: TokenCursor): ParsedShowCatalog {
  const what = c.eatWords('tables') ? 'tables' : (c.i++, 'schemas');
  // The schema may be Spark's `default` (a reserved word in PostgreSQL): any word will do here.
  const schemaToken = what === 'tables' && (c.eatWords('in') || c.eatWords('from')) ? c.peek() : undefined;
  if (what === 'tables' && c.i > 0 && ['in', 'from'].includes(c.tokens[c.i - 1]?.text.toLowerCase() ?? '') && schemaToken === undefined) throw c.error();
  if (schemaToken !== undefined) c.i++;
  const schema = schemaToken === undefined ? undefined : c.spelling(schemaToken);
  const like = c.eatWords('like') ? c.string() : undefined;
  c.expectEnd();
  return { kind: 'showCatalog', what, ...(schema === undefined ? {} : { schema }), ...(like === undefined ? {} : { like }), source: c.source, prepass: c.prepass };
}

/** `USE [DATABASE | SCHEMA | NAMESPACE] name`, after USE (`default` is a reserved word in PostgreSQL: any word will do). */
export function parseUse(c: TokenCursor): ParsedUse {
  if (!c.eatWords('database') && !c.eatWords('schema')) c.eatWords('namespace');
  const t = c.peek();
  if (t === undefined) throw c.error();
  c.i++;
  c.expectEnd();
  return { kind: 'use', schema: c.spelling(t), start: t.start, source: c.source, prepass: c.prepass };
}

export function parseRestore(c: TokenCursor): ParsedRestore {
  c.eatWords('table');
  const table = c.tableName();
  const travel = c.prepass.timeTravel.get(table.start);
  // The pre-pass consumed `VERSION AS OF n` only when it directly follows the name; `TO` in between is Delta's other spelling.
  let target: ParsedRestore['target'] | undefined;
  if (travel !== undefined) {
    // The blanked clause's tokens are still in the token list: skip them.
    c.i += 4;
    target = travel.kind === 'version' ? { kind: 'version', version: travel.version } : { kind: 'timestamp', text: travel.text, start: travel.literalStart };
  } else {
    c.expectWords('to');
    if (c.eatWords('version', 'as', 'of')) target = { kind: 'version', version: c.integer() };
    else {
      c.expectWords('timestamp', 'as', 'of');
      const t = c.peek();
      target = { kind: 'timestamp', text: c.string(), start: t?.start ?? 0 };
    }
  }
  c.expectEnd();
  return { kind: 'restore', table, target, source: c.source, prepass: c.prepass };
}

export function parseOptimize(c: TokenCursor): ParsedOptimize {
  const table = c.tableName();
  let where;
  if (c.eatWords('where')) {
    const span = c.skipUntil((t, i) => t.text.toLowerCase() === 'zorder' && c.tokens[i + 1]?.text.toLowerCase() === 'by');
    where = parseExprFragment(c.source, c.prepass, span.start, span.end);
  }
  const zOrderBy: { name: string; start: number }[] = [];
  if (c.eatWords('zorder', 'by')) {
    const parens = c.eatPunct('(');
    do {
      const { name, token } = c.ident();
      zOrderBy.push({ name, start: token.start });
    } while (c.eatPunct(','));
    if (parens) c.expectPunct(')');
  }
  c.expectEnd();
  return { kind: 'optimize', table, ...(where === undefined ? {} : { where }), zOrderBy, source: c.source, prepass: c.prepass };
}

export function parseVacuum(c: TokenCursor): ParsedVacuum {
  const table = c.tableName();
  let retainHours: number | undefined;
  let dryRun = false;
  for (;;) {
    if (c.eatWords('retain')) {
      const t = c.peek();
      retainHours = c.number();
      if (retainHours < 0) throw SqlError.invalidParameter('VACUUM RETAIN must not be negative', c.position(t));
      c.expectWords('hours');
    } else if (c.eatWords('dry', 'run')) dryRun = true;
    else break;
  }
  c.expectEnd();
  return { kind: 'vacuum', table, ...(retainHours === undefined ? {} : { retainHours }), dryRun, source: c.source, prepass: c.prepass };
}
