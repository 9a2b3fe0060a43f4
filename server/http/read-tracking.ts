import type * as arrow from 'apache-arrow';
import { batchBytes } from '../../common/arrow/data-bytes.js';
import type { Catalog, ScanRequest, TableSource } from '../../planner/catalog.js';

/** One table a statement read, at the version it read. */
export interface TableRead {
  readonly name: string;
  readonly version: number;
  /** The Delta table's metadata id when the source has one: a table recreated in place changes it. */
  readonly tableId?: string;
}

/**
 * A per-request view of the catalog that records every table the planner resolves (name and
 * Delta version: what the `GET /v1/query` ETag is made of) and counts the bytes its scans
 * produce (`deltasql_scan_bytes_total`). Everything else is forwarded untouched to the real
 * catalog through a Proxy, so methods other branches add to the catalog keep working.
 */
export function trackReads(catalog: Catalog, onScanBytes: (bytes: number) => void): { catalog: Catalog; reads: TableRead[] } {
  const reads: TableRead[] = [];
  const resolveTable: Catalog['resolveTable'] = async (ref, timeTravel) => {
    const source = await catalog.resolveTable(ref, timeTravel);
    const tableId = (source as { snapshot?: { metadata?: { id?: unknown } } }).snapshot?.metadata?.id;
    reads.push({ name: source.displayName, version: source.version, ...(typeof tableId === 'string' ? { tableId } : {}) });
    return countingScans(source, onScanBytes);
  };
  return { catalog: forwardExcept(catalog, { resolveTable }), reads };
}

function countingScans(source: TableSource, onScanBytes: (bytes: number) => void): TableSource {
  async function* scan(request: ScanRequest): AsyncGenerator<arrow.RecordBatch> {
    for await (const batch of source.scan(request)) {
      onScanBytes(batchBytes(batch));
      yield batch;
    }
  }
  return forwardExcept(source, { scan });
}

/** `target` with some members replaced; the others read from `target` (methods bound to it). */
function forwardExcept<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(obj, key) {
      if (Object.prototype.hasOwnProperty.call(overrides, key)) return (overrides as Record<PropertyKey, unknown>)[key];
      const value = Reflect.get(obj, key, obj);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}
