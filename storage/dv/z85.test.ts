import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { decodeUuidZ85, decodeZ85, encodeZ85 } from './z85.js';

const HELLO_WORLD_BYTES = [0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b];

function expectCorrupt(fn: () => unknown, message?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SqlError);
  expect((caught as SqlError).sqlstate).toBe('XX001');
  if (message) expect((caught as SqlError).message).toMatch(message);
}

describe('standard Z85 (ZeroMQ RFC 32)', () => {
  it('decodes the spec example "HelloWorld"', () => {
    expect([...decodeZ85('HelloWorld')]).toEqual(HELLO_WORLD_BYTES);
  });

  it('encodes the spec example back to "HelloWorld"', () => {
    expect(encodeZ85(Uint8Array.from(HELLO_WORLD_BYTES))).toBe('HelloWorld');
  });

  it('handles the largest chunk, 0xFFFFFFFF ↔ "%nSc0"', () => {
    expect(encodeZ85(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toBe('%nSc0');
    expect([...decodeZ85('%nSc0')]).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('round-trips pseudo-random bytes of every multiple-of-4 length up to 64', () => {
    let seed = 12345;
    for (let length = 0; length <= 64; length += 4) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      const text = encodeZ85(bytes);
      expect(text.length).toBe((length / 4) * 5);
      expect(decodeZ85(text)).toEqual(bytes);
    }
  });

  it('decodes the empty string to no bytes', () => {
    expect(decodeZ85('')).toEqual(new Uint8Array(0));
  });
});

describe("the Rust z85 crate's padded tail", () => {
  it('reads "##093" as the two bytes 03 00', () => {
    expect([...decodeZ85('HelloWorld##093')]).toEqual([...HELLO_WORLD_BYTES, 0x03, 0x00]);
  });

  it('reads one-, two- and three-byte tails', () => {
    expect([...decodeZ85('###30')]).toEqual([0xff]); // 255 = "00030", first three digits → '#'
    expect([...decodeZ85('##67A')]).toEqual([0xab, 0xcd]);
    expect([...decodeZ85('#isxk')]).toEqual([0xab, 0xcd, 0xef]);
  });

  it('decodes the v5 inline DV of cdf-table-with-dv to 34 bytes ending in row 3', () => {
    const bytes = decodeZ85('^Bg9^0rr910000000000iXQKl0rr91000005c8Xg##093');
    expect(bytes.length).toBe(34); // the descriptor's sizeInBytes
    expect([...bytes.subarray(0, 4)]).toEqual([0xd1, 0xd3, 0x39, 0x64]); // magic 1681511377, little-endian
    expect([...bytes.subarray(32)]).toEqual([0x03, 0x00]); // the one array value, u16 LE
  });

  it('rejects a tail of only "#"s', () => {
    expectCorrupt(() => decodeZ85('####0'), /tail/);
    expectCorrupt(() => decodeZ85('#####'), /tail/);
  });

  it('rejects a tail whose value does not fit its byte count', () => {
    expectCorrupt(() => decodeZ85('##zzz'), /does not fit in 2 byte/);
  });
});

describe('malformed Z85', () => {
  it('rejects a length that is not a multiple of 5', () => {
    expectCorrupt(() => decodeZ85('Hello1'), /not a multiple of 5/);
  });

  it('rejects characters outside the alphabet, naming them', () => {
    expectCorrupt(() => decodeZ85('Hell~'), /"~" at 4/);
    expectCorrupt(() => decodeZ85('Hel o'), /" " at 3/);
    expectCorrupt(() => decodeZ85('Hellé'), /"é" at 4/);
  });

  it('rejects a full chunk above 2^32 - 1 ("#" cannot start a chunk that is not the tail)', () => {
    expectCorrupt(() => decodeZ85('#0000Hello'), /exceeds 2\^32/);
    expectCorrupt(() => decodeZ85('%nSc1'), /exceeds 2\^32/);
  });

  it('names the caller-supplied location', () => {
    expectCorrupt(() => decodeZ85('abc', 'inline deletion vector'), /in inline deletion vector:/);
  });
});

describe('decodeUuidZ85', () => {
  it('gives the UUID of the DV file in table-with-dv-small', () => {
    // _delta_log/…01.json names "vBn[lx{q8@P<9BNH/isA"; the file is deletion_vector_61d16c75-….bin.
    expect(decodeUuidZ85('vBn[lx{q8@P<9BNH/isA')).toBe('61d16c75-6994-46b7-a15b-8b538852e50e');
  });

  it('formats the bytes most significant first', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(decodeUuidZ85(encodeZ85(bytes))).toBe('00112233-4455-6677-8899-aabbccddeeff');
  });

  it('rejects text that is not 20 characters', () => {
    expectCorrupt(() => decodeUuidZ85('HelloWorld'), /20 characters/);
  });

  it('rejects 20 characters with a padded tail (fewer than 16 bytes)', () => {
    expectCorrupt(() => decodeUuidZ85('HelloWorldHello##093'), /16 bytes/);
  });
});
