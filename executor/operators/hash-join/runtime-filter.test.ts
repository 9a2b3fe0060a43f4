import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataFromValues } from '../../arrow/scalar.js';
import { BinaryExpr } from '../../expr/binary.js';
import { ColumnExpr } from '../../expr/column.js';
import { LiteralExpr } from '../../expr/literal.js';
import { FilterExec } from '../filter.js';
import { ProjectExec } from '../project.js';
import { ScanExec, type ScanFilter, type ScanSource } from '../scan.js';
import { HashJoinExec } from './operator.js';
import { filtersForKeys, runtimeFilterTargets } from './runtime-filter.js';
import { collect, MemorySource, schemaOf, sorted } from './test-source.js';

const int = new arrow.Int32();
const date = new arrow.DateDay();

describe('filtersForKeys', () => {
  it('gives the range of integer, date and timestamp keys, NULLs left out', () => {
    expect(filtersForKeys('id', dataFromValues(int, [7, null, -3, 12]))).toEqual([
      { kind: 'compare', column: 'id', op: '>=', value: -3 },
      { kind: 'compare', column: 'id', op: '<=', value: 12 },
    ]);
    expect(filtersForKeys('d', dataFromValues(date, [19_000, 18_500]))).toEqual([
      { kind: 'compare', column: 'd', op: '>=', value: 18_500 },
      { kind: 'compare', column: 'd', op: '<=', value: 19_000 },
    ]);
    const ts = new arrow.TimestampMicrosecond('UTC');
    expect(filtersForKeys('t', dataFromValues(ts, [5n, -(2n ** 40n), 2n ** 53n + 1n]))).toEqual([
      { kind: 'compare', column: 't', op: '>=', value: -(2n ** 40n) },
      { kind: 'compare', column: 't', op: '<=', value: 2n ** 53n + 1n },
    ]);
  });

  it('lists a few strings, and gives up on many of them, on only NULLs and on no keys', () => {
    expect(filtersForKeys('k', dataFromValues(new arrow.Utf8(), ['b', null, 'a']))).toEqual([{ kind: 'in', column: 'k', values: ['b', 'a'] }]);
    expect(filtersForKeys('k', dataFromValues(new arrow.Utf8(), Array.from({ length: 65 }, (_, i) => `v${i}`)))).toEqual([]);
    expect(filtersForKeys('id', dataFromValues(int, [null, null]))).toEqual([]);
    expect(filtersForKeys('id', dataFromValues(int, []))).toEqual([]);
    expect(filtersForKeys('f', dataFromValues(new arrow.Float64(), [1.5]))).toEqual([]);
  });
});

/** A scan source over memory batches that records the filters each scan was asked with. */
class RecordingSource implements ScanSource {
  readonly displayName = 'facts';
  readonly version = 0;
  readonly requests: (readonly ScanFilter[] | undefined)[] = [];
  constructor(private readonly inner: MemorySource) {}
  scan(request: { columns: readonly string[]; filters?: readonly ScanFilter[] }): AsyncIterable<arrow.RecordBatch> {
    this.requests.push(request.filters);
    return this.inner.execute({});
  }
}

describe('HashJoinExec runtime filters', () => {
  const factSchema = schemaOf([['id', int], ['v', int]]);
  const facts = [[1, 10], [5, 50], [9, 90], [null, 0]];
  const dimSchema = schemaOf([['id', int]]);

  function setup(type: 'inner' | 'left' | 'semi', dims: (number | null)[][]) {
    const source = new RecordingSource(new MemorySource(factSchema, facts, 2));
    const scan = new ScanExec(source, ['id', 'v'], factSchema);
    // Filter and a column projection between the join and the scan: the key still traces to `id`.
    const filtered = new FilterExec(scan, new BinaryExpr('>=', new ColumnExpr(1, 'v', int), new LiteralExpr(0, int, '0'), new arrow.Bool()));
    const projected = new ProjectExec(filtered, [new ColumnExpr(1, 'v', int), new ColumnExpr(0, 'id', int)], schemaOf([['v', int], ['id', int]]));
    const join = new HashJoinExec(projected, new MemorySource(dimSchema, dims, 2), [new ColumnExpr(1, 'id', int)], [new ColumnExpr(0, 'id', int)], type);
    return { source, join };
  }

  it('passes the build keys’ range to the probe scan of an inner join, and the answer is unchanged', async () => {
    const { source, join } = setup('inner', [[9], [5], [null], [7]]);
    expect(join.explain()).toBe('HashJoin: type=inner on=[id = id] runtime_filter=[id]');
    expect(sorted((await collect(join)).rows)).toEqual(['50|5|5', '90|9|9']);
    expect(source.requests).toEqual([
      [
        { kind: 'compare', column: 'id', op: '>=', value: 5 },
        { kind: 'compare', column: 'id', op: '<=', value: 9 },
      ],
    ]);
  });

  it('does the same for a semi join, but never for a LEFT join, which must read every probe row', async () => {
    const semi = setup('semi', [[1]]);
    expect((await collect(semi.join)).rows).toEqual(['10|1']);
    expect(semi.source.requests).toEqual([[{ kind: 'compare', column: 'id', op: '>=', value: 1 }, { kind: 'compare', column: 'id', op: '<=', value: 1 }]]);
    const left = setup('left', [[1]]);
    expect(left.join.explain()).toBe('HashJoin: type=left on=[id = id]');
    expect((await collect(left.join)).rows.length).toBe(4);
    expect(left.source.requests).toEqual([undefined]);
  });

  it('finds no target behind a computed key', () => {
    const source = new RecordingSource(new MemorySource(factSchema, facts, 2));
    const scan = new ScanExec(source, ['id', 'v'], factSchema);
    const computed = new ProjectExec(scan, [new BinaryExpr('+', new ColumnExpr(0, 'id', int), new LiteralExpr(1, int, '1'), int)], schemaOf([['id1', int]]));
    expect(runtimeFilterTargets(computed, [new ColumnExpr(0, 'id1', int)])).toEqual([]);
    expect(runtimeFilterTargets(scan, [new ColumnExpr(1, 'v', int)])).toEqual([{ key: 0, scan, column: 'v' }]);
  });
});
