import { SqlError } from '../../common/sql-error.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  millisecond: 1, milliseconds: 1, ms: 1,
  second: 1000, seconds: 1000, s: 1000,
  minute: 60_000, minutes: 60_000, m: 60_000,
  hour: 3_600_000, hours: 3_600_000, h: 3_600_000,
  day: 86_400_000, days: 86_400_000, d: 86_400_000,
  week: 604_800_000, weeks: 604_800_000,
};

/**
 * A Delta duration property (`delta.logRetentionDuration = 'interval 30 days'`,
 * `delta.deletedFileRetentionDuration = 'interval 1 week'`, also `168 hours`) in milliseconds.
 * An unreadable value is `22023`: retention decides what gets deleted, so it is never guessed.
 */
export function parseDuration(text: string): number {
  const m = /^\s*(?:interval\s+)?(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = m ? UNIT_MS[(m[2] as string).toLowerCase()] : undefined;
  if (!m || unit === undefined) throw SqlError.invalidParameter(`invalid Delta duration "${text}" (expected e.g. 'interval 7 days')`);
  return Number(m[1]) * unit;
}
