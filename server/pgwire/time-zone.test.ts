import { describe, expect, it } from 'vitest';
import { useServerAndOracle } from '../pgcatalog/testing/server-and-oracle.js';
import { runPsql } from './testing/psql.js';

// `SET TimeZone` and timestamptz text output: psql 15 against a real listening deltasql and
// against a real PostgreSQL 15 running the same script; the outputs must be identical.

/** Instants around DST transitions (New York, London, Lord Howe's 30-minute shift), local mean time, far future, fractions. */
const INSTANTS = [
  '2021-03-14 06:59:59.5+00', '2021-03-14 07:00:00+00', '2021-11-07 05:59:59+00', '2021-11-07 06:00:00+00',
  '2021-03-28 00:59:59+00', '2021-03-28 01:00:00+00', '2021-10-02 15:30:00+00', '2021-04-03 14:59:59+00',
  '1850-01-01 00:00:00+00', '1900-06-15 12:34:56.123456+00', '1970-01-01 00:00:00+00', '2100-07-01 00:00:00+00',
];
const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kathmandu', 'GMT-05:00', 'UTC+3', 'GMT+5:30'];
const VALUES = `(VALUES ${INSTANTS.map((t, i) => `(${i + 1}, timestamptz '${t}')`).join(', ')}) v(i, t)`;

const pg = useServerAndOracle();

describe('timestamptz text output follows the session TimeZone, as PostgreSQL 15 prints it', () => {
  it.each(ZONES)('SET TimeZone = %s', async (zone) => {
    const script = `SET TimeZone = '${zone}';\nSHOW TimeZone;\nSELECT i, t, ARRAY[t] AS a FROM ${VALUES} ORDER BY i;\nCOPY (SELECT t FROM ${VALUES} ORDER BY i) TO STDOUT;\n`;
    const ours = await runPsql(pg.server.port, [], { input: script, env: { PGTZ: 'UTC' } });
    const postgres = pg.oracle.psql('postgres', [], script);
    expect(ours.stderr).toBe('');
    expect(ours.stdout).toBe(postgres.stdout);
  });
});

describe('the TimeZone setting', () => {
  it('comes from the startup packet (libpq\'s PGTZ), accepts SET TIME ZONE and refuses unknown zones with 22023', async () => {
    const script = `SHOW TimeZone;\nSELECT timestamptz '2021-07-01 12:00:00+00' AS t;\nSET TIME ZONE 'europe/paris';\nSHOW TimeZone;\nSELECT timestamptz '2021-07-01 12:00:00+00' AS t;\nSET TimeZone = 'Nowhere/Land';\nSHOW TimeZone;\n`;
    const ours = await runPsql(pg.server.port, [], { input: script, env: { PGTZ: 'America/New_York' } });
    const postgres = pg.oracle.psqlWithEnv('postgres', script, { PGTZ: 'America/New_York' });
    expect(ours.stdout).toContain('2021-07-01 08:00:00-04');
    expect(ours.stdout).toContain('2021-07-01 14:00:00+02');
    expect(ours.stderr).toBe('ERROR:  invalid value for parameter "TimeZone": "Nowhere/Land"\n');
    expect(ours.stdout).toBe(postgres.stdout);
    expect(ours.stderr).toBe(postgres.stderr);
  });
});
