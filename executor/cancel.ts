import type { RecordBatch } from 'apache-arrow';
import { SqlError } from '../common/sql-error.js';

/** `57014` when the statement's signal has been aborted (client cancel or disconnect). */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SqlError('57014', 'canceling statement due to user request');
}

let lastYield = performance.now();

/**
 * `throwIfCancelled`, after letting the event loop run when this process has computed for more
 * than 10 ms without waiting on real I/O. Operators over in-memory data otherwise chain only
 * microtasks, which starves sockets and timers: a CancelRequest could not be read (so could
 * never cancel) and every other client would stall until the statement ends. Call it once per
 * batch in loops that consume batches.
 */
export async function yieldThenCheckCancelled(signal: AbortSignal | undefined): Promise<void> {
  const now = performance.now();
  if (now - lastYield > 10) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    lastYield = performance.now();
  }
  throwIfCancelled(signal);
}

/**
 * The next batch of an input driven by hand (an operator that may hand the rest of its input
 * to a spilling path), after `yieldThenCheckCancelled`; undefined at the end of the input.
 */
export async function nextBatch(input: AsyncIterator<RecordBatch>, signal: AbortSignal | undefined): Promise<RecordBatch | undefined> {
  const next = await input.next();
  if (next.done === true) return undefined;
  await yieldThenCheckCancelled(signal);
  return next.value;
}
