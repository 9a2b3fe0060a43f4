import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTables, type Column, type DeltaType, type TableSpec } from '../data/tables.js';

/**
 * Where the oracles' data comes from: the Parquet files of the golden warehouse, found through
 * each table's own `_delta_log` (so an oracle loads exactly what a Delta reader sees), plus the
 * rows of a few corpus tables per version from the corpus's MANIFEST.json.
 *
 * Every table is loaded under its own name at its latest version; a table with several commits is
 * also loaded as `<name>_v<N>` for each version N (the oracle's spelling of `VERSION AS OF N`).
 */
export interface OracleTable {
  /** The name oracles load it under: `prices`, `prices_v0`, `simple_table_v3`. */
  readonly name: string;
  readonly columns: readonly Column[];
  readonly partitionColumns: readonly string[];
  /** Absolute Parquet paths (hive folders for partition values). */
  readonly files: readonly string[];
}

/** The generated tables at their latest version and at each version when they have several. */
export function warehouseTables(warehouse: string): OracleTable[] {
  const out: OracleTable[] = [];
  for (const spec of allTables()) {
    const versions = addsPerVersion(join(warehouse, spec.name));
    const filesUpTo = (v: number): string[] => versions.slice(0, v + 1).flat().map((p) => join(warehouse, spec.name, p));
    out.push(table(spec, spec.name, filesUpTo(versions.length - 1)));
    if (versions.length > 1) versions.forEach((_, v) => out.push(table(spec, `${spec.name}_v${v}`, filesUpTo(v))));
  }
  return out;
}

function table(spec: TableSpec, name: string, files: string[]): OracleTable {
  return { name, columns: spec.columns, partitionColumns: spec.partitionColumns, files };
}

/** The `add` paths of each commit (the generator never removes files). */
function addsPerVersion(tableDir: string): string[][] {
  const log = join(tableDir, '_delta_log');
  return readdirSync(log)
    .filter((f) => /^\d{20}\.json$/.test(f))
    .sort()
    .map((f) =>
      readFileSync(join(log, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { add?: { path: string } })
        .flatMap((a) => (a.add ? [decodeURIComponent(a.add.path)] : [])),
    );
}

/** Corpus tables whose every version the time-travel tests query (rows from MANIFEST.json). */
export const CORPUS_TABLES = ['simple_table', 'basic_partitioned', 'time-travel-schema-changes-b'] as const;

export interface CorpusVersion {
  /** `simple_table_v2`: the corpus name with `-` as `_`, plus the version. */
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: DeltaType }[];
  readonly rows: readonly Record<string, unknown>[];
}

interface ManifestTable {
  name: string;
  schema: { name: string; type: DeltaType }[];
  versions: { version: number; rows?: Record<string, unknown>[] }[];
}

export function corpusVersions(corpusDir: string): CorpusVersion[] {
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'MANIFEST.json'), 'utf8')) as { tables: ManifestTable[] };
  const out: CorpusVersion[] = [];
  for (const name of CORPUS_TABLES) {
    const t = manifest.tables.find((x) => x.name === name);
    if (!t) throw new Error(`MANIFEST.json has no table ${name}`);
    for (const v of t.versions) {
      if (!v.rows) throw new Error(`MANIFEST.json lists no rows for ${name} version ${v.version}`);
      out.push({ name: `${name.replaceAll('-', '_')}_v${v.version}`, columns: t.schema, rows: v.rows });
    }
  }
  return out;
}
