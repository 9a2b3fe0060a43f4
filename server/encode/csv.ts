import { columnsOf } from './data-access.js';
import { textWriter } from './text-values.js';
import { TEXT_CHUNK_ROWS } from './ndjson.js';
import type { EncodableResult } from './result.js';

/**
 * CSV (`text/csv`, `--format csv`) per RFC 4180: a header line of column names, then one
 * record per row, CRLF line endings, fields quoted with `"` (doubled inside) when they contain
 * a comma, a quote, CR or LF, or start or end with a space. Values are PostgreSQL's text forms
 * (text-values.ts: `t`/`f`, `2021-01-01 10:00:00+00`, exact decimals, `\x` hex bytea,
 * `{1,2}` arrays, JSON for structs and maps). NULL is an empty unquoted field and the empty
 * string is `""`, as PostgreSQL's `COPY … (FORMAT csv)` writes them, so the two stay distinct.
 */
export async function* encodeCsv(result: EncodableResult): AsyncGenerator<string> {
  yield result.schema.fields.map((f) => csvField(f.name)).join(',') + '\r\n';
  for await (const batch of result.batches) {
    if (batch.numRows === 0) continue;
    const writers = columnsOf(batch).map((child) => textWriter(child, result.timeZone));
    let chunk = '';
    for (let row = 0; row < batch.numRows; row++) {
      for (let c = 0; c < writers.length; c++) {
        const v = writers[c]!(row);
        if (c > 0) chunk += ',';
        if (v !== null) chunk += csvField(v);
      }
      chunk += '\r\n';
      if ((row + 1) % TEXT_CHUNK_ROWS === 0) {
        yield chunk; // see TEXT_CHUNK_ROWS: big rope strings cost twice the time in GC
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
}

/** One field, quoted when RFC 4180 needs it (and always for the empty string, unlike NULL). */
export function csvField(text: string): string {
  if (text === '') return '""';
  if (!/[",\r\n]/.test(text) && text[0] !== ' ' && text[text.length - 1] !== ' ') return text;
  return '"' + text.replace(/"/g, '""') + '"';
}
