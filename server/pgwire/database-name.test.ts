import { describe, expect, it } from 'vitest';
import { useServerAndOracle } from '../pgcatalog/testing/server-and-oracle.js';
import { runPsql } from './testing/psql.js';

// The StartupMessage's `database`: every name serves the same warehouse, and the session answers
// the one it was given, as PostgreSQL does (psql 15 against deltasql and a real PostgreSQL 15).

const pg = useServerAndOracle(['CREATE DATABASE analytics']);

describe('the database a client connects to', () => {
  it('is what current_database() answers, and what \\l lists, as in PostgreSQL', async () => {
    const script = 'SELECT current_database(), current_catalog;\nSELECT datname FROM pg_database WHERE datname = current_database();\n\\l analytics\n';
    const ours = await runPsql(pg.server.port, [], { input: script, user: 'postgres', database: 'analytics' });
    const postgres = pg.oracle.psql('analytics', [], script);
    expect(ours.stderr).toBe('');
    expect(ours.stdout).toContain(' analytics        | analytics\n');
    expect(ours.stdout).toBe(postgres.stdout);
  });

  it('is named by \\conninfo, and defaults to the user name', async () => {
    const named = await runPsql(pg.server.port, ['-c', '\\conninfo'], { database: 'sales' });
    expect(named.stdout).toBe(`You are connected to database "sales" as user "tester" on host "127.0.0.1" at port "${pg.server.port}".\n`);
    // libpq always sends a database; with PGDATABASE unset and no -d it sends the user name.
    const other = await runPsql(pg.server.port, ['-At', '-c', 'SELECT current_database()'], { user: 'alice', database: '' });
    expect(other.stdout).toBe('alice\n');
  });
});
