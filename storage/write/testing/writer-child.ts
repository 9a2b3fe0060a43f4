/**
 * A writer process for the crash and concurrency tests (bundled by `child-process.ts`, run as
 * `node writer-child.mjs <mode> <table root> …`). It writes through the storage API only, and
 * prints `ack <seq> <version>` after each commit returns: an acknowledged commit.
 *
 * - `append <root> <writer> <count> <rowsPerCommit>`: `count` commits of `rowsPerCommit` rows
 *   `(writer, seq, part, n=0)`.
 * - `update <root> <count>`: `count` UPDATE-like transactions: pick a few live rows, delete them
 *   (DV or rewrite) and write them back with `n + 1`; a `40001` conflict retries the statement.
 */
import * as arrow from 'apache-arrow';
import { SqlError } from '../../../common/sql-error.js';
import { LocalObjectStore } from '../../object-store/local.js';
import { DeltaTable } from '../../table.js';
import { WriteTransaction } from '../transaction.js';

const [mode, root, ...args] = process.argv.slice(2);
const store = new LocalObjectStore();
const table = new DeltaTable(store, String(root), 't');

function rowsBatch(writer: number[], seq: number[], part: number[], n: number[]): arrow.RecordBatch {
  const table = arrow.tableFromArrays({ writer: Int32Array.from(writer), seq: Int32Array.from(seq), part: Int32Array.from(part), n: Int32Array.from(n) });
  return table.batches[0] as arrow.RecordBatch;
}

async function append(writer: number, count: number, rowsPerCommit: number): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    const tx = await WriteTransaction.open(table);
    const w = new Array<number>(rowsPerCommit).fill(writer);
    const s = new Array<number>(rowsPerCommit).fill(seq);
    const part = Array.from({ length: rowsPerCommit }, (_, i) => i);
    await tx.write([rowsBatch(w, s, part, new Array<number>(rowsPerCommit).fill(0))]);
    const { version } = await tx.commit({ operation: 'WRITE', operationParameters: { mode: 'Append' } });
    process.stdout.write(`ack ${seq} ${version}\n`);
  }
}

async function update(count: number): Promise<void> {
  let done = 0;
  let conflicts = 0;
  while (done < count) {
    const tx = await WriteTransaction.open(table);
    const files = tx.readSnapshot?.files ?? [];
    if (files.length === 0) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    const file = files[Math.floor(Math.random() * files.length)];
    if (!file) continue;
    tx.markRead([file]);
    const positions: number[] = [];
    const kept: { writer: number[]; seq: number[]; part: number[]; n: number[] } = { writer: [], seq: [], part: [], n: [] };
    for await (const { batch, rowIndex } of tx.readFile(file, ['writer', 'seq', 'part', 'n'])) {
      const cols = [0, 1, 2, 3].map((i) => batch.getChildAt(i)?.toArray() as Int32Array);
      for (let i = 0; i < batch.numRows; i++) {
        if (i % 2 !== 0) continue; // every other row of the file
        positions.push(rowIndex[i] as number);
        kept.writer.push(cols[0]?.[i] as number);
        kept.seq.push(cols[1]?.[i] as number);
        kept.part.push(cols[2]?.[i] as number);
        kept.n.push((cols[3]?.[i] as number) + 1);
      }
    }
    await tx.deleteRows({ file, rows: positions });
    await tx.write([rowsBatch(kept.writer, kept.seq, kept.part, kept.n)]);
    try {
      const { version } = await tx.commit({ operation: 'UPDATE' });
      process.stdout.write(`ack ${done} ${version}\n`);
      done++;
    } catch (err) {
      if (!(err instanceof SqlError) || err.sqlstate !== '40001') throw err;
      conflicts++;
    }
  }
  process.stdout.write(`conflicts ${conflicts}\n`);
}

if (mode === 'append') await append(Number(args[0]), Number(args[1]), Number(args[2] ?? 1));
else if (mode === 'update') await update(Number(args[0]));
else throw new Error(`unknown mode ${mode}`);
