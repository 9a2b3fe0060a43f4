import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { CORPUS } from '../testing/cli.js';
import { isLoopback, parseUsersFile, type AuthConfig } from './auth.js';
import { runPsql, type PsqlRun } from './testing/psql.js';
import { startPgServer, type PgServer } from './server.js';

// Password authentication and TLS against real listening servers, with pg and psql 15.

const servers: PgServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serve(auth?: AuthConfig, tls?: { cert: Buffer; key: Buffer }): Promise<PgServer> {
  const s = await startPgServer({ catalog: new Warehouse(CORPUS), port: 0, ...(auth === undefined ? {} : { auth }), ...(tls === undefined ? {} : { tls }) });
  servers.push(s);
  return s;
}

async function query(port: number, user: string, password: string | undefined, ssl?: object): Promise<unknown> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, database: 'w', ...(password === undefined ? {} : { password }), ...(ssl === undefined ? {} : { ssl }) });
  await c.connect();
  try {
    return (await c.query('SELECT 1 AS one')).rows;
  } finally {
    await c.end();
  }
}

function psql(port: number, args: string[], env: Record<string, string>): Promise<PsqlRun> {
  return runPsql(port, ['-w', ...args], { user: 'alice', database: 'w', env });
}

describe('password authentication', () => {
  it('SCRAM-SHA-256 (the default) with pg and with psql using PGPASSWORD', async () => {
    const s = await serve({ password: 's3cret' });
    expect(await query(s.port, 'alice', 's3cret')).toEqual([{ one: 1 }]);
    const r = await psql(s.port, ['-At', '-c', 'SELECT 42'], { PGPASSWORD: 's3cret' });
    expect(r).toMatchObject({ stdout: '42\n', status: 0 });
  });

  it('a wrong password is 28P01, for pg and psql', async () => {
    const s = await serve({ password: 's3cret' });
    await expect(query(s.port, 'alice', 'nope')).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "alice"' });
    const r = await psql(s.port, ['-c', 'SELECT 1'], { PGPASSWORD: 'nope' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('FATAL:  password authentication failed for user "alice"');
  });

  it('md5 and cleartext when configured', async () => {
    const md5 = await serve({ password: 'pw', method: 'md5' });
    expect(await query(md5.port, 'bob', 'pw')).toEqual([{ one: 1 }]);
    await expect(query(md5.port, 'bob', 'px')).rejects.toMatchObject({ code: '28P01' });
    const clear = await serve({ password: 'pw', method: 'password' });
    expect(await query(clear.port, 'bob', 'pw')).toEqual([{ one: 1 }]);
    await expect(query(clear.port, 'bob', 'px')).rejects.toMatchObject({ code: '28P01' });
  });

  it('a users file gives each user a password; unknown users fail like wrong passwords', async () => {
    const users = parseUsersFile('# team\nalice:a-pass\nbob:b:pass\n\n');
    expect([...users]).toEqual([['alice', 'a-pass'], ['bob', 'b:pass']]);
    const s = await serve({ users });
    expect(await query(s.port, 'bob', 'b:pass')).toEqual([{ one: 1 }]);
    await expect(query(s.port, 'alice', 'b:pass')).rejects.toMatchObject({ code: '28P01' });
    await expect(query(s.port, 'mallory', 'x')).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "mallory"' });
  });

  it('without a password a client on a non-loopback address is refused with 28000', async () => {
    const external = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
    if (external === undefined) return; // no non-loopback interface on this machine
    const s = await startPgServer({ catalog: new Warehouse(CORPUS), port: 0, host: '0.0.0.0' });
    servers.push(s);
    const c = new pg.Client({ host: external, port: s.port, user: 'eve', database: 'w' });
    await expect(c.connect()).rejects.toMatchObject({ code: '28000', message: `no password is configured, so only loopback clients may connect (host "${external}", user "eve")` });
    expect(await query(s.port, 'eve', undefined)).toEqual([{ one: 1 }]); // loopback still trusted
  });

  it('without a password only loopback clients are trusted', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.1.2.3')).toBe(false);
    expect(isLoopback('::ffff:192.168.0.2')).toBe(false);
  });
});

describe('TLS', () => {
  it('upgrades on SSLRequest with a self-signed certificate (psql sslmode=require, pg ssl)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deltasql-tls-'));
    dirs.push(dir);
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const s = await serve({ password: 'tls-pw' }, { cert: readFileSync(cert), key: readFileSync(key) });
    const r = await psql(s.port, ['-At', '-c', 'SELECT 7'], { PGPASSWORD: 'tls-pw', PGSSLMODE: 'require' });
    expect(r.stdout).toBe('7\n');
    expect(await query(s.port, 'alice', 'tls-pw', { rejectUnauthorized: false })).toEqual([{ one: 1 }]);
    // without TLS configured, sslmode=require is refused by the client after our N
    const plain = await serve();
    const refused = await psql(plain.port, ['-c', 'SELECT 1'], { PGSSLMODE: 'require' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('server does not support SSL, but SSL was required');
  });
});
