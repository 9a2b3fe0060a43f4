import Fastify, { type FastifyInstance } from 'fastify';
import { SqlError } from '../../common/sql-error.js';
import type { Catalog } from '../../planner/catalog.js';
import { Warehouse } from '../../storage/warehouse.js';
import type { AuthConfig } from '../pgwire/auth.js';
import { checkAccess } from './auth.js';
import type { HttpContext } from './context.js';
import { HttpError } from './errors.js';
import { HttpMetrics } from './metrics.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerQueryRoutes, sendError } from './routes/query.js';
import { registerTableRoutes } from './routes/tables.js';

export interface HttpAppOptions {
  /** What statements run against (usually a `Warehouse`). */
  readonly catalog: Catalog;
  /** The warehouse behind `/v1/tables` (default: `catalog` when it is one). */
  readonly warehouse?: Warehouse;
  /** `--http-token`: accepted as a bearer token; without it (and without `auth`) only loopback clients are served. */
  readonly token?: string;
  /** The PostgreSQL server's passwords (`--users`, `--password`): accepted as HTTP Basic auth. */
  readonly auth?: AuthConfig;
  /** Largest request body accepted (default 1 MiB); larger ones get 413. */
  readonly bodyLimit?: number;
  /** fastify's logger option (default off). */
  readonly logger?: boolean;
}

/**
 * The HTTP API and web console (PRODUCT.md "HTTP", issue #6) as a fastify app, not yet
 * listening: `app.inject()` for unit tests, `startHttpServer` to serve it.
 *
 * Every error, the engine's and fastify's own (bad JSON, body too large), answers
 * `{"error":{"code","message","position"}}` with the status of errors.ts.
 */
export function buildHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 1024 * 1024, logger: options.logger ?? false });
  const warehouse = options.warehouse ?? (options.catalog instanceof Warehouse ? options.catalog : undefined);
  const metrics = new HttpMetrics(warehouse ? () => warehouse.cache.stats : undefined);
  const ctx: HttpContext = { catalog: options.catalog, warehouse, metrics };

  app.addHook('onRequest', async (request) => checkAccess(request, { ...(options.token === undefined ? {} : { token: options.token }), ...(options.auth === undefined ? {} : { auth: options.auth }) }));
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof HttpError || err instanceof SqlError) {
      const status = sendError(reply, err).statusCode;
      if (status >= 500) request.log.error({ err }, 'request failed');
      return reply;
    }
    // fastify's own errors carry their status: 413 body too large, 400 malformed JSON, 415…
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = status === 413 ? '54000' : '08P01';
      return reply.code(status).send({ error: { code, message: (err as Error).message } });
    }
    request.log.error({ err }, 'internal error');
    return sendError(reply, err);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { code: '42704', message: `no route ${request.method} ${request.url.split('?')[0]}` } }));

  registerQueryRoutes(app, ctx);
  registerTableRoutes(app, ctx);
  registerHealthRoutes(app, ctx);
  registerConsoleRoutes(app);
  return app;
}
