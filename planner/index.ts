import * as arrow from 'apache-arrow';
import { SqlError } from '../common/sql-error.js';
import { throwIfCancelled } from '../executor/cancel.js';
import { LiteralExpr } from '../executor/expr/literal.js';
import type { PhysicalOperator } from '../executor/operator.js';
import { ValuesExec } from '../executor/operators/values.js';
import { AnalyzedExec } from './analyze.js';
import { bindQuery } from './binder/bind-query.js';
import { BindContext } from './binder/context.js';
import type { StatementParams } from './binder/params.js';
import type { Catalog } from './catalog.js';
import { logicalPlanToString, type LogicalPlan } from './logical/plan.js';
import { lower } from './lower/index.js';
import { optimize } from './optimizer/index.js';
import { parseStatement, type ParsedCreateView, type ParsedDropView, type ParsedQuery } from './parser/parse.js';
import { GLOBAL_TEMP_SCHEMA, newSessionViews, type SessionViews } from './session.js';
import { planWrite, WRITE_KINDS, type ParsedWrite, type PlannedWrite } from './write/plan-write.js';

export type { Catalog, TableReference, TableSource, TimeTravel, ScanRequest, ScanPredicate, ScanPruning } from './catalog.js';
export { StatementParams, highestParam, type ParamValue } from './binder/params.js';
export { splitStatements, type StatementPiece } from './parser/split.js';
export { parseSessionStatement, type SessionStatement, type CopyStatement, type CopyOptions, type TransactionAction } from './parser/session-statement.js';
export { newSessionViews, GLOBAL_TEMP_VIEWS, type SessionViews, type ViewDefinition } from './session.js';
export { formatTag, type PlannedWrite, type WriteOutcome } from './write/plan-write.js';

/** What a session keeps between statements that the planner reads and writes. */
export interface PlannerSession {
  readonly views: SessionViews;
  /**
   * The session's run-time settings by lower-cased name (`search_path`, `timezone`,
   * `spark.databricks.delta.schema.automerge.enabled`…), read and written by
   * `current_setting()` / `set_config()` and by SET / SHOW in server/session.
   */
  readonly settings?: Map<string, string>;
}

/** Per-statement planning options. */
export interface PlanOptions {
  readonly signal?: AbortSignal;
  /** The statement's `$n` parameters; after planning, `params.resolved` holds their types. */
  readonly params?: StatementParams;
}

/** The outcome of one statement: rows to stream, or a command that already took effect. */
export type PlannedStatement =
  | { readonly kind: 'query'; readonly plan: PhysicalOperator }
  /** `tag`: the PostgreSQL command tag (`CREATE VIEW`, `DROP VIEW`); `notice`: e.g. IF EXISTS skipped. */
  | { readonly kind: 'command'; readonly tag: string; readonly notice?: string }
  /** A write or Delta command (planner/write/): `run` executes and commits it; `formatTag` gives its CommandComplete tag. */
  | PlannedWrite;

/**
 * SQL text → a physical plan ready to `execute`. Parses (with the Spark pre-pass), binds against
 * `catalog`, optimises and lowers. `EXPLAIN [ANALYZE] <query>` plans to a one-column result
 * (`QUERY PLAN`, one row per operator) as PostgreSQL answers it. Every user error is a SqlError
 * with its SQLSTATE and, where it has one, the 1-based position in `sql`.
 *
 * @example
 * const plan = await planQuery('SELECT ticker, close FROM prices VERSION AS OF 3 WHERE close > 10', warehouse);
 * for await (const batch of plan.execute({})) …
 */
export async function planQuery(sql: string, catalog: Catalog, options: { signal?: AbortSignal; session?: PlannerSession } = {}): Promise<PhysicalOperator> {
  const planned = await planStatement(sql, catalog, options.session ?? { views: newSessionViews() }, options);
  if (planned.kind !== 'query') throw SqlError.unsupportedFeature(`${planned.tag} through planQuery (use planStatement)`);
  return planned.plan;
}

/**
 * Any statement the planner handles: queries and EXPLAIN (a plan to run), and view commands
 * (`CREATE [OR REPLACE] [TEMPORARY | GLOBAL TEMPORARY] VIEW`, `DROP VIEW [IF EXISTS]`), which
 * take effect on `session.views` before this returns.
 */
export async function planStatement(sql: string, catalog: Catalog, session: PlannerSession, options: PlanOptions = {}): Promise<PlannedStatement> {
  try {
    const parsed = await parseStatement(sql);
    throwIfCancelled(options.signal);
    if (WRITE_KINDS.has(parsed.kind)) return planWrite(parsed as ParsedWrite, catalog, { ...session, ...(options.params === undefined ? {} : { params: options.params }) });
    switch (parsed.kind) {
      case 'createView': return await createView(parsed, catalog, session);
      case 'dropView': return dropView(parsed, session);
      case 'select': case 'explain': break;
      default: throw SqlError.internal(`statement kind ${parsed.kind} has no planner`);
    }
    const logical = await bindParsed(parsed, catalog, session, options.params);
    throwIfCancelled(options.signal);
    if (parsed.kind !== 'explain') return { kind: 'query', plan: lower(optimize(logical)) };
    if (!parsed.analyze) {
      const steps: string[] = [];
      const optimized = optimize(logical, parsed.verbose ? (rule, plan) => steps.push(`-- after ${rule}:`, logicalPlanToString(plan)) : undefined);
      const text = explainPhysical(lower(optimized));
      return { kind: 'query', plan: explainResult(parsed.verbose ? [text, '', '-- bound:', logicalPlanToString(logical), ...steps].join('\n') : text) };
    }
    // EXPLAIN ANALYZE runs the query (its rows are dropped) and reports each operator's counts.
    const physical = lower(optimize(logical), (op) => new AnalyzedExec(op));
    const start = performance.now();
    for await (const _batch of physical.execute({ ...(options.signal === undefined ? {} : { signal: options.signal }) })) throwIfCancelled(options.signal);
    const total = performance.now() - start;
    return { kind: 'query', plan: explainResult(`${explainPhysical(physical)}\nExecution Time: ${total.toFixed(3)} ms`) };
  } catch (err) {
    throw SqlError.from(err);
  }
}

async function bindParsed(parsed: ParsedQuery, catalog: Catalog, session: PlannerSession, params?: StatementParams): Promise<LogicalPlan> {
  const ctx = new BindContext(catalog, parsed.source, parsed.prepass, session.views);
  ctx.settings = session.settings;
  ctx.params = params;
  await ctx.preload(parsed.select);
  const bound = bindQuery(ctx, parsed.select);
  ctx.checkAllConsumed();
  return bound.plan;
}

/** Binds the view's query now (so a broken view is refused at CREATE), then records its text. */
async function createView(parsed: ParsedCreateView, catalog: Catalog, session: PlannerSession): Promise<PlannedStatement> {
  const schema = parsed.schema?.toLowerCase();
  if (parsed.global && schema !== undefined && schema !== GLOBAL_TEMP_SCHEMA) {
    throw new SqlError('42P16', `a global temporary view lives in schema ${GLOBAL_TEMP_SCHEMA}, not "${parsed.schema}"`);
  }
  if (!parsed.global && schema !== undefined) throw SqlError.unsupportedFeature(`views in schema "${parsed.schema}" (views are temporary: omit the schema)`);
  const ctx = new BindContext(catalog, parsed.source, parsed.prepass, session.views);
  ctx.settings = session.settings;
  await ctx.preload(parsed.query);
  const bound = bindQuery(ctx, parsed.query);
  ctx.checkAllConsumed();
  const columns = parsed.columns;
  if (columns !== undefined && columns.length > bound.names.length) throw new SqlError('42601', 'CREATE VIEW specifies more column names than columns');
  const names = bound.names.map((n, i) => columns?.[i] ?? n);
  const duplicate = names.find((n, i) => names.findIndex((m) => m.toLowerCase() === n.toLowerCase()) !== i);
  if (duplicate !== undefined) throw new SqlError('42701', `column "${duplicate}" specified more than once`);
  const registry = parsed.global ? session.views.global : session.views.temporary;
  const key = parsed.name.toLowerCase();
  if (registry.has(key) && !parsed.replace) throw new SqlError('42P07', `relation "${parsed.name}" already exists`);
  registry.set(key, { name: parsed.name, sql: parsed.queryText, ...(columns === undefined ? {} : { columns }) });
  return { kind: 'command', tag: 'CREATE VIEW' };
}

function dropView(parsed: ParsedDropView, session: PlannerSession): PlannedStatement {
  const notices: string[] = [];
  const targets = parsed.names.map((n) => {
    const global = n.schema?.toLowerCase() === GLOBAL_TEMP_SCHEMA;
    if (n.schema !== undefined && !global) throw SqlError.unsupportedFeature(`views in schema "${n.schema}"`);
    return { registry: global ? session.views.global : session.views.temporary, name: n.name, display: n.schema === undefined ? n.name : `${n.schema}.${n.name}` };
  });
  for (const t of targets) {
    if (!t.registry.has(t.name.toLowerCase())) {
      if (!parsed.ifExists) throw new SqlError('42P01', `view "${t.display}" does not exist`);
      notices.push(`view "${t.display}" does not exist, skipping`);
    }
  }
  for (const t of targets) t.registry.delete(t.name.toLowerCase());
  return { kind: 'command', tag: 'DROP VIEW', ...(notices.length === 0 ? {} : { notice: notices.join('\n') }) };
}

/** The physical plan of a query (or of `EXPLAIN <query>`) as text: one operator per line, children indented. */
export async function explainQuery(sql: string, catalog: Catalog, session: PlannerSession = { views: newSessionViews() }): Promise<string> {
  try {
    const parsed = await parseStatement(sql);
    if (parsed.kind !== 'select' && parsed.kind !== 'explain') throw SqlError.unsupportedFeature(`EXPLAIN of a ${parsed.kind === 'createView' ? 'CREATE VIEW' : parsed.kind === 'dropView' ? 'DROP VIEW' : parsed.kind} statement`);
    return explainPhysical(lower(optimize(await bindParsed(parsed, catalog, session))));
  } catch (err) {
    throw SqlError.from(err);
  }
}

/** The logical plan after binding and after each optimiser rule (EXPLAIN VERBOSE's material, and tests). */
export async function planLogical(sql: string, catalog: Catalog, session: PlannerSession = { views: newSessionViews() }): Promise<{ bound: LogicalPlan; optimized: LogicalPlan; steps: { rule: string; plan: string }[] }> {
  const parsed = await parseStatement(sql);
  if (parsed.kind !== 'select' && parsed.kind !== 'explain') throw SqlError.unsupportedFeature('planLogical of a command');
  const bound = await bindParsed(parsed, catalog, session);
  const steps: { rule: string; plan: string }[] = [];
  const optimized = optimize(bound, (rule, plan) => steps.push({ rule, plan: logicalPlanToString(plan) }));
  return { bound, optimized, steps };
}

/** Indented EXPLAIN text of a physical plan. */
export function explainPhysical(op: PhysicalOperator, depth = 0): string {
  return ['  '.repeat(depth) + op.explain(), ...op.children.map((c) => explainPhysical(c, depth + 1))].join('\n');
}

function explainResult(text: string): PhysicalOperator {
  const type = new arrow.Utf8();
  const schema = new arrow.Schema([new arrow.Field('QUERY PLAN', type, false)]);
  return new ValuesExec(text.split('\n').map((line) => [new LiteralExpr(line, type, `'${line}'`)]), schema);
}
