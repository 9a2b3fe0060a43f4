import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test helpers over `../shared/delta-corpus`: real tables written by Spark, Databricks, delta-rs. */
export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/delta-corpus');

export interface ManifestVersion {
  version: number;
  commitTimestamp?: number;
  inCommitTimestamp?: number;
  reconstructable?: boolean;
  numFiles?: number;
  rowCount?: number;
  rows?: Record<string, unknown>[];
}

export interface ManifestTable {
  name: string;
  features: string[];
  partitionColumns?: string[];
  schema?: { name: string; type: unknown; nullable: boolean }[];
  versions: ManifestVersion[];
  expected: {
    version?: number;
    rowCount?: number;
    rows?: Record<string, unknown>[];
    firstRowsSorted?: Record<string, unknown>[];
    aggregates?: Record<string, Record<string, unknown>>;
    error?: string;
  };
  assertions?: { kind: string; value: unknown; setup?: string; source: string }[];
}

let manifest: ManifestTable[] | undefined;

export function corpusTables(): ManifestTable[] {
  manifest ??= (JSON.parse(readFileSync(join(CORPUS_DIR, 'MANIFEST.json'), 'utf8')) as { tables: ManifestTable[] }).tables;
  return manifest;
}

export function corpusTable(name: string): ManifestTable {
  const table = corpusTables().find((t) => t.name === name);
  if (!table) throw new Error(`no corpus table ${name}`);
  return table;
}

export function corpusPath(name: string): string {
  return join(CORPUS_DIR, name);
}

/** A private writable copy of a corpus table (the corpus itself is never modified). */
export function copyCorpusTable(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `deltasql-${name}-`));
  const target = join(dir, name);
  cpSync(corpusPath(name), target, { recursive: true });
  return target;
}

/** Canonical JSON text of a row, for comparing results as multisets as MANIFEST asks. */
export function canonicalRows(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}
