import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { CodedStringData, stringDictionaryOf } from '../../../common/arrow/string-dictionary.js';
import { chunkDictionary } from '../../../executor/hash/chunk-dictionary.js';
import { LocalObjectStore } from '../../object-store/local.js';
import { conformColumn } from '../conform.js';
import { openDataFile } from '../read-parquet.js';
import { ROWS, sampleTable, writeSample } from './testing/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'flat-parquet-dictionary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The same column in buffers of its own: nothing registered, so chunkDictionary hashes its rows. */
function copied(data: arrow.Data): arrow.Data {
  return arrow.makeData({
    type: data.type as arrow.Utf8,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap?.slice(),
    valueOffsets: (data.valueOffsets as Int32Array).slice(),
    data: (data.values as Uint8Array).slice(),
  });
}

describe('the batch dictionaries of dictionary-encoded string columns', () => {
  const path = join(dir, 'sample.parquet');
  writeSample(path, sampleTable(), { rowGroupRows: 4_000 });

  it('give chunkDictionary the codes, values and first rows that hashing the rows gives', async () => {
    const file = await openDataFile(new LocalObjectStore(), path);
    let rows = 0;
    try {
      for await (const batch of file.read(['s', 'u'], 1_500)) {
        const data = batch.getChild('s')?.data[0] as arrow.Data;
        rows += data.length;
        expect(data).toBeInstanceOf(CodedStringData);
        const registered = stringDictionaryOf(data);
        expect(registered).toBeDefined();
        const fromFile = chunkDictionary(data);
        expect(fromFile.codes).toBe(registered?.codes); // the decoder's codes, not a hash pass
        // The scan's conform step keeps the coded column as it is, and nothing so far built its bytes.
        const conformed = conformColumn(data, batch.schema.fields.find((f) => f.name === 's'), { kind: 'primitive', name: 'string' }, 'none', path);
        expect(conformed).toBe(data);
        expect((data as CodedStringData).materialised).toBe(false);
        const hashed = chunkDictionary(copied(data));
        expect(stringDictionaryOf(copied(data))).toBeUndefined();
        expect([...fromFile.codes]).toEqual([...hashed.codes]);
        expect([...fromFile.firstRows]).toEqual([...hashed.firstRows]);
        expect(fromFile.values.size).toBe(hashed.values.size);
        const text = (d: typeof hashed) => Array.from({ length: d.values.size }, (_, k) => new TextDecoder().decode(d.values.bytes.subarray(d.values.start(k), d.values.end(k))));
        expect(text(fromFile)).toEqual(text(hashed));
        expect(fromFile.codes.filter((c) => c === -1).length).toBe(data.nullCount);
        // Only the values the batch uses: 37 tickers over 1,500 rows, all used.
        expect(fromFile.values.size).toBeLessThanOrEqual(37);

        // Built bytes (read by `copied`) keep the dictionary for copies of the same buffers.
        expect((data as CodedStringData).materialised).toBe(true);
        const clone = data.clone();
        expect(clone).not.toBeInstanceOf(CodedStringData);
        expect(stringDictionaryOf(clone)).toBe(registered);
      }
    } finally {
      await file.close();
    }
    expect(rows).toBe(ROWS);
  });

  it('are dropped when a dictionary falls back to PLAIN within the chunk', async () => {
    const fallback = join(dir, 'fallback.parquet');
    writeSample(fallback, sampleTable(), { dictionaryPageBytes: 256, pageBytes: 512 });
    const file = await openDataFile(new LocalObjectStore(), fallback);
    try {
      for await (const batch of file.read(['u'], 65_536)) {
        const data = batch.getChild('u')?.data[0] as arrow.Data;
        expect(stringDictionaryOf(data)).toBeUndefined();
        expect([...chunkDictionary(data).codes]).toEqual([...chunkDictionary(copied(data)).codes]);
      }
    } finally {
      await file.close();
    }
  });
});
