import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { TimeZone } from '../../common/time/time-zone.js';
import { intervalParts } from './interval.js';
import { allValid, fixedData, StrReader } from './rows.js';

/**
 * `x AT TIME ZONE zone` (PostgreSQL's `timezone(zone, x)`) over microsecond timestamps, with the
 * tz database the JS runtime carries (`Intl`):
 * - a `timestamptz` (a UTC instant) → the `timestamp` (wall clock) it reads as in `zone`;
 * - a `timestamp` (wall clock) → the `timestamptz` instant that wall clock is in `zone`. A wall
 *   time a DST change skips is read with the offset before the change, and one it repeats as the
 *   later instant, as PostgreSQL does.
 * `zone` is a tz name (`America/New_York`, `UTC`), a POSIX offset string (`'+05'` is five hours
 * *west* of UTC, as in PostgreSQL), or an interval (`INTERVAL '05:30'`, east of UTC).
 */
export function atTimeZone(x: arrow.Data, zone: arrow.Data, type: arrow.DataType): arrow.Data {
  const length = x.length;
  const valid = allValid([x, zone]);
  const values = x.values as BigInt64Array;
  const out = new BigInt64Array(length);
  const toWall = (x.type as arrow.Timestamp).timezone !== null && (x.type as arrow.Timestamp).timezone !== undefined;
  const zoneAt = zoneReader(zone);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const z = zoneAt(i);
    const v = values[i];
    out[i] = toWall ? v + BigInt(z.offsetAt(Number(v / 1000n))) * 1000n : fromWall(z, v);
  }
  return fixedData(type, out, valid, length);
}

/** The instant wall clock `wall` (µs) is in `z`. */
function fromWall(z: Zone, wall: bigint): bigint {
  const ms = Number(wall / 1000n);
  const before = z.offsetAt(ms - DAY_MS);
  const after = z.offsetAt(ms + DAY_MS);
  const a = ms - before;
  const b = ms - after;
  const aFits = z.offsetAt(a) === before;
  const bFits = z.offsetAt(b) === after;
  // Repeated wall time: the later instant; skipped one: the offset before the change.
  const offset = aFits && bFits ? Math.min(before, after) : bFits && !aFits ? after : before;
  return wall - BigInt(offset) * 1000n;
}

const DAY_MS = 86_400_000;

/** A time zone: its UTC offset (ms, east positive) at an instant (ms since the epoch). */
interface Zone {
  offsetAt(utcMs: number): number;
}

/** Row i's zone; a constant zone column is resolved once. */
function zoneReader(zone: arrow.Data): (i: number) => Zone {
  if (zone.typeId === arrow.Type.Interval) {
    const parts = intervalParts(zone);
    return (i) => {
      if (parts.months[4 * i] !== 0 || parts.months[4 * i + 1] !== 0) throw new SqlError('22023', 'interval time zone must not include months or days');
      const offset = Number(parts.nanos[2 * i + 1] / 1_000_000n);
      return { offsetAt: () => offset };
    };
  }
  const reader = new StrReader(zone);
  let lastName: string | undefined;
  let last: Zone | undefined;
  return (i) => {
    const name = reader.str(i);
    if (name !== lastName || last === undefined) {
      last = zoneNamed(name);
      lastName = name;
    }
    return last;
  };
}

const ZONES = new Map<string, Zone>();

/** A zone by name, cached; `22023` for a name neither the tz database nor POSIX knows. */
export function zoneNamed(name: string): Zone {
  let z = ZONES.get(name);
  if (z !== undefined) return z;
  const posix = /^\s*([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*$/.exec(name);
  if (posix !== null) {
    const [, sign, h, m, s] = posix;
    const west = (Number(h) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000;
    const offset = sign === '-' ? west : -west;
    z = { offsetAt: () => offset };
  } else {
    z = intlZone(name);
  }
  ZONES.set(name, z);
  return z;
}

/** A tz database zone (common/time/time-zone.ts, shared with the session's TimeZone output) in this kernel's milliseconds. */
function intlZone(name: string): Zone {
  const zone = TimeZone.named(name);
  if (zone === undefined) throw new SqlError('22023', `time zone "${name}" not recognized`);
  return { offsetAt: (utcMs) => zone.offsetSeconds(utcMs * 1000) * 1000 };
}
