/**
 * Exact decimals. Arrow stores a Decimal128 value as four little-endian Uint32 words of a
 * two's-complement 128-bit integer (the unscaled value); the type carries precision and scale.
 * Comparisons work on the words directly; parsing, formatting and rescaling use bigint (exact).
 */


/** The unscaled value at row `i` of a Decimal128 `values` array (4 words per row). */
export function decimalAt(words: Uint32Array, i: number): bigint {
  const b = i * 4;
  const u = (BigInt(words[b + 3]) << 96n) | (BigInt(words[b + 2]) << 64n) | (BigInt(words[b + 1]) << 32n) | BigInt(words[b]);
  return BigInt.asIntN(128, u);
}

/** Writes an unscaled value into row `i` of a Decimal128 `values` array. */
export function writeDecimal(words: Uint32Array, i: number, value: bigint): void {
  const u = BigInt.asUintN(128, value);
  const b = i * 4;
  words[b] = Number(u & 0xffffffffn);
  words[b + 1] = Number((u >> 32n) & 0xffffffffn);
  words[b + 2] = Number((u >> 64n) & 0xffffffffn);
  words[b + 3] = Number(u >> 96n);
}

/** Three-way comparison of two Decimal128 values of the same scale, on the words (no bigint). */
export function compareDecimalWords(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  const pa = ai * 4;
  const pb = bi * 4;
  const ha = a[pa + 3] | 0;
  const hb = b[pb + 3] | 0;
  if (ha !== hb) return ha < hb ? -1 : 1;
  for (let k = 2; k >= 0; k--) {
    const x = a[pa + k];
    const y = b[pb + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Exact 10^n as a bigint. */
export function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Whether `unscaled` has at most `precision` digits. */
export function fitsPrecision(unscaled: bigint, precision: number): boolean {
  const bound = pow10(precision);
  return unscaled < bound && unscaled > -bound;
}

/** Changes the scale of an unscaled value, rounding half away from zero when digits are dropped. */
export function rescale(unscaled: bigint, from: number, to: number): bigint {
  if (to === from) return unscaled;
  if (to > from) return unscaled * pow10(to - from);
  const divisor = pow10(from - to);
  const q = unscaled / divisor;
  const r = unscaled % divisor;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= divisor) return unscaled < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * Parses decimal text (`-12.345`, `1e3`, `.5`) into an unscaled value at `scale`, rounding half
 * away from zero. Returns undefined when the text is not a number.
 */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (m === null) return undefined;
  const [, sign, whole = '', frac = '', exp] = m;
  if (whole === '' && frac === '') return undefined;
  const digits = BigInt((whole + frac) || '0');
  const valueScale = frac.length - (exp === undefined ? 0 : Number(exp));
  let unscaled: bigint;
  if (valueScale <= scale) unscaled = digits * pow10(scale - valueScale);
  else unscaled = rescale(digits, valueScale, scale);
  return sign === '-' ? -unscaled : unscaled;
}

/** Exact text of an unscaled value at `scale` (`12350, 2` → `"123.50"`). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  } else if (scale < 0) {
    digits = digits + '0'.repeat(-scale);
  }
  return negative ? `-${digits}` : digits;
}

/** The decimal's value as a float64 (nearest, via its exact text). */
export function decimalToNumber(unscaled: bigint, scale: number): number {
  return Number(formatDecimal(unscaled, scale));
}

/** Unscaled value of a finite float at `scale` (rounded half away from zero), via its shortest text. */
export function numberToDecimal(value: number, scale: number): bigint | undefined {
  if (!Number.isFinite(value)) return undefined;
  return parseDecimal(value.toString(), scale);
}

