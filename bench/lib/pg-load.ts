import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/** One kind of query the load sends, and the rows each answer must have (a wrong count is an error). */
export interface LoadKind {
  readonly name: string;
  readonly sql: string;
  readonly params?: () => unknown[];
  readonly rows: number;
}

export interface LoadResult {
  /** Latencies in ms per kind name. */
  readonly latencies: ReadonlyMap<string, number[]>;
  readonly errors: readonly string[];
  readonly elapsedMs: number;
  /** CPU the server used during the timed window (ms), when its processes could be read. */
  readonly serverCpuMs: number | undefined;
}

/**
 * Opens `connections` node-postgres clients to `config`, then for `seconds` has the first
 * `large.connections` stream `large.kind` back to back and the rest cycle through `small`
 * (each client one query at a time, as an application's connection pool does). `serverPids()`
 * names the server's processes, whose CPU time is read from /proc before and after.
 */
export async function runLoad(options: {
  config: pg.ClientConfig;
  connections: number;
  seconds: number;
  small: readonly LoadKind[];
  large: { kind: LoadKind; connections: number };
  serverPids: () => readonly number[];
}): Promise<LoadResult> {
  const { config, connections, seconds, small, large } = options;
  const clients = await Promise.all(Array.from({ length: connections }, async () => {
    const c = new pg.Client(config);
    await c.connect();
    return c;
  }));
  const latencies = new Map<string, number[]>();
  const errors: string[] = [];
  try {
    const cpuBefore = cpuMs(options.serverPids());
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(clients.map(async (client, k) => {
      let i = k;
      while (performance.now() < end) {
        const kind = k < large.connections ? large.kind : small[++i % small.length]!;
        const t0 = performance.now();
        try {
          const r = await client.query(kind.sql, kind.params?.());
          if (r.rows.length !== kind.rows) errors.push(`${kind.name}: ${r.rows.length} rows, expected ${kind.rows}`);
        } catch (err) {
          errors.push(`${kind.name}: ${(err as Error).message}`);
        }
        const list = latencies.get(kind.name) ?? [];
        list.push(performance.now() - t0);
        latencies.set(kind.name, list);
      }
    }));
    const elapsedMs = performance.now() - start;
    const cpuAfter = cpuMs(options.serverPids());
    const serverCpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    return { latencies, errors, elapsedMs, serverCpuMs };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** User + system CPU of these processes so far, from /proc (Linux; USER_HZ = 100), or undefined. */
export function cpuMs(pids: readonly number[]): number | undefined {
  try {
    let ticks = 0;
    for (const pid of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }
    return ticks * 10;
  } catch {
    return undefined;
  }
}

/** A process and its live children (a postmaster and its backends), from /proc. */
export function withChildren(pid: number): number[] {
  const out = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
