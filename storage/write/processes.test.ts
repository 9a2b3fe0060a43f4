import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { DeltaTable } from '../table.js';
import { createTable } from './create-table.js';
import { schemaOf, tempTableDir } from './testing/batches.js';
import { buildWriterChild, runChild } from './testing/child-process.js';
import { ourRows } from './testing/our-rows.js';

/**
 * Real processes against one table on disk: a writer killed with SIGKILL at random points, and
 * several writers racing. Every check reads the table from scratch through our reader.
 */
const store = new LocalObjectStore();
const schema = schemaOf({ writer: 'integer', seq: 'integer', part: 'integer', n: 'integer' });
let script: string;

beforeAll(async () => {
  script = await buildWriterChild();
});

afterAll(() => {
  rmSync(script, { force: true });
});

async function newTable(configuration: Record<string, string>): Promise<string> {
  const root = tempTableDir();
  await (await createTable(store, root, 't', { schema, configuration })).commit({ operation: 'CREATE TABLE' });
  return root;
}

/** Rows grouped by (writer, seq): how many rows each commit left, and the row identities seen twice. */
async function census(root: string) {
  const rows = await ourRows(store, await new DeltaTable(store, root, 't').latest());
  const perCommit = new Map<string, number>();
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const r of rows) {
    const commit = `${r.writer}/${r.seq}`;
    perCommit.set(commit, (perCommit.get(commit) ?? 0) + 1);
    const id = `${commit}/${r.part}`;
    if (seen.has(id)) duplicates.push(id);
    seen.add(id);
  }
  return { rows, perCommit, duplicates };
}

/** Resolves at the child's first `ack` line (or after `timeoutMs`). */
async function firstAck(running: ReturnType<typeof runChild>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (running.acks.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

function commitVersions(root: string): number[] {
  return readdirSync(join(root, '_delta_log'))
    .filter((n) => /^\d{20}\.json$/.test(n))
    .map((n) => Number(n.slice(0, 20)))
    .sort((a, b) => a - b);
}

describe('a writer killed with SIGKILL at random points, 100 times', () => {
  it('leaves a table that opens, with every acknowledged commit whole and no partial one', async () => {
    const started = Date.now();
    const root = await newTable({ 'delta.checkpointInterval': '3', 'delta.enableDeletionVectors': 'true', 'delta.logRetentionDuration': 'interval 0 seconds' });
    const ROWS = 20;
    const acked = new Map<string, number>();
    let killedMidway = 0;
    for (let round = 0; round < 100; round++) {
      // Mostly appends; every fourth round an updater (DV deletes + rewrites), killed the same way.
      const updating = round % 4 === 3;
      const running = updating ? runChild(script, ['update', root, '1000']) : runChild(script, ['append', root, String(round), '1000', String(ROWS)]);
      // Most rounds wait for the first acknowledged commit, then kill within the next commits;
      // every fifth round kills blindly (start-up, first commit, first checkpoint).
      const blind = round % 5 === 4;
      const delay = Math.random() * (blind ? 400 : 120);
      if (!blind) await firstAck(running, 5000);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running.child.kill('SIGKILL');
      const exit = await running.exited;
      expect(exit.signal, exit.stderr).toBe('SIGKILL');
      if (!updating) for (const a of running.acks) acked.set(`${round}/${a.seq}`, a.version);
      if (running.acks.length > 0) killedMidway++;

      const { perCommit, duplicates } = await census(root);
      expect(duplicates, `round ${round}`).toEqual([]);
      for (const commit of acked.keys()) expect(perCommit.get(commit), `acknowledged commit ${commit} (round ${round})`).toBe(ROWS);
      for (const [commit, n] of perCommit) expect(n, `commit ${commit} is whole`).toBe(ROWS);
    }
    const versions = commitVersions(root);
    expect(versions).toEqual(versions.map((_, i) => i + (versions[0] ?? 0)));
    // Checkpoints every 3 versions and a zero log retention: kills also land in checkpoint
    // writing and log cleanup, and the old log was really cleaned up.
    expect(versions[0]).toBeGreaterThan(0);
    expect(killedMidway).toBeGreaterThanOrEqual(80);
    expect(acked.size).toBeGreaterThan(100);
    // ~45 s on an idle 2-core machine, ~90 s beside the whole suite; bounded by the timeout below.
    expect(Date.now() - started).toBeGreaterThan(0);
  }, 240_000);
});

describe('4 processes appending 200 single-row commits each, beside one updating rows', () => {
  it('keeps every row exactly once, and the versions form one gapless history', async () => {
    const root = await newTable({ 'delta.enableDeletionVectors': 'true' });
    const appenders = [0, 1, 2, 3].map((w) => runChild(script, ['append', root, String(w), '200', '1']));
    const updater = runChild(script, ['update', root, '40']);
    const exits = await Promise.all([...appenders, updater].map((c) => c.exited));
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

    const { rows, perCommit, duplicates } = await census(root);
    expect(duplicates).toEqual([]);
    expect(rows).toHaveLength(800);
    for (let w = 0; w < 4; w++) for (let s = 0; s < 200; s++) expect(perCommit.get(`${w}/${s}`), `row ${w}/${s}`).toBe(1);
    // Updated rows carry n > 0: the updater's commits are visible too.
    expect(rows.filter((r) => Number(r.n) > 0).length).toBeGreaterThan(0);

    const acks = [...appenders, updater].flatMap((c) => c.acks.map((a) => a.version));
    expect(acks).toHaveLength(840);
    expect(new Set(acks).size).toBe(840);
    expect(commitVersions(root)).toEqual(Array.from({ length: 841 }, (_, i) => i));
  }, 240_000);
});
