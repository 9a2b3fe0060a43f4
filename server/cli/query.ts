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
 * backpressure. `--format json` prints exactly the `POST /v1/query` document. A statement without
 * rows (`CREATE VIEW`, `DROP VIEW`) prints its command tag in the table format, as psql does;
 * notices go to `err` as `NOTICE:  …` lines.
 */
export async function runQuery(sql: string, options: QueryOptions, out: NodeJS.WritableStream, signal?: AbortSignal, err: NodeJS.WritableStream = process.stderr): Promise<void> {
  const session = openWarehouseSession(options.warehouse);
  const result = await session.execute(sql, { signal });
  for (const notice of result.notices ?? []) err.write(`NOTICE:  ${notice}\n`);
  if (result.schema.fields.length === 0 && result.commandTag !== 'SELECT' && options.format === 'table') {
    await writeAll(lines(`${result.commandTag}\n`), out);
    return;
  }
  await writeAll(ENCODERS[options.format](result), out);
}

async function* lines(text: string): AsyncGenerator<string> {
  yield text;
}
