/**
 * The golden tests' data, as rows: the four jobs of PRODUCT.md at small scale plus a table of
 * every Delta type and two join tables with NULL-heavy, duplicate-heavy keys.
 *
 * Everything is derived from one seeded PRNG, so `generate.ts` writes the same Delta tables on
 * every run and the oracle (`../oracle/`) loads the same values the engine reads. Values are kept
 * at whole seconds and two-decimal prices so that Delta's millisecond stats are exact bounds.
 */

/** A Delta (Spark) primitive or nested type, as it appears in `schemaString`. */
export type DeltaType =
  | 'boolean' | 'byte' | 'short' | 'integer' | 'long' | 'float' | 'double' | 'string' | 'binary'
  | 'date' | 'timestamp' | 'timestamp_ntz' | `decimal(${number},${number})`
  | { readonly type: 'array'; readonly elementType: DeltaType; readonly containsNull: boolean }
  | { readonly type: 'map'; readonly keyType: DeltaType; readonly valueType: DeltaType; readonly valueContainsNull: boolean }
  | { readonly type: 'struct'; readonly fields: readonly Column[] };

export interface Column {
  readonly name: string;
  readonly type: DeltaType;
  /** The DuckDB type the Parquet file is written with (and the oracle loads into). */
  readonly duck: string;
}

/** One commit of a table: its rows, split into files (by partition value when partitioned). */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly partitionColumns: readonly string[];
  /** Each commit's rows as DuckDB SQL literal tuples, in column order. */
  readonly commits: readonly (readonly string[])[];
  /** In-commit timestamps (ms) per commit: turns on the inCommitTimestamp writer feature. */
  readonly inCommitTimestamps?: readonly number[];
  /** Reader/writer features beyond protocol (1, 2), e.g. timestampNtz. */
  readonly readerFeatures?: readonly string[];
}

// ── a seeded PRNG (mulberry32) ──
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(20240501);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const money = (x: number): number => Math.round(x * 100) / 100;

const str = (s: string | null): string => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);
const num = (x: number | null): string => (x === null ? 'NULL' : String(x));
const date = (d: string | null): string => (d === null ? 'NULL' : `DATE '${d}'`);
const ts = (t: string | null): string => (t === null ? 'NULL' : `TIMESTAMPTZ '${t}+00'`);
const tuple = (values: readonly string[]): string => `(${values.join(', ')})`;

function isoDay(epochDay: number): string {
  return new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
}
function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

// ── job 1: stock analysis ──
const TICKERS = ['AAPL', 'AMZN', 'GOOG', 'MSFT', 'TSLA'] as const;

function tradingDays(from: string, count: number): string[] {
  const out: string[] = [];
  for (let d = dayOf(from); out.length < count; d++) {
    const weekday = new Date(d * 86_400_000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(isoDay(d));
  }
  return out;
}

function prices(): TableSpec {
  const days = tradingDays('2024-01-02', 20);
  const start: Record<string, number> = { AAPL: 185, AMZN: 150, GOOG: 140, MSFT: 370, TSLA: 240 };
  const rows: string[][] = [[], []];
  for (const ticker of TICKERS) {
    let close = start[ticker]!;
    days.forEach((day, i) => {
      const open = money(close * (1 + (rand() - 0.5) * 0.02));
      close = money(open * (1 + (rand() - 0.5) * 0.04));
      const high = money(Math.max(open, close) * (1 + rand() * 0.01));
      const low = money(Math.min(open, close) * (1 - rand() * 0.01));
      const volume = int(1_000_000, 90_000_000);
      rows[i < 12 ? 0 : 1]!.push(tuple([date(day), str(ticker), num(open), num(high), num(low), num(close), num(volume)]));
    });
  }
  return {
    name: 'prices',
    columns: [
      { name: 'date', type: 'date', duck: 'DATE' },
      { name: 'ticker', type: 'string', duck: 'VARCHAR' },
      { name: 'open', type: 'double', duck: 'DOUBLE' },
      { name: 'high', type: 'double', duck: 'DOUBLE' },
      { name: 'low', type: 'double', duck: 'DOUBLE' },
      { name: 'close', type: 'double', duck: 'DOUBLE' },
      { name: 'volume', type: 'long', duck: 'BIGINT' },
    ],
    partitionColumns: [],
    commits: rows,
    // v0 holds the first 12 trading days, v1 appends the other 8 (the "stream" of job 1).
    inCommitTimestamps: [Date.parse('2024-02-01T00:00:00Z'), Date.parse('2024-02-02T00:00:00Z')],
  };
}

function fundamentals(): TableSpec {
  const rows: string[] = [];
  for (const day of ['2024-01-02', '2024-01-16', '2024-01-29']) {
    for (const ticker of [...TICKERS, 'NFLX']) {
      // One missing EPS (a late filing) so P/E has a NULL; no zero (float division by zero differs by engine).
      const eps = ticker === 'TSLA' && day === '2024-01-29' ? null : money(1 + rand() * 9);
      const revenue = int(10_000, 120_000) * 1_000_000;
      const shares = int(1_000, 16_000) * 1_000_000;
      rows.push(tuple([date(day), str(ticker), num(eps), num(revenue), num(shares), str(`FY24Q${day === '2024-01-02' ? 1 : day === '2024-01-16' ? 2 : 3}`)]));
    }
  }
  return {
    name: 'fundamentals',
    columns: [
      { name: 'date', type: 'date', duck: 'DATE' },
      { name: 'ticker', type: 'string', duck: 'VARCHAR' },
      { name: 'eps_basic_net', type: 'double', duck: 'DOUBLE' },
      { name: 'revenue', type: 'long', duck: 'BIGINT' },
      { name: 'shares_outstanding', type: 'long', duck: 'BIGINT' },
      { name: 'fiscal_period', type: 'string', duck: 'VARCHAR' },
    ],
    partitionColumns: [],
    commits: [rows],
  };
}

// ── job 2: genomic variants ──
const AMINO = ['Ala', 'Arg', 'Asn', 'Asp', 'Cys', 'Gln', 'Glu', 'Gly', 'His', 'Leu', 'Lys', 'Ser', 'Val'] as const;

function variants(): TableSpec {
  const rows: string[] = [];
  const bases = ['A', 'C', 'G', 'T'];
  for (let i = 0; i < 160; i++) {
    const contig = pick(['chr1', 'chr1', 'chr2', 'chr7', 'chrX']);
    const start = int(10_000, 2_000_000);
    const ref = rand() < 0.85 ? pick(bases) : pick(bases) + pick(bases);
    let alt = pick(bases);
    if (alt === ref) alt = bases[(bases.indexOf(alt) + 1) % 4]!;
    const type = pick(['missense_variant', 'missense_variant', 'synonymous_variant', 'stop_gained', 'frameshift_variant', null]);
    const hgvs = type === 'missense_variant' ? `p.${pick(AMINO)}${int(1, 900)}${pick(AMINO)}` : type === 'stop_gained' ? `p.${pick(AMINO)}${int(1, 900)}Ter` : null;
    const sample = `S${String(int(1, 6)).padStart(2, '0')}`;
    const quality = rand() < 0.05 ? null : money(rand() * 99);
    rows.push(tuple([str(contig), num(start), num(start + ref.length), str(ref), str(alt), str(type), str(hgvs), str(sample), num(quality)]));
  }
  return {
    name: 'variants',
    columns: [
      { name: 'contigName', type: 'string', duck: 'VARCHAR' },
      { name: 'start', type: 'long', duck: 'BIGINT' },
      { name: 'end', type: 'long', duck: 'BIGINT' },
      { name: 'referenceAllele', type: 'string', duck: 'VARCHAR' },
      { name: 'alternateAllele', type: 'string', duck: 'VARCHAR' },
      { name: 'mutationType', type: 'string', duck: 'VARCHAR' },
      { name: 'proteinHgvs', type: 'string', duck: 'VARCHAR' },
      { name: 'sampleId', type: 'string', duck: 'VARCHAR' },
      { name: 'quality', type: 'double', duck: 'DOUBLE' },
    ],
    partitionColumns: [],
    commits: [rows],
  };
}

// ── job 3: ad attribution ──
const ADVERTISERS = ['acme', 'globex', 'initech'] as const;

function impressions(): TableSpec {
  const rows: string[] = [];
  const base = Date.parse('2024-03-01T00:00:00Z') / 1000;
  for (let i = 0; i < 200; i++) {
    const uid = `u${String(int(1, 25)).padStart(2, '0')}`;
    // A 10-minute grid over two days: ties in impTimestamp are common, as dense_rank must handle.
    const t = base + int(0, 287) * 600;
    rows.push(tuple([str(uid), str(pick(ADVERTISERS)), ts(isoSeconds(t)), str(`c${int(1, 4)}`), num(money(rand() * 2))]));
  }
  return {
    name: 'impressions',
    columns: [
      { name: 'uid', type: 'string', duck: 'VARCHAR' },
      { name: 'advertiser', type: 'string', duck: 'VARCHAR' },
      { name: 'impTimestamp', type: 'timestamp', duck: 'TIMESTAMPTZ' },
      { name: 'campaign', type: 'string', duck: 'VARCHAR' },
      { name: 'cost', type: 'double', duck: 'DOUBLE' },
    ],
    partitionColumns: [],
    commits: [rows],
  };
}

function conversions(): TableSpec {
  const rows: string[] = [];
  const base = Date.parse('2024-03-01T00:00:00Z') / 1000;
  for (let i = 0; i < 40; i++) {
    const uid = `u${String(int(1, 28)).padStart(2, '0')}`;
    const t = base + int(3, 288) * 600;
    rows.push(tuple([str(uid), str(pick(ADVERTISERS)), ts(isoSeconds(t)), num(money(5 + rand() * 195))]));
  }
  return {
    name: 'conversions',
    columns: [
      { name: 'uid', type: 'string', duck: 'VARCHAR' },
      { name: 'advertiser', type: 'string', duck: 'VARCHAR' },
      { name: 'convTimestamp', type: 'timestamp', duck: 'TIMESTAMPTZ' },
      { name: 'value', type: 'double', duck: 'DOUBLE' },
    ],
    partitionColumns: [],
    commits: [rows],
  };
}

// ── job 4: game events ──
export const EVENT_PARAMS: readonly Column[] = [
  { name: 'device_id', type: 'string', duck: 'VARCHAR' },
  { name: 'amount', type: 'double', duck: 'DOUBLE' },
  { name: 'level', type: 'integer', duck: 'INTEGER' },
  { name: 'platform', type: 'string', duck: 'VARCHAR' },
];

function events(): TableSpec {
  const rows: string[] = [];
  for (const day of ['2024-04-01', '2024-04-02', '2024-04-03']) {
    const base = dayOf(day) * 86_400;
    for (let i = 0; i < 80; i++) {
      const name = pick(['login', 'login', 'purchase', 'level_up', 'logout']);
      const t = base + int(0, 86_399);
      const device = `d${String(int(1, 30)).padStart(3, '0')}`;
      const amount = name === 'purchase' ? money(pick([0.99, 4.99, 9.99, 19.99])) : null;
      const level = name === 'level_up' ? int(2, 40) : null;
      const platform = pick(['ios', 'android']);
      const params = `{'device_id': ${str(device)}, 'amount': ${num(amount)}, 'level': ${num(level)}, 'platform': ${str(platform)}}`;
      rows.push(tuple([str(name), ts(isoSeconds(t)), params, date(day)]));
    }
  }
  return {
    name: 'events',
    columns: [
      { name: 'eventName', type: 'string', duck: 'VARCHAR' },
      { name: 'eventTime', type: 'timestamp', duck: 'TIMESTAMPTZ' },
      {
        name: 'eventParams',
        type: { type: 'struct', fields: EVENT_PARAMS },
        duck: `STRUCT(${EVENT_PARAMS.map((f) => `${f.name} ${f.duck}`).join(', ')})`,
      },
      { name: 'eventDate', type: 'date', duck: 'DATE' },
    ],
    partitionColumns: ['eventDate'],
    commits: [rows],
  };
}

// ── every Delta type, with NULLs and extremes ──
function types(): TableSpec {
  const rows = [
    `(1, true, 1, 1, 1, 1, 1.5, 1.5, 123.45, 1.000001, 'hello', '\\x00\\xFF'::BLOB, DATE '2024-01-31', TIMESTAMPTZ '2024-01-31 12:34:56+00', TIMESTAMP '2024-01-31 12:34:56', [1, 2, 3], MAP {'a': 1, 'b': 2}, {'a': 1, 'b': 'x'})`,
    `(2, false, -128, -32768, -2147483648, -9223372036854775808, -0.25, -1e300, -99999999.99, -12345678901234567890123456789012.123456, '', ''::BLOB, DATE '1970-01-01', TIMESTAMPTZ '1970-01-01 00:00:00+00', TIMESTAMP '1970-01-01 00:00:00', [], MAP {}, {'a': NULL, 'b': NULL})`,
    `(3, true, 127, 32767, 2147483647, 9223372036854775807, 3.25, 2.5e-10, 0.01, 0.000000, 'Ünïcödé ✓', 'abc'::BLOB, DATE '2000-02-29', TIMESTAMPTZ '2000-02-29 23:59:59+00', TIMESTAMP '2000-02-29 23:59:59', [NULL, 4], MAP {'k': NULL}, {'a': -7, 'b': ''})`,
    `(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    `(5, false, 0, 0, 0, 0, 0, 0, 0.00, 0.5, 'it''s', '\\x41'::BLOB, DATE '1999-12-31', TIMESTAMPTZ '1999-12-31 23:00:00+00', TIMESTAMP '1999-12-31 23:00:00', [7], MAP {'z': 26}, NULL)`,
  ];
  return {
    name: 'types',
    columns: [
      { name: 'id', type: 'integer', duck: 'INTEGER' },
      { name: 'c_boolean', type: 'boolean', duck: 'BOOLEAN' },
      { name: 'c_byte', type: 'byte', duck: 'TINYINT' },
      { name: 'c_short', type: 'short', duck: 'SMALLINT' },
      { name: 'c_int', type: 'integer', duck: 'INTEGER' },
      { name: 'c_long', type: 'long', duck: 'BIGINT' },
      { name: 'c_float', type: 'float', duck: 'FLOAT' },
      { name: 'c_double', type: 'double', duck: 'DOUBLE' },
      { name: 'c_decimal', type: 'decimal(10,2)', duck: 'DECIMAL(10,2)' },
      { name: 'c_decimal38', type: 'decimal(38,6)', duck: 'DECIMAL(38,6)' },
      { name: 'c_string', type: 'string', duck: 'VARCHAR' },
      { name: 'c_binary', type: 'binary', duck: 'BLOB' },
      { name: 'c_date', type: 'date', duck: 'DATE' },
      { name: 'c_timestamp', type: 'timestamp', duck: 'TIMESTAMPTZ' },
      { name: 'c_timestamp_ntz', type: 'timestamp_ntz', duck: 'TIMESTAMP' },
      { name: 'c_array', type: { type: 'array', elementType: 'integer', containsNull: true }, duck: 'INTEGER[]' },
      { name: 'c_map', type: { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true }, duck: 'MAP(VARCHAR, INTEGER)' },
      {
        name: 'c_struct',
        type: { type: 'struct', fields: [{ name: 'a', type: 'integer', duck: 'INTEGER' }, { name: 'b', type: 'string', duck: 'VARCHAR' }] },
        duck: 'STRUCT(a INTEGER, b VARCHAR)',
      },
    ],
    partitionColumns: [],
    commits: [rows],
    readerFeatures: ['timestampNtz'],
  };
}

// ── join and three-valued-logic fixtures ──
function keyed(name: string, payload: string, keys: readonly (number | null)[]): TableSpec {
  const rows = keys.map((k, i) => tuple([num(i + 1), num(k), str(k === null && i % 2 === 0 ? null : `${payload}${i + 1}`)]));
  return {
    name,
    columns: [
      { name: 'id', type: 'integer', duck: 'INTEGER' },
      { name: 'k', type: 'integer', duck: 'INTEGER' },
      { name: payload, type: 'string', duck: 'VARCHAR' },
    ],
    partitionColumns: [],
    commits: [rows],
  };
}

function scores(): TableSpec {
  const names = ['ann', 'bob', 'cy', 'dee', 'ed', 'flo', 'gus', 'hal', 'ivy', 'jo', 'kim', 'lu', 'mo', 'ned', 'oz', 'pia', 'quin', 'ray'];
  const rows = names.map((name, i) => {
    const score = i % 7 === 3 ? null : [70, 85, 85, 90, 60, 70, 100, 85, 55, 90][i % 10]!;
    const weight = i % 5 === 4 ? null : money(0.5 + (i % 4) * 0.25);
    const grp = i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : i === 17 ? null : 'c';
    const passed = score === null ? null : score >= 70;
    return tuple([num(i + 1), str(grp), str(name), num(score), num(weight), passed === null ? 'NULL' : String(passed)]);
  });
  return {
    name: 'scores',
    columns: [
      { name: 'id', type: 'integer', duck: 'INTEGER' },
      { name: 'grp', type: 'string', duck: 'VARCHAR' },
      { name: 'name', type: 'string', duck: 'VARCHAR' },
      { name: 'score', type: 'integer', duck: 'INTEGER' },
      { name: 'weight', type: 'double', duck: 'DOUBLE' },
      { name: 'passed', type: 'boolean', duck: 'BOOLEAN' },
    ],
    partitionColumns: [],
    commits: [rows],
  };
}

/** Every table of the golden warehouse, in generation order (the PRNG stream depends on it). */
export function allTables(): TableSpec[] {
  return [
    prices(),
    fundamentals(),
    variants(),
    impressions(),
    conversions(),
    events(),
    types(),
    // NULL-heavy and duplicate-heavy join keys: 1 and 2 repeat on both sides, NULLs never match.
    keyed('left_keys', 'v', [1, 1, 2, null, 3, null, 2, 5, 1, null]),
    keyed('right_keys', 'w', [1, 2, 2, null, 4, null, 1, 6]),
    scores(),
  ];
}
