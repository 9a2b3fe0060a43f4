import type * as arrow from 'apache-arrow';
import type { CopyOptions } from '../../planner/index.js';
import { columnsOf } from '../encode/data-access.js';
import { textWriter } from '../encode/text-values.js';
import type { TimeZone } from '../../common/time/time-zone.js';

/**
 * COPY … TO STDOUT's text and CSV formats, as PostgreSQL writes them: text escapes backslash,
 * newline, carriage return, tab and the delimiter with backslashes and writes NULL as `\N`
 * (or the NULL option); CSV quotes a value when it contains the delimiter, the quote, a line
 * break, or equals the NULL string, doubling quotes inside.
 */
export function copyHeader(schema: arrow.Schema, options: CopyOptions): string {
  return schema.fields.map((f) => (options.format === 'csv' ? csvValue(f.name, options) : textValue(f.name, options))).join(options.delimiter) + '\n';
}

/** The rows of one batch as COPY lines, timestamptz shown in `zone` (the session's TimeZone). */
export function copyRows(batch: arrow.RecordBatch, options: CopyOptions, zone?: TimeZone): string {
  const writers = columnsOf(batch).map((data) => textWriter(data, zone));
  const encode = options.format === 'csv' ? csvValue : textValue;
  let out = '';
  for (let r = 0; r < batch.numRows; r++) {
    for (let c = 0; c < writers.length; c++) {
      if (c > 0) out += options.delimiter;
      const v = writers[c]!(r);
      out += v === null ? options.null : encode(v, options);
    }
    out += '\n';
  }
  return out;
}

function textValue(v: string, options: CopyOptions): string {
  let out = '';
  for (const ch of v) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t' && options.delimiter === '\t') out += '\\t';
    else if (ch === options.delimiter) out += '\\' + ch;
    else out += ch;
  }
  return out;
}

function csvValue(v: string, options: CopyOptions): string {
  const q = options.quote;
  const needs = v === options.null || v.includes(options.delimiter) || v.includes(q) || v.includes('\n') || v.includes('\r') || (v === '\\.');
  if (!needs) return v;
  return q + v.split(q).join(options.escape + q) + q;
}
