import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { dataFromValues, type ScalarValue } from '../../executor/arrow/scalar.js';
import { parseText } from '../../executor/kernels/cast.js';
import type { CopyOptions } from '../../planner/index.js';

/** Rows per record batch built from COPY data. */
const BATCH_ROWS = 65536;

/**
 * COPY … FROM STDIN's data (text or CSV, as PostgreSQL reads it) → record batches typed to the
 * target's schema. Each value is read with the same text input rules as a cast (`22P02` for a
 * bad one, naming the line and column as PostgreSQL's CONTEXT does); a row with the wrong
 * number of columns is `22P04`. The end-of-data marker `\.` is honoured.
 */
export function parseCopyData(data: Buffer, schema: arrow.Schema, options: CopyOptions): arrow.RecordBatch[] {
  const text = data.toString('utf8');
  const rows = options.format === 'csv' ? csvRows(text, options) : textRows(text, options);
  let start = 0;
  if (options.header && rows.length > 0) start = 1;
  const batches: arrow.RecordBatch[] = [];
  const fields = schema.fields;
  for (let from = start; from < rows.length; from += BATCH_ROWS) {
    const slice = rows.slice(from, Math.min(rows.length, from + BATCH_ROWS));
    const columns: ScalarValue[][] = fields.map(() => new Array<ScalarValue>(slice.length));
    slice.forEach((row, k) => {
      const line = from + k + 1;
      if (row.length !== fields.length) {
        throw new SqlError('22P04', row.length < fields.length ? `missing data for column "${fields[row.length]!.name}"` : 'extra data after last expected column', { detail: `COPY line ${line}` });
      }
      for (let c = 0; c < fields.length; c++) {
        const v = row[c]!;
        try {
          columns[c]![k] = v === null ? null : parseText(v, fields[c]!.type);
        } catch (err) {
          if (!(err instanceof SqlError)) throw err;
          throw new SqlError(err.sqlstate, err.message, { detail: `COPY line ${line}, column ${fields[c]!.name}: "${v}"` });
        }
      }
    });
    const children = fields.map((f, c) => dataFromValues(f.type, columns[c]!));
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: slice.length, nullCount: 0, children });
    batches.push(new arrow.RecordBatch(schema, struct));
  }
  return batches;
}

/** Text format: one row per line, fields split on the delimiter, backslash escapes, `\N` = NULL. */
function textRows(text: string, options: CopyOptions): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline ends the last row
  for (const rawLine of lines) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '\\.') break;
    const fields: (string | null)[] = [];
    let current = '';
    let raw = '';
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '\\' && i + 1 < line.length) {
        const next = line[++i]!;
        raw += '\\' + next;
        current += next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : next === 'b' ? '\b' : next === 'f' ? '\f' : next === 'v' ? '\v' : next;
      } else if (ch === options.delimiter) {
        fields.push(raw === options.null ? null : current);
        current = '';
        raw = '';
      } else {
        current += ch;
        raw += ch;
      }
    }
    fields.push(raw === options.null ? null : current);
    rows.push(fields);
  }
  return rows;
}

/** CSV: quoted fields may hold delimiters, quotes (doubled) and line breaks; an unquoted NULL string is NULL. */
function csvRows(text: string, options: CopyOptions): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const q = options.quote;
  const esc = options.escape;
  let fields: (string | null)[] = [];
  let current = '';
  let quoted = false;
  let inQuotes = false;
  let atStart = true;
  const endField = (): void => {
    fields.push(!quoted && current === options.null ? null : current);
    current = '';
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === esc && text[i + 1] === q) {
        current += q; // `""` (or `\"` with ESCAPE '\') inside quotes is one quote
        i++;
      } else if (ch === q) inQuotes = false;
      else current += ch;
      continue;
    }
    if (atStart && text.startsWith('\\.', i) && (text[i + 2] === '\n' || text[i + 2] === '\r' || i + 2 === text.length)) break;
    atStart = false;
    if (ch === q) {
      inQuotes = true;
      quoted = true;
    } else if (ch === options.delimiter) endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      rows.push(fields);
      fields = [];
      atStart = true;
    } else current += ch;
  }
  if (inQuotes) throw new SqlError('22P04', 'unterminated CSV quoted field');
  if (!atStart || current !== '' || fields.length > 0) {
    endField();
    rows.push(fields);
  }
  return rows;
}
