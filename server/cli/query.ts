import { ENCODERS, type Format } from '../encode/index.js';
import { openWarehouseSession } from './warehouse.js';
import { writeAll } from './output.js';

export interface QueryOptions {
  readonly warehouse: string;
  readonly format: Format;
}

/**
 * `deltasql query --warehouse DIR [--format table|csv|json|ndjson] "SQL"`: runs one statement
 * embedded (no server) and streams the encoded result to `out`, batch by batch, respecting
 * backpressure. `--format json` prints exactly the `POST /v1/query` document.
 */
export async function runQuery(sql: string, options: QueryOptions, out: NodeJS.WritableStream, signal?: AbortSignal): Promise<void> {
  const session = openWarehouseSession(options.warehouse);
  const result = await session.execute(sql, { signal });
  await writeAll(ENCODERS[options.format](result), out);
}
