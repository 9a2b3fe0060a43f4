import { parseAlterTable, parseCreateTable, parseDropTable } from './parse-ddl.js';
import { parseDescribeDetail, parseDescribeHistory, parseDescribeTable, parseOptimize, parseRestore, parseShowCatalog, parseShowTableInfo, parseUse, parseVacuum } from './parse-delta-commands.js';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.js';
import { parseMerge } from './parse-merge.js';
import type { Prepassed } from '../parser/prepass.js';
import type { SourceText } from '../parser/source-text.js';
import type { ParsedWrite } from './statements.js';
import { TokenCursor } from './tokens.js';

/**
 * The write statements and Delta commands, recognised by their first words; undefined for
 * anything else (queries, views, session statements go on to libpg-query as before).
 * `CREATE [TEMP] VIEW` and `DROP VIEW` are not ours.
 */
export function parseWriteStatement(source: SourceText, prepass: Prepassed): ParsedWrite | undefined {
  const c = new TokenCursor(source, prepass);
  if (c.tokens.length === 0) return undefined;
  if (c.eatWords('create')) {
    const k = c.isWord('or') && c.isWord('replace', 1) ? 2 : 0;
    if (c.isWord('table', k) || (c.isWord('external', k) && c.isWord('table', k + 1))) return parseCreateTable(c);
    return undefined;
  }
  if (c.isWord('drop') && c.isWord('table', 1)) return c.eatWords('drop'), parseDropTable(c);
  if (c.isWord('alter') && c.isWord('table', 1)) return c.eatWords('alter'), parseAlterTable(c);
  if (c.eatWords('insert')) return parseInsert(c);
  if (c.isWord('update')) return parseUpdate(c);
  if (c.isWord('delete')) return parseDelete(c);
  if (c.eatWords('merge')) return parseMerge(c);
  if ((c.isWord('describe') || c.isWord('desc')) && c.isWord('detail', 1)) return c.i++, parseDescribeDetail(c);
  if ((c.isWord('describe') || c.isWord('desc')) && c.isWord('history', 1)) return c.i++, parseDescribeHistory(c);
  if (c.isWord('describe') || c.isWord('desc')) return c.i++, parseDescribeTable(c);
  if (c.isWord('show') && (c.isWord('columns', 1) || c.isWord('tblproperties', 1) || c.isWord('partitions', 1))) return c.i++, parseShowTableInfo(c);
  if (c.isWord('show') && ['tables', 'schemas', 'databases', 'namespaces'].some((w) => c.isWord(w, 1))) return c.i++, parseShowCatalog(c);
  if (c.eatWords('restore')) return parseRestore(c);
  if (c.eatWords('use')) return parseUse(c);
  if (c.eatWords('optimize')) return parseOptimize(c);
  if (c.eatWords('vacuum')) return parseVacuum(c);
  return undefined;
}
