import { columnsOf } from './data-access.js';
import { isNumericType } from './pg-types.js';
import { textWriter } from './text-values.js';
import type { EncodableResult } from './result.js';

/**
 * A psql-like aligned table (`--format table`, the CLI default):
 *
 * ```
 *  id | letter
 * ----+--------
 *   1 | a
 *   2 |
 * (2 rows)
 * ```
 *
 * Column names are centred, numbers right-aligned, everything else left-aligned; values are
 * PostgreSQL's text forms (text-values.ts); NULL is blank, as in psql; a value with line
 * breaks continues on the next lines with `+` at the end of each broken line, as psql marks it;
 * trailing blanks are trimmed. Widths count code points (wide East-Asian characters count 1).
 *
 * Aligning needs every width first, so this is the one encoder that buffers: up to
 * `TABLE_BUFFER_ROWS` rows. Past that the widths are fixed from the buffered rows and the rest
 * streams with them (longer later values push their row out of line) — psql's `FETCH_COUNT`
 * behaves the same way. Memory therefore stays bounded for any result.
 */
export const TABLE_BUFFER_ROWS = 10_000;

export async function* encodeTable(result: EncodableResult, options: { bufferRows?: number } = {}): AsyncGenerator<string> {
  const cap = options.bufferRows ?? TABLE_BUFFER_ROWS;
  const fields = result.schema.fields;
  const rightAlign = fields.map((f) => isNumericType(f.type));
  const widths = fields.map((f) => width(f.name));
  let buffered: (string | null)[][] | undefined = [];
  let rowCount = 0;

  for await (const batch of result.batches) {
    if (batch.numRows === 0) continue;
    const writers = columnsOf(batch).map((child) => textWriter(child, result.timeZone));
    let chunk = '';
    for (let row = 0; row < batch.numRows; row++) {
      const cells = writers.map((write) => write(row));
      rowCount++;
      if (buffered === undefined) {
        chunk += formatRow(cells, widths, rightAlign);
        continue;
      }
      buffered.push(cells);
      for (let c = 0; c < cells.length; c++) {
        const v = cells[c];
        if (v !== null && v !== undefined) widths[c] = Math.max(widths[c]!, cellWidth(v));
      }
      if (buffered.length >= cap) {
        chunk += header(fields.map((f) => f.name), widths) + buffered.map((cells) => formatRow(cells, widths, rightAlign)).join('');
        buffered = undefined;
      }
    }
    if (chunk !== '') yield chunk;
  }
  let tail = '';
  if (buffered !== undefined) tail += header(fields.map((f) => f.name), widths) + buffered.map((cells) => formatRow(cells, widths, rightAlign)).join('');
  yield tail + `(${rowCount} ${rowCount === 1 ? 'row' : 'rows'})\n`;
}

function header(names: readonly string[], widths: readonly number[]): string {
  if (names.length === 0) return '--\n';
  const cells = names.map((name, c) => {
    const space = widths[c]! - width(name);
    const left = Math.floor(space / 2);
    return ' '.repeat(left) + name + ' '.repeat(space - left);
  });
  return line(cells.map((text) => [text]), widths, 0) + widths.map((w) => '-'.repeat(w + 2)).join('+') + '\n';
}

function formatRow(cells: readonly (string | null)[], widths: readonly number[], rightAlign: readonly boolean[]): string {
  const lines = cells.map((v, c) => {
    const parts = v === null ? [''] : v.split('\n');
    return parts.map((part) => {
      const pad = ' '.repeat(Math.max(0, widths[c]! - width(part)));
      return rightAlign[c] ? pad + part : part + pad;
    });
  });
  const height = Math.max(1, ...lines.map((l) => l.length));
  let text = '';
  for (let k = 0; k < height; k++) text += line(lines, widths, k);
  return text;
}

/** Line `k` of a row: each cell framed by a blank, or `+` when that cell continues below. */
function line(cells: readonly string[][], widths: readonly number[], k: number): string {
  let text = '';
  for (let c = 0; c < cells.length; c++) {
    const parts = cells[c]!;
    const part = parts[k] ?? ' '.repeat(widths[c]!);
    text += (c === 0 ? ' ' : '| ') + part + (k < parts.length - 1 ? '+' : ' ');
  }
  return text.trimEnd() + '\n';
}

function cellWidth(value: string): number {
  if (!value.includes('\n')) return width(value);
  return Math.max(...value.split('\n').map(width));
}

function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
