/** Timing helpers: wall-clock with `process.hrtime.bigint()`, a GC before every timed run. */

export interface Timing {
  /** Every timed run, in milliseconds, in the order they ran. */
  readonly runsMs: readonly number[];
  readonly bestMs: number;
  readonly medianMs: number;
}

export interface MeasureOptions {
  /** Untimed runs first (JIT, page cache, wasm compilation). */
  readonly warmup?: number;
  readonly runs: number;
}

/** Collects garbage when node runs with `--expose-gc` (as `npm run bench` does); a no-op otherwise. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Milliseconds elapsed since `start` (a `process.hrtime.bigint()` reading). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Times one call of `fn`, after collecting garbage unless `collect` is false. The query
 * benchmark's hot runs pass false: they run back to back after one collection, as a server
 * answers repeated queries. A forced full collection before each run clears V8's inline caches,
 * so a JavaScript engine's next run starts deoptimised, which no server between queries sees
 * (the P/E join's hot runs took 24–53 ms after a forced collection, 12–38 ms without).
 */
export async function timeOnce<T>(fn: () => Promise<T>, collect = true): Promise<{ ms: number; value: T }> {
  if (collect) collectGarbage();
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: elapsedMs(start), value };
}

/**
 * Runs `fn` `warmup` times untimed, then `runs` times timed; `check` sees every result (timed or
 * not) so a benchmark that silently does less work fails instead of looking fast.
 */
export async function measure<T>(options: MeasureOptions, fn: () => Promise<T>, check?: (value: T) => void, before?: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < (options.warmup ?? 0); i++) {
    await before?.();
    collectGarbage();
    // (not `check?.(await fn())`: without a check, optional chaining would skip the call to fn)
    const value = await fn();
    check?.(value);
  }
  const runsMs: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    await before?.(); // untimed set-up of each run (a fresh table to load into)
    const { ms, value } = await timeOnce(fn);
    check?.(value);
    runsMs.push(ms);
  }
  return summarise(runsMs);
}

export function summarise(runsMs: readonly number[]): Timing {
  if (runsMs.length === 0) throw new Error('bench: no timed runs');
  const sorted = [...runsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { runsMs, bestMs: sorted[0] as number, medianMs };
}

/** Our process's peak resident set size so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
