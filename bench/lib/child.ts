import { spawn } from 'node:child_process';

/**
 * Runs a compiled bench script in a child node process: `input` goes in as JSON on stdin, the
 * child's last stdout line comes back parsed as JSON. DuckDB (data generation and its side of
 * every comparison) runs this way so that its memory and threads never touch our process's peak
 * RSS or timings; the child's stderr passes through for progress messages.
 */
export function runChild<T>(script: string, input: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench: ${script} exited with code ${code}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`bench: ${script} printed no JSON result:\n${stdout}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** The child's side of `runChild`: reads the JSON input, runs `fn`, prints its JSON result. */
export async function childMain<I, O>(fn: (input: I) => Promise<O>): Promise<void> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  const output = await fn(JSON.parse(text) as I);
  process.stdout.write(JSON.stringify(output) + '\n');
}
