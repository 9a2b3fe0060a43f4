import { describe, expect, it } from 'vitest';
import { batchOf, schemaOf } from './testing/batches.js';
import { encodeLogPath, escapePathName, formatDecimal, partitionFolder, partitionValues } from './partition-path.js';

describe('partition values as Delta writes them (reference/delta-protocol.md §3)', () => {
  it('numbers as printed, dates, booleans, timestamps in the Z form, decimals exact, empty string as null', () => {
    const schema = schemaOf({ i: 'integer', l: 'long', f: 'double', b: 'boolean', d: 'date', t: 'timestamp', n: 'timestamp_ntz', x: 'decimal(10,3)', s: 'string' });
    const batch = batchOf(schema, [{ i: -4, l: 9007199254740993n, f: 1, b: false, d: 19782, t: 1_709_210_096_000_001n, n: 0n, x: -5n, s: '' }]);
    const values = schema.fields.map((field, k) => partitionValues(batch.data.children[k] as never, field.type)[0]);
    expect(values).toEqual(['-4', '9007199254740993', '1.0', 'false', '2024-02-29', '2024-02-29T12:34:56.000001Z', '1970-01-01 00:00:00.000000', '-0.005', null]);
  });

  it('folders escape as Hive does and add.path is the folder URL-encoded once', () => {
    expect(escapePathName('a b:c/d=e%f')).toBe('a b%3Ac%2Fd%3De%25f');
    expect(partitionFolder(['x', 'y'], { x: '1', y: null })).toBe('x=1/y=__HIVE_DEFAULT_PARTITION__/');
    expect(encodeLogPath('x=a%3Ab/part-0.parquet')).toBe('x=a%253Ab/part-0.parquet');
    expect(formatDecimal(12345n, 2)).toBe('123.45');
    expect(formatDecimal(-1n, 0)).toBe('-1');
  });
});
