import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { SqlError } from '../../../common/sql-error.js';
import { Session } from '../../session.js';
import { authenticatedUser } from '../auth.js';
import type { HttpContext } from '../context.js';
import { errorBody, httpStatusFor, HttpError } from '../errors.js';
import { etagMatches, queryEtag } from '../etag.js';
import { formatFromAccept, MEDIA_TYPES } from '../negotiate.js';
import { parseParams, type JsonParam } from '../params.js';
import { trackReads } from '../read-tracking.js';
import { countRows, pullFirst, resultBody } from '../result-body.js';
import { sendStream } from '../send-stream.js';

/** Statements `GET /v1/query` runs: reads only, since GETs are cached and replayed by proxies. */
const READ_ONLY = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(select|with|values|table|explain|show|describe|desc)\b/i;

/**
 * `POST /v1/query` `{"sql", "params"}` and `GET /v1/query?sql=…` (read-only, with an ETag).
 * Each request runs in its own `Session` over a read-tracking view of the catalog; the result
 * streams in the `Accept:`ed format from an async generator written with backpressure
 * (send-stream.ts), so a slow reader holds the engine back instead of filling memory. A client that
 * goes away aborts the statement's signal: the plan stops at its next batch.
 */
export function registerQueryRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.post('/v1/query', async (request, reply) => {
    const body = request.body as { sql?: unknown; params?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.sql !== 'string') {
      throw new HttpError(400, '08P01', 'the request body must be a JSON object with a "sql" string');
    }
    return runQuery(ctx, request, reply, body.sql, parseParams(body.params), false);
  });

  app.get('/v1/query', async (request, reply) => {
    const { sql } = request.query as { sql?: unknown };
    if (typeof sql !== 'string' || sql.trim() === '') throw new HttpError(400, '08P01', 'the "sql" query parameter is required');
    if (!READ_ONLY.test(sql)) {
      reply.header('allow', 'POST');
      throw new HttpError(405, '25006', 'GET /v1/query runs only read-only statements (SELECT, WITH, VALUES, EXPLAIN…); use POST');
    }
    return runQuery(ctx, request, reply, sql, [], true);
  });
}

async function runQuery(ctx: HttpContext, request: FastifyRequest, reply: FastifyReply, sql: string, params: readonly JsonParam[], cacheable: boolean) {
  const format = formatFromAccept(request.headers.accept);
  const { metrics } = ctx;
  const controller = new AbortController();
  const started = performance.now();
  let ended = false;
  /** Records the statement's end once: with the SQLSTATE that stopped it, or none on success. */
  const end = (sqlstate?: string) => {
    if (ended) return;
    ended = true;
    metrics.queryEnded((performance.now() - started) / 1000, sqlstate);
    if (sqlstate === '57014' && controller.signal.aborted) request.log.info({ statusCode: 499 }, 'client closed the request; statement cancelled');
  };
  // The response closes before it finished only when the client went away: stop the statement.
  // `end` is called by whoever sees the end first: the body's finally, or this fallback for a
  // client that left before the body generator ever started.
  reply.raw.on('close', () => {
    if (reply.raw.writableFinished) return end();
    controller.abort();
    end('57014');
  });
  metrics.queryStarted(format);
  let rowsSent = 0;
  try {
    const tracked = trackReads(ctx.catalog, (bytes) => (metrics.scanBytes += bytes));
    const user = authenticatedUser(request);
    const session = new Session(tracked.catalog, new Map(user === undefined ? [] : [['session_authorization', user]]));
    const result = await session.execute(sql, { signal: controller.signal, params });
    reply.header('vary', 'accept');
    reply.header('x-deltasql-command', result.commandTag);
    // POST answers carry the tag too, so a client can go on to poll with a conditional GET.
    const etag = queryEtag(sql, format, tracked.reads);
    reply.header('etag', etag);
    if (cacheable) {
      reply.header('cache-control', 'no-cache');
      // 304, or HEAD (fastify routes it here): the headers say all; the plan never runs.
      const notModified = etagMatches(request.headers['if-none-match'], etag);
      if (notModified || request.method === 'HEAD') {
        await result.batches[Symbol.asyncIterator]().return?.();
        end();
        return reply.code(notModified ? 304 : 200).header('content-type', MEDIA_TYPES[format]).send();
      }
    }
    const counted = countRows(result.batches, (rows) => {
      rowsSent += rows;
      metrics.resultRows += rows;
    });
    const batches = await pullFirst(counted);
    const body = resultBody(format, { schema: result.schema, batches, commandTag: result.commandTag }, () => rowsSent, end);
    reply.code(200).header('content-type', MEDIA_TYPES[format]);
    // The status line is decided; from here on the body streams by hand (send-stream.ts).
    reply.hijack();
    reply.raw.writeHead(200, reply.getHeaders() as OutgoingHttpHeaders);
    await sendStream(reply.raw, body);
    return reply;
  } catch (err) {
    const failure = err instanceof HttpError ? err : SqlError.from(err);
    end(failure instanceof HttpError ? failure.code : failure.sqlstate);
    throw failure;
  }
}

/** Renders any error a route throws as `{"error":…}` with the status its SQLSTATE maps to. */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof HttpError) return reply.code(err.status).headers(err.headers).send({ error: { code: err.code, message: err.message } });
  const body = errorBody(err);
  return reply.code(httpStatusFor(body.error.code)).send(body);
}
