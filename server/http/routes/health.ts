import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../context.js';

/** `GET /healthz` (liveness: the process answers) and `GET /metrics` (Prometheus text format). */
export function registerHealthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return ctx.metrics.render();
  });
}
