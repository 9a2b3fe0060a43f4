import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { errorBody, httpStatusFor } from './errors.js';
import { formatFromAccept } from './negotiate.js';

describe('HTTP status of a SQLSTATE', () => {
  it.each([
    ['42601', 400],
    ['42703', 400],
    ['22012', 400],
    ['0A000', 400],
    ['42P01', 404],
    ['40001', 409],
    ['57014', 499],
    ['53200', 503],
    ['58030', 503],
    ['28P01', 401],
    ['XX001', 422],
    ['XX000', 500],
  ])('%s → %i', (sqlstate, status) => {
    expect(httpStatusFor(sqlstate)).toBe(status);
  });
});

describe('error body', () => {
  it('carries code, message, position, detail and hint when present', () => {
    expect(errorBody(SqlError.undefinedColumn('nmae', 8, ['name']))).toEqual({
      error: { code: '42703', message: 'column "nmae" does not exist', position: 8, hint: expect.stringContaining('name') },
    });
  });

  it('turns anything else into XX000', () => {
    expect(errorBody(new TypeError('x is undefined')).error).toMatchObject({ code: 'XX000', message: expect.stringContaining('x is undefined') });
  });
});

describe('Accept negotiation', () => {
  it.each([
    [undefined, 'json'],
    ['*/*', 'json'],
    ['application/x-ndjson', 'ndjson'],
    ['text/csv; charset=utf-8', 'csv'],
    ['application/vnd.apache.arrow.stream', 'arrow'],
    ['text/html, application/x-ndjson;q=0.9, text/csv;q=0.95', 'csv'],
    ['text/csv;q=0, application/json', 'json'],
  ])('%s → %s', (accept, format) => {
    expect(formatFromAccept(accept)).toBe(format);
  });
});
