import * as arrow from 'apache-arrow';
import { SqlError, didYouMean } from '../../common/sql-error.js';
import { VOLATILE_FUNCTIONS, type ScalarFunctionName } from '../../executor/expr/function.js';
import { FIELD_ALIASES, TRUNC_UNITS } from '../../executor/kernels/datetime.js';
import { compilePattern } from '../../executor/kernels/datetime-format.js';
import { sameType } from '../../executor/kernels/cast.js';
import { compileRegex } from '../../executor/kernels/regex.js';
import { fixedDurationMicros, INTERVAL, parseIntervalOrThrow } from '../../executor/kernels/interval.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import { isTimestampUnit } from '../../executor/kernels/datetime.js';
import type { Call, Expr, Literal } from '../expr/expr.js';
import { canCast, coerce, commonNumeric, commonType, isNumeric, isUnknownLiteral, MAX_DECIMAL_PRECISION } from '../types/coerce.js';
import { mapType, parseDdlSchema } from './ddl-schema.js';

/**
 * Scalar functions the binder knows: SQL name → how to type-check its arguments and which
 * executor kernel runs it (executor/expr/function.ts SCALAR_FUNCTIONS). Both dialects'
 * spellings are here — PostgreSQL's (`strpos`, `date_part`, `to_char`) and Spark's (`instr`,
 * `date_format`, `element_at`) — and where the two disagree on a name's meaning the choice is
 * documented on the entry (`log(x)`, `substr`, `regexp_replace`, `concat`).
 *
 * Arguments are coerced the way PostgreSQL resolves a function: an untyped literal takes the
 * parameter's type, integers widen, a NULL takes anything. No signature matching is `42883`
 * "function f(text, integer) does not exist" with PostgreSQL's hint.
 */

type Bound = { readonly args: readonly Expr[]; readonly type: arrow.DataType; readonly impl?: ScalarFunctionName } | Expr;
type Check = (args: readonly Expr[], position: number | undefined) => Bound | undefined;

interface FunctionDef {
  readonly impl: ScalarFunctionName;
  readonly check: Check;
}

const TEXT = new arrow.Utf8();
const INT32 = new arrow.Int32();
const INT64 = new arrow.Int64();
const FLOAT64 = new arrow.Float64();
const BOOL = new arrow.Bool();
const DATE = new arrow.DateDay();
const TIMESTAMP = new arrow.TimestampMicrosecond('UTC');

// ── argument coercers: Expr → the parameter's type, or undefined when it does not fit ──

type Coercer = (e: Expr) => Expr | undefined;

const isNull = (e: Expr) => e.type.typeId === arrow.Type.Null;
const isInt = (t: arrow.DataType) => t.typeId === arrow.Type.Int;

const P = {
  text: ((e) => (e.type.typeId === arrow.Type.Utf8 || isNull(e) ? coerce(e, TEXT) : undefined)) as Coercer,
  /** Any type with a text form (concat, format_string): cast to text. */
  anyText: ((e) => (canCast(e.type, TEXT) ? coerce(e, TEXT) : undefined)) as Coercer,
  int: ((e) => (isInt(e.type) || isNull(e) || isUnknownLiteral(e) ? coerce(e, INT32) : undefined)) as Coercer,
  bigint: ((e) => (isInt(e.type) || isNull(e) || isUnknownLiteral(e) ? coerce(e, INT64) : undefined)) as Coercer,
  float: ((e) => (isNumeric(e.type) || isNull(e) || isUnknownLiteral(e) ? coerce(e, FLOAT64) : undefined)) as Coercer,
  bool: ((e) => (e.type.typeId === arrow.Type.Bool || isNull(e) || isUnknownLiteral(e) ? coerce(e, BOOL) : undefined)) as Coercer,
  /** A date; a timestamp is truncated to its date (Spark's date functions accept both). */
  date: ((e) => (e.type.typeId === arrow.Type.Date || e.type.typeId === arrow.Type.Timestamp || isNull(e) || isUnknownLiteral(e) ? coerce(e, DATE) : undefined)) as Coercer,
  /** A date or timestamp kept as it is; an untyped literal is a timestamp. */
  datetime: ((e) => (e.type.typeId === arrow.Type.Date || e.type.typeId === arrow.Type.Timestamp ? e : isNull(e) || isUnknownLiteral(e) ? coerce(e, TIMESTAMP) : undefined)) as Coercer,
  timestamp: ((e) => (e.type.typeId === arrow.Type.Timestamp ? e : e.type.typeId === arrow.Type.Date || isNull(e) || isUnknownLiteral(e) ? coerce(e, TIMESTAMP) : undefined)) as Coercer,
  any: ((e) => e) as Coercer,
};

/**
 * A fixed signature: `params` in order, the last `optional` of them may be left out; `variadic`
 * coerces any further arguments. `ret` is the result type or computes it from the coerced args.
 */
function sig(impl: ScalarFunctionName, params: readonly Coercer[], ret: arrow.DataType | ((args: readonly Expr[]) => arrow.DataType | undefined), opts: { optional?: number; variadic?: Coercer; min?: number } = {}): FunctionDef {
  const required = opts.min ?? params.length - (opts.optional ?? 0);
  return {
    impl,
    check: (args) => {
      if (args.length < required) return undefined;
      if (args.length > params.length && opts.variadic === undefined) return undefined;
      const out: Expr[] = [];
      for (let k = 0; k < args.length; k++) {
        const c = k < params.length ? params[k] : (opts.variadic as Coercer);
        const e = c(args[k]);
        if (e === undefined) return undefined;
        out.push(e);
      }
      const type = typeof ret === 'function' ? ret(out) : ret;
      return type === undefined ? undefined : { args: out, type, impl };
    },
  };
}

/** The type every argument unifies to (CASE's rule), with all of them coerced; undefined when none. */
function unify(args: readonly Expr[]): { args: Expr[]; type: arrow.DataType } | undefined {
  if (args.length === 0) return undefined;
  let type: arrow.DataType | undefined = args[0].type;
  let witness: Expr = args[0];
  for (const a of args.slice(1)) {
    type = commonType(witness, a);
    if (type === undefined) return undefined;
    witness = { kind: 'Literal', type, value: null };
  }
  const unified = args.every(isUnknownLiteral) ? TEXT : (type as arrow.DataType);
  return { args: args.map((a) => coerce(a, unified)), type: unified };
}

/**
 * `timestampadd(unit, n, ts)` / `timestampdiff(unit, start, end)`: the unit a constant string
 * naming one (`22023` otherwise), n an integer, the times timestamps (dates at midnight).
 */
function timestampUnitCall(impl: 'timestampadd' | 'timestampdiff', args: readonly Expr[], position: number | undefined): Bound | undefined {
  if (args.length !== 3) return undefined;
  const unit = literalText(args[0] as Expr);
  if (unit === undefined) return undefined;
  if (!isTimestampUnit(unit)) throw SqlError.invalidParameter(`${impl}: unknown unit ${unit} (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND or MICROSECOND)`, position);
  if (impl === 'timestampadd') {
    const n = P.int(args[1] as Expr);
    const ts = P.timestamp(args[2] as Expr);
    if (n === undefined || ts === undefined) return undefined;
    return { args: [coerce(args[0] as Expr, TEXT), n, ts], type: ts.type, impl };
  }
  const [start, end] = [P.timestamp(args[1] as Expr), P.timestamp(args[2] as Expr)];
  if (start === undefined || end === undefined) return undefined;
  return { args: [coerce(args[0] as Expr, TEXT), start, end], type: INT64, impl };
}

function literalText(e: Expr): string | undefined {
  return e.kind === 'Literal' && typeof e.value === 'string' ? e.value : undefined;
}

function literalNumber(e: Expr): number | undefined {
  return e.kind === 'Literal' && (typeof e.value === 'number' || typeof e.value === 'bigint') ? Number(e.value) : undefined;
}

function lit(value: Literal['value'], type: arrow.DataType): Literal {
  return { kind: 'Literal', value, type };
}

function call(impl: ScalarFunctionName, args: readonly Expr[], type: arrow.DataType): Call {
  return { kind: 'Call', name: impl, args, type };
}

// ── result types ──

/** round/trunc/floor/ceil: decimals get the scale the digits ask for (exact); ints and floats keep their type. */
function roundType(args: readonly Expr[]): arrow.DataType {
  const t = args[0].type;
  if (t.typeId === arrow.Type.Float) return FLOAT64;
  if (t.typeId !== arrow.Type.Decimal) return t.typeId === arrow.Type.Int && (t as arrow.Int).bitWidth === 8 ? new arrow.Int16() : t;
  const d = t as arrow.Decimal;
  const digits = args.length > 1 ? literalNumber(args[1]) : 0;
  const scale = digits === undefined ? d.scale : Math.max(0, Math.min(d.scale, digits));
  // One more integer digit: rounding 9.99 up gives 10.0.
  return new arrow.Decimal(scale, Math.min(MAX_DECIMAL_PRECISION, d.precision - d.scale + scale + 1), 128);
}

const numericArg: Coercer = (e) => (isNumeric(e.type) ? e : isNull(e) || isUnknownLiteral(e) ? coerce(e, FLOAT64) : undefined);

function roundDef(impl: ScalarFunctionName): FunctionDef {
  return sig(impl, [numericArg, P.int], (args) => roundType(args), { optional: 1 });
}

/** Extract's result: whole fields as int, `second`/`milliseconds`/`epoch` exact decimals (PostgreSQL 14+ numeric). */
function extractType(field: string): arrow.DataType {
  if (field === 'second') return new arrow.Decimal(6, 8, 128);
  if (field === 'milliseconds') return new arrow.Decimal(3, 8, 128);
  if (field === 'epoch') return new arrow.Decimal(6, 18, 128);
  if (field === 'julian') return FLOAT64;
  return INT32;
}

function fieldName(e: Expr, what: string, position: number | undefined): string {
  const text = literalText(e);
  if (text === undefined) throw SqlError.unsupportedFeature(`${what} with a non-constant field`).at(position);
  const field = FIELD_ALIASES[text.toLowerCase()];
  if (field === undefined) throw SqlError.invalidParameter(`unit "${text}" not recognized`, position);
  return field;
}

/** `extract(field FROM x)` / `date_part('field', x)` / Spark's `year(x)`…: a field of a date or timestamp. */
function fieldCall(field: string, x: Expr, type: arrow.DataType, position: number | undefined): Expr | undefined {
  const arg = P.datetime(x);
  if (arg === undefined) return undefined;
  const timeField = ['hour', 'minute', 'second', 'milliseconds', 'microseconds', 'epoch'].includes(field);
  // A date has no time of day: PostgreSQL rejects `extract(hour from date)`; Spark casts to timestamp.
  const input = timeField && arg.type.typeId === arrow.Type.Date ? coerce(arg, TIMESTAMP) : arg;
  void position;
  return call('extract', [lit(field, TEXT), input], type);
}

function sparkField(field: string): FunctionDef {
  return { impl: 'extract', check: (args, position) => (args.length === 1 ? fieldCall(field, args[0], INT32, position) : undefined) };
}

/** Pattern arguments are checked at plan time when constant, so a bad one fails before any row. */
function checkPattern(e: Expr, position: number | undefined): void {
  const text = literalText(e);
  if (text !== undefined) {
    try {
      compilePattern(text);
    } catch (err) {
      throw err instanceof SqlError ? err.at(position) : err;
    }
  }
}

function checkRegex(e: Expr, position: number | undefined): void {
  const text = literalText(e);
  if (text !== undefined) {
    try {
      compileRegex(text, '');
    } catch (err) {
      throw err instanceof SqlError ? err.at(position) : err;
    }
  }
}

function listType(element: arrow.DataType): arrow.DataType {
  return new arrow.List(new arrow.Field('element', element.typeId === arrow.Type.Null ? TEXT : element, true));
}

const isList = (e: Expr) => e.type.typeId === arrow.Type.List;
const isMap = (e: Expr) => e.type.typeId === arrow.Type.Map;
const listElement = (t: arrow.DataType) => (t as arrow.List).children[0].type;
const mapEntry = (t: arrow.DataType) => ((t as arrow.Map_).children[0].type as arrow.Struct).children;

/** `statement_timestamp()`: one value per statement (PostgreSQL's now() is per transaction; we have one statement per transaction). */
function statementMicros(): bigint {
  return BigInt(Date.now()) * 1000n;
}

// ── the table ──

const SIGNATURES: Record<string, FunctionDef> = {
  // strings
  lower: sig('lower', [P.text], TEXT),
  upper: sig('upper', [P.text], TEXT),
  length: sig('length', [P.text], INT32),
  concat: sig('concat', [], TEXT, { variadic: P.anyText, min: 1 }),
  concat_ws: sig('concat_ws', [P.text], TEXT, { variadic: P.anyText }),
  /** PostgreSQL's substring: a start ≤ 0 shortens the result; `SUBSTRING(x FROM a FOR b)` arrives here. */
  substring: sig('substring', [P.text, P.int, P.int], TEXT, { optional: 1 }),
  /** Spark's substr: a negative start counts from the end (`substr('Spark SQL', -3)` = 'SQL'). */
  substr: sig('substr_spark', [P.text, P.int, P.int], TEXT, { optional: 1 }),
  left: sig('left', [P.text, P.int], TEXT),
  right: sig('right', [P.text, P.int], TEXT),
  btrim: sig('btrim', [P.text, P.text], TEXT, { optional: 1 }),
  ltrim: sig('ltrim', [P.text, P.text], TEXT, { optional: 1 }),
  rtrim: sig('rtrim', [P.text, P.text], TEXT, { optional: 1 }),
  lpad: sig('lpad', [P.text, P.int, P.text], TEXT, { optional: 1 }),
  rpad: sig('rpad', [P.text, P.int, P.text], TEXT, { optional: 1 }),
  replace: {
    impl: 'replace',
    // Spark's replace(s, search) removes the search string.
    check: (args) => sig('replace', [P.text, P.text, P.text], TEXT).check(args.length === 2 ? [...args, lit('', TEXT)] : args, undefined),
  },
  split_part: sig('split_part', [P.text, P.text, P.int], TEXT),
  strpos: sig('strpos', [P.text, P.text], INT32),
  instr: sig('strpos', [P.text, P.text], INT32),
  locate: {
    impl: 'strpos',
    // Spark: locate(substr, str [, pos]) — the string comes second.
    check: (args) => (args.length < 2 || args.length > 3 ? undefined : sig('strpos', [P.text, P.text, P.int], INT32, { optional: 1 }).check([args[1], args[0], ...args.slice(2)], undefined)),
  },
  starts_with: sig('starts_with', [P.text, P.text], BOOL),
  ends_with: sig('ends_with', [P.text, P.text], BOOL),
  contains: sig('contains', [P.text, P.text], BOOL),
  reverse: sig('reverse', [P.text], TEXT),
  repeat: sig('repeat', [P.text, P.int], TEXT),
  initcap: sig('initcap', [P.text], TEXT),
  translate: sig('translate', [P.text, P.text, P.text], TEXT),
  ascii: sig('ascii', [P.text], INT32),
  chr: sig('chr', [P.int], TEXT),
  octet_length: sig('octet_length', [P.text], INT32),
  bit_length: sig('bit_length', [P.text], INT32),
  md5: sig('md5', [P.text], TEXT),
  sha1: sig('sha1', [P.text], TEXT),
  sha2: sig('sha2', [P.text, P.int], TEXT),
  format_string: sig('format_string', [P.text], TEXT, { variadic: P.anyText }),
  /** `~` / `regexp_like` / `rlike`: partial match (PostgreSQL, Spark agree). */
  regexp_like: {
    impl: 'regexp_like',
    check: (args, position) => {
      if (args.length >= 2) checkRegex(args[1], position);
      return sig('regexp_like', [P.text, P.text, P.text], BOOL, { optional: 1 }).check(args, position);
    },
  },
  regexp_replace: {
    impl: 'regexp_replace',
    check: (args, position) => {
      if (args.length >= 2) checkRegex(args[1], position);
      return sig('regexp_replace', [P.text, P.text, P.text, P.text], TEXT, { optional: 1 }).check(args, position);
    },
  },
  regexp_extract: {
    impl: 'regexp_extract',
    check: (args, position) => {
      if (args.length >= 2) checkRegex(args[1], position);
      return sig('regexp_extract', [P.text, P.text, P.int], TEXT, { optional: 1 }).check(args, position);
    },
  },
  split: sig('split', [P.text, P.text, P.int], listType(TEXT), { optional: 1 }),
  like_escape: {
    impl: 'concat',
    // `x LIKE p ESCAPE e` arrives as like_escape(p, e): rewrite p into the backslash-escape form the LIKE kernel reads.
    check: (args, position) => {
      const pattern = literalText(args[0]);
      const escape = literalText(args[1] ?? lit(null, TEXT));
      if (args.length !== 2 || pattern === undefined || escape === undefined) throw SqlError.unsupportedFeature('LIKE … ESCAPE with non-constant operands').at(position);
      if ([...escape].length > 1) throw new SqlError('22025', 'invalid escape string', { position, hint: 'Escape string must be empty or one character.' });
      let out = '';
      const chars = [...pattern];
      for (let k = 0; k < chars.length; k++) {
        const c = chars[k];
        if (escape !== '' && c === escape) {
          if (k + 1 >= chars.length) throw new SqlError('22025', 'LIKE pattern must not end with escape character', { position });
          out += '\\' + chars[++k];
        } else if (c === '\\') out += '\\\\';
        else out += c;
      }
      return lit(out, TEXT);
    },
  },

  // math
  abs: sig('abs', [numericArg], (args) => (isInt(args[0].type) && (args[0].type as arrow.Int).bitWidth === 8 ? undefined : args[0].type)),
  round: roundDef('round'),
  bround: roundDef('bround'),
  trunc: {
    impl: 'trunc',
    check: (args, position) => {
      // Spark's trunc(date, 'MM') shares the name with PostgreSQL's trunc(numeric).
      if (args.length === 2 && (args[0].type.typeId === arrow.Type.Date || args[0].type.typeId === arrow.Type.Timestamp)) {
        const unit = fieldName(args[1], 'trunc', position);
        if (!TRUNC_UNITS.has(unit)) throw SqlError.invalidParameter(`unit "${literalText(args[1])}" not recognized for trunc`, position);
        return call('date_trunc', [lit(unit, TEXT), args[0]], DATE);
      }
      return roundDef('trunc').check(args, position);
    },
  },
  floor: sig('floor', [numericArg], (args) => roundType(args)),
  ceil: sig('ceil', [numericArg], (args) => roundType(args)),
  sqrt: sig('sqrt', [P.float], FLOAT64),
  cbrt: sig('cbrt', [P.float], FLOAT64),
  exp: sig('exp', [P.float], FLOAT64),
  ln: sig('ln', [P.float], FLOAT64),
  log10: sig('log10', [P.float], FLOAT64),
  log2: sig('log2', [P.float], FLOAT64),
  /**
   * `log(x)` is base 10 in PostgreSQL and DuckDB, natural in Spark: we follow PostgreSQL (the
   * dialect our clients speak); `ln(x)` is the natural log in both. `log(b, x)` agrees.
   */
  log: {
    impl: 'log',
    check: (args, position) => (args.length === 1 ? sig('log10', [P.float], FLOAT64).check(args, position) : sig('log', [P.float, P.float], FLOAT64).check(args, position)),
  },
  sin: sig('sin', [P.float], FLOAT64),
  cos: sig('cos', [P.float], FLOAT64),
  tan: sig('tan', [P.float], FLOAT64),
  asin: sig('asin', [P.float], FLOAT64),
  acos: sig('acos', [P.float], FLOAT64),
  atan: sig('atan', [P.float], FLOAT64),
  atan2: sig('atan2', [P.float, P.float], FLOAT64),
  sinh: sig('sinh', [P.float], FLOAT64),
  cosh: sig('cosh', [P.float], FLOAT64),
  tanh: sig('tanh', [P.float], FLOAT64),
  degrees: sig('degrees', [P.float], FLOAT64),
  radians: sig('radians', [P.float], FLOAT64),
  sign: {
    impl: 'sign',
    check: (args) => {
      if (args.length !== 1) return undefined;
      const a = args[0];
      if (a.type.typeId === arrow.Type.Float || isUnknownLiteral(a) || isNull(a)) return { args: [coerce(a, FLOAT64)], type: FLOAT64, impl: 'sign_float' };
      if (isInt(a.type) || a.type.typeId === arrow.Type.Decimal) return { args: [a], type: a.type };
      return undefined;
    },
  },
  power: sig('power', [P.float, P.float], FLOAT64),
  mod: {
    impl: 'abs',
    check: (args) => {
      if (args.length !== 2) return undefined;
      const [a, b] = args.map((e) => (isUnknownLiteral(e) || isNull(e) ? coerce(e, isNumeric(args[0].type) ? args[0].type : isNumeric(args[1].type) ? args[1].type : INT32) : e));
      if (!isNumeric(a.type) || !isNumeric(b.type)) return undefined;
      let type = commonNumeric(a.type, b.type);
      // Decimal % runs in double precision, as the `%` operator does (planner/binder/bind-expr.ts).
      if (type.typeId === arrow.Type.Decimal) type = FLOAT64;
      return { kind: 'Binary', op: '%', left: coerce(a, type), right: coerce(b, type), type };
    },
  },
  div: sig('div', [P.bigint, P.bigint], INT64),
  greatest: { impl: 'greatest', check: (args) => unify(args) },
  least: { impl: 'least', check: (args) => unify(args) },
  pi: sig('pi', [], FLOAT64),
  /** `random()` / Spark's `rand([seed])`: uniform in [0, 1); a seed is accepted and ignored. */
  random: sig('random', [P.int], FLOAT64, { optional: 1 }),
  /** PostgreSQL's gen_random_uuid() / Spark's uuid(): a version-4 UUID per row, as text. */
  uuid: sig('uuid', [], TEXT),
  width_bucket: sig('width_bucket', [P.float, P.float, P.float, P.int], INT32),

  // date/time
  extract: {
    impl: 'extract',
    check: (args, position) => {
      if (args.length !== 2) return undefined;
      const field = fieldName(args[0], 'extract', position);
      return fieldCall(field, args[1], extractType(field), position);
    },
  },
  date_part: {
    impl: 'extract',
    check: (args, position) => (args.length === 2 ? fieldCall(fieldName(args[0], 'date_part', position), args[1], FLOAT64, position) : undefined),
  },
  year: sparkField('year'),
  quarter: sparkField('quarter'),
  month: sparkField('month'),
  day: sparkField('day'),
  dayofweek: sparkField('dayofweek'),
  weekday: sparkField('weekday'),
  dayofyear: sparkField('doy'),
  weekofyear: sparkField('week'),
  hour: sparkField('hour'),
  minute: sparkField('minute'),
  second: sparkField('second'),
  date_trunc: {
    impl: 'date_trunc',
    check: (args, position) => {
      if (args.length !== 2) return undefined;
      const unit = fieldName(args[0], 'date_trunc', position);
      if (!TRUNC_UNITS.has(unit)) throw SqlError.invalidParameter(`unit "${literalText(args[0])}" not recognized for type timestamp`, position);
      const x = P.timestamp(args[1]);
      return x === undefined ? undefined : call('date_trunc', [lit(unit, TEXT), x], x.type);
    },
  },
  window: {
    impl: 'window',
    check: (args, position) => {
      if (args.length < 2 || args.length > 4) return undefined;
      const ts = P.timestamp(args[0]);
      if (ts === undefined || args.slice(1).some((a) => literalText(a) === undefined && !isIntervalLiteral(a))) return undefined;
      const micros = (e: Expr, what: string): bigint => {
        try {
          const v = intervalLiteralValue(e) ?? parseIntervalOrThrow(literalText(e) as string);
          return fixedDurationMicros(v, what);
        } catch (err) {
          throw err instanceof SqlError ? new SqlError('22023', `invalid ${what}: ${err.message}`, { position }) : err;
        }
      };
      const duration = micros(args[1], 'window duration');
      if (duration <= 0n) throw new SqlError('22023', 'the window duration must be greater than 0', { position });
      const slide = args.length > 2 ? micros(args[2], 'slide duration') : duration;
      if (slide <= 0n || slide > duration) throw new SqlError('22023', 'the slide duration must be greater than 0 and at most the window duration', { position });
      if (slide !== duration) throw SqlError.unsupportedFeature('sliding windows (window() with a slide shorter than its duration) — a generator, use explode').at(position);
      const start = args.length > 3 ? micros(args[3], 'window start time') : 0n;
      const type = new arrow.Struct([new arrow.Field('start', ts.type, true), new arrow.Field('end', ts.type, true)]);
      return call('window', [ts, lit(duration, INT64), lit(((start % duration) + duration) % duration, INT64)], type);
    },
  },
  // date_add(d, n) (Spark), or Databricks' date_add(unit, n, ts) = timestampadd.
  date_add: { impl: 'date_add', check: (args, position) => (args.length === 3 ? timestampUnitCall('timestampadd', args, position) : sig('date_add', [P.date, P.int], DATE).check(args, position)) },
  date_sub: sig('date_sub', [P.date, P.int], DATE),
  /** Databricks' timestampadd(unit, n, ts) / dateadd: n units later (months clamped to the month's end). */
  timestampadd: { impl: 'timestampadd', check: (args, position) => timestampUnitCall('timestampadd', args, position) },
  /** Databricks' timestampdiff(unit, start, end): whole units from start to end, truncated. */
  timestampdiff: { impl: 'timestampdiff', check: (args, position) => timestampUnitCall('timestampdiff', args, position) },
  /** Spark's datediff(end, start): days from start to end. */
  // datediff(end, start) (Spark), or Databricks' datediff(unit, start, end) = timestampdiff.
  datediff: { impl: 'date_diff', check: (args, position) => (args.length === 3 ? timestampUnitCall('timestampdiff', args, position) : sig('date_diff', [P.date, P.date], INT32).check(args, position)) },
  add_months: sig('add_months', [P.date, P.int], DATE),
  last_day: sig('last_day', [P.date], DATE),
  months_between: sig('months_between', [P.timestamp, P.timestamp, P.bool], FLOAT64, { optional: 1 }),
  make_date: sig('make_date', [P.int, P.int, P.int], DATE),
  now: { impl: 'extract', check: (args) => (args.length === 0 ? lit(statementMicros(), TIMESTAMP) : undefined) },
  current_date: { impl: 'extract', check: (args) => (args.length === 0 ? lit(Number(statementMicros() / 86_400_000_000n), DATE) : undefined) },
  unix_timestamp: {
    impl: 'unix_seconds',
    check: (args, position) => {
      if (args.length === 0) return lit(statementMicros() / 1_000_000n, INT64);
      if (args[0].type.typeId === arrow.Type.Date || args[0].type.typeId === arrow.Type.Timestamp) return args.length === 1 ? call('unix_seconds', args, INT64) : undefined;
      if (args.length === 2) checkPattern(args[1], position);
      // Spark's default pattern for text input.
      const withPattern = args.length === 1 ? [args[0], lit('yyyy-MM-dd HH:mm:ss', TEXT)] : args;
      return sig('parse_datetime', [P.text, P.text], INT64).check(withPattern, position);
    },
  },
  unix_seconds: sig('unix_seconds', [P.timestamp], INT64),
  unix_millis: sig('unix_millis', [P.timestamp], INT64),
  unix_micros: sig('unix_micros', [P.timestamp], INT64),
  timestamp_seconds: sig('timestamp_seconds', [numericArg], TIMESTAMP),
  timestamp_millis: sig('timestamp_millis', [P.bigint], TIMESTAMP),
  timestamp_micros: sig('timestamp_micros', [P.bigint], TIMESTAMP),
  from_unixtime: {
    impl: 'from_unixtime',
    check: (args, position) => {
      if (args.length === 2) checkPattern(args[1], position);
      return sig('from_unixtime', [P.bigint, P.text], TEXT, { optional: 1 }).check(args, position);
    },
  },
  to_timestamp: {
    impl: 'parse_datetime',
    check: (args, position) => {
      // PostgreSQL's to_timestamp(double): seconds since the epoch.
      if (args.length === 1 && isNumeric(args[0].type)) return call('timestamp_seconds', [coerce(args[0], FLOAT64)], TIMESTAMP);
      if (args.length === 1 && args[0].type.typeId === arrow.Type.Timestamp) return args[0];
      if (args.length === 1 && args[0].type.typeId === arrow.Type.Date) return coerce(args[0], TIMESTAMP);
      if (args.length === 2) checkPattern(args[1], position);
      return sig('parse_datetime', [P.text, P.text], TIMESTAMP, { optional: 1 }).check(args, position);
    },
  },
  to_date: {
    impl: 'parse_datetime',
    check: (args, position) => {
      if (args.length === 1 && (args[0].type.typeId === arrow.Type.Timestamp || args[0].type.typeId === arrow.Type.Date)) return coerce(args[0], DATE);
      if (args.length === 2) checkPattern(args[1], position);
      return sig('parse_datetime', [P.text, P.text], DATE, { optional: 1 }).check(args, position);
    },
  },
  try_to_timestamp: sig('try_parse_datetime', [P.text, P.text], TIMESTAMP, { optional: 1 }),
  try_to_date: sig('try_parse_datetime', [P.text, P.text], DATE, { optional: 1 }),
  /** Spark's date_format (Java patterns) and PostgreSQL's to_char (templates): one kernel, the pattern says which. */
  date_format: {
    impl: 'date_format',
    check: (args, position) => {
      if (args.length === 2) checkPattern(args[1], position);
      return sig('date_format', [P.datetime, P.text], TEXT).check(args, position);
    },
  },

  // conditional
  coalesce: { impl: 'coalesce', check: (args) => unify(args) },
  /** The argument's type name, known when binding (text: PostgreSQL answers regtype, which prints the same). */
  pg_typeof: { impl: 'coalesce', check: (args) => (args.length === 1 ? lit(typeLabel(args[0] as Expr), TEXT) : undefined) },
  nullif: {
    impl: 'nullif',
    check: (args) => {
      if (args.length !== 2) return undefined;
      const u = unify(args);
      // nullif's type is the first argument's (PostgreSQL).
      return u === undefined ? undefined : { args: u.args, type: u.type };
    },
  },
  if: {
    impl: 'if',
    check: (args) => {
      if (args.length !== 3) return undefined;
      const cond = P.bool(args[0]);
      const u = unify(args.slice(1));
      return cond === undefined || u === undefined ? undefined : { args: [cond, ...u.args], type: u.type };
    },
  },
  nvl2: {
    impl: 'if',
    check: (args) => {
      if (args.length !== 3) return undefined;
      const u = unify(args.slice(1));
      if (u === undefined) return undefined;
      return call('if', [{ kind: 'IsNull', input: args[0], negated: true, type: BOOL }, ...u.args], u.type);
    },
  },
  isnull: { impl: 'coalesce', check: (args) => (args.length === 1 ? { kind: 'IsNull', input: args[0], negated: false, type: BOOL } : undefined) },
  isnotnull: { impl: 'coalesce', check: (args) => (args.length === 1 ? { kind: 'IsNull', input: args[0], negated: true, type: BOOL } : undefined) },

  // nested
  array: {
    impl: 'make_array',
    check: (args) => {
      if (args.length === 0) return { args: [], type: listType(TEXT) };
      // Arrays of arrays (`array(array(1, 2), array(3))`): every argument an array of one element type, or NULL.
      const lists = args.filter((a) => isList(a));
      if (lists.length > 0) {
        const type = (lists[0] as Expr).type;
        const same = args.every((a) => (isList(a) && sameType(listElement(a.type), listElement(type))) || a.type.typeId === arrow.Type.Null);
        return same ? { args: args.map((a) => (isList(a) ? a : coerce(a, type))), type: listType(type) } : undefined;
      }
      const u = unify(args);
      return u === undefined ? undefined : { args: u.args, type: listType(u.type) };
    },
  },
  struct: {
    impl: 'make_struct',
    check: (args) => ({
      args,
      // Spark names a column argument's field after the column, others col1, col2, …
      type: new arrow.Struct(args.map((a, k) => new arrow.Field(a.kind === 'ColumnRef' ? a.name : a.kind === 'FieldAccess' ? a.field : `col${k + 1}`, a.type.typeId === arrow.Type.Null || isUnknownLiteral(a) ? TEXT : a.type, true))),
    }),
  },
  named_struct: {
    impl: 'make_struct',
    check: (args, position) => {
      if (args.length === 0 || args.length % 2 !== 0) return undefined;
      const names: string[] = [];
      const values: Expr[] = [];
      for (let k = 0; k < args.length; k += 2) {
        const name = literalText(args[k]);
        if (name === undefined) throw SqlError.datatypeMismatch('named_struct field names must be string constants', position);
        names.push(name);
        values.push(isUnknownLiteral(args[k + 1]) || isNull(args[k + 1]) ? coerce(args[k + 1], TEXT) : args[k + 1]);
      }
      return { args: values, type: new arrow.Struct(values.map((v, k) => new arrow.Field(names[k], v.type, true))) };
    },
  },
  map: {
    impl: 'make_map',
    check: (args) => {
      if (args.length % 2 !== 0) return undefined;
      if (args.length === 0) return { args: [], type: mapType(TEXT, TEXT) };
      const keys = unify(args.filter((_, k) => k % 2 === 0));
      const values = unify(args.filter((_, k) => k % 2 === 1));
      if (keys === undefined || values === undefined) return undefined;
      const interleaved = keys.args.flatMap((k, i) => [k, values.args[i]]);
      return { args: interleaved, type: mapType(keys.type, values.type) };
    },
  },
  map_from_arrays: {
    impl: 'map_from_arrays',
    check: (args) => (args.length === 2 && isList(args[0]) && isList(args[1]) ? { args, type: mapType(listElement(args[0].type), listElement(args[1].type)) } : undefined),
  },
  element_at: {
    impl: 'element_at',
    check: (args) => {
      if (args.length !== 2) return undefined;
      if (isList(args[0])) {
        const i = P.int(args[1]);
        return i === undefined ? undefined : { args: [args[0], i], type: listElement(args[0].type) };
      }
      if (isMap(args[0])) return mapLookup(args[0], args[1]);
      return undefined;
    },
  },
  cardinality: { impl: 'cardinality', check: (args) => (args.length === 1 && (isList(args[0]) || isMap(args[0])) ? { args, type: INT32 } : undefined) },
  array_length: {
    impl: 'cardinality',
    check: (args, position) => {
      if (args.length !== 2 || !isList(args[0])) return undefined;
      if (literalNumber(args[1]) !== 1) throw SqlError.unsupportedFeature('array_length of a dimension other than 1').at(position);
      return { args: [args[0]], type: INT32 };
    },
  },
  array_contains: {
    impl: 'array_contains',
    check: (args) => {
      if (args.length !== 2 || !isList(args[0])) return undefined;
      const element = listElement(args[0].type);
      const t = commonType({ kind: 'Literal', type: element, value: null }, args[1]);
      if (t === undefined || !sameType(t, element)) return undefined;
      return { args: [args[0], coerce(args[1], element)], type: BOOL };
    },
  },
  array_position: {
    impl: 'array_position',
    check: (args) => {
      if (args.length !== 2 || !isList(args[0])) return undefined;
      const element = listElement(args[0].type);
      const t = commonType({ kind: 'Literal', type: element, value: null }, args[1]);
      if (t === undefined || !sameType(t, element)) return undefined;
      return { args: [args[0], coerce(args[1], element)], type: INT64 };
    },
  },
  map_keys: { impl: 'map_keys', check: (args) => (args.length === 1 && isMap(args[0]) ? { args, type: listType(mapEntry(args[0].type)[0].type) } : undefined) },
  map_values: { impl: 'map_values', check: (args) => (args.length === 1 && isMap(args[0]) ? { args, type: listType(mapEntry(args[0].type)[1].type) } : undefined) },
  /** Spark's map_entries(m): the map as an array of (key, value) structs. */
  map_entries: {
    impl: 'map_entries',
    check: (args) => {
      if (args.length !== 1 || !isMap(args[0])) return undefined;
      const [key, value] = mapEntry(args[0].type);
      return { args, type: listType(new arrow.Struct([new arrow.Field('key', (key as arrow.Field).type, false), new arrow.Field('value', (value as arrow.Field).type, true)])) };
    },
  },
  sort_array: {
    impl: 'sort_array',
    check: (args) => {
      if (args.length < 1 || args.length > 2 || !isList(args[0])) return undefined;
      const asc = args.length === 2 ? P.bool(args[1]) : undefined;
      if (args.length === 2 && asc === undefined) return undefined;
      return { args: asc === undefined ? [args[0]] : [args[0], asc], type: args[0].type };
    },
  },
  array_distinct: { impl: 'array_distinct', check: (args) => (args.length === 1 && isList(args[0]) ? { args, type: args[0].type } : undefined) },
  /** Spark's array_sort(arr): ascending, NULL elements last (sort_array puts them first). */
  array_sort: { impl: 'array_sort', check: (args) => (args.length === 1 && isList(args[0]) ? { args, type: args[0].type } : undefined) },
  /** Spark's flatten(array<array<T>>) → array<T>. */
  flatten: {
    impl: 'flatten',
    check: (args) => {
      if (args.length !== 1 || !isList(args[0])) return undefined;
      const inner = listElement(args[0].type);
      return arrow.DataType.isList(inner) ? { args, type: inner } : undefined;
    },
  },
  /** Spark's sequence(start, stop [, step]) over integers: bigint elements when any argument is bigint. */
  sequence: {
    impl: 'sequence',
    check: (args) => {
      if (args.length < 2 || args.length > 3) return undefined;
      const wide = args.some((a) => arrow.DataType.isInt(a.type) && (a.type as arrow.Int).bitWidth === 64);
      const element = wide ? INT64 : INT32;
      const typed = args.map((a) => (isUnknownLiteral(a) || a.type.typeId === arrow.Type.Null || arrow.DataType.isInt(a.type) ? coerce(a, element) : undefined));
      if (typed.some((a) => a === undefined)) return undefined;
      return { args: typed as Expr[], type: listType(element) };
    },
  },

  // JSON over text
  get_json_object: sig('get_json_object', [P.text, P.text], TEXT),
  json_extract_path_text: sig('json_extract_path_text', [P.text], TEXT, { variadic: P.text }),
  json_extract_path: sig('json_extract_path', [P.text], TEXT, { variadic: P.text }),
  from_json: {
    impl: 'from_json',
    check: (args, position) => {
      if (args.length < 2 || args.length > 3) return undefined;
      const text = P.text(args[0]);
      const schema = literalText(args[1]);
      if (text === undefined) return undefined;
      if (schema === undefined) throw SqlError.datatypeMismatch('from_json: the schema must be a string constant', position);
      let type: arrow.DataType;
      try {
        type = parseDdlSchema(schema);
      } catch (err) {
        throw err instanceof SqlError ? err.at(position) : err;
      }
      return { args: [text], type };
    },
  },
  to_json: {
    impl: 'to_json',
    check: (args) => (args.length === 1 && [arrow.Type.Struct, arrow.Type.List, arrow.Type.Map].includes(args[0].type.typeId) ? { args, type: TEXT } : undefined),
  },
};

// Synonyms: each shares its entry (and so its semantics) with the name it aliases.
const ALIASES: Record<string, string> = {
  char_length: 'length', character_length: 'length', len: 'length', char: 'chr',
  position: 'strpos', startswith: 'starts_with', endswith: 'ends_with', trim: 'btrim',
  sha: 'sha1', printf: 'format_string', rlike: 'regexp_like', regexp: 'regexp_like',
  ceiling: 'ceil', pow: 'power', truncate: 'trunc', rand: 'random',
  dayofmonth: 'day', current_timestamp: 'now', localtimestamp: 'now', statement_timestamp: 'now', transaction_timestamp: 'now', getdate: 'now',
  to_char: 'date_format', date_diff: 'datediff', to_unix_timestamp: 'unix_timestamp',
  ifnull: 'coalesce', nvl: 'coalesce', iff: 'if', make_array: 'array', size: 'cardinality',
  json_object_field_text: 'json_extract_path_text', gen_random_uuid: 'uuid', regexp_split_to_array: 'split', dateadd: 'timestampadd', timestamp_add: 'timestampadd', timestamp_diff: 'timestampdiff',
};
for (const [alias, target] of Object.entries(ALIASES)) if (SIGNATURES[target] !== undefined) SIGNATURES[alias] = SIGNATURES[target];

/** `map[key]` / `element_at(map, key)`: the key coerced to the map's key type. */
export function mapLookup(map: Expr, key: Expr): { args: Expr[]; type: arrow.DataType; impl: ScalarFunctionName } | undefined {
  const [keyField, valueField] = mapEntry(map.type);
  const t = commonType({ kind: 'Literal', type: keyField.type, value: null }, key);
  if (t === undefined) return undefined;
  return { args: [map, coerce(key, keyField.type)], type: valueField.type, impl: 'map_element' };
}

// ── interval literals ──

/**
 * An interval constant: a Call of `interval_literal(months, days, micros)` (our Literal values have
 * no interval form), folded by no one and evaluated once per batch.
 */
export function intervalLiteral(text: string, unit: string | undefined, position: number | undefined): Expr {
  let v;
  try {
    v = parseIntervalOrThrow(text, unit);
  } catch (err) {
    throw err instanceof SqlError ? err.at(position) : err;
  }
  return call('interval_literal', [lit(v.months, INT32), lit(v.days, INT32), lit(v.micros, INT64)], INTERVAL);
}

export function isIntervalLiteral(e: Expr): boolean {
  return e.kind === 'Call' && e.name === 'interval_literal';
}

export function intervalLiteralValue(e: Expr): { months: number; days: number; micros: bigint } | undefined {
  if (!isIntervalLiteral(e)) return undefined;
  const [m, d, u] = (e as Call).args as Literal[];
  return { months: Number(m.value), days: Number(d.value), micros: BigInt(u.value as bigint) };
}

/** Whether an interval constant has no time part (so `date + it` can stay a date). */
export function intervalHasNoTime(e: Expr): boolean {
  const v = intervalLiteralValue(e);
  return v !== undefined && v.micros === 0n;
}

/** A timestamp constant for `now()` and friends, for callers outside this table (SQLValueFunction). */
export function currentTimeLiteral(kind: 'date' | 'timestamp' | 'timestamp_ntz'): Expr {
  const micros = statementMicros();
  if (kind === 'date') return lit(Number(micros / 86_400_000_000n), DATE);
  return lit(micros, kind === 'timestamp' ? TIMESTAMP : new arrow.TimestampMicrosecond(null));
}

/**
 * `TRY_CAST(x AS t)` (Spark, DuckDB): CAST that gives NULL for values that do not convert. For
 * the binder once the pre-pass marks the spelling (libpg-query has no TRY_CAST); `42846` when
 * the cast does not exist at all, as for CAST.
 */
export function tryCastCall(input: Expr, to: arrow.DataType, position: number | undefined): Expr {
  if (!isUnknownLiteral(input) && !canCast(input.type, to)) {
    throw new SqlError('42846', `cannot cast type ${typeLabel(input)} to ${pgTypeName(to)}`, { position });
  }
  const source = isUnknownLiteral(input) ? coerce({ ...input, unknown: false } as Expr, TEXT) : input;
  return call('try_cast', [source], to);
}

/** The type names an error message prints (`interval` for ours; PostgreSQL's for the rest). */
export function typeLabel(e: Expr): string {
  if (isUnknownLiteral(e)) return 'unknown';
  if (e.type.typeId === arrow.Type.Interval) return 'interval';
  return pgTypeName(e.type);
}

/** Window-only functions: called without OVER they are an error, as in PostgreSQL (42809). */
const WINDOW_ONLY = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value']);

/** Every name this table binds (for "did you mean" and catalog listings). */
export function scalarFunctionNames(): string[] {
  return Object.keys(SIGNATURES);
}

/** Binds `name(args)`: `42883` for an unknown name or argument types no signature accepts. */
export function bindFunction(name: string, args: readonly Expr[], position: number | undefined): Expr {
  const sig = SIGNATURES[name];
  const signature = `${name}(${args.map(typeLabel).join(', ')})`;
  if (sig === undefined) {
    if (WINDOW_ONLY.has(name)) throw new SqlError('42809', `window function ${name} requires an OVER clause`, { position });
    throw new SqlError('42883', `function ${signature} does not exist`, {
      position,
      hint: didYouMean(name, Object.keys(SIGNATURES)) ?? 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  let bound: Bound | undefined;
  try {
    bound = sig.check(args, position);
  } catch (err) {
    throw err instanceof SqlError ? err.at(position) : err;
  }
  if (bound === undefined) {
    throw new SqlError('42883', `function ${signature} does not exist`, {
      position,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  if ('kind' in bound) return bound;
  return { kind: 'Call', name: bound.impl ?? sig.impl, args: bound.args, type: bound.type };
}

/** Whether a bound call may be evaluated once at plan time (constant folding asks). */
export function isVolatileCall(e: Expr): boolean {
  return e.kind === 'Call' && VOLATILE_FUNCTIONS.has(e.name);
}
