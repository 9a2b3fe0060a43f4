/**
 * A parser for sqllogictest files (`*.slt`), the format of SQLite, DuckDB, DataFusion and
 * CockroachDB, in DuckDB's flavour:
 *
 * ```
 * # description: what this file covers
 * # oracle: PostgreSQL 15.x
 *
 * statement ok
 * SELECT 1
 *
 * statement error 42P01 relation "nope" does not exist
 * SELECT * FROM nope
 *
 * query IRT rowsort
 * SELECT id, weight, name FROM scores
 * ----
 * 1	0.5	ann
 * ```
 *
 * Records are separated by blank lines. `query <types> [nosort|rowsort|valuesort]`: one letter
 * per result column (I integer, R real — compared at 10 significant digits, T text, B boolean,
 * D date/timestamp; only R changes how values compare), the SQL, `----`, then one line per row
 * with values separated by a TAB. `statement error [SQLSTATE] [position=N] [message regex]`.
 * `halt` stops the file; `skipif <engine>` / `onlyif <engine>` guard the next record.
 * A `# oracle-sql:` comment block right before a record gives the oracle's spelling of the same
 * query when ours (Spark's) differs; the engine never reads it.
 */

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

interface RecordBase {
  /** 1-based line of the record's first line (`statement …` / `query …`). */
  readonly line: number;
  readonly sql: string;
  /** Engines this record is for (`onlyif`) or not for (`skipif`). */
  readonly onlyIf: readonly string[];
  readonly skipIf: readonly string[];
  /** The oracle's spelling of the query, when it differs (`# oracle-sql:` lines). */
  readonly oracleSql?: string;
}

export interface StatementOk extends RecordBase {
  readonly kind: 'statement-ok';
}

export interface StatementError extends RecordBase {
  readonly kind: 'statement-error';
  readonly sqlstate?: string;
  readonly position?: number;
  /** A regular expression the error message must match (searched, not anchored). */
  readonly message?: string;
}

export interface Query extends RecordBase {
  readonly kind: 'query';
  readonly types: string;
  readonly sort: SortMode;
  /** The expected result lines as written (TAB-separated values), empty when none. */
  readonly expected: readonly string[];
  /** Line range [from, to) of the expected block in the file (for --complete rewrites). */
  readonly resultLines: readonly [number, number];
  /** Whether the file has a `----` separator for this query. */
  readonly hasSeparator: boolean;
}

export interface Halt {
  readonly kind: 'halt';
  readonly line: number;
}

export type SltRecord = StatementOk | StatementError | Query | Halt;

export interface SltFile {
  readonly path: string;
  readonly description?: string;
  /** The `# oracle:` header: which engine produced the expected results. */
  readonly oracle?: string;
  readonly records: readonly SltRecord[];
  readonly lines: readonly string[];
}

export class SltSyntaxError extends Error {
  constructor(path: string, line: number, message: string) {
    super(`${path}:${line}: ${message}`);
    this.name = 'SltSyntaxError';
  }
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

export function parseSlt(path: string, text: string): SltFile {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records: SltRecord[] = [];
  let description: string | undefined;
  let oracle: string | undefined;
  let onlyIf: string[] = [];
  let skipIf: string[] = [];
  let oracleSql: string[] = [];
  let i = 0;

  const blockUntilBlank = (from: number, stopAtSeparator: boolean): [string[], number] => {
    const out: string[] = [];
    let j = from;
    while (j < lines.length && lines[j]!.trim() !== '' && !(stopAtSeparator && lines[j] === '----')) out.push(lines[j++]!);
    return [out, j];
  };

  while (i < lines.length) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      const header = /^#\s*(description|oracle):\s*(.*)$/.exec(line);
      if (header?.[1] === 'description' && description === undefined) description = header[2]!.trim();
      else if (header?.[1] === 'oracle' && oracle === undefined) oracle = header[2]!.trim();
      const alt = /^#\s*oracle-sql:\s?(.*)$/.exec(raw);
      if (alt) oracleSql.push(alt[1]!);
      i++;
      continue;
    }
    const words = line.split(/\s+/);
    const lineNo = i + 1;
    const guards = { onlyIf, skipIf, ...(oracleSql.length ? { oracleSql: oracleSql.join('\n') } : {}) };
    switch (words[0]) {
      case 'skipif':
      case 'onlyif': {
        const engine = words[1];
        if (!engine) throw new SltSyntaxError(path, lineNo, `${words[0]} needs an engine name`);
        (words[0] === 'skipif' ? skipIf : onlyIf).push(engine.toLowerCase());
        i++;
        continue;
      }
      case 'halt':
        records.push({ kind: 'halt', line: lineNo });
        i++;
        break;
      case 'statement': {
        const [sqlLines, next] = blockUntilBlank(i + 1, false);
        if (sqlLines.length === 0) throw new SltSyntaxError(path, lineNo, 'statement without SQL');
        const sql = sqlLines.join('\n');
        if (words[1] === 'ok') records.push({ kind: 'statement-ok', line: lineNo, sql, ...guards });
        else if (words[1] === 'error') {
          let rest = line.replace(/^statement\s+error\s*/, '');
          let sqlstate: string | undefined;
          let position: number | undefined;
          const first = /^(\S+)\s*/.exec(rest);
          if (first && SQLSTATE.test(first[1]!)) {
            sqlstate = first[1]!;
            rest = rest.slice(first[0].length);
          }
          const pos = /^position=(\d+)\s*/.exec(rest);
          if (pos) {
            position = Number(pos[1]);
            rest = rest.slice(pos[0].length);
          }
          records.push({
            kind: 'statement-error',
            line: lineNo,
            sql,
            ...(sqlstate ? { sqlstate } : {}),
            ...(position !== undefined ? { position } : {}),
            ...(rest ? { message: rest } : {}),
            ...guards,
          });
        } else throw new SltSyntaxError(path, lineNo, `expected "statement ok" or "statement error", found "${line}"`);
        i = next;
        break;
      }
      case 'query': {
        const types = words[1];
        if (!types || !/^[IRTBD]+$/.test(types)) throw new SltSyntaxError(path, lineNo, `query needs column types (letters I R T B D), found "${types ?? ''}"`);
        const sort = (words[2] ?? 'nosort') as SortMode;
        if (!['nosort', 'rowsort', 'valuesort'].includes(sort)) throw new SltSyntaxError(path, lineNo, `unknown sort mode "${sort}"`);
        const [sqlLines, afterSql] = blockUntilBlank(i + 1, true);
        if (sqlLines.length === 0) throw new SltSyntaxError(path, lineNo, 'query without SQL');
        const hasSeparator = lines[afterSql] === '----';
        let expected: string[] = [];
        let next = afterSql;
        if (hasSeparator) {
          // Rows run to the next blank line; a result can be empty (separator then blank).
          let j = afterSql + 1;
          while (j < lines.length && lines[j] !== '') expected.push(lines[j++]!);
          next = j;
        }
        records.push({
          kind: 'query',
          line: lineNo,
          sql: sqlLines.join('\n'),
          types,
          sort,
          expected,
          resultLines: [hasSeparator ? afterSql + 1 : afterSql, next],
          hasSeparator,
          ...guards,
        });
        i = next;
        break;
      }
      default:
        throw new SltSyntaxError(path, lineNo, `unknown record "${line}"`);
    }
    onlyIf = [];
    skipIf = [];
    oracleSql = [];
  }
  return { path, ...(description !== undefined ? { description } : {}), ...(oracle !== undefined ? { oracle } : {}), records, lines };
}

/** Whether a record runs on `engine` (`deltasql`, `postgresql`, `duckdb`). */
export function runsOn(record: SltRecord, engine: string): boolean {
  if (record.kind === 'halt') return true;
  if (record.skipIf.includes(engine)) return false;
  return record.onlyIf.length === 0 || record.onlyIf.includes(engine);
}
