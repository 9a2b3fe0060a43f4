import { once } from 'node:events';
import { SqlError } from '../../common/sql-error.js';

/** A mistake in how the command was called (unknown option, missing argument…): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_SQL_ERROR = 1;
export const EXIT_USAGE = 2;

/**
 * Writes every chunk to `out`, waiting for `drain` whenever the stream's buffer is full, so a
 * slow reader (`| less`) holds back the query instead of letting output pile up in memory.
 */
export async function writeAll(chunks: AsyncIterable<string>, out: NodeJS.WritableStream): Promise<void> {
  for await (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/** Resolves once everything written to `out` so far has been handed to the OS. */
export function flushed(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => out.write('', () => resolve()));
}

/**
 * The CLI rendering of an error: ONE line,
 * `ERROR:  column "nme" does not exist at character 8. HINT: Perhaps you meant "name" (SQLSTATE 42703)`.
 * Internal bugs (`XX000`) add their stack on the following lines when `DELTASQL_DEBUG=1`.
 */
export function formatError(err: unknown): string {
  if (err instanceof UsageError) return `ERROR:  ${oneLine(err.message)} (see "deltasql --help")`;
  const error = SqlError.from(err);
  let text = `ERROR:  ${oneLine(error.message)}`;
  if (error.position !== undefined) text += ` at character ${error.position}`;
  // PostgreSQL's DETAIL and HINT are sentences that may end in a period already: never two.
  const sentence = (t: string) => (t.endsWith('.') ? t.slice(0, -1) : t);
  if (error.detail) text += `. DETAIL: ${sentence(oneLine(error.detail))}`;
  if (error.hint) text += `. HINT: ${sentence(oneLine(error.hint))}`;
  text += ` (SQLSTATE ${error.sqlstate})`;
  if (error.sqlstate === 'XX000' && process.env.DELTASQL_DEBUG === '1') {
    const cause = error.cause instanceof Error ? error.cause : error;
    text += '\n' + (cause.stack ?? String(cause));
  }
  return text;
}

/** The exit code for an error: 2 for usage errors, 1 for everything the statement raised. */
export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? EXIT_USAGE : EXIT_SQL_ERROR;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
