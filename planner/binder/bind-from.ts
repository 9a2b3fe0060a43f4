import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { parseTimestamp } from '../../common/time/datetime.js';
import type { TableReference, TimeTravel } from '../catalog.js';
import { Scan } from '../logical/scan.js';
import type { TimeTravelClause } from '../parser/prepass.js';
import type { BindContext } from './context.js';
import { unwrap } from './bind-expr.js';
import { Scope } from './scope.js';

/**
 * One FROM item → a Scan and the scope its columns bind in. Named tables go to the catalog as
 * the parser folded them (`public`/`default` schemas; the catalog matches names
 * case-insensitively when nothing matches exactly), ``delta.`/path` `` as a path reference,
 * and the pre-pass's `VERSION|TIMESTAMP AS OF` attached to the relation by its offset.
 */
export async function bindFrom(ctx: BindContext, from: readonly Node[]): Promise<{ plan: Scan; scope: Scope }> {
  if (from.length > 1) throw SqlError.unsupportedFeature('joins — TODO(#4)').at(ctx.position(locationOf(from[1])));
  const [kind, n] = unwrap(from[0]);
  if (kind !== 'RangeVar') {
    const what = kind === 'JoinExpr' ? 'joins' : kind === 'RangeSubselect' ? 'subqueries in FROM' : kind === 'RangeFunction' ? 'table functions' : kind;
    throw SqlError.unsupportedFeature(`${what} — TODO(#4)`).at(ctx.position(locationOf(from[0])));
  }
  const location: number = n.location ?? 0;
  const position = ctx.position(location);
  if (n.catalogname !== undefined) throw SqlError.unsupportedFeature('three-part table names').at(position);
  const path = ctx.prepass.pathTables.get(location);
  const ref: TableReference =
    path !== undefined ? { kind: 'path', path } : { kind: 'named', ...(n.schemaname === undefined ? {} : { schema: n.schemaname }), name: n.relname };
  const clause = ctx.prepass.timeTravel.get(location);
  ctx.consumed.add(location);
  const timeTravel = clause === undefined ? undefined : toTimeTravel(clause, ctx);
  let source;
  try {
    source = await ctx.catalog.resolveTable(ref, timeTravel);
  } catch (err) {
    throw SqlError.from(err).at(position);
  }
  const qualifier: string | undefined = n.alias?.aliasname ?? (path === undefined ? n.relname : undefined);
  const scope = new Scope(
    source.schema.fields.map((f, index) => ({ qualifier, name: f.name, type: f.type, index })),
    qualifier === undefined ? [] : [qualifier],
  );
  return { plan: Scan.create(source), scope };
}

/** `TIMESTAMP AS OF '…'`: ISO text, no zone = UTC, to epoch milliseconds; `22007` when unreadable. */
function toTimeTravel(clause: TimeTravelClause, ctx: BindContext): TimeTravel {
  if (clause.kind === 'version') return { kind: 'version', version: clause.version };
  const micros = parseTimestamp(clause.text);
  if (micros === undefined) {
    throw new SqlError('22007', `invalid input syntax for type timestamp: "${clause.text}"`, { position: ctx.position(clause.literalStart) });
  }
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  return { kind: 'timestamp', epochMillis: Number(millis) };
}

function locationOf(node: Node): number {
  const [, n] = unwrap(node);
  return n.location ?? n.larg?.RangeVar?.location ?? 0;
}
