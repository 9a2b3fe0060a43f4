/**
 * How the `deltasql` process tunes V8 (process-wide: the decode workers are threads of the same
 * process, so they share it), as Trino ships its JVM flags in jvm.config.
 *
 * V8 (Node 20: Ignition → Sparkplug → TurboFan, no Maglev) sends a function to TurboFan once it
 * has spent `--interrupt-budget` bytes of bytecode (66 KiB by default). A query engine's first
 * query of a kind runs a few hundred functions once per batch or per file — planning, operators'
 * set-up, Arrow plumbing, footer parsing — and at the default budget each of them is compiled by
 * TurboFan on a background thread within milliseconds. On two cores those compiles compete with
 * the decode workers and the operators: in one cold run of the benchmark's P/E join (93 ms), perf
 * counted 95 ms of TurboFan compiling among 183 ms of CPU. A 15× larger budget leaves the
 * functions that run briefly in baseline code and still optimises the hot loops (a 262,144-row
 * loop spends the budget in its first few thousand iterations and is replaced on the stack).
 *
 * Measured with `bench/profile-query.ts`, 5 cold runs each, median (bench/README.md):
 *   P/E join          88 → 63 ms
 *   count(DISTINCT)   67 → 40 ms
 *   sum/avg/min/max  427 → 393 ms
 *
 * An `--interrupt-budget` given on node's command line wins.
 */
import { setFlagsFromString } from 'node:v8';

export const INTERRUPT_BUDGET = 1_000_000;

export function tuneV8(): void {
  if (process.execArgv.some((arg) => arg.startsWith('--interrupt-budget'))) return;
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
