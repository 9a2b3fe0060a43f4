import { SqlError } from '../../common/sql-error.js';
import { parseColumnType } from './column-type.js';
import { parseQueryFragment } from './fragment.js';
import type { ColumnDefinition, ParsedAlterTable, ParsedCreateTable, ParsedDropTable } from './statements.js';
import type { TokenCursor } from './tokens.js';

/**
 * The table DDL in Spark's grammar (which PostgreSQL's does not parse: `USING DELTA`,
 * `PARTITIONED BY`, `TBLPROPERTIES`, `ARRAY<…>` types), hand-written over the lexer's tokens.
 * The cursor stands after `CREATE` / `DROP` / `ALTER`.
 */

/** `[OR REPLACE] [EXTERNAL] TABLE …` after CREATE. */
export function parseCreateTable(c: TokenCursor): ParsedCreateTable {
  const replace = c.eatWords('or', 'replace');
  c.eatWords('external');
  c.expectWords('table');
  const ifNotExists = c.eatWords('if', 'not', 'exists');
  if (replace && ifNotExists) throw SqlError.syntax('CREATE OR REPLACE TABLE cannot have IF NOT EXISTS', c.position(c.tokens[c.i - 1]));
  const { ref, start } = c.tableName();
  const columns = c.isPunct('(') ? columnList(c, true) : undefined;
  const partitionedBy: { name: string; start: number }[] = [];
  let location: string | undefined;
  let comment: string | undefined;
  const properties: Record<string, string> = {};
  let seenProperties = false;
  for (;;) {
    const t = c.peek();
    if (c.eatWords('using')) {
      const format = c.ident();
      if (format.name.toLowerCase() !== 'delta') throw SqlError.unsupportedFeature(`tables USING ${format.name} (only Delta tables)`).at(c.position(format.token));
    } else if (c.eatWords('partitioned', 'by')) {
      if (partitionedBy.length > 0) throw duplicate(c, 'PARTITIONED BY', t);
      c.expectPunct('(');
      do {
        const { name, token } = c.ident();
        partitionedBy.push({ name, start: token.start });
      } while (c.eatPunct(','));
      c.expectPunct(')');
    } else if (c.eatWords('location')) {
      if (location !== undefined) throw duplicate(c, 'LOCATION', t);
      location = c.string();
    } else if (c.eatWords('tblproperties')) {
      if (seenProperties) throw duplicate(c, 'TBLPROPERTIES', t);
      seenProperties = true;
      Object.assign(properties, propertyList(c, true));
    } else if (c.eatWords('comment')) {
      if (comment !== undefined) throw duplicate(c, 'COMMENT', t);
      comment = c.string();
    } else {
      break;
    }
  }
  let query;
  if (c.eatWords('as')) {
    const first = c.peek();
    if (first === undefined) throw c.error();
    query = parseQueryFragment(c.source, c.prepass, first.start, c.source.byteLength);
    c.i = c.tokens.length;
  }
  c.expectEnd();
  if (columns === undefined && query === undefined && location === undefined) {
    throw SqlError.syntax('CREATE TABLE needs a column list, AS query, or LOCATION of an existing table', c.position(c.tokens[0]));
  }
  if (columns !== undefined && query !== undefined) throw SqlError.unsupportedFeature('a column list together with AS query (CREATE TABLE … AS SELECT names its columns from the query)');
  return {
    kind: 'createTable',
    table: { ref, start },
    replace,
    ifNotExists,
    ...(columns === undefined ? {} : { columns }),
    partitionedBy,
    ...(location === undefined ? {} : { location }),
    properties,
    ...(comment === undefined ? {} : { comment }),
    ...(query === undefined ? {} : { query }),
    source: c.source,
    prepass: c.prepass,
  };
}

/** `TABLE [IF EXISTS] t [, …] [PURGE | CASCADE | RESTRICT]` after DROP. */
export function parseDropTable(c: TokenCursor): ParsedDropTable {
  c.expectWords('table');
  const ifExists = c.eatWords('if', 'exists');
  const tables = [];
  do tables.push(c.tableName());
  while (c.eatPunct(','));
  if (!c.eatWords('purge')) c.eatWords('cascade') || c.eatWords('restrict');
  c.expectEnd();
  return { kind: 'dropTable', tables, ifExists, source: c.source, prepass: c.prepass };
}

/** `TABLE t ADD COLUMN[S] … | RENAME COLUMN a TO b | SET TBLPROPERTIES (…) | UNSET TBLPROPERTIES …` after ALTER. */
export function parseAlterTable(c: TokenCursor): ParsedAlterTable {
  c.expectWords('table');
  const { ref, start } = c.tableName();
  let action: ParsedAlterTable['action'];
  if (c.eatWords('add')) {
    const plural = c.eatWords('columns');
    if (!plural) c.eatWords('column');
    const columns = c.isPunct('(') ? columnList(c, false) : [columnDefinition(c, false)];
    if (!plural) while (c.eatPunct(',')) { c.eatWords('add'); c.eatWords('column'); columns.push(columnDefinition(c, false)); }
    action = { kind: 'addColumns', columns };
  } else if (c.eatWords('rename', 'column')) {
    const from = c.ident();
    c.expectWords('to');
    const to = c.ident();
    action = { kind: 'renameColumn', from: from.name, to: to.name, start: from.token.start };
  } else if (c.eatWords('set', 'tblproperties')) {
    action = { kind: 'setProperties', properties: propertyList(c, true) };
  } else if (c.eatWords('unset', 'tblproperties')) {
    const ifExists = c.eatWords('if', 'exists');
    action = { kind: 'unsetProperties', keys: Object.keys(propertyList(c, false)), ifExists };
  } else {
    const t = c.peek();
    if (t === undefined) throw c.error();
    throw SqlError.unsupportedFeature(`ALTER TABLE … ${c.source.slice(t.start, t.end).toUpperCase()} (supported: ADD COLUMNS, RENAME COLUMN, SET / UNSET TBLPROPERTIES)`).at(c.position(t));
  }
  c.expectEnd();
  return { kind: 'alterTable', table: { ref, start }, action, source: c.source, prepass: c.prepass };
}

function duplicate(c: TokenCursor, clause: string, t: ReturnType<TokenCursor['peek']>): SqlError {
  return SqlError.syntax(`${clause} specified more than once`, c.position(t));
}

/** `(a INT NOT NULL COMMENT '…', b STRING, …)`. */
function columnList(c: TokenCursor, allowConstraints: boolean): ColumnDefinition[] {
  c.expectPunct('(');
  const columns: ColumnDefinition[] = [];
  do columns.push(columnDefinition(c, allowConstraints));
  while (c.eatPunct(','));
  c.expectPunct(')');
  const seen = new Set<string>();
  for (const col of columns) {
    const key = col.name.toLowerCase();
    if (seen.has(key)) throw new SqlError('42701', `column "${col.name}" specified more than once`, { position: c.source.position(col.start) });
    seen.add(key);
  }
  return columns;
}

function columnDefinition(c: TokenCursor, allowConstraints: boolean): ColumnDefinition {
  const first = c.peek();
  if (first !== undefined && ['primary', 'unique', 'constraint', 'foreign', 'check', 'exclude'].includes(first.text.toLowerCase())) {
    throw SqlError.unsupportedFeature(`table constraint ${first.text.toUpperCase()} (Delta tables have NOT NULL only)`).at(c.position(first));
  }
  const { name, token } = c.ident();
  const type = parseColumnType(c);
  let nullable = true;
  let comment: string | undefined;
  for (;;) {
    if (c.eatWords('not', 'null')) nullable = false;
    else if (c.eatWords('null')) nullable = true;
    else if (c.eatWords('comment')) comment = c.string();
    else break;
  }
  const t = c.peek();
  if (t !== undefined && ['primary', 'unique', 'references', 'check', 'default', 'generated', 'constraint'].includes(t.text.toLowerCase())) {
    throw SqlError.unsupportedFeature(`column constraint ${t.text.toUpperCase()}${allowConstraints ? '' : ' in ADD COLUMNS'}`).at(c.position(t));
  }
  return { name, type, nullable, ...(comment === undefined ? {} : { comment }), start: token.start };
}

/**
 * `('delta.enableDeletionVectors' = 'true', delta.appendOnly = false, …)`: keys as strings or
 * dotted names, values as strings, numbers or booleans (kept as their text, lower-cased for
 * booleans as Spark stores them). `withValues` false: a key list (UNSET).
 */
function propertyList(c: TokenCursor, withValues: boolean): Record<string, string> {
  c.expectPunct('(');
  const out: Record<string, string> = {};
  do {
    let key: string;
    if (c.peek()?.tokenName === 'SCONST') key = c.string();
    else {
      key = c.ident().name;
      while (c.eatPunct('.')) key += '.' + c.ident().name;
    }
    let value = '';
    if (withValues) {
      c.eatPunct('=');
      const t = c.peek();
      if (t === undefined) throw c.error();
      if (t.tokenName === 'SCONST') value = c.string();
      else if (t.tokenName === 'ICONST' || t.tokenName === 'FCONST') value = String(c.number());
      else if (c.eatWords('true')) value = 'true';
      else if (c.eatWords('false')) value = 'false';
      else value = c.ident().name;
    }
    out[key] = value;
  } while (c.eatPunct(','));
  c.expectPunct(')');
  return out;
}
