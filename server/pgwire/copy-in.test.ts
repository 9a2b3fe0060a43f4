import { describe, expect, it } from 'vitest';
import type { CopyOptions } from '../../planner/index.js';
import { Warehouse } from '../../storage/warehouse.js';
import { jsonRows } from '../encode/index.js';
import { Session } from '../session.js';
import { CORPUS } from '../testing/cli.js';
import { parseCopyData } from './copy-in.js';
import { copyHeader, copyRows } from './copy-out.js';

// COPY FROM STDIN parsing on real data: a corpus table written out in COPY text / CSV (as
// PostgreSQL writes it) reads back into batches of the table's schema with the same values.

const TEXT: CopyOptions = { format: 'text', header: false, delimiter: '\t', null: '\\N', quote: '"', escape: '"' };
const CSV: CopyOptions = { format: 'csv', header: true, delimiter: ',', null: '', quote: '"', escape: '"' };

async function table(sql: string) {
  const result = await new Session(new Warehouse(CORPUS)).execute(sql);
  const batches = [];
  for await (const b of result.batches) batches.push(b);
  return { schema: result.schema, batches };
}

describe('COPY FROM STDIN parsing', () => {
  for (const [name, options] of [['text', TEXT], ['csv', CSV]] as const) {
    it(`reads back a corpus table written as ${name}`, async () => {
      const { schema, batches } = await table('SELECT as_int, as_long, as_short, as_boolean, as_double, as_string, as_binary, as_big_decimal FROM "data-reader-primitives" ORDER BY as_int');
      const data = (options.header ? copyHeader(schema, options) : '') + batches.map((b) => copyRows(b, options)).join('');
      const parsed = parseCopyData(Buffer.from(data), schema, options);
      expect(parsed.flatMap((b) => jsonRows(b))).toEqual(batches.flatMap((b) => jsonRows(b)));
      expect(parsed[0]!.schema.fields.map((f) => String(f.type))).toEqual(schema.fields.map((f) => String(f.type)));
      expect(parsed.reduce((n, b) => n + b.numRows, 0)).toBe(11);
    });
  }

  it('reads escapes and quotes as PostgreSQL writes them', async () => {
    const { schema } = await table("SELECT 'a' AS s, 1 AS n");
    const text = parseCopyData(Buffer.from('tab\\there\t1\n\\N\t2\nback\\\\slash\t3\n\\.\nignored\t4\n'), schema, TEXT);
    expect(jsonRows(text[0]!)).toEqual([['tab\there', 1], [null, 2], ['back\\slash', 3]]);
    const csv = parseCopyData(Buffer.from('s,n\n"a,""b""\nc",1\n,2\n"",3\n'), schema, CSV);
    expect(jsonRows(csv[0]!)).toEqual([['a,"b"\nc', 1], [null, 2], ['', 3]]);
  });

  it('a bad value is 22P02 naming the line and column; a short row is 22P04', async () => {
    const { schema } = await table("SELECT 'a' AS s, 1 AS n");
    expect(() => parseCopyData(Buffer.from('a\t1\nb\tx\n'), schema, TEXT)).toThrow(expect.objectContaining({ sqlstate: '22P02', detail: 'COPY line 2, column n: "x"' }));
    expect(() => parseCopyData(Buffer.from('a\n'), schema, TEXT)).toThrow(expect.objectContaining({ sqlstate: '22P04', message: 'missing data for column "n"' }));
    expect(() => parseCopyData(Buffer.from('a\t1\t2\n'), schema, TEXT)).toThrow(expect.objectContaining({ sqlstate: '22P04', message: 'extra data after last expected column' }));
  });
});
