import type { AddFile } from '../log/actions.js';

/**
 * A data file's statistics (reference/delta-protocol.md §3): the JSON `add.stats` string, or a
 * checkpoint's typed `add.stats_parsed` when the JSON form was not written
 * (`delta.checkpoint.writeStatsAsJson=false`). Min/max are bounds, not values: strings are
 * prefix-truncated and timestamps truncated to milliseconds; with `tightBounds=false` they are
 * only wide bounds. Nested objects use physical names under column mapping.
 */
export interface FileStats {
  readonly numRecords?: number;
  readonly minValues: Readonly<Record<string, unknown>>;
  readonly maxValues: Readonly<Record<string, unknown>>;
  readonly nullCount: Readonly<Record<string, unknown>>;
  readonly tightBounds: boolean;
}

const parsed = new WeakMap<AddFile, FileStats | null>();

/** The file's statistics, parsed once per add; undefined when it has none or they are unreadable. */
export function fileStats(add: AddFile): FileStats | undefined {
  const cached = parsed.get(add);
  if (cached !== undefined) return cached ?? undefined;
  const stats = fromJson(add.stats) ?? fromParsed(add.statsParsed);
  parsed.set(add, stats ?? null);
  return stats;
}

function fromJson(text: string | undefined): FileStats | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return normalise(JSON.parse(text) as Record<string, unknown>);
  } catch {
    // Statistics only ever narrow a scan: unreadable ones mean "read the file", never an error.
    return undefined;
  }
}

function fromParsed(value: Readonly<Record<string, unknown>> | undefined): FileStats | undefined {
  return value === undefined ? undefined : normalise(value);
}

function normalise(raw: Readonly<Record<string, unknown>>): FileStats {
  const numRecords = typeof raw.numRecords === 'bigint' ? Number(raw.numRecords) : typeof raw.numRecords === 'number' ? raw.numRecords : undefined;
  const object = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  return {
    ...(numRecords === undefined ? {} : { numRecords }),
    minValues: object(raw.minValues),
    maxValues: object(raw.maxValues),
    nullCount: object(raw.nullCount),
    tightBounds: raw.tightBounds !== false,
  };
}
