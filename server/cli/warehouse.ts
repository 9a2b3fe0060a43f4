import { Warehouse } from '../../storage/warehouse.js';
import { Session } from '../session.js';
import { requireWarehouseDir } from './paths.js';

/** An embedded session over the warehouse folder `dir` (a usage error when it does not exist). */
export function openWarehouseSession(dir: string): Session {
  return new Session(new Warehouse(requireWarehouseDir(dir)));
}
