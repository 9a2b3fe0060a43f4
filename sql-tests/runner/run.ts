import { runsOn, type Query, type SltFile, type SltRecord, type StatementError } from './parse.js';
import { cell, normalizeExpected, resultLines } from './values.js';

/** A result as text: each value in PostgreSQL's text form, null for SQL NULL. */
export interface EngineResult {
  readonly width: number;
  readonly rows: readonly (readonly (string | null)[])[];
}

/** What an engine raises: a SQLSTATE when it has one, a message, a 1-based position. */
export interface EngineError {
  readonly sqlstate?: string;
  readonly message: string;
  readonly position?: number;
}

/** Something that runs SQL: deltasql itself (`deltasql.ts`) or an oracle (`../oracle/`). */
export interface Engine {
  /** Lower-case name matched by `skipif` / `onlyif`: `deltasql`, `postgresql`, `duckdb`. */
  readonly name: string;
  /** Whether to run a record's `# oracle-sql:` spelling instead of its SQL (oracles do). */
  readonly usesOracleSql: boolean;
  /** Runs one statement to completion; rejects with an `EngineError`-shaped error. */
  run(sql: string): Promise<EngineResult>;
}

export interface Failure {
  readonly file: string;
  readonly line: number;
  readonly sql: string;
  readonly problem: string;
  readonly expected?: readonly string[];
  readonly actual?: readonly string[];
}

export interface FileOutcome {
  readonly file: string;
  readonly passed: number;
  readonly skipped: number;
  readonly failures: readonly Failure[];
  /** With `complete`, the file's new text (expected results replaced by the actual ones). */
  readonly completed?: string;
}

export interface RunOptions {
  /** Rewrite each query's expected rows from the actual result (`SLT_COMPLETE=1`). */
  readonly complete?: boolean;
}

/** Runs every record of one file in order on `engine` and reports each failure precisely. */
export async function runFile(file: SltFile, engine: Engine, options: RunOptions = {}): Promise<FileOutcome> {
  const failures: Failure[] = [];
  const rewrites: { range: readonly [number, number]; separator: boolean; lines: string[] }[] = [];
  let passed = 0;
  let skipped = 0;
  for (const record of file.records) {
    if (record.kind === 'halt') break;
    if (!runsOn(record, engine.name)) {
      skipped++;
      continue;
    }
    const sql = engine.usesOracleSql && record.oracleSql !== undefined ? record.oracleSql : record.sql;
    const fail = (problem: string, expected?: readonly string[], actual?: readonly string[]): void => {
      failures.push({ file: file.path, line: record.line, sql, problem, ...(expected ? { expected } : {}), ...(actual ? { actual } : {}) });
    };
    let outcome: { ok: EngineResult } | { error: EngineError };
    try {
      outcome = { ok: await engine.run(sql) };
    } catch (err) {
      outcome = { error: asEngineError(err) };
    }
    const problem = check(record, outcome);
    if (record.kind === 'query' && 'ok' in outcome) {
      const actual = renderResult(record, outcome.ok);
      if (options.complete) rewrites.push({ range: record.resultLines, separator: record.hasSeparator, lines: actual });
      if (problem === undefined) {
        const expected = normalizeExpected(record.expected, record.types, record.sort);
        if (!sameLines(expected, actual) && !options.complete) {
          fail('result mismatch', record.expected, actual);
          continue;
        }
      }
    }
    if (problem !== undefined) fail(problem);
    else passed++;
  }
  const completed = options.complete ? rewrite(file.lines, rewrites) : undefined;
  return { file: file.path, passed, skipped, failures, ...(completed !== undefined ? { completed } : {}) };
}

/** The record's verdict on an outcome apart from comparing rows; undefined when it holds. */
function check(record: Exclude<SltRecord, { kind: 'halt' }>, outcome: { ok: EngineResult } | { error: EngineError }): string | undefined {
  switch (record.kind) {
    case 'statement-ok':
      return 'error' in outcome ? `expected success, got error ${describeError(outcome.error)}` : undefined;
    case 'statement-error':
      return 'error' in outcome ? checkError(record, outcome.error) : `expected error ${expectedError(record)}, but the statement succeeded`;
    case 'query': {
      if ('error' in outcome) return `query failed: ${describeError(outcome.error)}`;
      if (outcome.ok.width !== record.types.length)
        return `expected ${record.types.length} column(s) (query ${record.types}), got ${outcome.ok.width}`;
      return undefined;
    }
  }
}

function checkError(record: StatementError, error: EngineError): string | undefined {
  const wrong: string[] = [];
  if (record.sqlstate !== undefined && error.sqlstate !== record.sqlstate) wrong.push(`SQLSTATE ${error.sqlstate ?? '(none)'}`);
  if (record.position !== undefined && error.position !== record.position) wrong.push(`position ${error.position ?? '(none)'}`);
  if (record.message !== undefined && !new RegExp(record.message).test(error.message)) wrong.push(`message "${error.message}"`);
  return wrong.length === 0 ? undefined : `expected error ${expectedError(record)}, got ${wrong.join(', ')} (${describeError(error)})`;
}

function expectedError(record: StatementError): string {
  return [record.sqlstate, record.position !== undefined ? `position=${record.position}` : undefined, record.message && `/${record.message}/`]
    .filter(Boolean)
    .join(' ') || '(any)';
}

function describeError(error: EngineError): string {
  return `${error.sqlstate ?? '?????'}: ${error.message}${error.position !== undefined ? ` (position ${error.position})` : ''}`;
}

export function asEngineError(err: unknown): EngineError {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { sqlstate?: unknown; message: unknown; position?: unknown };
    return {
      message: String(e.message),
      ...(typeof e.sqlstate === 'string' ? { sqlstate: e.sqlstate } : {}),
      ...(typeof e.position === 'number' ? { position: e.position } : {}),
    };
  }
  return { message: String(err) };
}

/** A result's rows as .slt lines, in the query's sort mode. */
export function renderResult(record: Query, result: EngineResult): string[] {
  const rows = result.rows.map((row) => row.map((v, i) => cell(v, record.types[i] ?? 'T')));
  return resultLines(rows, record.sort);
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** The file's lines with each query's expected block replaced (bottom-up, so ranges stay valid). */
function rewrite(lines: readonly string[], rewrites: readonly { range: readonly [number, number]; separator: boolean; lines: string[] }[]): string {
  const out = [...lines];
  for (const { range, separator, lines: rows } of [...rewrites].sort((a, b) => b.range[0] - a.range[0])) {
    out.splice(range[0], range[1] - range[0], ...(separator ? [] : ['----']), ...rows);
  }
  return out.join('\n') + '\n';
}

/** One failure as a readable block: `file:line`, the problem, the SQL, expected and actual rows. */
export function formatFailure(f: Failure): string {
  const parts = [`${f.file}:${f.line}: ${f.problem}`, indent(f.sql)];
  if (f.expected) parts.push('expected:', indent(f.expected.join('\n') || '(no rows)'));
  if (f.actual) parts.push('actual:', indent(f.actual.join('\n') || '(no rows)'));
  return parts.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
