import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { atTimeZone } from './time-zone.js';

const TZ = new arrow.TimestampMicrosecond('UTC');
const NTZ = new arrow.TimestampMicrosecond(null);
const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;
const column = (type: arrow.DataType, values: bigint[]) => arrow.makeData({ type, length: values.length, data: BigInt64Array.from(values) } as never) as arrow.Data;
const zone = (name: string, length: number) => arrow.vectorFromArray(Array.from({ length }, () => name), new arrow.Utf8()).data[0];
const iso = (v: bigint) => new Date(Number(v / 1000n)).toISOString().slice(0, 19);

describe('atTimeZone', () => {
  it('reads every hour of a year in New York and back, across both DST changes', () => {
    const start = micros('2024-01-01T00:00:00Z');
    const hours = Array.from({ length: 366 * 24 }, (_, h) => start + BigInt(h) * 3_600_000_000n);
    const wall = atTimeZone(column(TZ, hours), zone('America/New_York', hours.length), NTZ);
    const walls = wall.values as BigInt64Array;
    expect(iso(walls[0])).toBe('2023-12-31T19:00:00'); // EST, UTC-5
    expect(iso(walls[hours.indexOf(micros('2024-07-01T12:00:00Z'))])).toBe('2024-07-01T08:00:00'); // EDT, UTC-4
    // Every instant maps back to itself: wall times that occur twice resolve to the later instant,
    // so only the first hour of each November repeat differs.
    const back = atTimeZone(column(NTZ, [...walls]), zone('America/New_York', hours.length), TZ).values as BigInt64Array;
    const differing = hours.filter((h, i) => back[i] !== h).map((h) => new Date(Number(h / 1000n)).toISOString());
    expect(differing).toEqual(['2024-11-03T05:00:00.000Z']);
  });

  it('keeps NULLs and refuses an unknown zone with 22023', () => {
    const data = arrow.makeData({ type: TZ, length: 2, nullCount: 1, nullBitmap: Uint8Array.of(0b01), data: BigInt64Array.of(0n, 0n) } as never) as arrow.Data;
    const out = atTimeZone(data, zone('Asia/Kolkata', 2), NTZ);
    expect(out.getValid(1)).toBe(false);
    expect(iso((out.values as BigInt64Array)[0])).toBe('1970-01-01T05:30:00');
    expect(() => atTimeZone(data, zone('Mars/Olympus', 2), NTZ)).toThrow(expect.objectContaining({ sqlstate: '22023', message: 'time zone "Mars/Olympus" not recognized' }));
  });
});
