/**
 * Pulls a stream ahead of its consumer, within a budget: items are taken from `source` one at a
 * time while fewer than `maxItems` wait and their `weight` (rows) is under `maxWeight` — at least
 * one item is always in flight. The decode worker uses it per open file: the scan consumes one
 * file at a time while the next ones are open (storage/scan/prefetch.ts), and without read-ahead
 * a worker holding a later file would decode one batch and sit idle.
 */
export class ReadAhead<T> {
  private readonly ready: ({ readonly value: T | null } | { readonly error: unknown })[] = [];
  private weight = 0;
  private pulling = false;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: AsyncGenerator<T>,
    private readonly weigh: (item: T) => number,
    private readonly maxWeight: number,
    private readonly maxItems: number,
    /** Shared with the other streams of the thread: one pull at a time, lowest `priority` first. */
    private readonly turns?: { readonly queue: Turns; readonly priority: number },
  ) {
    void this.pull();
  }

  /** The next item, null at the end; a failure of the source is thrown by the `next` that reaches it. */
  async next(): Promise<T | null> {
    while (this.ready.length === 0) {
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const item = this.ready.shift() as { value: T | null } | { error: unknown };
    if ('error' in item) throw item.error;
    if (item.value !== null) this.weight -= this.weigh(item.value);
    void this.pull();
    return item.value;
  }

  /**
   * The next item if one is ready now and `fits` it, without waiting (undefined otherwise, and at
   * the end or a failure, which `next` hands out): a reader may take small items along with one.
   */
  nextReady(fits: (item: T) => boolean): T | undefined {
    const item = this.ready[0];
    if (item === undefined || !('value' in item) || item.value === null || !fits(item.value)) return undefined;
    this.ready.shift();
    this.weight -= this.weigh(item.value);
    void this.pull();
    return item.value;
  }

  /**
   * Whether the source is known to have ended with nothing left to hand out: the next `next`
   * would answer null. (A worker says so with the last piece, sparing the reader a round trip.)
   */
  get drained(): boolean {
    const only = this.ready.length === 1 ? this.ready[0] : undefined;
    return only !== undefined && 'value' in only && only.value === null;
  }

  /** Stops pulling and ends the source (its `finally` runs once a pull under way settles). */
  async close(): Promise<void> {
    this.ended = true;
    this.ready.length = 0;
    // A `next` waiting for an item ends now (with null): its reply must not wait for a pull that stopped.
    this.wake?.();
    this.wake = undefined;
    await this.source.return(undefined).catch(() => undefined);
  }

  private async pull(): Promise<void> {
    if (this.pulling) return;
    this.pulling = true;
    try {
      while (!this.ended && this.ready.length < this.maxItems && (this.weight < this.maxWeight || this.ready.length === 0)) {
        let item: { value: T | null } | { error: unknown };
        try {
          const turns = this.turns;
          const next = await (turns === undefined ? this.source.next() : turns.queue.run(turns.priority, () => this.source.next()));
          item = { value: next.done ? null : next.value };
        } catch (error) {
          item = { error };
        }
        if (this.ended) return;
        if (!('value' in item) || item.value === null) this.ended = true;
        else this.weight += this.weigh(item.value);
        this.ready.push(item);
        this.wake?.();
        this.wake = undefined;
      }
    } finally {
      this.pulling = false;
    }
  }
}

/**
 * Runs one task at a time; among those waiting, the lowest priority number goes first. A decode
 * worker holds several files open and the scan consumes them in order (prefetch.ts): decoding the
 * earliest file first hands the main thread its next batches soonest, instead of every open file
 * advancing a row group at a time.
 */
export class Turns {
  private busy = false;
  private readonly waiting: { readonly priority: number; readonly start: () => void }[] = [];

  async run<T>(priority: number, task: () => Promise<T>): Promise<T> {
    if (this.busy) {
      await new Promise<void>((start) => {
        let at = this.waiting.length;
        while (at > 0 && (this.waiting[at - 1] as { priority: number }).priority > priority) at--;
        this.waiting.splice(at, 0, { priority, start });
      });
    }
    this.busy = true;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.busy = false;
      else next.start(); // the turn passes on: still busy
    }
  }
}
