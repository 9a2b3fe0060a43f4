import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { dvAbsolutePath, dvUniqueId, type DeletionVectorDescriptor } from './descriptor.js';

const UUID_TEXT = 'vBn[lx{q8@P<9BNH/isA';
const UUID = '61d16c75-6994-46b7-a15b-8b538852e50e';

const onDisk = (pathOrInlineDv: string, offset?: number): DeletionVectorDescriptor => ({
  storageType: 'u',
  pathOrInlineDv,
  ...(offset === undefined ? {} : { offset }),
  sizeInBytes: 36,
  cardinality: 2,
});
const atPath = (pathOrInlineDv: string): DeletionVectorDescriptor => ({ storageType: 'p', pathOrInlineDv, offset: 1, sizeInBytes: 36, cardinality: 2 });

function sqlstateOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SqlError ? err.sqlstate : 'not a SqlError';
  }
  return undefined;
}

describe('dvUniqueId', () => {
  it('is storage type + path, then @offset when there is one', () => {
    expect(dvUniqueId(onDisk(UUID_TEXT, 1))).toBe(`u${UUID_TEXT}@1`);
    expect(dvUniqueId(onDisk(UUID_TEXT, 43))).toBe(`u${UUID_TEXT}@43`);
    expect(dvUniqueId(onDisk(UUID_TEXT))).toBe(`u${UUID_TEXT}`);
  });

  it('has no @ for an inline DV, whose offset the log writes as null', () => {
    const inline = JSON.parse('{"storageType":"i","pathOrInlineDv":"HelloWorld","offset":null,"sizeInBytes":8,"cardinality":0}');
    expect(dvUniqueId(inline)).toBe('iHelloWorld');
  });
});

describe('dvAbsolutePath', () => {
  it('puts a "u" DV without prefix in the table root', () => {
    expect(dvAbsolutePath('/data/t', onDisk(UUID_TEXT, 1))).toBe(`/data/t/deletion_vector_${UUID}.bin`);
    expect(dvAbsolutePath('/data/t/', onDisk(UUID_TEXT, 1))).toBe(`/data/t/deletion_vector_${UUID}.bin`);
  });

  it('puts a "u" DV with a random prefix in that folder', () => {
    expect(dvAbsolutePath('/data/t', onDisk(`ab${UUID_TEXT}`, 1))).toBe(`/data/t/ab/deletion_vector_${UUID}.bin`);
  });

  it('rejects a "u" path shorter than a UUID or not Z85', () => {
    expect(sqlstateOf(() => dvAbsolutePath('/t', onDisk('HelloWorld')))).toBe('XX001');
    expect(sqlstateOf(() => dvAbsolutePath('/t', onDisk('vBn[lx{q8@P<9BNH/is~')))).toBe('XX001');
  });

  it('returns a "p" absolute path as it is', () => {
    expect(dvAbsolutePath('/t', atPath('/elsewhere/dv.bin'))).toBe('/elsewhere/dv.bin');
    expect(dvAbsolutePath('/t', atPath('s3://bucket/dv.bin'))).toBe('s3://bucket/dv.bin');
  });

  it('decodes a "p" file: URI to a filesystem path', () => {
    expect(dvAbsolutePath('/t', atPath('file:///tmp/a%20b/dv.bin'))).toBe('/tmp/a b/dv.bin');
    expect(dvAbsolutePath('/t', atPath('file:/tmp/dv.bin'))).toBe('/tmp/dv.bin'); // Hadoop's single-slash form
  });

  it('rejects a relative "p" path', () => {
    expect(sqlstateOf(() => dvAbsolutePath('/t', atPath('dv.bin')))).toBe('XX001');
  });

  it('treats asking for an inline DV file as a deltasql bug', () => {
    const inline: DeletionVectorDescriptor = { storageType: 'i', pathOrInlineDv: 'HelloWorld', sizeInBytes: 8, cardinality: 0 };
    expect(sqlstateOf(() => dvAbsolutePath('/t', inline))).toBe('XX000');
  });

  it('rejects an unknown storage type from the log', () => {
    const odd = { storageType: 'x', pathOrInlineDv: 'a', sizeInBytes: 1, cardinality: 0 } as unknown as DeletionVectorDescriptor;
    expect(sqlstateOf(() => dvAbsolutePath('/t', odd))).toBe('XX001');
  });
});
