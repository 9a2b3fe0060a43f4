import { ApiError, MAX_FETCH_ROWS, refreshQuery, runQuery, type QueryResponse } from './api.js';
import { ResultChart } from './chart.js';
import type { ChartKind } from './chart-shape.js';
import { createEditor } from './editor.js';
import { renderTable } from './results-table.js';
import { loadTables } from './tables.js';

/**
 * The web console (issue #6): editor, results table, chart and table list, wired together.
 * State is one current result; the chart redraws it when the kind control changes, and the
 * refresh control re-runs it through `GET /v1/query` (a 304 when no table it reads changed).
 */

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const DEFAULT_SQL = localStorage.getItem('deltasql.sql') ?? 'SELECT 1 AS answer';

const status = $('status');
const errorPanel = $('error');
const rowCount = $('row-count');
const tableView = $('table-view');
const chart = new ResultChart($('chart'), $('chart-note'));
let chartKind: ChartKind | 'auto' = 'auto';
let current: { sql: string; result: QueryResponse; etag: string | undefined } | undefined;
let running = false;

const editor = createEditor($('editor'), DEFAULT_SQL, () => void run());
$('run').onclick = () => void run();

async function run(): Promise<void> {
  if (running) return;
  const sql = editor.text();
  localStorage.setItem('deltasql.sql', sql);
  running = true;
  document.body.classList.add('running');
  status.textContent = 'Running…';
  const started = performance.now();
  try {
    const result = await runQuery(sql);
    // A truncated result must not be kept by a 304: refresh it in full at the next tick.
    current = { sql, result, etag: result.truncated ? undefined : result.etag };
    show(result, performance.now() - started, result.truncated);
  } catch (err) {
    fail(err, performance.now() - started);
  } finally {
    running = false;
    document.body.classList.remove('running');
  }
}

function show(result: QueryResponse, ms: number, truncated = false): void {
  editor.clearError();
  errorPanel.hidden = true;
  document.body.classList.remove('failed');
  const time = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
  status.textContent = truncated
    ? `first ${MAX_FETCH_ROWS.toLocaleString()} rows in ${time}; stopped reading there (add a LIMIT or aggregate to see the rest)`
    : `${result.rowCount.toLocaleString()} row${result.rowCount === 1 ? '' : 's'} in ${time}`;
  rowCount.textContent = `${truncated ? 'first ' : ''}${result.rowCount.toLocaleString()} rows · ${result.columns.length} columns`;
  renderTable(tableView, result);
  chart.draw(result, chartKind);
}

function fail(err: unknown, ms: number): void {
  const e = err instanceof ApiError ? err : new ApiError('08006', err instanceof Error ? err.message : String(err), undefined, 0);
  status.textContent = `Failed after ${Math.round(ms)} ms`;
  document.body.classList.add('failed'); // the result below is the previous statement's
  errorPanel.hidden = false;
  errorPanel.replaceChildren();
  const code = document.createElement('span');
  code.className = 'error-code';
  code.textContent = e.code;
  const message = document.createElement('span');
  message.textContent = e.message + (e.position === undefined ? '' : ` (at character ${e.position})`);
  errorPanel.append(code, message);
  editor.showError(e.position, e.message);
}

// ── chart kind ──
const kindButtons = Array.from($('chart-kind').querySelectorAll('button'));
for (const button of kindButtons) {
  button.onclick = () => {
    chartKind = button.dataset.kind as ChartKind | 'auto';
    for (const b of kindButtons) b.classList.toggle('active', b === button);
    if (current) chart.draw(current.result, chartKind);
  };
}
chart.clear('Run a query with a numeric column to chart it.');

// ── auto refresh: live dashboards over growing tables ──
let timer: ReturnType<typeof setInterval> | undefined;
$<HTMLSelectElement>('auto-refresh').onchange = (event) => {
  if (timer) clearInterval(timer);
  const every = Number((event.target as HTMLSelectElement).value);
  timer = every > 0 ? setInterval(() => void refresh(), every) : undefined;
};

async function refresh(): Promise<void> {
  if (!current || running) return;
  try {
    const started = performance.now();
    const fresh = await refreshQuery(current.sql, current.etag);
    if (!fresh) return; // 304: nothing it reads has changed
    current = { sql: current.sql, result: fresh.result, etag: fresh.etag };
    show(fresh.result, performance.now() - started);
  } catch (err) {
    if (err instanceof ApiError && err.code === '25006') return; // not a read-only statement: nothing to refresh
    fail(err, 0);
  }
}

// ── tables and server status ──
async function refreshTables(): Promise<void> {
  try {
    const schema = await loadTables($('tables'), $<HTMLInputElement>('table-filter'), (sql) => {
      editor.view.dispatch({ changes: { from: 0, to: editor.view.state.doc.length, insert: sql } });
      void run();
    });
    editor.setSchema(schema);
    $('server-status').textContent = `● connected · ${Object.keys(schema).length} tables`;
    $('server-status').classList.add('ok');
  } catch (err) {
    $('server-status').textContent = `● ${err instanceof Error ? err.message : String(err)}`;
    $('server-status').classList.remove('ok');
  }
}
$('refresh-tables').onclick = () => void refreshTables();
void refreshTables();
editor.view.focus();
