import { spawn } from 'node:child_process';

/**
 * `lib/child.ts`'s `runChild` with a time limit: a query our engine plans badly (a cross product
 * where a hash join belongs) must cost the benchmark a "timeout", not the whole run. The child
 * gets `input` as JSON on stdin and answers with its last stdout line; on timeout it is killed
 * (SIGKILL, by its own pid) and `timeout` comes back instead; a child that dies (out of memory,
 * a crash) is `crashed`, also a row of the report rather than the end of the run.
 */
export type ChildOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'crashed'; readonly detail: string };

export function runChildWithin<T>(
  script: string,
  input: unknown,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildOutcome<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script], { stdio: ['pipe', 'pipe', 'inherit'], env });
    let stdout = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ kind: 'timeout' });
      if (code !== 0) return resolve({ kind: 'crashed', detail: `exit code ${code}, signal ${signal ?? 'none'}` });
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ kind: 'ok', value: JSON.parse(last) as T });
      } catch {
        resolve({ kind: 'crashed', detail: `no JSON result: ${stdout.slice(-200)}` });
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
