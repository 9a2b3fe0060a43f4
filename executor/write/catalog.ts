import type { ObjectStore } from '../../storage/object-store/object-store.js';
import type { DeltaTable } from '../../storage/table.js';

/** A table reference as the planner's Catalog names it (restated: the executor never imports the planner). */
export type WriteTableReference = { readonly kind: 'named'; readonly schema?: string; readonly name: string } | { readonly kind: 'path'; readonly path: string };

/** Where a table named in CREATE TABLE lives, and whether a table is already there. */
export interface TableLocation {
  readonly root: string;
  readonly displayName: string;
  /** A Delta table is already at `root`. */
  readonly exists: boolean;
  /**
   * Managed: inside the warehouse, created by name; DROP TABLE deletes its files. External:
   * created with LOCATION elsewhere (or named by path); DROP TABLE only forgets the name.
   */
  readonly managed: boolean;
}

/**
 * What the write statements need from the catalog besides reading (storage's `Warehouse`
 * implements it structurally): open a table for a transaction, find or allot a table's folder,
 * register an external table's name, and drop a table.
 */
export interface WritableCatalog {
  readonly store: ObjectStore;
  openTable(ref: WriteTableReference): Promise<DeltaTable>;
  /**
   * `location` (CREATE TABLE … LOCATION): that folder, external unless it is the managed one;
   * else the warehouse folder the name maps to.
   */
  locateTable(ref: WriteTableReference, location?: string): Promise<TableLocation>;
  /** Records that `ref` names the external table at `root` (CREATE TABLE … LOCATION). */
  registerExternal(ref: WriteTableReference, root: string): Promise<void>;
  /** Drops a table: a managed one's folder is deleted, an external one's name forgotten. False when there is none. */
  dropTable(ref: WriteTableReference): Promise<boolean>;
}

export function isWritableCatalog(catalog: unknown): catalog is WritableCatalog {
  const c = catalog as Partial<WritableCatalog>;
  return typeof c.openTable === 'function' && typeof c.locateTable === 'function' && typeof c.dropTable === 'function' && typeof c.registerExternal === 'function';
}
