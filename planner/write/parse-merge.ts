import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { isNameToken, type TokenCursor } from './tokens.js';
import { parseExprFragment, parseFromFragment } from './fragment.js';
import type { Assignment, MergeAction, MergeClause, ParsedMerge } from './statements.js';

/**
 * `MERGE [WITH SCHEMA EVOLUTION] INTO t [[AS] a] USING source ON cond WHEN …` after MERGE, in
 * Delta's grammar: besides PostgreSQL's clauses, `UPDATE SET *`, `INSERT *` and `WHEN NOT
 * MATCHED BY SOURCE`. The skeleton is hand-parsed; the source, the condition and every
 * expression are libpg-query's, parsed at their own offsets (fragment.ts).
 */
export function parseMerge(c: TokenCursor): ParsedMerge {
  const schemaEvolution = c.eatWords('with', 'schema', 'evolution');
  c.expectWords('into');
  const { ref, start } = c.tableName();
  let alias: string | undefined;
  if (c.eatWords('as')) alias = c.ident().name;
  else if (!c.isWord('using') && c.peek() !== undefined && isNameToken(c.peek() as NonNullable<ReturnType<TokenCursor['peek']>>)) alias = c.ident().name;
  c.expectWords('using');
  const sourceSpan = c.skipUntil((t) => t.text.toLowerCase() === 'on');
  if (sourceSpan.to === sourceSpan.from) throw c.error();
  const using = parseFromFragment(c.source, c.prepass, sourceSpan.start, sourceSpan.end);
  c.expectWords('on');
  const onSpan = c.skipUntil((t) => t.text.toLowerCase() === 'when');
  if (onSpan.to === onSpan.from) throw c.error();
  const on = parseExprFragment(c.source, c.prepass, onSpan.start, onSpan.end);
  const clauses: MergeClause[] = [];
  while (!c.atEnd()) clauses.push(whenClause(c));
  if (clauses.length === 0) throw c.error();
  return {
    kind: 'merge',
    table: { ref, start },
    ...(alias === undefined ? {} : { alias }),
    schemaEvolution,
    using,
    on,
    clauses,
    source: c.source,
    prepass: c.prepass,
  };
}

function whenClause(c: TokenCursor): MergeClause {
  const when = c.peek();
  c.expectWords('when');
  let match: MergeClause['match'] = 'matched';
  if (c.eatWords('not')) {
    c.expectWords('matched');
    if (c.eatWords('by', 'source')) match = 'notMatchedBySource';
    else {
      c.eatWords('by', 'target');
      match = 'notMatched';
    }
  } else c.expectWords('matched');
  let condition: Node | undefined;
  if (c.eatWords('and')) {
    const span = c.skipUntil((t) => t.text.toLowerCase() === 'then');
    condition = parseExprFragment(c.source, c.prepass, span.start, span.end);
  }
  c.expectWords('then');
  const actionToken = c.peek();
  const action = mergeAction(c);
  const allowed = match === 'notMatched' ? ['insert', 'insertStar', 'doNothing'] : ['update', 'updateStar', 'delete', 'doNothing'];
  if (!allowed.includes(action.kind)) {
    const clause = match === 'notMatched' ? 'WHEN NOT MATCHED' : match === 'matched' ? 'WHEN MATCHED' : 'WHEN NOT MATCHED BY SOURCE';
    throw SqlError.syntax(`${action.kind.startsWith('insert') ? 'INSERT' : action.kind.startsWith('update') ? 'UPDATE' : 'DELETE'} is not allowed in a ${clause} clause`, c.position(actionToken));
  }
  if (match === 'notMatchedBySource' && action.kind === 'updateStar') throw SqlError.syntax('UPDATE SET * is not allowed in a WHEN NOT MATCHED BY SOURCE clause', c.position(actionToken));
  return { match, ...(condition === undefined ? {} : { condition }), action, start: when?.start ?? 0 };
}

function mergeAction(c: TokenCursor): MergeAction {
  if (c.eatWords('delete')) return { kind: 'delete' };
  if (c.eatWords('do', 'nothing')) return { kind: 'doNothing' };
  if (c.eatWords('update', 'set')) {
    if (c.eatPunct('*')) return { kind: 'updateStar' };
    const set: Assignment[] = [];
    do {
      const first = c.ident();
      let column = first.name;
      // `t.col = …`: the target's column, qualified.
      if (c.eatPunct('.')) column = c.ident().name;
      c.expectPunct('=');
      const span = c.skipUntil((t) => t.text === ',' || t.text.toLowerCase() === 'when');
      set.push({ column, start: first.token.start, value: parseExprFragment(c.source, c.prepass, span.start, span.end) });
    } while (c.eatPunct(','));
    return { kind: 'update', set };
  }
  if (c.eatWords('insert')) {
    if (c.eatPunct('*')) return { kind: 'insertStar' };
    let columns: { name: string; start: number }[] | undefined;
    if (c.eatPunct('(')) {
      columns = [];
      do {
        const { name, token } = c.ident();
        columns.push({ name, start: token.start });
      } while (c.eatPunct(','));
      c.expectPunct(')');
    }
    c.expectWords('values');
    c.expectPunct('(');
    const values: Node[] = [];
    do {
      const span = c.skipUntil((t) => t.text === ',');
      values.push(parseExprFragment(c.source, c.prepass, span.start, span.end));
    } while (c.eatPunct(','));
    c.expectPunct(')');
    if (columns !== undefined && columns.length !== values.length) {
      throw SqlError.syntax(`INSERT has ${values.length > columns.length ? 'more expressions than target columns' : 'more target columns than expressions'}`, c.position(c.tokens[c.i - 1]));
    }
    return { kind: 'insert', ...(columns === undefined ? {} : { columns }), values };
  }
  throw c.error();
}
