import type { Scope } from './scope.js';
import { SqlError } from '../../common/sql-error.js';
import type { ScanToken } from '../parser/libpg.js';
import type { Prepassed } from '../parser/prepass.js';
import type { SourceText } from '../parser/source-text.js';
import { parseQualify } from '../parser/qualify.js';
import { isIntrospectable, type Catalog, type CatalogIntrospection, type TableReference, type TableSource, type TimeTravel } from '../catalog.js';
import { GLOBAL_TEMP_SCHEMA, newSessionViews, type SessionViews, type ViewDefinition } from '../session.js';
import { parseStatement } from '../parser/parse.js';
import { parseTimestamp } from '../../common/time/datetime.js';
import type { TimeTravelClause } from '../parser/prepass.js';
import type { StatementParams } from './params.js';
import type { WorkTable } from '../logical/work-table.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `WITH a AS (…)`: one frame per WITH clause; a CTE's body sees the frames of its definition. */
export interface CteFrame {
  readonly ctes: ReadonlyMap<string, CteDefinition>;
  readonly parent: CteFrame | undefined;
}

export interface CteDefinition {
  readonly name: string;
  readonly query: AnyNode;
  readonly columns?: readonly string[];
  /** The CTEs visible from its body: those defined before it (and, in WITH RECURSIVE, itself). */
  readonly scope: CteFrame | undefined;
  /** Byte offset of its name (errors about the whole CTE point there). */
  readonly location?: number;
  /** A WITH RECURSIVE item whose query names itself (bind-recursive.ts). */
  readonly recursive?: boolean;
  /** Inside its own recursive term: the name reads the previous round. */
  readonly workTable?: WorkTable;
  /** The enclosing query's scope where the WITH clause is (a WITH inside a subquery may name its outer row). */
  readonly outer?: Scope;
  /** `SEARCH … SET` / `CYCLE … SET … USING` (search-cycle.ts). */
  readonly search?: AnyNode;
  readonly cycle?: AnyNode;
}

/** A view referenced by the statement, parsed and preloaded with its own context. */
export interface LoadedView {
  readonly definition: ViewDefinition;
  readonly ctx: BindContext;
  readonly query: AnyNode;
}

/**
 * Words that make a statement read the catalog's description of itself (binder/catalog-functions.ts):
 * only such statements pay for gathering it.
 */
const CATALOG_WORDS = /\b(reg(class|type|proc|procedure|namespace|role)|pg_\w+|\w+_description|current_(user|role|schema|schemas|database|catalog|setting)|session_user|user|to_reg\w+)\b/i;

/** Views may use views, but not endlessly (a view defined over itself by OR REPLACE). */
const MAX_VIEW_DEPTH = 16;

/**
 * What binding one statement needs besides the AST: the catalog, the user's text, the
 * session's views, and the tables the statement names, resolved up front (`preload`) so that
 * binding itself is synchronous — expressions may hold subqueries that name tables.
 */
export class BindContext {
  /** Byte offsets of the relations whose time travel / path the binder has consumed. */
  readonly consumed = new Set<number>();
  /** Each RangeVar's resolution (or the error resolving it), by its byte offset. */
  readonly tables = new Map<number, TableSource | SqlError>();
  /** Views named by RangeVars, by byte offset. */
  readonly viewRefs = new Map<number, LoadedView>();
  /** The WITH frames in scope where binding currently is. */
  ctes: CteFrame | undefined;
  /** What catalog functions and reg* casts read, loaded by `preload` when the statement may need it. */
  introspection: CatalogIntrospection | undefined;
  /** The session's settings by lower-cased name, which `set_config()` writes (PlannerSession.settings). */
  settings: Map<string, string> | undefined;
  /** The statement's `$n` parameters (undefined: a `$n` is `42P02`). */
  params: StatementParams | undefined;

  constructor(
    readonly catalog: Catalog,
    readonly source: SourceText,
    readonly prepass: Prepassed,
    readonly views: SessionViews = newSessionViews(),
    readonly depth = 0,
  ) {}

  /** The view a table name refers to: a temporary view (unqualified), or `global_temp.v`. */
  findView(schema: string | undefined, name: string): ViewDefinition | undefined {
    if (schema === undefined) return this.views.temporary.get(name.toLowerCase());
    if (schema.toLowerCase() === GLOBAL_TEMP_SCHEMA) return this.views.global.get(name.toLowerCase());
    return undefined;
  }

  /**
   * Resolves every table the statement names (in subqueries and CTEs too) before binding.
   * Errors are kept, not thrown: a name may turn out to be a CTE.
   */
  async preload(node: unknown): Promise<void> {
    const pending: Promise<void>[] = [];
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) {
        for (const v of value) visit(v);
        return;
      }
      if (value === null || typeof value !== 'object') return;
      const obj = value as AnyNode;
      if (obj.RangeVar !== undefined) {
        pending.push(this.preloadRelation(obj.RangeVar as AnyNode));
        return;
      }
      for (const key of Object.keys(obj)) visit(obj[key]);
    };
    visit(node);
    // QUALIFY conditions live outside the main tree (the pre-pass blanked them); their subqueries name tables too.
    for (const clause of this.prepass.qualify?.values() ?? []) visit(parseQualify(clause, this.source));
    if (isIntrospectable(this.catalog) && CATALOG_WORDS.test(this.source.text)) {
      pending.push(this.catalog.introspect().then((i) => { this.introspection = i; }));
    }
    await Promise.all(pending);
  }

  private async preloadRelation(n: AnyNode): Promise<void> {
    const location: number = n.location ?? 0;
    const path = this.prepass.pathTables.get(location);
    const view = path === undefined ? this.findView(n.schemaname, n.relname) : undefined;
    if (view !== undefined) {
      if (this.depth >= MAX_VIEW_DEPTH) throw new SqlError('42P17', `infinite recursion detected in view "${view.name}"`);
      const parsed = await parseStatement(view.sql);
      if (parsed.kind !== 'select') throw SqlError.internal(`view ${view.name} holds no query`);
      const inner = new BindContext(this.catalog, parsed.source, parsed.prepass, this.views, this.depth + 1);
      await inner.preload(parsed.select);
      this.viewRefs.set(location, { definition: view, ctx: inner, query: parsed.select });
      return;
    }
    const ref: TableReference =
      path !== undefined ? { kind: 'path', path } : { kind: 'named', ...(n.schemaname === undefined ? {} : { schema: n.schemaname }), name: n.relname };
    const position = this.position(location);
    try {
      if (n.catalogname !== undefined) throw SqlError.unsupportedFeature('three-part table names').at(position);
      const clause = this.prepass.timeTravel.get(location);
      const timeTravel = clause === undefined ? undefined : toTimeTravel(clause, this);
      this.tables.set(location, await this.catalog.resolveTable(ref, timeTravel));
    } catch (err) {
      this.tables.set(location, SqlError.from(err).at(position));
    }
  }

  /**
   * After binding: a `VERSION AS OF` the pre-pass attached to something that turned out not to
   * be a table reference must not be dropped silently.
   */
  checkAllConsumed(): void {
    for (const [offset, clause] of this.prepass.timeTravel) {
      if (!this.consumed.has(offset)) throw SqlError.unsupportedFeature('VERSION AS OF / TIMESTAMP AS OF on something that is not a table').at(this.position(clause.start));
    }
    for (const offset of this.prepass.semiJoins?.keys() ?? []) {
      if (!this.consumed.has(-1 - offset)) throw SqlError.unsupportedFeature('SEMI / ANTI JOIN with this right side (use a table or view name)').at(this.position(offset));
    }
  }

  /** 1-based character position of a node's byte `location` (undefined stays undefined). */
  position(location: number | undefined): number | undefined {
    return location === undefined || location < 0 ? undefined : this.source.position(location);
  }

  /** The token starting at byte `offset`, if any. */
  tokenAt(offset: number): ScanToken | undefined {
    const tokens = this.prepass.tokens;
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = tokens[mid];
      if (t.start === offset) return t;
      if (t.start < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Index of the token starting at `offset` (or the first after it). */
  tokenIndexAt(offset: number): number {
    const tokens = this.prepass.tokens;
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The user's text of a token (original spelling; quotes and backticks included). */
  originalText(token: ScanToken): string {
    return this.source.slice(token.start, token.end);
  }

  /**
   * An identifier as the user spelled it: `Ticker` stays `Ticker` (PostgreSQL would fold it to
   * `ticker`); `"a b"` and `` `a b` `` give `a b`.
   */
  spelling(token: ScanToken): string {
    const text = this.originalText(token);
    if ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith('`') && text.endsWith('`'))) {
      return text.slice(1, -1).replace(/""/g, '"');
    }
    return text;
  }

  /** Whether the user wrote a double-quoted identifier at `offset` (not a backticked one). */
  isDoubleQuotedAt(offset: number): boolean {
    return this.source.bytes[offset] === 0x22 && !this.prepass.backticked.has(offset);
  }
}

/** PostgreSQL's identifier folding (ASCII only), for comparing spellings with parsed names. */
export function foldIdentifier(token: string): string {
  if (token.startsWith('"') || token.startsWith('`')) return token.slice(1, -1).replace(/""/g, '"');
  return token.replace(/[A-Z]/g, (c) => c.toLowerCase());
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
