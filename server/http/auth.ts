import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/** Paths anyone may load: the console's static files (the page asks for the token itself) and the health check. */
const PUBLIC = /^\/(?:$|console\/|healthz$|favicon\.ico$)/;

/**
 * The HTTP API's access rule (PRODUCT.md, `--http-token`): with a token, every API request needs
 * `Authorization: Bearer <token>` (401 `28000` otherwise, compared in constant time); without
 * one, only loopback clients are served (403 `28000` for any other address), so a server started
 * without a token is never an open door on the network.
 */
export function checkAccess(request: FastifyRequest, token: string | undefined): void {
  if (token === undefined) {
    if (!isLoopback(request.socket.remoteAddress)) {
      throw new HttpError(403, '28000', 'this server accepts HTTP clients from loopback only; start it with --http-token to allow others');
    }
    return;
  }
  if (PUBLIC.test(request.url.split('?')[0] ?? '')) return;
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match || !sameSecret(match[1]!.trim(), token)) throw new HttpError(401, '28000', 'a valid "Authorization: Bearer <token>" header is required');
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
