import { ScanExec } from '../../executor/operators/scan.js';
import type { Scan } from '../logical/scan.js';

/** Scan → ScanExec asking storage for exactly the scan's (pruned) columns. */
export function lowerScan(node: Scan): ScanExec {
  return new ScanExec(node.source, node.schema.fields.map((f) => f.name), node.schema);
}
