import { describe, expect, it } from 'vitest';
import { ReadAhead, Turns } from './read-ahead.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('ReadAhead', () => {
  it('pulls ahead until the weight budget, then one item per item taken', async () => {
    const pulled: number[] = [];
    let finished = false;
    async function* source() {
      try {
        for (let i = 1; i <= 10; i++) {
          pulled.push(i);
          yield i;
        }
      } finally {
        finished = true;
      }
    }
    // Weight = the item's value; budget 6: 1 + 2 + 3 = 6 stops the pulling.
    const ahead = new ReadAhead(source(), (n) => n, 6, 100);
    await tick();
    expect(pulled).toEqual([1, 2, 3]);
    expect(await ahead.next()).toBe(1);
    await tick();
    expect(pulled).toEqual([1, 2, 3, 4]); // 2 + 3 + 4 ≥ 6
    const rest: number[] = [];
    for (let item = await ahead.next(); item !== null; item = await ahead.next()) rest.push(item);
    expect(rest).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await ahead.next()).toBeNull();
    expect(finished).toBe(true);
  });

  it('hands out items already pulled that fit, without waiting, and none past a failure or the end', async () => {
    async function* source() {
      yield 1;
      yield 2;
      yield 5;
      throw new Error('bad row group');
    }
    const ahead = new ReadAhead(source(), (n) => n, 100, 100);
    expect(ahead.nextReady(() => true)).toBeUndefined(); // nothing pulled yet
    await tick();
    expect(await ahead.next()).toBe(1);
    expect(ahead.nextReady((n) => n <= 2)).toBe(2);
    expect(ahead.nextReady((n) => n <= 2)).toBeUndefined(); // 5 does not fit: left for `next`
    expect(ahead.nextReady(() => true)).toBe(5);
    expect(ahead.nextReady(() => true)).toBeUndefined(); // the failure is `next`'s to throw
    await expect(ahead.next()).rejects.toThrow('bad row group');
  });

  it('knows when the item it hands out is the last, once the source has ended', async () => {
    async function* source() {
      yield 1;
      yield 2;
    }
    const ahead = new ReadAhead(source(), () => 1, 10, 10);
    await tick(); // both items and the end are queued
    expect(ahead.drained).toBe(false);
    expect(await ahead.next()).toBe(1);
    expect(ahead.drained).toBe(false);
    expect(await ahead.next()).toBe(2);
    expect(ahead.drained).toBe(true);
    expect(await ahead.next()).toBeNull();

    // A failure queued after the last item is still to be reported: not drained.
    async function* failing() {
      yield 1;
      throw new Error('bad page');
    }
    const other = new ReadAhead(failing(), () => 1, 10, 10);
    await tick();
    expect(await other.next()).toBe(1);
    expect(other.drained).toBe(false);
    await expect(other.next()).rejects.toThrow('bad page');
  });

  it('keeps at least one item in flight, caps the items, reports a failure at its place, and closes', async () => {
    let finished = false;
    async function* source() {
      try {
        yield 100;
        yield 1;
        throw new Error('bad page');
      } finally {
        finished = true;
      }
    }
    const ahead = new ReadAhead(source(), (n) => n, 10, 1);
    expect(await ahead.next()).toBe(100); // heavier than the whole budget, still delivered
    expect(await ahead.next()).toBe(1);
    await expect(ahead.next()).rejects.toThrow('bad page');
    expect(await ahead.next()).toBeNull();
    expect(finished).toBe(true);

    let closed = false;
    async function* endless() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const stopped = new ReadAhead(endless(), () => 1, 3, 3);
    expect(await stopped.next()).toBe(0);
    await stopped.close();
    expect(closed).toBe(true);
    expect(await stopped.next()).toBeNull();
  });

  it('ends a next that waits for an item when closed (a scan stopped early with a request in flight)', async () => {
    let release = () => {};
    async function* slow() {
      await new Promise<void>((resolve) => (release = resolve));
      yield 1;
    }
    const ahead = new ReadAhead(slow(), () => 1, 10, 10);
    const waiting = ahead.next();
    await tick();
    const closing = ahead.close();
    expect(await waiting).toBeNull();
    release();
    await closing;
  });
});

describe('Turns', () => {
  it('runs one task at a time, the lowest priority first among those waiting', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(`${name} start`);
      await tick();
      order.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([turns.run(5, task('a')), turns.run(9, task('late')), turns.run(1, task('early')), turns.run(5, task('b'))]);
    expect(results).toEqual(['a', 'late', 'early', 'b']);
    expect(order).toEqual(['a start', 'a end', 'early start', 'early end', 'b start', 'b end', 'late start', 'late end']);
    // A failing task passes the turn on too.
    await expect(turns.run(0, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await turns.run(0, async () => 'after')).toBe('after');
  });
});
