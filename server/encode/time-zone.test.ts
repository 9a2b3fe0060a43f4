import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { CORPUS_DIR } from '../../storage/testing/corpus.js';
import { Session } from '../session.js';
import { ENCODERS } from './index.js';
import { formatOffset, TimeZone } from '../../common/time/time-zone.js';

async function text(generator: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const chunk of generator) out += chunk;
  return out;
}

describe('TimeZone', () => {
  it('knows tz database names case-insensitively and refuses others', () => {
    expect(TimeZone.named('america/new_york')?.name).toBe('America/New_York');
    expect(TimeZone.named('UTC')?.isUtc).toBe(true);
    expect(TimeZone.named('Nowhere/Land')).toBeUndefined();
  });

  it('gives the offset at each instant, DST and local mean time included', () => {
    const ny = TimeZone.named('America/New_York')!;
    expect(ny.offsetSeconds(Date.UTC(2021, 2, 14, 6, 59, 59) * 1000)).toBe(-5 * 3600);
    expect(ny.offsetSeconds(BigInt(Date.UTC(2021, 2, 14, 7, 0, 0)) * 1000n)).toBe(-4 * 3600);
    expect(ny.offsetSeconds(Date.UTC(1850, 0, 1) * 1000)).toBe(-(4 * 3600 + 56 * 60 + 2));
    expect([0, -18000, 19800, -17762, 37800].map(formatOffset)).toEqual(['+00', '-05', '+05:30', '-04:56:02', '+10:30']);
  });
});

describe('the csv and table encoders', () => {
  it('show timestamptz in the session\'s TimeZone; json stays UTC', async () => {
    const session = new Session(new Warehouse(CORPUS_DIR));
    await session.execute("SET TimeZone = 'Asia/Kolkata'");
    const sql = "SELECT timestamptz '2021-01-01 10:00:00+00' AS t";
    expect(await text(ENCODERS.csv(await session.execute(sql)))).toBe('t\r\n2021-01-01 15:30:00+05:30\r\n');
    expect(await text(ENCODERS.table(await session.execute(sql)))).toContain(' 2021-01-01 15:30:00+05:30');
    expect(await text(ENCODERS.json(await session.execute(sql)))).toMatch(/"2021-01-01T10:00:00(\.0+)?Z"/);
  });
});
