import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { LocalObjectStore } from '../../storage/object-store/local.js';
import { DeltaTable, isDeltaTable } from '../../storage/table.js';
import { createTable } from '../../storage/write/create-table.js';
import { WriteTransaction } from '../../storage/write/transaction.js';
import { ads } from './ads.js';
import type { DemoDataset, DemoTable } from './dataset.js';
import { games } from './games.js';
import { genomics } from './genomics.js';
import { stocks } from './stocks.js';

/** PRODUCT.md's four jobs, as the demo warehouse's datasets. */
export const DATASETS: readonly DemoDataset[] = [stocks, genomics, ads, games];

/** Where the demo records how many steps it has appended, so a restart continues the streams. */
const STATE_FILE = '.deltasql-demo.json';

const store = new LocalObjectStore();

/**
 * Creates the demo warehouse in `dir`: every table of every dataset with its initial rows
 * (step 0), each through the Delta write path like any other writer. Tables already there are
 * kept as they are, so running the demo again reuses (and keeps growing) the same warehouse.
 * Returns the names of the tables it created.
 */
export async function createDemoWarehouse(dir: string, now = Date.now()): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const created: string[] = [];
  for (const dataset of DATASETS) {
    const rows = dataset.rows(0, now);
    for (const table of dataset.tables) {
      const root = resolve(dir, table.name);
      if (await isDeltaTable(store, root)) continue;
      const tx = await createTable(store, root, table.name, {
        schema: table.schema,
        name: table.name,
        description: table.description,
        ...(table.partitionColumns === undefined ? {} : { partitionColumns: table.partitionColumns }),
      });
      await tx.write(batchesOf(rows, table));
      await tx.commit({ operation: 'CREATE TABLE AS SELECT', operationParameters: { isManaged: 'false', partitionBy: JSON.stringify(table.partitionColumns ?? []) } });
      created.push(table.name);
    }
  }
  if ((await readStep(dir)) === undefined) await writeStep(dir, 0);
  return created;
}

/**
 * Appends the next step of every dataset (a new trading day, a new sample, the last tick's
 * impressions, conversions and game events): one blind-append commit per table that grows.
 * Returns the step appended.
 */
export async function growDemoWarehouse(dir: string, now = Date.now()): Promise<number> {
  const step = ((await readStep(dir)) ?? 0) + 1;
  for (const dataset of DATASETS) {
    const rows = dataset.rows(step, now);
    for (const table of dataset.tables) {
      const batches = batchesOf(rows, table);
      if (batches.length === 0) continue;
      const tx = await WriteTransaction.open(new DeltaTable(store, resolve(dir, table.name), table.name));
      await tx.write(batches);
      await tx.commit({ operation: 'WRITE', operationParameters: { mode: 'Append', partitionBy: '[]' }, isBlindAppend: true });
    }
  }
  await writeStep(dir, step);
  return step;
}

/**
 * Keeps the demo's tables growing: one step every `intervalMs` until `signal` aborts. A failed
 * step is reported to `onError` and the next tick tries again.
 */
export function keepGrowing(dir: string, intervalMs: number, signal: AbortSignal, onError: (err: unknown) => void): Promise<void> {
  return new Promise((done) => {
    let timer: NodeJS.Timeout | undefined;
    const tick = async (): Promise<void> => {
      try {
        await growDemoWarehouse(dir);
      } catch (err) {
        onError(err);
      }
      if (!signal.aborted) timer = setTimeout(() => void tick(), intervalMs);
    };
    signal.addEventListener('abort', () => {
      if (timer !== undefined) clearTimeout(timer);
      done();
    }, { once: true });
    timer = setTimeout(() => void tick(), intervalMs);
  });
}

function batchesOf(rows: ReadonlyMap<string, RecordBatch>, table: DemoTable): RecordBatch[] {
  const batch = rows.get(table.name);
  return batch === undefined || batch.numRows === 0 ? [] : [batch];
}

async function readStep(dir: string): Promise<number | undefined> {
  try {
    const state = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as { step?: unknown };
    return typeof state.step === 'number' ? state.step : undefined;
  } catch {
    return undefined;
  }
}

async function writeStep(dir: string, step: number): Promise<void> {
  await writeFile(join(dir, STATE_FILE), JSON.stringify({ step }) + '\n');
}
