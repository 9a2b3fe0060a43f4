import { describe, expect, it } from 'vitest';
import { autoKind, chartData, MAX_BARS, MAX_SERIES, roleOf } from './chart-shape.js';

const col = (name: string, type: string) => ({ name, type });

describe('the chart a result calls for', () => {
  it.each([
    [[col('ticker', 'text'), col('avg_close', 'float8')], 'bar'],
    [[col('ticker', 'text'), col('n', 'int8'), col('total', 'numeric')], 'bar'],
    [[col('day', 'date'), col('bookings', 'numeric')], 'line'],
    [[col('ticker', 'text'), col('ts', 'timestamptz'), col('close', 'float8')], 'line'],
    [[col('ref', 'text'), col('alt', 'text'), col('n', 'int8')], 'heatmap'],
    [[col('a', 'int4'), col('b', 'float8')], 'bar'],
    [[col('name', 'text'), col('flag', 'bool')], undefined],
  ])('%j → %s', (columns, kind) => {
    expect(autoKind(columns)).toBe(kind);
  });

  it('knows the roles of the PostgreSQL types', () => {
    expect(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'].map(roleOf)).toEqual(Array(6).fill('number'));
    expect(['date', 'timestamp', 'timestamptz'].map(roleOf)).toEqual(Array(3).fill('time'));
    expect(['text', 'bool', 'json', 'int4[]'].map(roleOf)).toEqual(Array(4).fill('category'));
  });
});

describe('chart data', () => {
  it('bar: categories from the first category column, one series per number (exact decimals parsed)', () => {
    const data = chartData('bar', { columns: [col('ticker', 'text'), col('avg', 'numeric')], rows: [['AAPL', '123.50'], ['MSFT', null]] });
    expect(data).toEqual({ kind: 'bar', xName: 'ticker', categories: ['AAPL', 'MSFT'], series: [{ name: 'avg', data: [123.5, null] }] });
  });

  it('bar: draws at most MAX_BARS bars and says how many rows it left out', () => {
    const rows = Array.from({ length: MAX_BARS + 7 }, (_, i) => [`k${i}`, i]);
    const data = chartData('bar', { columns: [col('k', 'text'), col('v', 'int4')], rows });
    expect('categories' in data && data.categories.length).toBe(MAX_BARS);
    expect(data).toMatchObject({ kind: 'bar', clipped: 7 });
  });

  it('line: sorted by time, split into one line per category value, rows without a time left out', () => {
    const data = chartData('line', {
      columns: [col('ticker', 'text'), col('day', 'date'), col('close', 'float8')],
      rows: [['B', '2024-01-02', 3], ['A', '2024-01-02', 2], ['A', '2024-01-01', 1], ['A', null, 9]],
    });
    expect(data).toEqual({
      kind: 'line',
      xName: 'day',
      xIsTime: true,
      categories: [],
      series: [
        { name: 'A', data: [['2024-01-01', 1], ['2024-01-02', 2]] },
        { name: 'B', data: [['2024-01-02', 3]] },
      ],
    });
  });

  it('line: one series per number column when the category has too many values', () => {
    const rows = Array.from({ length: MAX_SERIES + 1 }, (_, i) => [`t${i}`, `2024-01-${String(i + 1).padStart(2, '0')}`, i]);
    const data = chartData('line', { columns: [col('ticker', 'text'), col('day', 'date'), col('close', 'int4')], rows });
    expect('series' in data && data.series.map((s) => s.name)).toEqual(['close']);
  });

  it('heatmap: distinct axes in natural order and [x, y, value] cells', () => {
    const data = chartData('heatmap', {
      columns: [col('ref', 'text'), col('alt', 'text'), col('n', 'int8')],
      rows: [['G', 'A', 5], ['C', 'T', 7], ['A', 'G', '9007199254740993']],
    });
    expect(data).toEqual({
      kind: 'heatmap',
      xName: 'ref',
      yName: 'alt',
      valueName: 'n',
      x: ['A', 'C', 'G'],
      y: ['A', 'G', 'T'],
      cells: [[2, 0, 5], [1, 2, 7], [0, 1, 9007199254740992]],
      min: 5,
      max: 9007199254740992,
    });
  });

  it('says why a shape cannot be drawn', () => {
    expect(chartData('heatmap', { columns: [col('t', 'text'), col('n', 'int4')], rows: [['a', 1]] })).toEqual({ problem: expect.stringMatching(/two category/) });
    expect(chartData('bar', { columns: [col('t', 'text')], rows: [['a']] })).toEqual({ problem: expect.stringMatching(/numeric/) });
  });
});
