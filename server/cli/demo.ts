import { existsSync } from 'node:fs';
import { encodeTable } from '../encode/index.js';
import { corpusDir } from './paths.js';
import { UsageError, formatError, writeAll } from './output.js';
import { openWarehouseSession } from './warehouse.js';

/**
 * What `npm start` shows until the server exists: a few queries over the shared Delta corpus —
 * a plain scan, time travel, a filtered and sorted partitioned table, an aggregate, a window,
 * an EXPLAIN showing the files a partition filter skips, and nested struct/array/map values —
 * each printed as its SQL, then its table. Later issues turn this into the demo warehouse with
 * the four datasets of PRODUCT.md.
 */
export const DEMO_QUERIES: readonly string[] = [
  'SELECT * FROM simple_table',
  'SELECT * FROM simple_table VERSION AS OF 0',
  'SELECT letter, number, a_float FROM basic_partitioned WHERE number > 1 ORDER BY number DESC LIMIT 4',
  'SELECT letter, count(*) AS n, round(avg(a_float), 2) AS avg_float FROM basic_partitioned GROUP BY letter ORDER BY letter NULLS LAST',
  'SELECT letter, number, rank() OVER (PARTITION BY letter ORDER BY number DESC) AS r FROM basic_partitioned WHERE letter IS NOT NULL ORDER BY letter, r',
  "EXPLAIN SELECT number FROM basic_partitioned WHERE letter = 'a'",
  'SELECT IntegerType, "decimal", TimestampType, nested_struct, map_of_prims FROM "parquet-all-types" ORDER BY IntegerType LIMIT 5',
  'SELECT IntegerType, array_of_prims, map_of_arrays, struct_of_arrays_maps_of_structs FROM "table-with-columnmapping-mode-name" ORDER BY IntegerType LIMIT 3',
];

export interface DemoOptions {
  /** The warehouse to query; the shared corpus by default. */
  readonly warehouse?: string;
}

/** Runs the demo queries; a failing query prints its error and the rest still run. */
export async function runDemo(options: DemoOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream, signal?: AbortSignal): Promise<boolean> {
  const warehouse = options.warehouse ?? corpusDir();
  if (options.warehouse === undefined && !existsSync(warehouse)) {
    throw new UsageError(`the demo reads the Delta corpus at ${warehouse}, which does not exist; pass --warehouse DIR`);
  }
  const session = openWarehouseSession(warehouse);
  await writeAll(once(`deltasql demo: querying the Delta tables in ${warehouse}\n\n`), out);
  let ok = true;
  for (const sql of DEMO_QUERIES) {
    await writeAll(once(`deltasql> ${sql};\n`), out);
    try {
      const result = await session.execute(sql, { signal });
      await writeAll(encodeTable(result), out);
    } catch (error) {
      ok = false;
      await writeAll(once(formatError(error) + '\n'), err);
    }
    await writeAll(once('\n'), out);
  }
  return ok;
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
