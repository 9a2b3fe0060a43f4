import type { QueryResponse } from './api.js';

/** Rows drawn at most; the rest are counted, not drawn (a browser table of 1M rows freezes the tab). */
export const MAX_TABLE_ROWS = 2000;

const NUMERIC = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric']);

/** Draws a result as an HTML table: a header with each column's name and PostgreSQL type, numbers right-aligned, NULL greyed. */
export function renderTable(container: HTMLElement, result: QueryResponse): void {
  container.replaceChildren();
  if (result.columns.length === 0) {
    container.append(paragraph('placeholder', 'The statement returned no columns.'));
    return;
  }
  const table = document.createElement('table');
  table.className = 'result-table';
  const head = table.createTHead().insertRow();
  const numeric = result.columns.map((c) => NUMERIC.has(c.type));
  head.append(cell('th', '#', 'row-number'));
  result.columns.forEach((column, i) => {
    const th = cell('th', '', numeric[i] ? 'num' : '');
    const name = document.createElement('span');
    name.className = 'col-name';
    name.textContent = column.name;
    const type = document.createElement('span');
    type.className = 'col-type';
    type.textContent = column.type;
    th.append(name, type);
    head.append(th);
  });
  const body = table.createTBody();
  const shown = Math.min(result.rows.length, MAX_TABLE_ROWS);
  for (let r = 0; r < shown; r++) {
    const tr = body.insertRow();
    tr.append(cell('td', String(r + 1), 'row-number'));
    const row = result.rows[r]!;
    for (let c = 0; c < result.columns.length; c++) {
      const value = row[c];
      tr.append(value === null ? cell('td', 'NULL', 'null') : cell('td', display(value), numeric[c] ? 'num' : ''));
    }
  }
  container.append(table);
  if (result.rows.length > shown) container.append(paragraph('muted truncated', `Showing the first ${shown.toLocaleString()} of ${result.rowCount.toLocaleString()} rows fetched.`));
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function cell(tag: 'th' | 'td', text: string, className: string): HTMLTableCellElement {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function paragraph(className: string, text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}
