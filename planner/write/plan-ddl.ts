import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import { runAlterTable, runCreateTable, runDropTable, type AlterRequest } from '../../executor/write/ddl.js';
import { bindQuery } from '../binder/bind-query.js';
import type { Catalog } from '../catalog.js';
import { lower } from '../lower/index.js';
import { optimize } from '../optimizer/index.js';
import { coerce, isUnknownLiteral } from '../types/coerce.js';
import { outputExpr, projectOver } from './assign.js';
import { bindContext, displayName, withPosition, writableCatalog, type PlannedWrite, type WriteSession } from './plan-common.js';
import type { ParsedAlterTable, ParsedCreateTable, ParsedDropTable } from './statements.js';

/** CREATE TABLE (columns, AS SELECT, or LOCATION of an existing table). CTAS answers `SELECT n` as PostgreSQL does. */
export function planCreateTable(p: ParsedCreateTable, catalog: Catalog, session: WriteSession): PlannedWrite {
  return {
    kind: 'write',
    tag: p.query === undefined ? 'CREATE TABLE' : 'SELECT',
    async run(signal) {
      const wc = writableCatalog(catalog);
      let fields: arrow.Field[] | undefined;
      const comments = new Map<string, string>();
      let query: PhysicalOperator | undefined;
      if (p.columns !== undefined) {
        fields = p.columns.map((c) => new arrow.Field(c.name, c.type, c.nullable));
        for (const c of p.columns) if (c.comment !== undefined) comments.set(c.name, c.comment);
      }
      if (p.query !== undefined) {
        const ctx = bindContext(p, catalog, session);
        await ctx.preload(p.query);
        const bound = bindQuery(ctx, p.query);
        ctx.checkAllConsumed();
        const seen = new Set<string>();
        for (const n of bound.names) {
          if (seen.has(n.toLowerCase())) throw new SqlError('42701', `column "${n}" specified more than once`);
          seen.add(n.toLowerCase());
        }
        // An untyped literal column is text, as PostgreSQL's CREATE TABLE AS makes it.
        const exprs = bound.names.map((_, c) => {
          const e = outputExpr(bound.plan, c);
          return isUnknownLiteral(e) ? coerce(e, new arrow.Utf8()) : e;
        });
        query = lower(optimize(projectOver(bound.plan, exprs, bound.names)));
        fields = bound.names.map((n, c) => new arrow.Field(n, (exprs[c] as { type: arrow.DataType }).type, true));
      }
      // PARTITIONED BY names columns case-insensitively; the table records the column's own spelling.
      const partitionColumns = p.partitionedBy.map((col) => {
        if (fields === undefined) throw SqlError.syntax('PARTITIONED BY needs the table\'s columns (a column list or AS query)', p.source.position(col.start));
        const match = fields.find((f) => f.name.toLowerCase() === col.name.toLowerCase());
        if (match === undefined) throw SqlError.undefinedColumn(col.name, p.source.position(col.start), fields.map((f) => f.name));
        return match.name;
      });
      // Partitioning by every column or by a nested one is storage's createTable's 42P16.
      const outcome = await withPosition(p, p.table.start, () =>
        runCreateTable(wc, {
          ref: p.table.ref,
          displayName: displayName(p.table.ref),
          ...(p.location === undefined ? {} : { location: p.location }),
          replace: p.replace,
          ifNotExists: p.ifNotExists,
          ...(fields === undefined ? {} : { fields }),
          comments,
          partitionColumns,
          properties: p.properties,
          ...(p.comment === undefined ? {} : { description: p.comment }),
          ...(query === undefined ? {} : { query }),
        }, signal),
      );
      if (outcome.notice !== undefined) return { notice: outcome.notice, ...(p.query === undefined ? {} : { tag: 'CREATE TABLE AS' }) };
      return p.query === undefined ? {} : { count: outcome.rows ?? 0 };
    },
  };
}

export function planDropTable(p: ParsedDropTable, catalog: Catalog): PlannedWrite {
  return {
    kind: 'write',
    tag: 'DROP TABLE',
    async run() {
      const outcome = await runDropTable(writableCatalog(catalog), p.tables.map((t) => ({ ref: t.ref, displayName: displayName(t.ref) })), p.ifExists);
      return outcome.notice === undefined ? {} : { notice: outcome.notice };
    },
  };
}

export function planAlterTable(p: ParsedAlterTable, catalog: Catalog): PlannedWrite {
  return {
    kind: 'write',
    tag: 'ALTER TABLE',
    async run() {
      const a = p.action;
      const request: AlterRequest =
        a.kind === 'addColumns'
          ? {
              kind: 'addColumns',
              fields: a.columns.map((c) => new arrow.Field(c.name, c.type, c.nullable)),
              comments: new Map(a.columns.flatMap((c) => (c.comment === undefined ? [] : [[c.name, c.comment] as const]))),
            }
          : a;
      try {
        await withPosition(p, p.table.start, () => runAlterTable(writableCatalog(catalog), p.table.ref, displayName(p.table.ref), request));
      } catch (err) {
        if (err instanceof SqlError && err.sqlstate === '42703' && a.kind === 'renameColumn') throw new SqlError(err.sqlstate, err.message, { position: p.source.position(a.start), ...(err.hint === undefined ? {} : { hint: err.hint }) });
        throw err;
      }
      return {};
    },
  };
}
