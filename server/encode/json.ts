import type * as arrow from 'apache-arrow';
import { jsonRowTexts } from './json-values.js';
import { pgTypeName } from './pg-types.js';
import type { EncodableResult } from './result.js';

/**
 * The JSON result document of PRODUCT.md (`POST /v1/query`, `deltasql query --format json`):
 *
 * ```json
 * {"columns":[{"name":"id","type":"int8"}],"rows":[
 * [5],
 * [7]
 * ],"rowCount":2}
 * ```
 *
 * Streamed batch by batch: the header, one chunk of rows per batch (one row per line), then
 * `rowCount`. Values follow json-values.ts. If a batch fails mid-stream the error propagates
 * to the consumer, which has already sent a partial document; front ends that can (HTTP before
 * the first chunk) should pull the first batch before answering.
 */
export async function* encodeJson(result: EncodableResult): AsyncGenerator<string> {
  yield `{"columns":${columnsJson(result.schema)},"rows":[`;
  let rowCount = 0;
  for await (const batch of result.batches) {
    if (batch.numRows === 0) continue;
    const rows = Array.from(jsonRowTexts(batch));
    const chunk = (rowCount === 0 ? '\n' : ',\n') + rows.join(',\n');
    rowCount += rows.length;
    yield chunk;
  }
  yield `${rowCount === 0 ? '' : '\n'}],"rowCount":${rowCount}}\n`;
}

/** `[{"name":…,"type":<PostgreSQL type name>}, …]` for a result schema. */
export function columnsJson(schema: arrow.Schema): string {
  return JSON.stringify(schema.fields.map((f) => ({ name: f.name, type: pgTypeName(f.type) })));
}
