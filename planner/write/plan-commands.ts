import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { parseTimestamp } from '../../common/time/datetime.js';
import { makeBatch } from '../../executor/arrow/batch.js';
import { dataFromValues } from '../../executor/arrow/scalar.js';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { parseText } from '../../executor/kernels/cast.js';
import { describeDetailResult, optimizeResult, restoreResult, vacuumResult, type CommandResult } from '../../executor/write/delta-commands.js';
import { ExprBinder, startOf } from '../binder/bind-expr.js';
import { Scope } from '../binder/scope.js';
import type { Catalog } from '../catalog.js';
import { lowerExpr } from '../lower/expr.js';
import { bindContext, withPosition, writableCatalog, type PlannedWrite, type WriteOutcome, type WriteSession } from './plan-common.js';
import type { ParsedDescribeDetail, ParsedOptimize, ParsedRestore, ParsedVacuum } from './statements.js';

/**
 * The Delta commands: storage's commands run, their figures answered as rows in Delta's
 * columns (executor/write/delta-commands.ts). Tag `SELECT n`, as for any statement with rows.
 */
type Command = ParsedDescribeDetail | ParsedRestore | ParsedOptimize | ParsedVacuum;

const RETENTION_CHECK = 'spark.databricks.delta.retentionDurationCheck.enabled';

export function planDeltaCommand(p: Command, catalog: Catalog, session: WriteSession): PlannedWrite {
  return {
    kind: 'write',
    tag: 'SELECT',
    async run(signal) {
      const wc = writableCatalog(catalog);
      const table = await withPosition(p, p.table.start, () => wc.openTable(p.table.ref));
      void signal;
      let r: CommandResult;
      switch (p.kind) {
        case 'describeDetail':
          r = await describeDetailResult(table);
          break;
        case 'restore': {
          if (p.target.kind === 'version') r = await restoreResult(table, p.target);
          else {
            const micros = parseTimestamp(p.target.text);
            if (micros === undefined) throw new SqlError('22007', `invalid input syntax for type timestamp: "${p.target.text}"`, { position: p.source.position(p.target.start) });
            r = await restoreResult(table, { kind: 'timestamp', epochMillis: Number(micros / 1000n) });
          }
          break;
        }
        case 'optimize': {
          const source = await catalog.resolveTable(p.table.ref);
          const partitionColumns = await partitionColumnsOf(source.schema, table);
          const zOrderBy = p.zOrderBy.map((z) => {
            const f = source.schema.fields.find((x) => x.name.toLowerCase() === z.name.toLowerCase());
            if (f === undefined) throw SqlError.undefinedColumn(z.name, p.source.position(z.start), source.schema.fields.map((x) => x.name));
            if (partitionColumns.includes(f.name)) throw SqlError.invalidParameter(`${f.name} is a partition column; Z-ordering can only be performed on data columns`, p.source.position(z.start));
            return f.name;
          });
          const partitionFilter = p.where === undefined ? undefined : partitionPredicate(p, catalog, session, source.schema, partitionColumns);
          const predicateText = p.where === undefined ? undefined : p.source.slice(startOf(p.where), p.source.byteLength).split(/\bzorder\b/i)[0]?.trim();
          r = await optimizeResult(table, {
            ...(zOrderBy.length === 0 ? {} : { zOrderBy }),
            ...(partitionFilter === undefined ? {} : { partitionFilter }),
            ...(predicateText === undefined ? {} : { predicateText }),
          });
          break;
        }
        case 'vacuum': {
          const check = session.settings?.get(RETENTION_CHECK) ?? session.settings?.get(RETENTION_CHECK.toLowerCase());
          r = await vacuumResult(table, {
            ...(p.retainHours === undefined ? {} : { retentionHours: p.retainHours }),
            dryRun: p.dryRun,
            retentionCheck: check === undefined ? true : !['false', 'off', '0', 'no'].includes(check.toLowerCase()),
          });
          break;
        }
      }
      const outcome: WriteOutcome = { count: r.batch.numRows, result: { schema: r.schema, batches: [r.batch] } };
      return outcome;
    },
  };
}

async function partitionColumnsOf(_schema: arrow.Schema, table: { latest(): Promise<{ partitionColumns: readonly string[] }> }): Promise<string[]> {
  return [...(await table.latest()).partitionColumns];
}

/**
 * OPTIMIZE … WHERE: a predicate over partition columns only (Delta refuses others), evaluated
 * once per file on a one-row batch of its partition values.
 */
function partitionPredicate(p: ParsedOptimize, catalog: Catalog, session: WriteSession, schema: arrow.Schema, partitionColumns: readonly string[]) {
  const fields = partitionColumns.map((name) => schema.fields.find((f) => f.name === name) as arrow.Field);
  const ctx = bindContext(p, catalog, session);
  const columns = schema.fields.map((f, index) => ({ qualifier: undefined, name: f.name, type: f.type, index }));
  const expr = new ExprBinder(ctx, new Scope(columns, []), { clause: 'OPTIMIZE WHERE' }).bind(p.where as NonNullable<typeof p.where>);
  const used = new Set<number>();
  const visit = (e: unknown): void => {
    if (e === null || typeof e !== 'object') return;
    const o = e as Record<string, unknown>;
    if (o.kind === 'ColumnRef' && typeof o.index === 'number') used.add(o.index);
    for (const v of Object.values(o)) if (typeof v === 'object') visit(v);
  };
  visit(expr);
  for (const i of used) {
    const f = schema.fields[i] as arrow.Field;
    if (!partitionColumns.includes(f.name)) {
      throw SqlError.invalidParameter(`Predicate references non-partition column '${f.name}'. Only the partition columns may be referenced: [${partitionColumns.join(', ')}]`);
    }
  }
  const physical = lowerExpr(expr);
  const batchSchema = new arrow.Schema(schema.fields.map((f) => f.clone({ nullable: true })));
  return (values: Readonly<Record<string, string | null>>): boolean => {
    const data = schema.fields.map((f) => {
      const raw = fields.includes(f) ? (values[f.name] ?? null) : null;
      return dataFromValues(f.type, [raw === null || raw === '' ? null : parseText(raw, f.type)]);
    });
    const result = physical.evaluate(makeBatch(batchSchema, data, 1));
    const valid = validityBytes(result);
    return boolBytes(result)[0] === 1 && (valid === null || valid[0] === 1);
  };
}
