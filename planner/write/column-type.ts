import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { mapType } from '../binder/ddl-schema.js';
import type { TokenCursor } from './tokens.js';

/**
 * A column type in CREATE TABLE / ALTER TABLE ADD COLUMNS, in Spark's or PostgreSQL's spelling,
 * → the Arrow type of its Delta type (storage/schema/arrow.ts):
 *
 * | written                                                   | Delta           |
 * |-----------------------------------------------------------|-----------------|
 * | BOOLEAN, BOOL                                             | boolean         |
 * | TINYINT, BYTE / SMALLINT, SHORT, INT2                     | byte / short    |
 * | INT, INTEGER, INT4 / BIGINT, LONG, INT8                   | integer / long  |
 * | FLOAT, REAL, FLOAT4 / DOUBLE [PRECISION], FLOAT8          | float / double  |
 * | DECIMAL, DEC, NUMERIC [(p[, s])] (Spark's default 10, 0)  | decimal(p,s)    |
 * | STRING, TEXT, VARCHAR(n), CHAR(n), CHARACTER VARYING(n)   | string          |
 * | BINARY, BYTEA                                             | binary          |
 * | DATE                                                      | date            |
 * | TIMESTAMP, TIMESTAMP_LTZ, TIMESTAMPTZ, … WITH TIME ZONE   | timestamp       |
 * | TIMESTAMP_NTZ, TIMESTAMP WITHOUT TIME ZONE                | timestamp_ntz   |
 * | ARRAY<T>, T[] / MAP<K, V> / STRUCT<a: T [NOT NULL], …>    | array/map/struct|
 *
 * `TIMESTAMP` alone follows Spark here (an instant), not PostgreSQL: CREATE TABLE defines a Delta
 * table, and every Delta engine reads `timestamp` so. An unknown name is `42704` at its position.
 */
export function parseColumnType(c: TokenCursor): arrow.DataType {
  const t = c.peek();
  if (t === undefined) throw c.error();
  const word = t.text.startsWith('"') ? '' : t.text.toLowerCase();
  c.i++;
  let type: arrow.DataType;
  switch (word) {
    case 'boolean': case 'bool': type = new arrow.Bool(); break;
    case 'tinyint': case 'byte': type = new arrow.Int8(); break;
    case 'smallint': case 'short': case 'int2': type = new arrow.Int16(); break;
    case 'int': case 'integer': case 'int4': type = new arrow.Int32(); break;
    case 'bigint': case 'long': case 'int8': type = new arrow.Int64(); break;
    case 'float': case 'real': case 'float4': type = new arrow.Float32(); break;
    case 'double': c.eatWords('precision'); type = new arrow.Float64(); break;
    case 'float8': type = new arrow.Float64(); break;
    case 'decimal': case 'dec': case 'numeric': {
      let precision = 10;
      let scale = 0;
      if (c.eatPunct('(')) {
        precision = c.integer();
        if (c.eatPunct(',')) scale = c.integer();
        c.expectPunct(')');
      }
      if (precision < 1 || precision > 38) throw SqlError.invalidParameter(`NUMERIC precision ${precision} must be between 1 and 38`, c.position(t));
      if (scale > precision) throw SqlError.invalidParameter(`NUMERIC scale ${scale} must be between 0 and precision ${precision}`, c.position(t));
      type = new arrow.Decimal(scale, precision, 128);
      break;
    }
    case 'string': case 'text': type = new arrow.Utf8(); break;
    case 'varchar': case 'char': case 'character': case 'bpchar': {
      if (word === 'character') c.eatWords('varying');
      if (c.eatPunct('(')) {
        c.integer();
        c.expectPunct(')');
      }
      type = new arrow.Utf8();
      break;
    }
    case 'binary': case 'bytea': type = new arrow.Binary(); break;
    case 'date': type = new arrow.DateDay(); break;
    case 'timestamp': case 'timestamp_ltz': case 'timestamptz': {
      if (word === 'timestamp' && c.eatWords('without', 'time', 'zone')) type = new arrow.TimestampMicrosecond(null);
      else {
        if (word === 'timestamp') c.eatWords('with', 'time', 'zone');
        type = new arrow.TimestampMicrosecond('UTC');
      }
      break;
    }
    case 'timestamp_ntz': type = new arrow.TimestampMicrosecond(null); break;
    case 'array': {
      openAngle(c);
      const element = parseColumnType(c);
      closeAngle(c);
      type = new arrow.List(new arrow.Field('element', element, true));
      break;
    }
    case 'map': {
      openAngle(c);
      const key = parseColumnType(c);
      c.expectPunct(',');
      const value = parseColumnType(c);
      closeAngle(c);
      type = mapType(key, value);
      break;
    }
    case 'struct': {
      openAngle(c);
      const fields: arrow.Field[] = [];
      if (!isClose(c)) {
        do {
          const { name } = c.ident();
          c.eatPunct(':');
          const fieldType = parseColumnType(c);
          const notNull = c.eatWords('not', 'null');
          if (c.eatWords('comment')) c.string();
          fields.push(new arrow.Field(name, fieldType, !notNull));
        } while (c.eatPunct(','));
      }
      closeAngle(c);
      type = new arrow.Struct(fields);
      break;
    }
    default:
      throw new SqlError('42704', `type "${c.spelling(t)}" does not exist`, { position: c.position(t) });
  }
  // PostgreSQL's array suffix: `int[]`, `text[][]`.
  while (c.isPunct('[') && c.isPunct(']', 1)) {
    c.i += 2;
    type = new arrow.List(new arrow.Field('element', type, true));
  }
  return type;
}

function openAngle(c: TokenCursor): void {
  c.expectPunct('<');
}

/** Whether the next token closes a `<…>` (`>`, or the first half of `>>` / `>>>`). */
function isClose(c: TokenCursor): boolean {
  const t = c.peek();
  return t !== undefined && /^>+$/.test(t.text);
}

/**
 * Consumes one `>`. The lexer reads `ARRAY<ARRAY<INT>>` with one `>>` token; it is split by
 * replacing the token with its remainder (a cursor-local copy).
 */
function closeAngle(c: TokenCursor): void {
  const t = c.peek();
  if (t === undefined || !/^>+$/.test(t.text)) throw c.error();
  if (t.text.length === 1) {
    c.i++;
    return;
  }
  (c.tokens as unknown as { start: number; end: number; text: string }[])[c.i] = { ...t, start: t.start + 1, text: t.text.slice(1) };
}
