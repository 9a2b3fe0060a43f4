import type { RecordBatch } from 'apache-arrow';
import { ScanExec, type ScanSource } from '../../executor/operators/scan.js';
import type { ScanPredicate, ScanPruning, TableSource } from '../catalog.js';
import type { Scan } from '../logical/scan.js';
import { scanPredicateToString } from '../logical/plan.js';

/**
 * Scan → ScanExec asking storage for exactly the scan's (pruned) columns, with the pushed-down
 * predicates added to every request (storage skips files and row groups by them). EXPLAIN adds
 * the predicates and, when the source can tell without reading, the files kept and skipped.
 */
export function lowerScan(node: Scan): ScanExec {
  const columns = node.columns.map((i) => node.source.schema.fields[i]?.name as string);
  if (node.filters.length === 0) return new ScanExec(node.source, columns, node.schema, undefined, node.distinctValues, node.partialAggregate);
  return new FilteredScanExec(node.source, node.filters, columns, node.schema, node.distinctValues, node.partialAggregate);
}

class FilteredScanExec extends ScanExec {
  constructor(private readonly table: TableSource, readonly filters: readonly ScanPredicate[], columns: readonly string[], schema: ScanExec['schema'], distinctValues: boolean, partial: Scan['partialAggregate']) {
    super(withFilters(table, filters), columns, schema, undefined, distinctValues, partial);
  }

  override explain(): string {
    const pruning: ScanPruning | undefined = this.table.prune?.(this.filters);
    const files = pruning === undefined ? '' : ` files=${pruning.keptFiles}/${pruning.totalFiles} skipped_by_partition=${pruning.skippedByPartition} skipped_by_stats=${pruning.skippedByStats}`;
    return `${this.scanText()} filters=[${this.filters.map(scanPredicateToString).join(', ')}]${files}${this.rowGroupText()}`;
  }
}

function withFilters(source: TableSource, filters: readonly ScanPredicate[]): ScanSource {
  return {
    displayName: source.displayName,
    version: source.version,
    scan(request): AsyncIterable<RecordBatch> {
      // Runtime filters (a join's build-side key range) come on top of the planned ones.
      return source.scan({ ...request, filters: [...filters, ...((request.filters ?? []) as readonly ScanPredicate[])] });
    },
  };
}
