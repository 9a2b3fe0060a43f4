/**
 * A session's `TimeZone` for the text output of timestamptz, as PostgreSQL renders it: the
 * instant shown in the zone's local time followed by the zone's UTC offset at that instant
 * (`2021-07-01 06:00:00-04`, `… +05:30`, `… -04:56:02` for local mean time), daylight saving
 * included. Offsets come from the tz database that Node's `Intl` carries (the same IANA data
 * PostgreSQL ships), so historical and future rules match.
 *
 * `Intl` costs microseconds per call, so offsets are cached per UTC hour: a bucket is trusted
 * only when its start and its end have the same offset (no transition inside it); values in a
 * bucket with a transition are looked up one by one.
 *
 * @example
 *   const zone = TimeZone.named('America/New_York');
 *   zone?.offsetSeconds(Date.UTC(2021, 0, 1) * 1000); // -18000
 */
export class TimeZone {
  static readonly UTC = new TimeZone('UTC', undefined, 0);

  private readonly hours = new Map<number, number>();

  private constructor(
    /** The name as `Intl` canonicalises it (`America/New_York`). */
    readonly name: string,
    private readonly format: Intl.DateTimeFormat | undefined,
    /** A POSIX-style zone's fixed offset (seconds east); used when `format` is undefined. */
    private readonly fixed: number,
  ) {}

  /**
   * The zone of an IANA name (`Europe/Paris`, `EST5EDT`, `Etc/GMT+5`, `UTC`), case-insensitive,
   * or of a POSIX-style fixed offset as JDBC sends for a JVM in `GMT+05:00` (`GMT-05:00`: POSIX
   * counts west, so that is UTC+5, as PostgreSQL reads it); undefined when neither.
   */
  static named(name: string): TimeZone | undefined {
    const trimmed = name.trim();
    if (/^(utc|gmt|zulu|etc\/utc|etc\/gmt|universal|uct|etc\/universal)$/i.test(trimmed)) return TimeZone.UTC;
    const posix = /^[A-Za-z]{3,}([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(trimmed);
    if (posix !== null) {
      const seconds = Number(posix[2]) * 3600 + Number(posix[3] ?? 0) * 60 + Number(posix[4] ?? 0);
      if (seconds > 15 * 3600) return undefined;
      return new TimeZone(trimmed, undefined, posix[1] === '-' ? seconds : -seconds);
    }
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: trimmed, hourCycle: 'h23', era: 'short',
        year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      return undefined;
    }
    const cached = CACHE.get(format.resolvedOptions().timeZone);
    if (cached !== undefined) return cached;
    const zone = new TimeZone(format.resolvedOptions().timeZone, format, 0);
    CACHE.set(zone.name, zone);
    return zone;
  }

  get isUtc(): boolean {
    return this.format === undefined && this.fixed === 0;
  }

  /** The zone's offset from UTC in seconds (east positive) at the instant `micros` since the epoch. */
  offsetSeconds(micros: number | bigint): number {
    if (this.format === undefined) return this.fixed;
    const seconds = Math.floor(Number(micros) / 1_000_000);
    const hour = Math.floor(seconds / 3600);
    const known = this.hours.get(hour);
    if (known !== undefined) return known;
    const start = this.lookUp(hour * 3600);
    if (this.lookUp(hour * 3600 + 3599) !== start) return this.lookUp(seconds);
    if (this.hours.size > 100_000) this.hours.clear();
    this.hours.set(hour, start);
    return start;
  }

  /** Offset at one second: the zone's wall clock there, read back as if it were UTC, minus the instant. */
  private lookUp(seconds: number): number {
    const parts = (this.format as Intl.DateTimeFormat).formatToParts(new Date(seconds * 1000));
    const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
    const era = parts.find((p) => p.type === 'era')?.value;
    const year = era === 'BC' || era === 'B' ? 1 - field('year') : field('year');
    const wall = new Date(0);
    wall.setUTCFullYear(year, field('month') - 1, field('day'));
    wall.setUTCHours(field('hour'), field('minute'), field('second'), 0);
    return Math.round((wall.getTime() - seconds * 1000) / 1000);
  }
}

const CACHE = new Map<string, TimeZone>();

/** PostgreSQL's offset suffix: `+00`, `-05`, `+05:30`, `-04:56:02`. */
export function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let text = sign + String(h).padStart(2, '0');
  if (m !== 0 || s !== 0) text += ':' + String(m).padStart(2, '0');
  if (s !== 0) text += ':' + String(s).padStart(2, '0');
  return text;
}
