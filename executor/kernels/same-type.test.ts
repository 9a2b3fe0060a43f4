import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { sameType } from './cast.js';

describe('sameType', () => {
  it('tells decimals of different scale or precision apart, nested ones too (arrow-js does not)', () => {
    expect(arrow.util.compareTypes(new arrow.Decimal(2, 3, 128), new arrow.Decimal(3, 4, 128))).toBe(true); // the arrow-js behaviour worked around
    expect(sameType(new arrow.Decimal(2, 3, 128), new arrow.Decimal(3, 4, 128))).toBe(false);
    expect(sameType(new arrow.Decimal(2, 10, 128), new arrow.Decimal(2, 10, 128))).toBe(true);
    const list = (scale: number) => new arrow.List(new arrow.Field('element', new arrow.Decimal(scale, 10, 128)));
    expect(sameType(list(2), list(3))).toBe(false);
    expect(sameType(list(2), list(2))).toBe(true);
    expect(sameType(new arrow.Int32(), new arrow.Int64())).toBe(false);
  });
});
