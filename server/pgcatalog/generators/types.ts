import type { CatalogState } from '../state.js';

/** One catalog row: column name → value (missing columns take the relation's defaults). */
export type CatalogRow = Record<string, unknown>;

/** Produces a catalog relation's rows from the statement's catalog state. */
export type Generator = (state: CatalogState) => readonly CatalogRow[];
