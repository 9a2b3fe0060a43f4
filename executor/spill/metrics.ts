/**
 * What an operator's runs have spilled so far: EXPLAIN ANALYZE prints it after the run
 * (` spilled=3 files 12.5 MiB`), as the scan prints the row groups it skipped.
 */
export interface SpillMetrics {
  /** Files written (sorted runs, merge passes, hash partitions). */
  files: number;
  bytes: number;
}

export function newSpillMetrics(): SpillMetrics {
  return { files: 0, bytes: 0 };
}

/** ` spilled=N files X MiB` once something was spilled, else empty. */
export function spillText(metrics: SpillMetrics): string {
  return metrics.files === 0 ? '' : ` spilled=${metrics.files} files ${(metrics.bytes / 2 ** 20).toFixed(1)} MiB`;
}
