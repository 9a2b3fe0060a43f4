import * as arrow from 'apache-arrow';
import { SqlError } from '../common/sql-error.js';
import { throwIfCancelled } from '../executor/cancel.js';
import { LiteralExpr } from '../executor/expr/literal.js';
import type { PhysicalOperator } from '../executor/operator.js';
import { ValuesExec } from '../executor/operators/values.js';
import { bindSelect } from './binder/bind-select.js';
import { BindContext } from './binder/context.js';
import type { Catalog } from './catalog.js';
import { logicalPlanToString, type LogicalPlan } from './logical/plan.js';
import { lower } from './lower/index.js';
import { optimize } from './optimizer/index.js';
import { parseStatement } from './parser/parse.js';

export type { Catalog, TableReference, TableSource, TimeTravel, ScanRequest } from './catalog.js';

/**
 * SQL text → a physical plan ready to `execute`. Parses (with the Spark pre-pass), binds against
 * `catalog`, optimises and lowers. `EXPLAIN <query>` plans to a one-column result (`QUERY PLAN`,
 * one row per operator) as PostgreSQL answers it. Every user error is a SqlError with its
 * SQLSTATE and, where it has one, the 1-based position in `sql`.
 *
 * @example
 * const plan = await planQuery('SELECT ticker, close FROM prices VERSION AS OF 3 WHERE close > 10', warehouse);
 * for await (const batch of plan.execute({})) …
 */
export async function planQuery(sql: string, catalog: Catalog, options: { signal?: AbortSignal } = {}): Promise<PhysicalOperator> {
  try {
    const parsed = await parseStatement(sql);
    throwIfCancelled(options.signal);
    const logical = await bindSelect(new BindContext(catalog, parsed.source, parsed.prepass), parsed.select);
    throwIfCancelled(options.signal);
    const physical = lower(optimize(logical));
    if (parsed.kind === 'explain') return explainResult(explainPhysical(physical));
    return physical;
  } catch (err) {
    throw SqlError.from(err);
  }
}

/** The physical plan of a query (or of `EXPLAIN <query>`) as text: one operator per line, children indented. */
export async function explainQuery(sql: string, catalog: Catalog): Promise<string> {
  try {
    const parsed = await parseStatement(sql);
    const logical = await bindSelect(new BindContext(catalog, parsed.source, parsed.prepass), parsed.select);
    return explainPhysical(lower(optimize(logical)));
  } catch (err) {
    throw SqlError.from(err);
  }
}

/** The logical plan after binding and after each optimiser rule (EXPLAIN VERBOSE's material, and tests). */
export async function planLogical(sql: string, catalog: Catalog): Promise<{ bound: LogicalPlan; optimized: LogicalPlan; steps: { rule: string; plan: string }[] }> {
  const parsed = await parseStatement(sql);
  const bound = await bindSelect(new BindContext(catalog, parsed.source, parsed.prepass), parsed.select);
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
