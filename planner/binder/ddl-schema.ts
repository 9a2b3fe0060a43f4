import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';

/**
 * Spark's schema DDL as `from_json` takes it: `a INT, b STRING, c ARRAY<DOUBLE>,
 * d STRUCT<x: INT, y: STRING>, m MAP<STRING, BIGINT>`, or one type (`struct<a:int>`,
 * `array<string>`). Type names are Spark's and PostgreSQL's common ones. A schema that does not
 * parse is `22023` with the offending text.
 */
export function parseDdlSchema(ddl: string): arrow.DataType {
  const p = new DdlParser(ddl);
  const type = p.topLevel();
  p.expectEnd();
  return type;
}

class DdlParser {
  private k = 0;

  constructor(private readonly text: string) {}

  private fail(what: string): never {
    throw SqlError.invalidParameter(`invalid schema "${this.text}": ${what} at position ${this.k + 1}`);
  }

  private skip(): void {
    while (this.k < this.text.length && /\s/.test(this.text[this.k])) this.k++;
  }

  private peek(s: string): boolean {
    this.skip();
    return this.text.startsWith(s, this.k);
  }

  private eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.k += s.length;
    return true;
  }

  private expect(s: string): void {
    if (!this.eat(s)) this.fail(`expected "${s}"`);
  }

  private ident(): string {
    this.skip();
    if (this.text[this.k] === '`' || this.text[this.k] === '"') {
      const q = this.text[this.k];
      const end = this.text.indexOf(q, this.k + 1);
      if (end < 0) this.fail('unterminated quoted name');
      const name = this.text.slice(this.k + 1, end);
      this.k = end + 1;
      return name;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.k));
    if (m === null) this.fail('expected a name');
    this.k += m[0].length;
    return m[0];
  }

  expectEnd(): void {
    this.skip();
    if (this.k < this.text.length) this.fail('unexpected text');
  }

  topLevel(): arrow.DataType {
    const save = this.k;
    const first = this.ident().toLowerCase();
    // `struct<…>` / `array<…>` / `map<…>` alone is a type; otherwise a field list.
    if ((first === 'struct' || first === 'array' || first === 'map') && this.peek('<')) {
      this.k = save;
      return this.type();
    }
    this.k = save;
    return new arrow.Struct(this.fields(''));
  }

  private fields(close: string): arrow.Field[] {
    const out: arrow.Field[] = [];
    do {
      if (close !== '' && this.peek(close)) break;
      const name = this.ident();
      this.eat(':');
      out.push(new arrow.Field(name, this.type(), true));
      // Spark allows `NOT NULL` and `COMMENT '…'` after a field type; accept and ignore them.
      if (this.eat('NOT NULL') || this.eat('not null')) { /* nullable anyway: JSON may omit it */ }
      if (this.eat('COMMENT') || this.eat('comment')) {
        this.skip();
        const end = this.text.indexOf("'", this.k + 1);
        this.k = end < 0 ? this.text.length : end + 1;
      }
    } while (this.eat(','));
    return out;
  }

  type(): arrow.DataType {
    const name = this.ident().toLowerCase();
    switch (name) {
      case 'boolean': case 'bool': return new arrow.Bool();
      case 'tinyint': case 'byte': return new arrow.Int8();
      case 'smallint': case 'short': return new arrow.Int16();
      case 'int': case 'integer': return new arrow.Int32();
      case 'bigint': case 'long': return new arrow.Int64();
      case 'float': case 'real': return new arrow.Float32();
      case 'double': return new arrow.Float64();
      case 'string': case 'text': case 'varchar': case 'char': {
        if (this.eat('(')) { this.ident(); this.expect(')'); }
        return new arrow.Utf8();
      }
      case 'binary': return new arrow.Binary();
      case 'date': return new arrow.DateDay();
      case 'timestamp': return new arrow.TimestampMicrosecond('UTC');
      case 'timestamp_ntz': return new arrow.TimestampMicrosecond(null);
      case 'decimal': case 'numeric': case 'dec': {
        let precision = 10;
        let scale = 0;
        if (this.eat('(')) {
          precision = this.number();
          if (this.eat(',')) scale = this.number();
          this.expect(')');
        }
        if (precision < 1 || precision > 38 || scale > precision) this.fail(`bad decimal(${precision},${scale})`);
        return new arrow.Decimal(scale, precision, 128);
      }
      case 'array': {
        this.expect('<');
        const element = this.type();
        this.expect('>');
        return new arrow.List(new arrow.Field('element', element, true));
      }
      case 'map': {
        this.expect('<');
        const key = this.type();
        this.expect(',');
        const value = this.type();
        this.expect('>');
        return mapType(key, value);
      }
      case 'struct': {
        this.expect('<');
        const fields = this.fields('>');
        this.expect('>');
        return new arrow.Struct(fields);
      }
      default:
        return this.fail(`unknown type "${name}"`);
    }
  }

  private number(): number {
    this.skip();
    const m = /^\d+/.exec(this.text.slice(this.k));
    if (m === null) this.fail('expected a number');
    this.k += m[0].length;
    return Number(m[0]);
  }
}

/** Delta's map type as Arrow spells it: entries struct<key (not null), value>. */
export function mapType(key: arrow.DataType, value: arrow.DataType): arrow.DataType {
  const entries = new arrow.Struct([new arrow.Field('key', key, false), new arrow.Field('value', value, true)]);
  return new arrow.Map_(new arrow.Field('entries', entries, false) as never);
}
