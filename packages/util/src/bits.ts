// Bit helpers for 64-bit guest values kept as bigint, and hex formatting of guest addresses.

export const MASK64 = (1n << 64n) - 1n;

/** Interpret the low 64 bits of x as unsigned. */
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
/** Interpret the low 64 bits of x as signed. */
export const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/** Ascending order of bigints, for sort (the default sort compares their decimal strings). */
export const compareBigInt = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sign-extend the low `bits` bits of a number (bits <= 32). */
export function signExtend(value: number, bits: number): number {
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

/** Extract bits [hi:lo] of a 32-bit word, unsigned. */
export function bitField(word: number, hi: number, lo: number): number {
  const width = hi - lo + 1;
  return width >= 32 ? word >>> 0 : (word >>> lo) & ((1 << width) - 1);
}

/** A guest address as `0x` hex, the way every user-facing message prints it. */
export function hex(x: bigint | number): string {
  return '0x' + (typeof x === 'bigint' ? u64(x) : BigInt(x >>> 0)).toString(16);
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
