/**
 * Every error a user can cause, with its PostgreSQL SQLSTATE (DESIGN.md §4).
 *
 * Raised where the problem is detected and rendered by each front end: an ErrorResponse on the
 * wire, `{"error":{code,message,position}}` over HTTP, one line and a non-zero exit in the CLI.
 * Build them through the named constructors below so codes and wording stay consistent.
 */
export class SqlError extends Error {
  readonly sqlstate: string;
  /** 1-based character position in the user's original SQL text, as PostgreSQL reports it. */
  readonly position?: number;
  readonly detail?: string;
  readonly hint?: string;

  constructor(sqlstate: string, message: string, extra: { position?: number; detail?: string; hint?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'SqlError';
    this.sqlstate = sqlstate;
    if (extra.position !== undefined) this.position = extra.position;
    if (extra.detail !== undefined) this.detail = extra.detail;
    if (extra.hint !== undefined) this.hint = extra.hint;
  }

  /** A copy of this error pointing at `position` (when it has none yet). */
  at(position: number | undefined): SqlError {
    if (position === undefined || this.position !== undefined) return this;
    return new SqlError(this.sqlstate, this.message, { position, detail: this.detail, hint: this.hint, cause: this.cause });
  }

  // ── syntax and names ──
  static syntax(message: string, position?: number): SqlError {
    return new SqlError('42601', message, { position });
  }
  static undefinedTable(name: string, position?: number, candidates: readonly string[] = []): SqlError {
    return new SqlError('42P01', `relation "${name}" does not exist`, { position, hint: didYouMean(name, candidates) });
  }
  static undefinedColumn(name: string, position?: number, candidates: readonly string[] = []): SqlError {
    return new SqlError('42703', `column "${name}" does not exist`, { position, hint: didYouMean(name, candidates) });
  }
  static undefinedFunction(name: string, position?: number, candidates: readonly string[] = []): SqlError {
    return new SqlError('42883', `function ${name} does not exist`, { position, hint: didYouMean(name, candidates) });
  }
  static ambiguousColumn(name: string, position?: number): SqlError {
    return new SqlError('42702', `column reference "${name}" is ambiguous`, { position });
  }
  // ── types and values ──
  static datatypeMismatch(message: string, position?: number): SqlError {
    return new SqlError('42804', message, { position });
  }
  static invalidText(message: string, position?: number): SqlError {
    return new SqlError('22P02', message, { position });
  }
  static invalidParameter(message: string, position?: number): SqlError {
    return new SqlError('22023', message, { position });
  }
  static divisionByZero(): SqlError {
    return new SqlError('22012', 'division by zero');
  }
  static numericOverflow(what: string): SqlError {
    return new SqlError('22003', `${what} out of range`);
  }
  // ── features and tables ──
  /** `0A000`, naming the feature (and the table when the feature is a table's). */
  static unsupportedFeature(feature: string, table?: string): SqlError {
    const where = table === undefined ? '' : ` (table ${table})`;
    return new SqlError('0A000', `unsupported feature: ${feature}${where}`);
  }
  /** `XX001`: the table's files are unreadable or inconsistent; names the file. */
  static corruptData(file: string, problem: string, cause?: unknown): SqlError {
    return new SqlError('XX001', `corrupt Delta table data in ${file}: ${problem}`, { cause });
  }
  /** `22023`-like time-travel errors Delta users know from Spark. */
  static versionNotAvailable(table: string, message: string): SqlError {
    return new SqlError('22023', `cannot time travel ${table}: ${message}`);
  }
  static ioError(file: string, cause: unknown): SqlError {
    return new SqlError('58030', `could not read ${file}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  /** An internal bug: `XX000`. Logged with a stack; never kills the process. */
  static internal(message: string, cause?: unknown): SqlError {
    return new SqlError('XX000', `internal error: ${message} (this is a deltasql bug, please report it)`, { cause });
  }

  /** Wrap anything thrown into a SqlError: SqlErrors pass through, the rest are internal bugs. */
  static from(err: unknown): SqlError {
    if (err instanceof SqlError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return SqlError.internal(message, err);
  }
}

/** A guard that keeps the happy path flat: `require(x > 0, () => SqlError.syntax('…'))`. */
export function require(condition: unknown, error: () => SqlError): asserts condition {
  if (!condition) throw error();
}

/** For states no user input can reach; failing one is a deltasql bug (`XX000`). */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw SqlError.internal(`assertion failed: ${message}`);
}

/** "did you mean" hint: the closest candidate within a small edit distance, if any. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? undefined : `Perhaps you meant "${best}".`;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}
