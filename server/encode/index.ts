import { encodeCsv } from './csv.js';
import { encodeJson } from './json.js';
import { encodeNdjson } from './ndjson.js';
import type { EncodableResult } from './result.js';
import { encodeTable } from './table.js';

export type { EncodableResult } from './result.js';
export { encodeCsv, csvField } from './csv.js';
export { encodeJson, columnsJson } from './json.js';
export { encodeNdjson } from './ndjson.js';
export { encodeTable, TABLE_BUFFER_ROWS } from './table.js';
export { jsonWriter, jsonRows, jsonRowTexts } from './json-values.js';
export { textWriter } from './text-values.js';
export { pgTypeName } from './pg-types.js';

/** The result formats of the CLI's `--format` and the HTTP `Accept:` header. */
export const FORMATS = ['table', 'csv', 'json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

export const ENCODERS: Readonly<Record<Format, (result: EncodableResult) => AsyncGenerator<string>>> = {
  table: (result) => encodeTable(result),
  csv: encodeCsv,
  json: encodeJson,
  ndjson: encodeNdjson,
};

/** The media type each format is served as over HTTP. */
export const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  table: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};
