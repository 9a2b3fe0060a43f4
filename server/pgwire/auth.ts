import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SqlError } from '../../common/sql-error.js';
import { encodeAuthenticationCleartext, encodeAuthenticationMd5, encodeAuthenticationSasl, encodeAuthenticationSaslStep } from './backend/session-messages.js';
import { BodyReader } from './frontend/reader.js';

/**
 * Password authentication. With no password configured the server trusts loopback clients only
 * (PostgreSQL's `trust` for local connections); with `password` (any user) or `users`
 * (`user:password` lines) it asks for one: SCRAM-SHA-256 by default, or md5 / cleartext.
 */
export interface AuthConfig {
  /** One password for every user name. */
  readonly password?: string;
  /** Per-user passwords (a users file's `user:password` lines). */
  readonly users?: ReadonlyMap<string, string>;
  readonly method?: 'scram-sha-256' | 'md5' | 'password';
}

/** The wire operations an exchange needs: send a message, wait for the client's next `p` body. */
export interface AuthChannel {
  send(message: Buffer): void;
  nextPassword(): Promise<Buffer>;
}

/** Parses a users file: `user:password` per line; blank lines and `#` comments skipped. */
export function parseUsersFile(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const colon = t.indexOf(':');
    if (colon <= 0) throw new Error(`users file: expected user:password, got "${t}"`);
    users.set(t.slice(0, colon), t.slice(colon + 1));
  }
  return users;
}

export function authRequired(config: AuthConfig | undefined): boolean {
  return config !== undefined && (config.password !== undefined || config.users !== undefined);
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (LOOPBACK.has(address) || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function failed(user: string): SqlError {
  return new SqlError('28P01', `password authentication failed for user "${user}"`);
}

/** Runs the configured exchange for `user`; resolves when the password is right, else throws `28P01`. */
export async function authenticate(config: AuthConfig, user: string, channel: AuthChannel): Promise<void> {
  const expected = config.users !== undefined ? config.users.get(user) : config.password;
  const method = config.method ?? 'scram-sha-256';
  // An unknown user goes through the same exchange (no hint that the name is wrong).
  const secret = expected ?? randomBytes(16).toString('hex');
  let ok: boolean;
  if (method === 'password') {
    channel.send(encodeAuthenticationCleartext());
    ok = equal(new BodyReader(await channel.nextPassword()).cstring(), secret);
  } else if (method === 'md5') {
    const salt = randomBytes(4);
    channel.send(encodeAuthenticationMd5(salt));
    const inner = md5hex(secret + user);
    const want = 'md5' + md5hex(Buffer.concat([Buffer.from(inner), salt]));
    ok = equal(new BodyReader(await channel.nextPassword()).cstring(), want);
  } else {
    ok = await scram(secret, channel);
  }
  if (!ok || expected === undefined) throw failed(user);
}

function md5hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const SCRAM_ITERATIONS = 4096;

/** SCRAM-SHA-256 (RFC 5802/7677) without channel binding, as PostgreSQL does it. */
async function scram(password: string, channel: AuthChannel): Promise<boolean> {
  channel.send(encodeAuthenticationSasl(['SCRAM-SHA-256']));
  const initial = new BodyReader(await channel.nextPassword());
  const mechanism = initial.cstring();
  if (mechanism !== 'SCRAM-SHA-256') throw new SqlError('28000', `client selected an invalid SASL authentication mechanism`);
  const length = initial.int32();
  const clientFirst = initial.bytes(length).toString('utf8');
  const gs2 = /^([ny]|p=[^,]*),[^,]*,/.exec(clientFirst);
  if (gs2 === null || gs2[1]!.startsWith('p')) throw new SqlError('08P01', 'malformed SCRAM message (channel binding is not supported)');
  const clientFirstBare = clientFirst.slice(gs2[0].length);
  const clientNonce = /(?:^|,)r=([^,]+)/.exec(clientFirstBare)?.[1];
  if (clientNonce === undefined) throw new SqlError('08P01', 'malformed SCRAM message (no nonce)');
  const salt = randomBytes(16);
  const nonce = clientNonce + randomBytes(18).toString('base64');
  const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${SCRAM_ITERATIONS}`;
  channel.send(encodeAuthenticationSaslStep(false, serverFirst));
  const clientFinal = (await channel.nextPassword()).toString('utf8');
  const proofAt = clientFinal.lastIndexOf(',p=');
  if (proofAt < 0) throw new SqlError('08P01', 'malformed SCRAM message (no proof)');
  const withoutProof = clientFinal.slice(0, proofAt);
  if (/(?:^|,)r=([^,]+)/.exec(withoutProof)?.[1] !== nonce) throw new SqlError('08P01', 'malformed SCRAM message (nonce mismatch)');
  const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  if (proof.length !== signature.length) return false;
  const recovered = Buffer.alloc(proof.length);
  for (let i = 0; i < proof.length; i++) recovered[i] = proof[i]! ^ signature[i]!;
  if (!timingSafeEqual(createHash('sha256').update(recovered).digest(), storedKey)) return false;
  const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
  channel.send(encodeAuthenticationSaslStep(true, `v=${serverSignature.toString('base64')}`));
  return true;
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
