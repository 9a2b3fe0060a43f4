import type * as arrow from 'apache-arrow';
import { takeBatch, take } from '../../../common/arrow/take.js';
import { batchColumns, makeBatch } from '../../arrow/batch.js';
import { yieldThenCheckCancelled } from '../../cancel.js';
import type { ExecContext } from '../../operator.js';
import { maskIndices } from '../../arrow/filter.js';
import type { PhysicalExpr } from '../../expr/physical-expr.js';
import { GroupTable } from '../../hash/group-table.js';
import type { JoinHashTable } from './build.js';
import { chunks, emptyColumn, markRows, nullIndices, OUTPUT_BATCH_ROWS, outputColumns, pairBatch, positionsOf, type JoinOutput, type JoinType } from './output.js';

/**
 * Probing one left batch against the build side's hash table. Everything is per batch and
 * vectorised: one `GroupTable.find` over the batch's key columns gives each probe row the head
 * of its build chain; a PairCursor walks those chains into blocks of (probe row, build row)
 * index pairs of at most OUTPUT_BATCH_ROWS; each block becomes columns with one `take` per
 * column, the residual is evaluated once over the block, and matched-row flags are set from
 * the surviving pairs.
 */
export interface ProbeSpec {
  readonly type: JoinType;
  readonly keys: readonly PhysicalExpr[];
  readonly residual: PhysicalExpr | undefined;
  readonly nullAwareAnti: boolean;
  /** Schema of the batches the join yields: the `output` columns. */
  readonly outputSchema: arrow.Schema;
  readonly output: JoinOutput;
  /** left ++ right fields: the schema the residual is evaluated over. */
  readonly pairSchema: arrow.Schema;
}

/** State of one run that outlives a probe batch. */
export interface ProbeRun {
  readonly ht: JoinHashTable;
  /** One flag per build row, set once the row has matched (RIGHT and FULL joins). */
  readonly buildMatched: Uint8Array | null;
  /** Scratch pair buffers, reused block after block (`take` copies out of them). */
  readonly pairProbe: Int32Array;
  readonly pairBuild: Int32Array;
  /**
   * Per-batch scratch, reused batch after batch (a batch is done with them before the next is
   * probed): the rows passing the key bitmaps, and each row's chain start when only those are
   * looked up. Two fewer full-batch arrays per batch for the collector.
   */
  readonly scratch: { selected: Int32Array; starts: Int32Array };
}

export function newProbeRun(ht: JoinHashTable, type: JoinType): ProbeRun {
  return {
    ht,
    buildMatched: type === 'right' || type === 'full' ? new Uint8Array(ht.rows) : null,
    pairProbe: new Int32Array(OUTPUT_BATCH_ROWS),
    pairBuild: new Int32Array(OUTPUT_BATCH_ROWS),
    scratch: { selected: new Int32Array(0), starts: new Int32Array(0) },
  };
}

/**
 * The whole join of `probe`'s batches against a built table: each batch probed in turn, then
 * (RIGHT, FULL) the build rows no probe row matched, with NULLs on the probe side. Leaving early
 * returns `probe`'s iterator, so its `finally` runs.
 */
export async function* probeAll(spec: ProbeSpec, ht: JoinHashTable, probe: AsyncIterable<arrow.RecordBatch>, probeSchema: arrow.Schema, ctx: ExecContext): AsyncGenerator<arrow.RecordBatch> {
  const run = newProbeRun(ht, spec.type);
  for await (const batch of probe) {
    await yieldThenCheckCancelled(ctx.signal);
    if (batch.numRows === 0) continue;
    yield* probeBatch(spec, run, batch, batchColumns(batch));
  }
  if (run.buildMatched === null) return;
  const probeEmpty = probeSchema.fields.map((f) => emptyColumn(f.type));
  for (const rows of chunks(positionsOf(run.buildMatched, 0))) {
    await yieldThenCheckCancelled(ctx.signal);
    yield pairBatch(spec.outputSchema, probeEmpty, ht.columns, nullIndices(rows.length), rows, spec.output);
  }
}

/** The output batches for one probe (left) batch, in probe order with unmatched rows last. */
export function* probeBatch(spec: ProbeSpec, run: ProbeRun, batch: arrow.RecordBatch, leftColumns: readonly arrow.Data[]): Generator<arrow.RecordBatch> {
  const n = batch.numRows;
  const keyData = spec.keys.map((k) => k.evaluate(batch));
  const starts = chainStarts(run, keyData, n);
  if (spec.type === 'semi' || spec.type === 'anti') {
    yield* probeSemiAnti(spec, run, batch, leftColumns, keyData, starts);
    return;
  }

  // ── inner / left / right / full ──
  const probeMatched = spec.type === 'left' || spec.type === 'full' ? new Uint8Array(n) : null;
  const cursor = new PairCursor(starts, run.ht.next, null);
  for (;;) {
    const count = cursor.fill(run.pairProbe, run.pairBuild);
    if (count === 0) break;
    const p = run.pairProbe.subarray(0, count);
    const b = run.pairBuild.subarray(0, count);
    if (spec.residual === undefined) {
      if (probeMatched !== null) markRows(probeMatched, p);
      if (run.buildMatched !== null) markRows(run.buildMatched, b);
      const whole = count === n && cursor.lastBlockStrict;
      const left = spec.output.left.map((i) => (whole ? (leftColumns[i] as arrow.Data) : take(leftColumns[i] as arrow.Data, p)));
      yield makeBatch(spec.outputSchema, [...left, ...spec.output.right.map((i) => take(run.ht.columns[i] as arrow.Data, b))], count);
      continue;
    }
    // The residual reads any column of both sides; the output keeps its own.
    const candidates = pairBatch(spec.pairSchema, leftColumns, run.ht.columns, p, b);
    const kept = maskIndices(spec.residual.evaluate(candidates));
    if (kept.length === 0) continue;
    for (let k = 0; k < kept.length; k++) {
      const i = kept[k];
      if (probeMatched !== null) probeMatched[p[i]] = 1;
      if (run.buildMatched !== null) run.buildMatched[b[i]] = 1;
    }
    const passed = kept.length === count ? candidates : takeBatch(candidates, kept);
    yield makeBatch(spec.outputSchema, outputColumns(passed, leftColumns.length, spec.output), passed.numRows);
  }

  // ── unmatched probe rows (LEFT, FULL), NULLs on the build side ──
  if (probeMatched === null) return;
  for (const rows of chunks(positionsOf(probeMatched, 0))) {
    yield pairBatch(spec.outputSchema, leftColumns, run.ht.columns, rows, nullIndices(rows.length), spec.output);
  }
}

// ── semi / anti ──

function* probeSemiAnti(
  spec: ProbeSpec,
  run: ProbeRun,
  batch: arrow.RecordBatch,
  leftColumns: readonly arrow.Data[],
  keyData: readonly arrow.Data[],
  starts: Int32Array,
): Generator<arrow.RecordBatch> {
  const n = batch.numRows;
  const matched = new Uint8Array(n);
  if (spec.residual === undefined) {
    for (let i = 0; i < n; i++) matched[i] = starts[i] >= 0 ? 1 : 0;
  } else {
    // A row is matched by its first pair whose residual is TRUE; the cursor skips the rest of
    // a matched row's chain.
    const cursor = new PairCursor(starts, run.ht.next, matched);
    for (;;) {
      const count = cursor.fill(run.pairProbe, run.pairBuild);
      if (count === 0) break;
      const p = run.pairProbe.subarray(0, count);
      const candidates = pairBatch(spec.pairSchema, leftColumns, run.ht.columns, p, run.pairBuild.subarray(0, count));
      const kept = maskIndices(spec.residual.evaluate(candidates));
      for (let k = 0; k < kept.length; k++) matched[p[kept[k]]] = 1;
    }
  }
  if (spec.nullAwareAnti && run.ht.rows > 0) {
    // `x NOT IN (…)`: a NULL x compares NULL with every row of a non-empty list, so it never
    // qualifies. (A NULL inside the list was dealt with before probing: nothing qualifies.)
    const nulls = GroupTable.nullKeyRows(keyData, n);
    if (nulls !== null) for (let i = 0; i < n; i++) matched[i] |= nulls[i];
  }
  const rows = positionsOf(matched, spec.type === 'semi' ? 1 : 0);
  const output = spec.output.left.map((i) => leftColumns[i] as arrow.Data);
  if (rows.length === n && n <= OUTPUT_BATCH_ROWS) {
    yield makeBatch(spec.outputSchema, output, n);
    return;
  }
  for (const chunk of chunks(rows)) yield makeBatch(spec.outputSchema, output.map((c) => take(c, chunk)), chunk.length);
}

// ── chains ──

/** For each probe row, the first build row with an equal key, or -1. */
function chainStarts(run: ProbeRun, keyData: readonly arrow.Data[], n: number): Int32Array {
  const { ht, scratch } = run;
  if (ht.rows === 0) return new Int32Array(n).fill(-1);
  if (ht.bitmaps !== undefined && scratch.selected.length < n) scratch.selected = new Int32Array(n);
  const candidates = ht.bitmaps?.select(keyData, n, scratch.selected);
  if (candidates !== undefined && candidates.length < n / 2) {
    // Most rows miss the key bitmaps: look up only the others, on their keys alone.
    if (scratch.starts.length < n) scratch.starts = new Int32Array(n);
    const starts = scratch.starts.subarray(0, n).fill(-1);
    if (candidates.length === 0) return starts;
    const found = ht.table.find(keyData.map((k) => take(k, candidates)), candidates.length);
    for (let j = 0; j < candidates.length; j++) {
      const g = found[j] as number;
      if (g >= 0) starts[candidates[j] as number] = ht.first[g] as number;
    }
    return starts;
  }
  const groups = ht.table.find(keyData, n);
  const first = ht.first;
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (g >= 0) groups[i] = first[g];
  }
  return groups;
}

/**
 * Walks every probe row's chain of build rows, filling pair blocks: resumable, so one probe row
 * with more matches than a block holds continues in the next block.
 */
export class PairCursor {
  private row = 0;
  private at: number;
  /** Whether the last block's probe rows were strictly increasing (each row at most once). */
  lastBlockStrict = true;

  /** `skip`: rows already decided (a semi/anti row matched once needs no more pairs). */
  constructor(private readonly starts: Int32Array, private readonly next: Int32Array, private readonly skip: Uint8Array | null) {
    this.at = starts.length > 0 ? starts[0] : -1;
  }

  /** Fills the buffers from the front; returns how many pairs (0 once every chain is walked). */
  fill(probe: Int32Array, build: Int32Array): number {
    const { starts, next, skip } = this;
    const length = starts.length;
    const max = probe.length;
    let row = this.row;
    let at = this.at;
    let count = 0;
    let strict = true;
    let previous = -1;
    while (row < length) {
      if (at < 0 || (skip !== null && skip[row] !== 0)) {
        row++;
        at = row < length ? starts[row] : -1;
        continue;
      }
      if (count === max) break;
      if (row === previous) strict = false;
      previous = row;
      probe[count] = row;
      build[count] = at;
      count++;
      at = next[at];
    }
    this.row = row;
    this.at = at;
    this.lastBlockStrict = strict;
    return count;
  }
}
