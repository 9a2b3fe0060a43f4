import { SqlError } from '../../common/sql-error.js';
import { TimeZone } from '../../common/time/time-zone.js';

/**
 * Run-time settings (PostgreSQL's GUCs) a session can SET, RESET and SHOW. Defaults are what a
 * PostgreSQL 15 server started by `initdb` reports (checked against the real one), except
 * `TimeZone`, which is `UTC` rather than the host's zone (a server's answers should not depend
 * on where it runs).
 *
 * Names are case-insensitive: `Settings.values` is keyed by lower-cased name (the planner reads
 * it as `PlannerSession.settings` for `current_setting()` / `set_config()`), and `SHOW` prints
 * the canonical spelling. Unknown names are accepted when they contain a dot (custom settings
 * such as `spark.databricks.delta.schema.autoMerge.enabled`), refused with `42704` otherwise.
 */
export interface SettingDefinition {
  /** Canonical spelling (`DateStyle`). */
  readonly name: string;
  readonly value: string;
  /** Sent as ParameterStatus at startup and after each change (PostgreSQL's GUC_REPORT). */
  readonly reported?: boolean;
  readonly description: string;
}

export const SERVER_VERSION = '15.18 (deltasql)';

const DEFINITIONS: readonly SettingDefinition[] = [
  { name: 'application_name', value: '', reported: true, description: 'Sets the application name to be reported in statistics and logs.' },
  { name: 'client_encoding', value: 'UTF8', reported: true, description: "Sets the client's character set encoding." },
  { name: 'DateStyle', value: 'ISO, MDY', reported: true, description: 'Sets the display format for date and time values.' },
  { name: 'default_transaction_read_only', value: 'off', reported: true, description: 'Sets the default read-only status of new transactions.' },
  { name: 'in_hot_standby', value: 'off', reported: true, description: 'Shows whether hot standby is currently active.' },
  { name: 'integer_datetimes', value: 'on', reported: true, description: 'Shows whether datetimes are integer based.' },
  { name: 'IntervalStyle', value: 'postgres', reported: true, description: 'Sets the display format for interval values.' },
  { name: 'is_superuser', value: 'on', reported: true, description: 'Shows whether the current user is a superuser.' },
  { name: 'server_encoding', value: 'UTF8', reported: true, description: 'Shows the server (database) character set encoding.' },
  { name: 'server_version', value: SERVER_VERSION, reported: true, description: 'Shows the server version.' },
  { name: 'session_authorization', value: 'deltasql', reported: true, description: 'Sets the session user name.' },
  { name: 'standard_conforming_strings', value: 'on', reported: true, description: "Causes '...' strings to treat backslashes literally." },
  { name: 'TimeZone', value: 'UTC', reported: true, description: 'Sets the time zone for displaying and interpreting time stamps.' },
  { name: 'backslash_quote', value: 'safe_encoding', description: 'Sets whether "\\\'" is allowed in string literals.' },
  { name: 'block_size', value: '8192', description: 'Shows the size of a disk block.' },
  { name: 'bytea_output', value: 'hex', description: 'Sets the output format for bytea.' },
  { name: 'client_min_messages', value: 'notice', description: 'Sets the message levels that are sent to the client.' },
  { name: 'default_text_search_config', value: 'pg_catalog.english', description: 'Sets default text search configuration.' },
  { name: 'default_transaction_deferrable', value: 'off', description: 'Sets the default deferrable status of new transactions.' },
  { name: 'default_transaction_isolation', value: 'read committed', description: 'Sets the transaction isolation level of each new transaction.' },
  { name: 'escape_string_warning', value: 'on', description: 'Warn about backslash escapes in ordinary string literals.' },
  { name: 'extra_float_digits', value: '1', description: 'Sets the number of digits displayed for floating-point values.' },
  { name: 'idle_in_transaction_session_timeout', value: '0', description: 'Sets the maximum allowed idle time between queries, when in a transaction.' },
  { name: 'lc_collate', value: 'C.UTF-8', description: "Shows the collation order locale." },
  { name: 'lc_ctype', value: 'C.UTF-8', description: 'Shows the character classification and case conversion locale.' },
  { name: 'lc_messages', value: 'C.UTF-8', description: 'Sets the language in which messages are displayed.' },
  { name: 'lc_monetary', value: 'C.UTF-8', description: 'Sets the locale for formatting monetary amounts.' },
  { name: 'lc_numeric', value: 'C.UTF-8', description: 'Sets the locale for formatting numbers.' },
  { name: 'lc_time', value: 'C.UTF-8', description: 'Sets the locale for formatting date and time values.' },
  { name: 'lock_timeout', value: '0', description: 'Sets the maximum allowed duration of any wait for a lock.' },
  { name: 'max_connections', value: '100', description: 'Sets the maximum number of concurrent connections.' },
  { name: 'max_identifier_length', value: '63', description: 'Shows the maximum identifier length.' },
  { name: 'max_index_keys', value: '32', description: 'Shows the maximum number of index keys.' },
  { name: 'row_security', value: 'on', description: 'Enable row security.' },
  { name: 'search_path', value: '"$user", public', description: 'Sets the schema search order for names that are not schema-qualified.' },
  { name: 'server_version_num', value: '150018', description: 'Shows the server version as an integer.' },
  { name: 'statement_timeout', value: '0', description: 'Sets the maximum allowed duration of any statement.' },
  { name: 'timezone_abbreviations', value: 'Default', description: 'Selects a file of time zone abbreviations.' },
  { name: 'transaction_deferrable', value: 'off', description: 'Whether to defer a read-only serializable transaction until it can be executed with no possible serialization failures.' },
  { name: 'transaction_isolation', value: 'read committed', description: "Sets the current transaction's isolation level." },
  { name: 'transaction_read_only', value: 'off', description: "Sets the current transaction's read-only status." },
  { name: 'work_mem', value: '4MB', description: 'Sets the maximum memory to be used for query workspaces.' },
  { name: 'xmloption', value: 'content', description: 'Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.' },
];

const BY_NAME = new Map(DEFINITIONS.map((d) => [d.name.toLowerCase(), d]));

/** Settings that only the server decides: `SET server_version = …` is `55P02` in PostgreSQL. */
const READ_ONLY = new Set(['server_version', 'server_version_num', 'server_encoding', 'integer_datetimes', 'in_hot_standby', 'block_size', 'lc_collate', 'lc_ctype', 'max_identifier_length', 'max_index_keys', 'max_connections', 'is_superuser']);

/** The settings PostgreSQL reports as ParameterStatus, by canonical name. */
export function reportedSettings(): readonly string[] {
  return DEFINITIONS.filter((d) => d.reported === true).map((d) => d.name);
}

export function describeSetting(name: string): SettingDefinition | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Canonical spelling of a setting name (`datestyle` → `DateStyle`); custom names as given. */
export function canonicalName(name: string): string {
  return BY_NAME.get(name.toLowerCase())?.name ?? name.toLowerCase();
}

/**
 * One session's settings: the current values, the session-level values `SET LOCAL` shadows
 * until the transaction ends, and the startup values `RESET` returns to.
 */
export class Settings {
  /** Current values by lower-cased name (shared with the planner as `PlannerSession.settings`). */
  readonly values = new Map<string, string>();
  /** What RESET returns to: the defaults overridden by the startup packet's values. */
  private readonly resetValues = new Map<string, string>();
  /** Values from before the first `SET LOCAL` of each name in the open transaction. */
  private localSaved = new Map<string, string | undefined>();

  constructor(startup: ReadonlyMap<string, string> = new Map()) {
    for (const d of DEFINITIONS) this.resetValues.set(d.name.toLowerCase(), d.value);
    for (const [name, value] of startup) this.resetValues.set(name.toLowerCase(), normalise(name, value));
    for (const [k, v] of this.resetValues) this.values.set(k, v);
  }

  get(name: string): string {
    const key = name.toLowerCase();
    const v = this.values.get(key);
    if (v === undefined) throw new SqlError('42704', `unrecognized configuration parameter "${name}"`);
    return v;
  }

  /** SET [SESSION|LOCAL] name = value. Returns the canonical name when its value changed. */
  set(name: string, value: string, local = false): void {
    const key = checkWritable(name);
    if (local && !this.localSaved.has(key)) this.localSaved.set(key, this.values.get(key));
    else if (!local) this.localSaved.delete(key);
    this.values.set(key, normalise(name, value));
  }

  /** RESET name: back to the startup value (or the default; custom settings are removed). */
  reset(name: string): void {
    const key = checkWritable(name);
    const v = this.resetValues.get(key);
    if (v === undefined) this.values.delete(key);
    else this.values.set(key, v);
  }

  resetAll(): void {
    for (const key of [...this.values.keys()]) if (!READ_ONLY.has(key)) this.reset(key);
  }

  /** The transaction ended: SET LOCAL values revert. */
  endTransaction(): void {
    for (const [key, v] of this.localSaved) {
      if (v === undefined) this.values.delete(key);
      else this.values.set(key, v);
    }
    this.localSaved = new Map();
  }

  /** `SHOW ALL`: every setting, known ones first in name order, then custom ones. */
  all(): { name: string; setting: string; description: string }[] {
    const rows = [...this.values].map(([key, setting]) => ({ name: canonicalName(key), setting, description: BY_NAME.get(key)?.description ?? '' }));
    return rows.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  }

  /** A snapshot to compare against after a statement, to re-send changed ParameterStatus values. */
  reportedSnapshot(): Map<string, string> {
    return new Map(reportedSettings().map((n) => [n, this.values.get(n.toLowerCase()) ?? '']));
  }
}

function checkWritable(name: string): string {
  const key = name.toLowerCase();
  if (READ_ONLY.has(key)) throw new SqlError('55P02', `parameter "${key}" cannot be changed`);
  if (!BY_NAME.has(key) && !key.includes('.')) throw new SqlError('42704', `unrecognized configuration parameter "${name}"`);
  return key;
}

/** PostgreSQL normalises a few values as it stores them (`client_encoding` to its canonical `UTF8`). */
function normalise(name: string, value: string): string {
  const key = name.toLowerCase();
  if (key === 'client_encoding') {
    const v = value.toUpperCase().replace(/[-_]/g, '');
    if (v === 'UTF8' || v === 'UNICODE') return 'UTF8';
    if (v === 'SQLASCII') return 'SQL_ASCII';
    throw new SqlError('22023', `invalid value for parameter "client_encoding": "${value}"`, { detail: 'deltasql speaks UTF8 only.' });
  }
  if (key === 'datestyle') {
    const parts = value.split(',').map((p) => p.trim().toUpperCase());
    if (parts.includes('ISO') || parts.every((p) => ['MDY', 'DMY', 'YMD', 'US', 'EURO', 'EUROPEAN', 'NONEURO'].includes(p))) return 'ISO, ' + (parts.find((p) => ['DMY', 'YMD'].includes(p)) ?? 'MDY');
    throw new SqlError('0A000', `DateStyle ${value} is not supported: deltasql writes dates in ISO form`);
  }
  if (key === 'timezone') {
    // A tz database name, as PostgreSQL takes it (case-insensitive, shown in its canonical
    // spelling when that differs only by case: `america/new_york` → `America/New_York`).
    // Timestamptz text output follows it (server/encode/time-zone.ts).
    const zone = TimeZone.named(value);
    if (zone === undefined) throw new SqlError('22023', `invalid value for parameter "TimeZone": "${value}"`);
    const given = value.trim();
    return zone.name.toLowerCase() === given.toLowerCase() ? zone.name : given;
  }
  return value;
}
