/**
 * Shares one run of an async check among many concurrent callers while promising each caller a
 * run that STARTED AFTER IT ASKED. A call while nothing runs starts a run; calls while one is in
 * flight all share the next run, which starts as soon as the current one ends. So under load the
 * check runs about once per its own duration, not once per caller, and no caller gets an answer
 * older than its call.
 *
 * Joining the in-flight run instead would be cheaper still but wrong for freshness checks: that
 * run may have looked before the caller's question was asked (a Delta commit made by another
 * process just before a statement must be seen by that statement, PRODUCT.md).
 *
 * ```ts
 * const check = new FreshRounds(() => stat(path));
 * await Promise.all([check.run(), check.run(), check.run()]); // two stats: the first, then one shared
 * ```
 */
export class FreshRounds<T> {
  private running: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly task: () => Promise<T>) {}

  run(): Promise<T> {
    const running = this.running;
    if (running === undefined) return this.start();
    this.queued ??= running.then(ignore, ignore).then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<T> {
    const run = this.task();
    this.running = run;
    const done = (): void => {
      if (this.running === run) this.running = undefined;
    };
    run.then(done, done);
    return run;
  }
}

function ignore(): void {}
