import { SqlError } from '../../common/sql-error.js';
import { parseTimestamp } from '../../common/time/datetime.js';
import { describeDetailResult, describeHistoryResult, optimizeResult, restoreResult, vacuumResult, type CommandResult } from '../../executor/write/delta-commands.js';
import { catalogListResult, tableInfoResult } from '../../executor/write/table-info.js';
import { isIntrospectable } from '../catalog.js';
import { startOf } from '../binder/bind-expr.js';
import { bindPartitionPredicate } from './partition-predicate.js';
import type { Catalog } from '../catalog.js';
import { bindContext, withPosition, writableCatalog, type PlannedWrite, type WriteOutcome, type WriteSession } from './plan-common.js';
import type { ParsedDescribeDetail, ParsedDescribeHistory, ParsedOptimize, ParsedRestore, ParsedShowCatalog, ParsedTableInfo, ParsedUse, ParsedVacuum } from './statements.js';

/**
 * The Delta commands: storage's commands run, their figures answered as rows in Delta's
 * columns (executor/write/delta-commands.ts). Tag `SELECT n`, as for any statement with rows.
 */
type Command = ParsedDescribeDetail | ParsedDescribeHistory | ParsedRestore | ParsedOptimize | ParsedVacuum | ParsedTableInfo;

const RETENTION_CHECK = 'spark.databricks.delta.retentionDurationCheck.enabled';

export function planDeltaCommand(p: Command, catalog: Catalog, session: WriteSession): PlannedWrite {
  return {
    kind: 'write',
    tag: 'SELECT',
    async run() {
      const wc = writableCatalog(catalog);
      const table = await withPosition(p, p.table.start, () => wc.openTable(p.table.ref));
      let r: CommandResult;
      switch (p.kind) {
        case 'describeDetail':
          r = await describeDetailResult(table);
          break;
        case 'describeHistory':
          r = await describeHistoryResult(table, p.limit);
          break;
        case 'tableInfo':
          r = tableInfoResult(await table.latest(), p.what);
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
          const partitionColumns = [...(await table.latest()).partitionColumns];
          const zOrderBy = p.zOrderBy.map((z) => {
            const f = source.schema.fields.find((x) => x.name.toLowerCase() === z.name.toLowerCase());
            if (f === undefined) throw SqlError.undefinedColumn(z.name, p.source.position(z.start), source.schema.fields.map((x) => x.name));
            if (partitionColumns.includes(f.name)) throw SqlError.invalidParameter(`${f.name} is a partition column; Z-ordering can only be performed on data columns`, p.source.position(z.start));
            return f.name;
          });
          let partitionFilter;
          if (p.where !== undefined) {
            const bound = bindPartitionPredicate(bindContext(p, catalog, session), p.where, source.schema, partitionColumns);
            if (bound.nonPartitionColumn !== undefined) {
              throw SqlError.invalidParameter(`Predicate references non-partition column '${bound.nonPartitionColumn}'. Only the partition columns may be referenced: [${partitionColumns.join(', ')}]`);
            }
            partitionFilter = bound.filter;
          }
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

/**
 * `SHOW TABLES` / `SHOW SCHEMAS`: the catalog's relations as it describes itself (the same list
 * psql's `\dt` reads), Spark's columns. Schema `public` is Spark's `default`; views, all
 * session-scoped, are temporary.
 */
export function planShowCatalog(p: ParsedShowCatalog, catalog: Catalog): PlannedWrite {
  return {
    kind: 'write',
    tag: 'SELECT',
    async run() {
      if (!isIntrospectable(catalog)) throw SqlError.unsupportedFeature(`SHOW ${p.what.toUpperCase()} over this catalog`);
      const { relations } = await catalog.introspect();
      const r = catalogListResult(p.what, relations, p.schema, p.like);
      const outcome: WriteOutcome = { count: r.batch.numRows, result: { schema: r.schema, batches: [r.batch] } };
      return outcome;
    },
  };
}

/**
 * `USE default` (Spark notebooks and dbt start with it): accepted for the one schema there is —
 * `default` (or `public`), and `3F000` for any other.
 */
export function planUse(p: ParsedUse): PlannedWrite {
  return {
    kind: 'write',
    tag: 'USE',
    async run() {
      if (!['default', 'public'].includes(p.schema.toLowerCase())) throw new SqlError('3F000', `schema "${p.schema}" does not exist`, { position: p.source.position(p.start) });
      return {};
    },
  };
}
