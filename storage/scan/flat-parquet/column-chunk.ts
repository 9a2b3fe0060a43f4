/**
 * Decodes one column chunk (all its pages) of a flat column: definition levels into one validity
 * byte per row (made only once a page holds a NULL: a column written OPTIONAL without NULLs, as
 * DuckDB and Spark write every column, needs none), values into dense arrays or — while every
 * data page is dictionary-encoded — into dictionary codes. Pages: dictionary, data page v1 and v2 (index pages are skipped); encodings:
 * PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE (levels, and boolean values). Anything else is
 * `Declined` (the read falls back to parquet-wasm).
 *
 * A distinct-values read (`decodeChunkValues`) of a chunk whose data pages are all
 * dictionary-encoded keeps no codes: it marks which dictionary entries the rows use, reading a
 * page's codes only until every entry is marked, and answers those entries once each (and one
 * NULL row if any row is NULL), for a caller that needs only the column's set of values
 * (`count(DISTINCT ticker)`: 500 values instead of 262,144 rows).
 */
import type { CompressionCodec, PageHeader } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import type { FlatColumn } from './column-plan.js';
import { Declined } from './decline.js';
import { decompress } from './decompress.js';
import { decodeDefinitionLevels, decodeHybrid, decodeHybridAt, markDictionaryCodes } from './rle.js';
import { DenseBuilder, type DenseValues } from './values.js';

/** A decoded chunk: `rows` rows, their validity, and the non-null values in row order. */
export interface DecodedChunk {
  readonly rows: number;
  /** One byte per row, 1 = a value; null when no row is null. */
  readonly valid: Uint8Array | null;
  readonly values: DenseValues | DictionaryCoded;
}

/** Non-null values as codes into a dictionary page's values (every data page dictionary-encoded). */
export interface DictionaryCoded {
  readonly kind: 'dictionary';
  readonly codes: Int32Array;
  readonly dictionary: DenseValues;
}

/**
 * The chunk's rows, or only the rows `pick` (ascending row indexes) when given: a read narrowed
 * to a join's keys (key-set.ts). Picked values are decoded where they lie — dictionary codes at
 * their bit offsets, fixed-width PLAIN values at theirs — so the other rows cost no more than
 * decompressing their pages (and walking their lengths, for PLAIN byte arrays).
 */
export function decodeChunk(chunk: Uint8Array, column: FlatColumn, rows: number, codec: CompressionCodec, uncompressedSize: number, pick?: Int32Array): DecodedChunk {
  return decodePages(chunk, column, rows, codec, uncompressedSize, false, pick);
}

/**
 * The chunk's distinct values when every data page is dictionary-encoded: the used dictionary
 * entries as rows, in dictionary order, then one NULL row if some row is NULL. Otherwise the
 * whole chunk, as `decodeChunk` (each value then comes as often as it occurs: still every value).
 */
export function decodeChunkValues(chunk: Uint8Array, column: FlatColumn, rows: number, codec: CompressionCodec, uncompressedSize: number): DecodedChunk {
  try {
    return decodePages(chunk, column, rows, codec, uncompressedSize, true);
  } catch (err) {
    if (err !== NOT_ALL_CODED) throw err;
    return decodePages(chunk, column, rows, codec, uncompressedSize, false);
  }
}

/** A distinct-values read meets a page that is not dictionary-encoded: it decodes the chunk whole instead. */
const NOT_ALL_CODED = new Error('not every data page is dictionary-encoded');

function decodePages(chunk: Uint8Array, column: FlatColumn, rows: number, codec: CompressionCodec, uncompressedSize: number, distinctValues: boolean, pick?: Int32Array): DecodedChunk {
  const reader = pageReader(chunk);
  /** One byte per row, 1 = a value: made at the first page holding a NULL (null until then: no row is NULL). */
  let valid: Uint8Array | null = null;
  /** Rows coming out: every row, or the picked ones. */
  const outRows = pick === undefined ? rows : pick.length;
  /** A picked read: the next picked row, and a page's picked non-NULL rows as indexes among its values. */
  let picked = 0;
  const positions = pick === undefined ? undefined : new Int32Array(pick.length);
  let nonNull = 0;
  let dictionary: DenseValues | undefined;
  /** Codes of the dictionary-encoded pages so far, while no PLAIN page has come. */
  let codes: Int32Array | undefined;
  let codeCount = 0;
  /** Distinct-values reads: 1 for each dictionary entry some row uses, and how many are 1. */
  let used: Uint8Array | undefined;
  let marked = 0;
  let dense: DenseBuilder | undefined;
  const denseBuilder = (): DenseBuilder => {
    if (distinctValues) throw NOT_ALL_CODED;
    if (dense === undefined) {
      dense = new DenseBuilder(column.physical, outRows, uncompressedSize);
      // A dictionary that falls back to PLAIN mid-chunk: the coded values become dense first.
      if (dictionary !== undefined && codes !== undefined && codeCount > 0) dense.appendGathered(dictionary, codes, codeCount);
      codes = undefined;
    }
    return dense;
  };

  let row = 0;
  while (row < rows) {
    const { header, raw } = nextPage(chunk, reader);
    if (header.type === 'INDEX_PAGE') continue;
    if (header.type === 'DICTIONARY_PAGE') {
      if (dictionary !== undefined || row > 0) throw new Declined('unexpected dictionary page');
      dictionary = dictionaryPage(header, raw, codec, column);
      continue;
    }

    // ── a data page: its levels and values section ──
    let n: number;
    let page: Uint8Array;
    let pos: number;
    let defsAt = 0;
    let defsEnd = 0;
    let encoding: string;
    if (header.type === 'DATA_PAGE') {
      const h = header.data_page_header;
      if (h === undefined) throw new Declined('data page without header');
      n = h.num_values;
      encoding = h.encoding;
      page = decompress(codec, raw, header.uncompressed_page_size);
      defsEnd = levelsEndV1(page, h, column);
      defsAt = column.optional ? 4 : 0;
      pos = defsEnd;
    } else if (header.type === 'DATA_PAGE_V2') {
      const h = header.data_page_header_v2;
      if (h === undefined) throw new Declined('data page v2 without header');
      n = h.num_values;
      encoding = h.encoding;
      const levelBytes = h.definition_levels_byte_length + h.repetition_levels_byte_length;
      if (h.repetition_levels_byte_length !== 0 || (!column.optional && h.definition_levels_byte_length !== 0) || levelBytes > raw.length) throw new Declined('unexpected levels in data page v2');
      // Levels are never compressed in v2; the values after them are unless is_compressed = false.
      const values = h.is_compressed ? decompress(codec, raw.subarray(levelBytes), header.uncompressed_page_size - levelBytes) : raw.subarray(levelBytes);
      page = new Uint8Array(levelBytes + values.length);
      page.set(raw.subarray(0, levelBytes));
      page.set(values, levelBytes);
      defsAt = 0;
      defsEnd = h.definition_levels_byte_length;
      pos = levelBytes;
    } else {
      throw new Declined(`page type ${header.type}`);
    }
    if (n < 0 || row + n > rows) throw new Declined('page holds more rows than its row group');
    if (defsEnd > page.length) throw new Declined('levels past the end of the page');

    // Non-null values in the page.
    let count = column.optional && valid === null ? decodeDefinitionLevels(page, defsAt, defsEnd, null, 0, n) : n;
    if (column.optional && (valid !== null || count < n)) {
      if (valid === null) valid = new Uint8Array(rows).fill(1, 0, row);
      count = decodeDefinitionLevels(page, defsAt, defsEnd, valid, row, n);
    }
    // A picked read: `m` picked non-NULL rows in the page, `positions[0…m)` among its values.
    let m = count;
    if (positions !== undefined) {
      const from = picked;
      while (picked < outRows && (pick?.[picked] as number) < row + n) picked++;
      m = valuePositions(count === n ? null : valid, row, pick as Int32Array, from, picked, positions);
    }

    if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
      if (dictionary === undefined) throw new Declined('dictionary-encoded page without a dictionary');
      const width = page[pos] as number;
      const size = dictionary.kind === 'fixed' ? dictionary.array.length : dictionary.offsets.length - 1;
      if (distinctValues) {
        used ??= new Uint8Array(size);
        // Once every entry is used, later pages are read for their NULLs only.
        if (marked < size) marked = markDictionaryCodes(page, pos + 1, page.length, width, count, used, marked);
      } else if (dense === undefined) {
        codes ??= new Int32Array(outRows);
        if (positions === undefined) decodeHybrid(page, pos + 1, page.length, width, codes, codeCount, count);
        else decodeHybridAt(page, pos + 1, page.length, width, positions, m, codes, codeCount);
        // Byte arrays' codes are checked as batches renumber them (slice.ts), saving a pass.
        if (column.physical !== 'BYTE_ARRAY') checkCodes(codes, codeCount, codeCount + m, size);
        codeCount += m;
      } else {
        const scratch = new Int32Array(count);
        decodeHybrid(page, pos + 1, page.length, width, scratch, 0, count);
        checkCodes(scratch, 0, count, size);
        dense.appendGathered(dictionary, pickValues(scratch, positions, m), m);
      }
    } else if (encoding === 'PLAIN') {
      const builder = denseBuilder();
      const from = builder.count;
      if (positions === undefined) builder.appendPlain(page, pos, page.length, count);
      else builder.appendPlainAt(page, pos, page.length, count, positions, m);
      if (column.utf8 && !builder.validUtf8(from)) throw new Declined('invalid UTF-8 in a Utf8 column');
    } else if (encoding === 'RLE' && column.physical === 'BOOLEAN') {
      if (pos + 4 > page.length) throw new Declined('page too short');
      const scratch = new Int32Array(count);
      decodeHybrid(page, pos + 4, page.length, 1, scratch, 0, count);
      denseBuilder().appendBooleans(pickValues(scratch, positions, m), m);
    } else {
      throw new Declined(`value encoding ${encoding}`);
    }
    nonNull += m;
    row += n;
  }

  const outValid = valid === null || pick === undefined ? valid : pickValid(valid, pick);
  const validity = outValid !== null && nonNull < outRows ? outValid : null;
  if (distinctValues) {
    if (dictionary === undefined) throw NOT_ALL_CODED;
    return usedValues(dictionary, used ?? new Uint8Array(0), validity !== null);
  }
  if (dense === undefined && dictionary !== undefined && codes !== undefined) {
    return { rows: outRows, valid: validity, values: { kind: 'dictionary', codes: codes.subarray(0, codeCount), dictionary } };
  }
  return { rows: outRows, valid: validity, values: denseBuilder().finish() };
}

/** Where the next page of a column chunk starts (`nextPage` moves it). */
export interface PageReader {
  readonly view: DataView;
  offset: number;
}

export function pageReader(chunk: Uint8Array): PageReader {
  return { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
}

/** The chunk's next page: its header and its (compressed) bytes. */
export function nextPage(chunk: Uint8Array, reader: PageReader): { readonly header: PageHeader; readonly raw: Uint8Array } {
  if (reader.offset >= chunk.length) throw new Declined('column chunk ends before its rows');
  const header: PageHeader = parquetHeader(reader);
  const start = reader.offset;
  const end = start + header.compressed_page_size;
  if (end > chunk.length || header.compressed_page_size < 0) throw new Declined('page past the end of its column chunk');
  reader.offset = end;
  return { header, raw: chunk.subarray(start, end) };
}

/** A dictionary page's values (the chunk's dictionary). */
export function dictionaryPage(header: PageHeader, raw: Uint8Array, codec: CompressionCodec, column: FlatColumn): DenseValues {
  const dph = header.dictionary_page_header;
  if (dph === undefined || column.physical === 'BOOLEAN') throw new Declined('unexpected dictionary page');
  if (dph.encoding !== 'PLAIN' && dph.encoding !== 'PLAIN_DICTIONARY') throw new Declined(`dictionary page encoding ${dph.encoding}`);
  const page = decompress(codec, raw, header.uncompressed_page_size);
  const builder = new DenseBuilder(column.physical, dph.num_values, page.length);
  builder.appendPlain(page, 0, page.length, dph.num_values);
  if (column.utf8 && !builder.validUtf8(0)) throw new Declined('invalid UTF-8 in a Utf8 dictionary');
  return builder.finish();
}

/**
 * Where a decompressed data page v1's values start: after its definition levels (a 4-byte length,
 * then the RLE levels at [4, end)) when the column is OPTIONAL, else at 0.
 */
export function levelsEndV1(page: Uint8Array, h: NonNullable<PageHeader['data_page_header']>, column: FlatColumn): number {
  if (!column.optional) return 0;
  if (h.definition_level_encoding !== 'RLE') throw new Declined(`definition levels ${h.definition_level_encoding}`);
  if (page.length < 4) throw new Declined('page too short for its levels');
  const len = ((page[0] as number) | ((page[1] as number) << 8) | ((page[2] as number) << 16) | ((page[3] as number) << 24)) >>> 0;
  return 4 + len;
}

/**
 * The indexes among a page's values of the picked rows `pick[from, to)` that are not NULL (the
 * page's rows start at `row`; `valid` null when none of its rows is NULL), into `out`; answers
 * how many.
 */
function valuePositions(valid: Uint8Array | null, row: number, pick: Int32Array, from: number, to: number, out: Int32Array): number {
  if (valid === null) {
    for (let s = from; s < to; s++) out[s - from] = (pick[s] as number) - row;
    return to - from;
  }
  let m = 0;
  let position = 0;
  let r = row;
  for (let s = from; s < to; s++) {
    const target = pick[s] as number;
    for (; r < target; r++) position += valid[r] as number;
    if (valid[target] === 1) out[m++] = position;
  }
  return m;
}

/** `values` at `positions[0…m)`, or `values` itself when every one is wanted (no positions). */
function pickValues(values: Int32Array, positions: Int32Array | undefined, m: number): Int32Array {
  if (positions === undefined) return values;
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) out[k] = values[positions[k] as number] as number;
  return out;
}

/** The picked rows' validity bytes. */
function pickValid(valid: Uint8Array, pick: Int32Array): Uint8Array {
  const out = new Uint8Array(pick.length);
  for (let k = 0; k < pick.length; k++) out[k] = valid[pick[k] as number] as number;
  return out;
}

/** The used dictionary entries as a chunk of their own: one row each, then a NULL row if `withNull`. */
function usedValues(dictionary: DenseValues, used: Uint8Array, withNull: boolean): DecodedChunk {
  let distinct = 0;
  for (let code = 0; code < used.length; code++) distinct += used[code] as number;
  const codes = new Int32Array(distinct);
  for (let code = 0, k = 0; code < used.length; code++) if (used[code] === 1) codes[k++] = code;
  const rows = distinct + (withNull ? 1 : 0);
  const valid = withNull ? new Uint8Array(rows).fill(1, 0, distinct) : null;
  return { rows, valid, values: { kind: 'dictionary', codes, dictionary } };
}

/** Dictionary indexes must fall inside the dictionary (else the data is corrupt). */
function checkCodes(codes: Int32Array, from: number, to: number, size: number): void {
  let bad = 0;
  for (let i = from; i < to; i++) bad |= (codes[i] as number) >>> 0 >= size ? 1 : 0;
  if (bad !== 0) throw new Declined('dictionary index out of range');
}
