import type * as arrow from 'apache-arrow';
import type { AddFile } from '../../log/actions.js';
import type { DeltaTable } from '../../table.js';
import type { OptimizeOptions, OptimizeResult } from '../commands.js';
import { DEFAULT_TARGET_FILE_SIZE } from '../data-writer.js';
import { WriteTransaction } from '../transaction.js';
import { zOrder } from './zorder.js';

/**
 * OPTIMIZE: per partition, bin-packs small files (and files carrying deletion vectors) into
 * files of about the target size; with ZORDER BY, rewrites every file of each partition in
 * Z-order. The rewrite changes no data, so every add and remove has `dataChange=false` and
 * streaming readers skip it. The files read are declared so a concurrent DELETE of one of them
 * is a conflict, while concurrent appends are not (they are not among the files rewritten).
 */
export async function optimize(table: DeltaTable, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const tx = await WriteTransaction.open(table);
  const snapshot = tx.readSnapshot;
  const target = options.targetFileSize ?? (Number(snapshot?.configuration['delta.targetFileSize']) || DEFAULT_TARGET_FILE_SIZE);
  const zColumns = options.zOrderBy ?? [];
  const partitions = new Map<string, AddFile[]>();
  let considered = 0;
  for (const file of snapshot?.files ?? []) {
    if (options.partitionFilter && !options.partitionFilter(file.partitionValues)) continue;
    considered++;
    const key = JSON.stringify(Object.entries(file.partitionValues).sort());
    const list = partitions.get(key) ?? [];
    list.push(file);
    partitions.set(key, list);
  }
  const columns = snapshot?.schema.fields.map((f) => f.name) ?? [];
  const rewritten: AddFile[] = [];
  let partitionsOptimized = 0;
  for (const files of partitions.values()) {
    const bins = zColumns.length > 0 ? (files.length > 0 ? [files] : []) : binPack(files, target);
    if (bins.length === 0) continue;
    partitionsOptimized++;
    for (const bin of bins) {
      tx.markRead(bin, () => false);
      const batches: arrow.RecordBatch[] = [];
      for await (const batch of tx.readFiles(bin, columns)) batches.push(batch);
      await tx.write(zColumns.length > 0 ? zOrder(batches, zColumns) : batches, { dataChange: false, targetFileSize: target });
      tx.removeFiles(bin, { dataChange: false });
      rewritten.push(...bin);
    }
  }
  const removedBytes = rewritten.reduce((n, f) => n + f.size, 0);
  if (rewritten.length === 0) {
    return { version: undefined, numFilesAdded: 0, numFilesRemoved: 0, filesAddedBytes: 0, filesRemovedBytes: 0, partitionsOptimized: 0, totalConsideredFiles: considered };
  }
  const result = await tx.commit({
    operation: 'OPTIMIZE',
    operationParameters: { predicate: JSON.stringify(options.predicateText ? [options.predicateText] : []), zOrderBy: JSON.stringify(zColumns), auto: false },
    operationMetrics: { numRemovedBytes: removedBytes },
    isBlindAppend: false,
  });
  const added = result.metrics.numAddedFiles ?? 0;
  return {
    version: result.version,
    numFilesAdded: added,
    numFilesRemoved: rewritten.length,
    filesAddedBytes: result.metrics.numOutputBytes ?? 0,
    filesRemovedBytes: removedBytes,
    partitionsOptimized,
    totalConsideredFiles: considered,
  };
}

/**
 * Groups a partition's small files into bins of up to `target` bytes (first fit in size order).
 * A bin is worth rewriting when it merges two or more files, or purges a deletion vector.
 */
function binPack(files: readonly AddFile[], target: number): AddFile[][] {
  const small = files.filter((f) => f.size < target || f.deletionVector !== undefined).sort((a, b) => a.size - b.size);
  const bins: AddFile[][] = [];
  let current: AddFile[] = [];
  let size = 0;
  for (const file of small) {
    if (current.length > 0 && size + file.size > target) {
      bins.push(current);
      current = [];
      size = 0;
    }
    current.push(file);
    size += file.size;
  }
  if (current.length > 0) bins.push(current);
  return bins.filter((bin) => bin.length > 1 || bin.some((f) => f.deletionVector !== undefined));
}
