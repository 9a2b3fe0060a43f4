import * as arrow from 'apache-arrow';
import { MemoryCatalog } from './memory-catalog.js';

/**
 * The `prices` table used across planner tests; the same rows exist in the PostgreSQL 15 oracle
 * as `create table prices(ticker text, close numeric(10,2), vol bigint, d date, ts timestamptz,
 * flag boolean)`, so expected results are PostgreSQL's output. Batches of 2 rows, so sort, limit
 * and filter see several batches. Version 0 has the first two rows only (time travel).
 */
export function pricesCatalog(): MemoryCatalog {
  const catalog = new MemoryCatalog();
  const day = (iso: string) => Math.round(Date.parse(iso) / 86_400_000);
  const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;
  const rows = [
    ['AAPL', 12345n, 100n, day('2021-01-01'), micros('2021-01-01T10:00:00Z'), true],
    ['MSFT', 20000n, null, day('2021-01-02'), micros('2021-01-02T00:00:00Z'), false],
    [null, 9999n, 300n, day('2021-01-03'), null, null],
    ['GOOG', null, 50n, null, micros('2021-01-01T09:59:59.999Z') + 999n, true],
    ['aapl', 12345n, 7n, day('2021-01-05'), micros('2021-01-05T00:00:00Z'), false],
    ['Zeta', -550n, -2n, day('2020-12-31'), micros('2020-12-31T23:59:59Z'), null],
  ] as const;
  const columns = (n: number) => [
    { name: 'ticker', type: new arrow.Utf8(), values: rows.slice(0, n).map((r) => r[0]) },
    { name: 'close', type: new arrow.Decimal(2, 10, 128), values: rows.slice(0, n).map((r) => r[1]) },
    { name: 'vol', type: new arrow.Int64(), values: rows.slice(0, n).map((r) => r[2]) },
    { name: 'd', type: new arrow.DateDay(), values: rows.slice(0, n).map((r) => r[3]) },
    { name: 'ts', type: new arrow.TimestampMicrosecond('UTC'), values: rows.slice(0, n).map((r) => r[4]) },
    { name: 'flag', type: new arrow.Bool(), values: rows.slice(0, n).map((r) => r[5]) },
  ];
  catalog.add('prices', columns(2), { batchRows: 2, timestamp: Date.parse('2021-06-01T00:00:00Z') });
  catalog.add('prices', columns(6), { batchRows: 2, timestamp: Date.parse('2021-06-02T00:00:00Z') });

  const params = new arrow.Struct([new arrow.Field('device_id', new arrow.Utf8(), true), new arrow.Field('amount', new arrow.Float64(), true)]);
  catalog.add('Events', [
    { name: 'eventName', type: new arrow.Utf8(), values: ['purchase', 'login', 'purchase', 'logout'] },
    { name: 'eventParams', type: params, values: [{ device_id: 'd1', amount: 9.5 }, { device_id: 'd2', amount: null }, null, { device_id: 'd1', amount: 1 }] },
    { name: 'My Col', type: new arrow.Int32(), values: [1, 2, 3, 4] },
  ], { batchRows: 3 });
  catalog.add('/data/tables/stocks', [{ name: 'x', type: new arrow.Int32(), values: [10, 20] }]);
  return catalog;
}
