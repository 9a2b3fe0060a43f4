import { ensureParserLoaded, pgScan } from './libpg.js';
import { SourceText } from './source-text.js';

/** One statement of a multi-statement string, and where it starts in the whole string. */
export interface StatementPiece {
  readonly sql: string;
  /** 0-based character offset of `sql` in the whole string (added to error positions). */
  readonly charOffset: number;
}

/**
 * Splits a simple-query string into its statements at top-level semicolons, using PostgreSQL's
 * own lexer so that `;` inside strings, quoted names, comments and dollar quotes is not a
 * boundary (as psql and the server do). Empty statements (`;;`, a trailing `;`) are dropped;
 * a string with no statement at all (blank, or only comments) gives `[]` (EmptyQueryResponse). When the lexer fails (an
 * unterminated string) the whole text is one statement, so the parser reports the error.
 */
export async function splitStatements(sql: string): Promise<StatementPiece[]> {
  await ensureParserLoaded();
  const tokens = pgScan(sql);
  const source = new SourceText(sql);
  if (tokens === undefined) return sql.trim() === '' ? [] : [{ sql, charOffset: 0 }];
  const pieces: StatementPiece[] = [];
  let start: number | undefined; // byte offset of the current statement's first token
  let end = 0;
  for (const t of tokens) {
    if (t.text === ';') {
      if (start !== undefined) pieces.push(piece(source, start, end));
      start = undefined;
      continue;
    }
    if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') continue; // a comment alone is no statement
    start ??= t.start;
    end = t.end;
  }
  if (start !== undefined) pieces.push(piece(source, start, source.byteLength));
  return pieces;
}

function piece(source: SourceText, start: number, end: number): StatementPiece {
  return { sql: source.slice(start, end), charOffset: source.position(start) - 1 };
}
