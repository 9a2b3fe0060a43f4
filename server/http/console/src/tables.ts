import type { SQLNamespace } from '@codemirror/lang-sql';
import { listTables, type TableInfo } from './api.js';

/**
 * The sidebar: every table of the warehouse with its columns and types (from `GET /v1/tables`),
 * collapsed to names until clicked. Double-clicking a table inserts a query over it.
 */
export async function loadTables(list: HTMLElement, filter: HTMLInputElement, onPick: (sql: string) => void): Promise<SQLNamespace> {
  const tables = await listTables();
  list.replaceChildren(...tables.map((t) => tableItem(t, onPick)));
  const apply = () => {
    const needle = filter.value.trim().toLowerCase();
    for (const item of Array.from(list.children) as HTMLElement[]) item.hidden = needle !== '' && !(item.dataset.name ?? '').toLowerCase().includes(needle);
  };
  filter.oninput = apply;
  apply();
  const schema: Record<string, string[]> = {};
  for (const t of tables) schema[qualified(t)] = (t.columns ?? []).map((c) => c.name);
  return schema;
}

function qualified(t: TableInfo): string {
  const name = /^[a-z_][a-z0-9_]*$/.test(t.name) ? t.name : `"${t.name.replace(/"/g, '""')}"`;
  return t.schema === 'public' ? name : `${t.schema}.${name}`;
}

function tableItem(t: TableInfo, onPick: (sql: string) => void): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'table-item';
  item.dataset.name = `${t.schema}.${t.name}`;
  const head = document.createElement('button');
  head.className = 'table-name';
  head.title = 'Click for columns, double-click to query';
  const caret = document.createElement('span');
  caret.className = 'caret';
  caret.textContent = '▸';
  const name = document.createElement('span');
  name.textContent = t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
  const version = document.createElement('span');
  version.className = 'badge';
  version.textContent = t.error ? t.error.code : `v${t.version}`;
  if (t.error) version.title = t.error.message;
  head.append(caret, name, version);
  const columns = document.createElement('ul');
  columns.className = 'columns';
  columns.hidden = true;
  for (const c of t.columns ?? []) {
    const li = document.createElement('li');
    const cname = document.createElement('span');
    cname.textContent = c.name + (t.partitionColumns?.includes(c.name) ? ' ◆' : '');
    if (t.partitionColumns?.includes(c.name)) cname.title = 'partition column';
    const ctype = document.createElement('span');
    ctype.className = 'col-type';
    ctype.textContent = c.type;
    li.append(cname, ctype);
    columns.append(li);
  }
  head.onclick = () => {
    columns.hidden = !columns.hidden;
    caret.textContent = columns.hidden ? '▸' : '▾';
  };
  head.ondblclick = () => onPick(`SELECT *\nFROM ${qualified(t)}\nLIMIT 100`);
  item.append(head, columns);
  return item;
}
