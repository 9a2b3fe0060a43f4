import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuthConfig } from '../pgwire/auth.js';
import { HttpError } from './errors.js';

/** Paths anyone may load: the console's static files (the page asks for the token itself) and the health check. */
const PUBLIC = /^\/(?:$|console\/|healthz$|favicon\.ico$)/;

/** What a 401 asks for when passwords are configured: browsers and curl then offer Basic auth. */
export const BASIC_CHALLENGE = 'Basic realm="deltasql", charset="UTF-8"';

/** Who may use the HTTP API: `--http-token`, and the pg server's passwords (`--users`, `--password`). */
export interface HttpAccess {
  readonly token?: string;
  readonly auth?: AuthConfig;
}

/** The user a request authenticated as with HTTP Basic (its statements run as that `current_user`). */
const USERS = new WeakMap<FastifyRequest, string>();

export function authenticatedUser(request: FastifyRequest): string | undefined {
  return USERS.get(request);
}

/**
 * The HTTP API's access rule (PRODUCT.md, `--http-token`; issue #6: "or the pg users file"):
 *
 * - with a token and/or passwords, every API request needs `Authorization: Bearer <token>` or
 *   `Authorization: Basic base64(user:password)` checked against the same users file (or single
 *   password) the PostgreSQL server uses; 401 `28000` without valid credentials, `28P01` for a
 *   wrong Basic password, with a `WWW-Authenticate: Basic` challenge when Basic is accepted;
 *   secrets compared in constant time;
 * - with neither, only loopback clients are served (403 `28000` for any other address), so a
 *   server started without credentials is never an open door on the network.
 */
export function checkAccess(request: FastifyRequest, access: HttpAccess): void {
  const { token, auth } = access;
  const basic = auth !== undefined && (auth.users !== undefined || auth.password !== undefined);
  if (token === undefined && !basic) {
    if (!isLoopback(request.socket.remoteAddress)) {
      throw new HttpError(403, '28000', 'this server accepts HTTP clients from loopback only; start it with --http-token to allow others');
    }
    return;
  }
  if (PUBLIC.test(request.url.split('?')[0] ?? '')) return;
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (token !== undefined && bearer !== null && sameSecret(bearer[1]!.trim(), token)) return;
  const challenge: Record<string, string> = basic ? { 'www-authenticate': BASIC_CHALLENGE } : {};
  const credentials = basic ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (credentials !== null) {
    const decoded = Buffer.from(credentials[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      const user = decoded.slice(0, colon);
      const expected = auth?.users !== undefined ? auth.users.get(user) : auth?.password;
      // An unknown user is compared too, so timing does not tell names apart.
      const ok = sameSecret(decoded.slice(colon + 1), expected ?? '\0unknown user\0') && expected !== undefined;
      if (ok) {
        USERS.set(request, user);
        return;
      }
      throw new HttpError(401, '28P01', `password authentication failed for user "${user}"`, challenge);
    }
  }
  const wanted = basic && token !== undefined
    ? 'a valid "Authorization: Basic" (a user of --users) or "Bearer <token>" header is required'
    : basic ? 'a valid "Authorization: Basic" header (a user of --users) is required' : 'a valid "Authorization: Bearer <token>" header is required';
  throw new HttpError(401, '28000', wanted, challenge);
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
