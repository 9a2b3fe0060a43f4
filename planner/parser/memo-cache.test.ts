import { describe, expect, it } from 'vitest';
import { ensureParserLoaded, pgParse, pgScan } from './libpg.js';
import { deepFreeze, MemoCache } from './memo-cache.js';

describe('MemoCache', () => {
  it('drops the entry used longest ago once past capacity', () => {
    const cache = new MemoCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });

  it('remembers undefined as a value', () => {
    const cache = new MemoCache<string, number | undefined>(2);
    cache.set('x', undefined);
    expect(cache.has('x')).toBe(true);
    expect(cache.get('x')).toBeUndefined();
  });
});

describe('memoised parsing', () => {
  it('returns the same deep-frozen parse for the same text, and a fresh one for another', async () => {
    await ensureParserLoaded();
    const sql = 'SELECT a, count(*) FROM t WHERE b = $1 GROUP BY a';
    const first = pgParse(sql);
    expect(pgParse(sql)).toBe(first);
    expect(Object.isFrozen(first.stmts![0]!.stmt)).toBe(true);
    expect(() => {
      (first.stmts as unknown as unknown[]).push({});
    }).toThrow(TypeError);
    expect(pgParse(sql + ' ')).not.toBe(first);
  });

  it('memoises tokens and a lexer failure alike, and still throws syntax errors each time', async () => {
    await ensureParserLoaded();
    const tokens = pgScan('SELECT 1');
    expect(pgScan('SELECT 1')).toBe(tokens);
    expect(tokens!.map((t) => t.text)).toEqual(['SELECT', '1']);
    expect(Object.isFrozen(tokens![0])).toBe(true);
    expect(pgScan("SELECT 'unterminated")).toBeUndefined();
    expect(pgScan("SELECT 'unterminated")).toBeUndefined();
    expect(() => pgParse('SELEC 1')).toThrow(/syntax error at or near "SELEC"/);
    expect(() => pgParse('SELEC 1')).toThrow(/syntax error at or near "SELEC"/);
  });

  it('deepFreeze leaves primitives alone and freezes nested arrays and objects', () => {
    const value = deepFreeze({ a: [{ b: 1 }], c: 'x' });
    expect(Object.isFrozen(value.a[0])).toBe(true);
    expect(deepFreeze(3)).toBe(3);
  });
});
