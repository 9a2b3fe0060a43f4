import { describe, expect, it } from 'vitest';
import { FreshRounds } from './fresh-rounds.js';

/** A task whose runs are recorded and finished by hand: `runs[k].finish(value)`. */
function manualTask() {
  const runs: { startedAt: number; finish: (value: number) => void; fail: (err: Error) => void }[] = [];
  let clock = 0;
  const task = () => new Promise<number>((resolve, reject) => runs.push({ startedAt: clock, finish: resolve, fail: reject }));
  return { runs, task, tick: () => ++clock };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('FreshRounds', () => {
  it('runs at once when idle, and callers during a run share ONE next run that starts after it', async () => {
    const { runs, task, tick } = manualTask();
    const rounds = new FreshRounds(task);
    const first = rounds.run();
    expect(runs.length).toBe(1);
    tick();
    const second = rounds.run();
    const third = rounds.run();
    expect(runs.length).toBe(1); // nothing new until the first run ends
    runs[0]!.finish(10);
    expect(await first).toBe(10);
    await settle();
    expect(runs.length).toBe(2);
    expect(runs[1]!.startedAt).toBe(1); // started after the second and third callers asked
    runs[1]!.finish(20);
    expect([await second, await third]).toEqual([20, 20]);
  });

  it('never hands a caller the run that was already in flight when it asked', async () => {
    const { runs, task } = manualTask();
    const rounds = new FreshRounds(task);
    const early = rounds.run();
    const late = rounds.run();
    runs[0]!.finish(1);
    await settle();
    runs[1]!.finish(2);
    expect(await early).toBe(1);
    expect(await late).toBe(2);
  });

  it('passes a failed run to its callers only; the next run goes ahead', async () => {
    const { runs, task } = manualTask();
    const rounds = new FreshRounds(task);
    const failing = rounds.run();
    const next = rounds.run();
    runs[0]!.fail(new Error('disk gone'));
    await expect(failing).rejects.toThrow('disk gone');
    await settle();
    runs[1]!.finish(3);
    expect(await next).toBe(3);
    const idle = rounds.run();
    expect(runs.length).toBe(3);
    runs[2]!.finish(4);
    expect(await idle).toBe(4);
  });
});
