import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

/**
 * Bundles `writer-child.ts` (our storage code, as the tests see it) into `dist/test-children/`,
 * where Node resolves its packages from the repository's node_modules. Returns the script path.
 */
export async function buildWriterChild(): Promise<string> {
  const outdir = join(repo, 'dist', 'test-children');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `writer-child-${process.pid}.mjs`);
  await build({ entryPoints: [join(here, 'writer-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, packages: 'external', logLevel: 'error' });
  return outfile;
}

export interface RunningChild {
  readonly child: ChildProcess;
  /** `ack <seq> <version>` lines seen so far. */
  readonly acks: { seq: number; version: number }[];
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function runChild(script: string, args: readonly string[]): RunningChild {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: { seq: number; version: number }[] = [];
  const lines: string[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      const m = /^ack (\d+) (\d+)$/.exec(line);
      if (m) acks.push({ seq: Number(m[1]), version: Number(m[2]) });
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal, stderr })),
  );
  return { child, acks, lines, exited };
}
