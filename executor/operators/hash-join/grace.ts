import type * as arrow from 'apache-arrow';
import { take, takeBatch } from '../../../common/arrow/take.js';
import { yieldThenCheckCancelled } from '../../cancel.js';
import type { PhysicalExpr } from '../../expr/physical-expr.js';
import { GroupTable } from '../../hash/group-table.js';
import type { ExecContext, PhysicalOperator } from '../../operator.js';
import { HashPartitions, PARTITIONS } from '../../spill/hash-partitions.js';
import type { SpillMetrics } from '../../spill/metrics.js';
import type { RunFile } from '../../spill/run-file.js';
import { buildHashTable, type BuildOutcome } from './build.js';
import { positionsOf } from './output.js';
import { probeAll, type ProbeSpec } from './probe.js';

/** One hash join's fixed parts, the same at every level of partitioning. */
export interface GraceJoin {
  readonly spec: ProbeSpec;
  readonly leftSchema: arrow.Schema;
  readonly rightSchema: arrow.Schema;
  readonly leftKeys: readonly PhysicalExpr[];
  readonly rightKeys: readonly PhysicalExpr[];
  readonly metrics: SpillMetrics;
}

/**
 * A hash join whose build side outgrew DELTASQL_OPERATOR_MEMORY_MB (a grace hash join): the
 * build side is already split into PARTITIONS files by a hash of its keys (build.ts); the probe
 * side is split the same way (same key layout, same `level`), so rows that can match share a
 * partition number. Each pair is then joined in memory — build partition p's table, probe
 * partition p streamed through it — and a build partition still too big is split again one level
 * down with a differently seeded hash (build.ts gives up past MAX_SPILL_LEVEL: a few keys hold
 * too many rows). Every join type works partition by partition, because a row's partners are all
 * in its partition: unmatched rows of LEFT / FULL / anti joins are unmatched there too, and
 * RIGHT / FULL emit each partition's unmatched build rows after its probe rows.
 *
 * NOT IN (`nullAwareAnti`) needs two facts about the whole build side: a NULL key anywhere
 * empties the result (checked before splitting the probe side), and a NULL probe key never
 * qualifies against a non-empty build side (this one is not empty: it spilled), so such probe
 * rows are dropped here rather than meeting an empty partition.
 *
 * Files are deleted as soon as their pair is joined, and all of them on error or cancel.
 */
export async function* graceJoin(
  join: GraceJoin,
  build: Extract<BuildOutcome, { kind: 'spilled' }>,
  probe: AsyncIterable<arrow.RecordBatch>,
  level: number,
  ctx: ExecContext,
): AsyncGenerator<arrow.RecordBatch> {
  const { spec, leftKeys, rightKeys, metrics } = join;
  const buildFiles = [...build.partitions];
  let probeFiles: (RunFile | undefined)[] = [];
  const probeParts = new HashPartitions(leftKeys.map((k) => k.type), level, metrics);
  try {
    if (spec.nullAwareAnti && build.hasNullKey) return;
    for await (const batch of probe) {
      await yieldThenCheckCancelled(ctx.signal);
      if (batch.numRows === 0) continue;
      let rows = batch;
      let keys = leftKeys.map((k) => k.evaluate(batch));
      const nulls = spec.nullAwareAnti ? GroupTable.nullKeyRows(keys, batch.numRows) : null;
      if (nulls !== null) {
        const kept = positionsOf(nulls, 0);
        rows = takeBatch(batch, kept);
        keys = keys.map((k) => take(k, kept));
      }
      await probeParts.add(rows, keys);
    }
    probeFiles = await probeParts.finishEach();

    const keepsBuildRows = spec.type === 'right' || spec.type === 'full';
    const keepsProbeRows = spec.type === 'left' || spec.type === 'full' || spec.type === 'anti';
    for (let p = 0; p < PARTITIONS; p++) {
      const buildFile = buildFiles[p];
      const probeFile = probeFiles[p];
      const output = (buildFile !== undefined || keepsProbeRows) && (probeFile !== undefined || keepsBuildRows);
      if (output && (buildFile !== undefined || probeFile !== undefined)) {
        const probeBatches = probeFile === undefined ? noBatches() : probeFile.read(join.leftSchema);
        const source = new RunFileSource(join.rightSchema, buildFile);
        const outcome = await buildHashTable(source, rightKeys, ctx, { level: level + 1, metrics });
        if (outcome.kind === 'spilled') yield* graceJoin(join, outcome, probeBatches, level + 1, ctx);
        else yield* probeAll(spec, outcome.ht, probeBatches, join.leftSchema, ctx);
      }
      buildFiles[p] = undefined;
      probeFiles[p] = undefined;
      await Promise.all([buildFile?.delete(), probeFile?.delete()]);
    }
  } finally {
    await probeParts.dispose();
    await Promise.all([...buildFiles, ...probeFiles].map((f) => f?.delete()));
  }
}

async function* noBatches(): AsyncGenerator<arrow.RecordBatch> {}

/** A spilled partition's batches as an operator's output (none when the partition is empty). */
class RunFileSource implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[] = [];

  constructor(readonly schema: arrow.Schema, private readonly file: RunFile | undefined) {}

  explain(): string {
    return `SpilledPartition: rows=${this.file?.rows ?? 0}`;
  }

  execute(_ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    return this.file === undefined ? noBatches() : this.file.read(this.schema);
  }
}
