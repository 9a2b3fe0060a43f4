import type { RecordBatch } from 'apache-arrow';
import type { StructType } from '../../storage/schema/types.js';

/** One table of the demo warehouse. */
export interface DemoTable {
  readonly name: string;
  readonly schema: StructType;
  readonly partitionColumns?: readonly string[];
  /** COMMENT: shown by psql `\dt+` and the console's table list. */
  readonly description: string;
}

/**
 * One of PRODUCT.md's four jobs as data: its tables, and the rows each gains at each step.
 * Step 0 is the initial load; every later step is one "stream" tick (a new trading day, a new
 * sequenced sample, the last seconds of impressions and game events). `rows` is deterministic
 * in (step, now) so a restarted demo continues where it stopped.
 */
export interface DemoDataset {
  readonly name: string;
  readonly tables: readonly DemoTable[];
  /** The batches to append at `step` (`now`: the tick's wall-clock time in ms), by table name; a table absent from the map gains nothing. */
  rows(step: number, now: number): Map<string, RecordBatch>;
}

/** A nullable-free field of a demo schema. */
export function field(name: string, type: StructType['fields'][number]['type']): StructType['fields'][number] {
  return { name, type, nullable: true, metadata: {} };
}

export const STRING = { kind: 'primitive', name: 'string' } as const;
export const DOUBLE = { kind: 'primitive', name: 'double' } as const;
export const INT = { kind: 'primitive', name: 'integer' } as const;
export const LONG = { kind: 'primitive', name: 'long' } as const;
export const DATE = { kind: 'primitive', name: 'date' } as const;
export const TIMESTAMP = { kind: 'primitive', name: 'timestamp' } as const;

export const MS_PER_DAY = 86_400_000;

/** How often the demo appends a step to every growing table. */
export const TICK_MS = 10_000;
