import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, CORPUS, ensureBuilt, runCli } from '../testing/cli.js';

// `deltasql serve` as a user runs it: the real bin, a real port, a real client, then SIGTERM.

beforeAll(() => ensureBuilt());

describe('deltasql serve', () => {
  it('prints its addresses, answers PostgreSQL and HTTP clients, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--warehouse', CORPUS, '--pg-port', '0', '--http-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const match = /^deltasql serving .*: PostgreSQL on 127\.0\.0\.1:(\d+) \(trust, loopback only\), HTTP on http:\/\/127\.0\.0\.1:(\d+)\/ \(loopback only\)\n$/.exec(stdout);
    expect(match, stdout).not.toBeNull();
    const client = new pg.Client({ host: '127.0.0.1', port: Number(match![1]), user: 'u', database: 'd' });
    await client.connect();
    expect((await client.query('SELECT count(*) AS n FROM simple_table')).rows).toEqual([{ n: '3' }]);
    await client.end();
    const http = await fetch(`http://127.0.0.1:${match![2]}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM simple_table' }) });
    expect(await http.json()).toEqual({ columns: [{ name: 'n', type: 'int8' }], rows: [[3]], rowCount: 1 });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 60_000);

  it('with --users, takes those users\' passwords over PostgreSQL (SCRAM) and HTTP Basic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltasql-users-'));
    writeFileSync(join(dir, 'users'), '# who may connect\nana:s3cret\n');
    const child = spawn(process.execPath, [BIN, 'serve', '--warehouse', CORPUS, '--pg-port', '0', '--http-port', '0', '--users', join(dir, 'users')], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const match = /PostgreSQL on 127\.0\.0\.1:(\d+) \(password\), HTTP on http:\/\/127\.0\.0\.1:(\d+)\/ \(users' passwords\)\n$/.exec(stdout);
      expect(match, stdout).not.toBeNull();
      const client = new pg.Client({ host: '127.0.0.1', port: Number(match![1]), user: 'ana', password: 's3cret', database: 'd' });
      await client.connect();
      expect((await client.query('SELECT current_user AS u')).rows).toEqual([{ u: 'ana' }]);
      await client.end();
      const url = `http://127.0.0.1:${match![2]}/v1/query`;
      const body = JSON.stringify({ sql: 'SELECT count(*) AS n FROM simple_table' });
      const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from('ana:s3cret').toString('base64') }, body });
      expect(await ok.json()).toEqual({ columns: [{ name: 'n', type: 'int8' }], rows: [[3]], rowCount: 1 });
      // Loopback is no longer enough once passwords are configured.
      expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses bad options with one line and exit status 2', async () => {
    const r = await runCli(['serve', '--warehouse', CORPUS, '--pg-port', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ERROR:  --pg-port must be a port number, not "x" (see "deltasql --help")\n');
    const http = await runCli(['serve', '--warehouse', CORPUS, '--http-port', '70000']);
    expect(http.code).toBe(2);
    expect(http.stderr).toBe('ERROR:  --http-port must be a port number, not "70000" (see "deltasql --help")\n');
    const both = await runCli(['serve', '--warehouse', CORPUS, '--password', 'a', '--users', '/nope']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('ERROR:  --password and --users cannot be used together (see "deltasql --help")\n');
  });
});
