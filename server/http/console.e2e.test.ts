import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusTable, CORPUS_DIR, corpusTables } from '../../storage/testing/corpus.js';
import { metric } from '../testing/http.js';
import { Warehouse } from '../../storage/warehouse.js';
import { startHttpServer, type RunningHttpServer } from './index.js';

/**
 * The console end to end: the real server over the corpus, Debian's Chromium driven headless by
 * playwright-core. Runs queries the way a person does (typing, Ctrl-Enter), checks the rows, the
 * chart and the error underline, and saves screenshots under test-output/console/.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = join(REPO, 'test-output', 'console');
const BUNDLE = join(REPO, 'dist', 'server', 'http', 'console', 'console.js');

let server: RunningHttpServer;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`the console is not built (${BUNDLE}): run npm run build (npm test does)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startHttpServer({ catalog: new Warehouse(CORPUS_DIR), port: 0 });
  profile = mkdtempSync(join(tmpdir(), 'deltasql-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await page.waitForSelector('.table-item');
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Replaces the editor's text by typing, as a user would, and runs it with Ctrl-Enter. */
async function run(sql: string): Promise<void> {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
  await page.keyboard.press('Escape'); // close the completion popup, if any
  await page.keyboard.press('Control+Enter');
}

const cells = () => page.$$eval('.result-table tbody tr', (rows) => rows.map((tr) => Array.from(tr.querySelectorAll('td')).slice(1).map((td) => td.textContent)));

/** How many pixels of the chart's canvas are drawn (not transparent): a chart, not an empty box. */
const paintedPixels = () =>
  page.$eval('#chart canvas', (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
    return painted;
  });

describe('the web console', () => {
  it('lists the warehouse tables with their schemas', async () => {
    expect(await page.locator('.table-item').count()).toBe(corpusTables().length);
    await page.click('.table-item[data-name="public.basic_partitioned"] .table-name');
    const columns = await page.$$eval('.table-item[data-name="public.basic_partitioned"] .columns li', (lis) => lis.map((li) => li.textContent));
    expect(columns).toEqual(['letter ◆text', 'numberint8', 'a_floatfloat8']);
    expect(await page.textContent('#server-status')).toContain(`${corpusTables().length} tables`);
  });

  it('runs a query with Ctrl-Enter, shows its rows with types, and charts it as bars', async () => {
    await run('SELECT letter, sum(number) AS total, avg(a_float) AS avg_float\nFROM basic_partitioned\nGROUP BY letter\nORDER BY letter');
    await page.waitForSelector('#chart[data-kind="bar"]');
    expect(await cells()).toEqual([
      ['a', '5', '2.75'],
      ['b', '2', '2.2'],
      ['c', '3', '3.3'],
      ['e', '5', '5.5'],
      ['NULL', '6', '6.6'],
    ]);
    expect(await page.$$eval('.result-table th .col-type', (ths) => ths.map((th) => th.textContent))).toEqual(['text', 'numeric', 'float8']);
    expect(await page.textContent('#status')).toMatch(/^5 rows in \d+(\.\d+)? (ms|s)/);
    expect(await paintedPixels()).toBeGreaterThan(5000);
    await page.screenshot({ path: join(SCREENSHOTS, 'bar.png') });
  });

  it('switches the chart kind with the control, and says when a kind does not fit', async () => {
    await page.click('#chart-kind button[data-kind="line"]');
    await page.waitForSelector('#chart[data-kind="line"]');
    expect(await paintedPixels()).toBeGreaterThan(2000);
    await page.click('#chart-kind button[data-kind="heatmap"]');
    await page.waitForSelector('#chart[data-kind="none"]');
    expect(await page.textContent('#chart-note')).toMatch(/heatmap needs two category/i);
    await page.click('#chart-kind button[data-kind="auto"]');
    await page.waitForSelector('#chart[data-kind="bar"]');
  });

  it('draws a time column as a line and two categories as a heatmap', async () => {
    await run('SELECT "time", id, id * 2 AS double_id FROM "kernel-timestamp-INT96"');
    await page.waitForSelector('#chart[data-kind="line"]');
    expect(await paintedPixels()).toBeGreaterThan(2000);
    await run('SELECT CAST(id % 5 AS text) AS bucket, CAST(id / 100 AS text) AS hundred, sum(salary) AS salaries\nFROM "parsed-stats"\nGROUP BY 1, 2\nORDER BY 2, 1');
    await page.waitForSelector('#chart[data-kind="heatmap"]');
    expect(await page.locator('.result-table tbody tr').count()).toBe(31); // 5 buckets × hundreds 0-5, and 600 alone
    expect(await cells().then((rows) => rows[0])).toEqual(['0', '0', '1045000']);
    expect(await page.textContent('#chart-note')).toBe('Chosen from the result’s shape: salaries by bucket × hundred.');
    expect(await paintedPixels()).toBeGreaterThan(5000);
    await page.screenshot({ path: join(SCREENSHOTS, 'heatmap.png') });
  });

  it('shows an error at its position in the editor', async () => {
    await run('SELECT letter, nope FROM basic_partitioned');
    await page.waitForSelector('.cm-sql-error');
    expect(await page.textContent('.cm-sql-error')).toBe('nope');
    expect(await page.getAttribute('.cm-sql-error', 'title')).toBe('column "nope" does not exist');
    expect(await page.textContent('#error')).toBe('42703column "nope" does not exist (at character 16)');
    await page.screenshot({ path: join(SCREENSHOTS, 'error.png') });
    // Fixing the text clears the mark.
    await page.keyboard.type(' ');
    expect(await page.locator('.cm-sql-error').count()).toBe(0);
  });

  it('reads the first 5,000 rows of a huge result, then stops reading: the server cancels the statement', async () => {
    const cancelled = (await metric(server, 'deltasql_query_errors_total{class="57"}')) ?? 0;
    await run('SELECT a.id, b.name, c.salary FROM "parsed-stats" a CROSS JOIN "parsed-stats" b CROSS JOIN "parsed-stats" c');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('first 5,000 rows'));
    expect(await page.locator('.result-table tbody tr').count()).toBe(2000);
    expect(await page.textContent('.truncated')).toBe('Showing the first 2,000 of 5,000 rows fetched.');
    await page.screenshot({ path: join(SCREENSHOTS, 'huge-result.png') });
    await expect.poll(() => metric(server, 'deltasql_active_queries')).toBe(0);
    expect(await metric(server, 'deltasql_query_errors_total{class="57"}')).toBe(cancelled + 1);
  });

  it('shows an empty result as its columns and no rows', async () => {
    await run('SELECT letter, number FROM basic_partitioned WHERE number > 100');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('0 rows'));
    expect(await page.$$eval('.result-table th .col-name', (ths) => ths.map((th) => th.textContent))).toEqual(['letter', 'number']);
    expect(await page.locator('.result-table tbody tr').count()).toBe(0);
  });

  it('refreshes a live query when its table gains a commit (GET with ETag, 304 while unchanged)', async () => {
    const table = copyCorpusTable('basic_partitioned');
    await run(`SELECT letter, count(*) AS n FROM delta.\`${table}\` GROUP BY letter ORDER BY letter`);
    await page.waitForFunction(() => document.querySelectorAll('.result-table tbody tr').length === 5);
    const refreshes: number[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/v1/query?sql=')) refreshes.push(response.status());
    });
    await page.selectOption('#auto-refresh', '2000');
    await expect.poll(() => refreshes.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(refreshes).toEqual([304]); // nothing changed: nothing sent, nothing redrawn
    expect((await cells()).map((row) => row[0])).toEqual(['a', 'b', 'c', 'e', 'NULL']);
    // Another writer removes the letter=e file (version 2).
    const log = readFileSync(join(table, '_delta_log', '00000000000000000001.json'), 'utf8');
    const path = /"path":"(letter=e[^"]*)"/.exec(log)![1]!;
    writeFileSync(join(table, '_delta_log', '00000000000000000002.json'), JSON.stringify({ remove: { path, deletionTimestamp: Date.now(), dataChange: true } }) + '\n');
    await page.waitForFunction(() => document.querySelectorAll('.result-table tbody tr').length === 4, undefined, { timeout: 10_000 });
    expect((await cells()).map((row) => row[0])).toEqual(['a', 'b', 'c', 'NULL']);
    expect(refreshes.at(-1)).toBe(200);
    await page.selectOption('#auto-refresh', '0');
  });

  it('asks for the token of a server started with one, and remembers it', async () => {
    const locked = await startHttpServer({ catalog: new Warehouse(CORPUS_DIR), port: 0, token: 'open-sesame' });
    const other = await context.newPage();
    try {
      const prompts: string[] = [];
      other.on('dialog', (dialog) => {
        prompts.push(dialog.message());
        void dialog.accept('open-sesame');
      });
      await other.goto(`http://127.0.0.1:${locked.port}/`);
      await other.waitForSelector('.table-item');
      expect(prompts).toEqual(['This deltasql server needs its access token (--http-token):']);
      expect(await other.evaluate(() => localStorage.getItem('deltasql.token'))).toBe('open-sesame');
      await other.reload();
      await other.waitForSelector('.table-item');
      expect(prompts).toHaveLength(1); // remembered: not asked again
    } finally {
      await other.close();
      await locked.close();
    }
  });
});
