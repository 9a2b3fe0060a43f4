import type { FastifyInstance } from 'fastify';
import { SqlError } from '../../../common/sql-error.js';
import { readHistory } from '../../../storage/log/history.js';
import { deltaSchemaToArrow } from '../../../storage/schema/arrow.js';
import { estimateRows } from '../../../storage/scan/prune.js';
import { typeToString } from '../../../storage/schema/types.js';
import type { Snapshot } from '../../../storage/snapshot/snapshot.js';
import type { Warehouse } from '../../../storage/warehouse.js';
import { pgTypeName } from '../../encode/index.js';
import type { HttpContext } from '../context.js';
import { HttpError } from '../errors.js';

/**
 * The table browser: `GET /v1/tables` (every table with its columns, for the console's sidebar),
 * `GET /v1/tables/:name` (schema, partitioning, version, files, rows, size) and
 * `GET /v1/tables/:name/history?limit=N` (commitInfo per version, newest first). `:name` is
 * `table` or `schema.table`, as in SQL. Tables are read fresh from the log on every request.
 */
export function registerTableRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const warehouseOf = (): Warehouse => {
    if (!ctx.warehouse) throw new HttpError(404, '42P01', 'this server has no warehouse to browse');
    return ctx.warehouse;
  };

  app.get('/v1/tables', async () => {
    const warehouse = warehouseOf();
    const tables = [];
    for (const t of await warehouse.listTables()) {
      const ref = { kind: 'named' as const, schema: t.schema, name: t.name };
      try {
        const snapshot = await (await warehouse.openTable(ref)).latest();
        tables.push({ schema: t.schema, name: t.name, version: snapshot.version, columns: columnsOf(snapshot), partitionColumns: snapshot.partitionColumns });
      } catch (err) {
        // One unreadable table must not hide the others: list it with its error.
        const e = SqlError.from(err);
        tables.push({ schema: t.schema, name: t.name, error: { code: e.sqlstate, message: e.message } });
      }
    }
    return { tables };
  });

  app.get('/v1/tables/:name', async (request) => {
    const { name } = request.params as { name: string };
    const table = await warehouseOf().openTable(referenceOf(name));
    const snapshot = await table.latest();
    const files = snapshot.files;
    return {
      name: snapshot.tableName,
      location: snapshot.tableRoot,
      version: snapshot.version,
      columns: columnsOf(snapshot),
      partitionColumns: snapshot.partitionColumns,
      files: files.length,
      rowCount: estimateRows(files) ?? null,
      sizeBytes: files.reduce((n, f) => n + f.size, 0),
      protocol: snapshot.protocol,
      configuration: snapshot.configuration,
      ...(snapshot.metadata.description === undefined ? {} : { description: snapshot.metadata.description }),
    };
  });

  app.get('/v1/tables/:name/history', async (request) => {
    const { name } = request.params as { name: string };
    const { limit } = request.query as { limit?: string };
    const n = limit === undefined ? undefined : Number(limit);
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 1)) throw new HttpError(400, '22023', '"limit" must be a positive integer');
    const table = await warehouseOf().openTable(referenceOf(name));
    const history = await readHistory(table, n === undefined ? {} : { limit: n });
    return { history: history.map((h) => ({ ...h, timestamp: new Date(h.timestamp).toISOString() })) };
  });
}

/** `t` or `schema.t` (a dot inside a table name is not supported here; use SQL for those). */
function referenceOf(name: string) {
  const dot = name.indexOf('.');
  return dot < 0 ? { kind: 'named' as const, name } : { kind: 'named' as const, schema: name.slice(0, dot), name: name.slice(dot + 1) };
}

function columnsOf(snapshot: Snapshot) {
  const arrowSchema = deltaSchemaToArrow(snapshot.schema);
  return snapshot.schema.fields.map((f, i) => ({
    name: f.name,
    type: pgTypeName(arrowSchema.fields[i]!.type),
    deltaType: typeToString(f.type),
    nullable: f.nullable,
  }));
}
