/**
 * One benchmark section: a named measurement with its own data and its own printed tables.
 * `npm run bench -- <name|group> …` selects sections; with no names, every section runs.
 */
export interface BenchSection {
  /** Selects this section alone, e.g. `log-open`. */
  readonly name: string;
  /** Selects every section of a layer at once, e.g. `storage` (later: `query`, `wire`, `write`). */
  readonly group: string;
  /** One line for `npm run bench -- --list`. */
  readonly description: string;
  run(ctx: BenchContext): Promise<void>;
}

export interface BenchContext {
  /** Timed runs per measurement when the user asked for a number (`--runs N`); else the section's default. */
  readonly runs: number | undefined;
}
