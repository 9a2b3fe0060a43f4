import type { Catalog } from '../../planner/catalog.js';
import type { Warehouse } from '../../storage/warehouse.js';
import type { HttpMetrics } from './metrics.js';

/** What every route shares: the catalog statements run against, the warehouse behind it, metrics. */
export interface HttpContext {
  readonly catalog: Catalog;
  /** For `/v1/tables`: listing and opening tables (absent: those routes answer 404). */
  readonly warehouse: Warehouse | undefined;
  readonly metrics: HttpMetrics;
}
