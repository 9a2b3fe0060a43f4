import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** An in-memory DuckDB connection (dev dependency of the benchmark only). */
export async function openDuckDB(options: Record<string, string> = {}): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:', options);
  return instance.connect();
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
