// Bit patterns and operand fields: the vocabulary the instruction table is written in.
// A pattern string ('0000000 ..... ..... 000 ..... 0110011') yields mask/match; a FieldSpec
// says how one operand's bits are scattered over the word. extractField and insertField are
// exact inverses on every value the field can hold (insertField checks that it round-trips).
import { bitField, signExtend } from '@ferry/util';
import type { FieldSpec, Slice } from './types.js';

/** mask/match/size of a pattern of '0', '1' and '.' (free bit); spaces and '_' are ignored. */
export function bitPattern(pattern: string): { mask: number; match: number; size: 2 | 4 } {
  const bits = pattern.replace(/[ _]/g, '');
  if (bits.length !== 32 && bits.length !== 16) throw new Error(`bit pattern '${pattern}' is ${bits.length} bits, not 16 or 32`);
  let mask = 0;
  let match = 0;
  for (const ch of bits) {
    if (ch !== '0' && ch !== '1' && ch !== '.') throw new Error(`bit pattern '${pattern}' has '${ch}'`);
    mask = (mask << 1) | (ch === '.' ? 0 : 1);
    match = (match << 1) | (ch === '1' ? 1 : 0);
  }
  return { mask: mask >>> 0, match: match >>> 0, size: bits.length === 32 ? 4 : 2 };
}

/** Bits [hi:lo] of the word land at bit `at` of the value. */
export const slice = (hi: number, lo: number, at: number): Slice => ({ hi, lo, at });
export const unsignedField = (...slices: Slice[]): FieldSpec => ({ slices, signed: false });
export const signedField = (...slices: Slice[]): FieldSpec => ({ slices, signed: true });

/** Highest bit of the value a field produces (before `add`). */
export function fieldTopBit(spec: FieldSpec): number {
  let top = 0;
  for (const s of spec.slices) top = Math.max(top, s.at + s.hi - s.lo);
  return top;
}

/** Value bits a field can set (before sign extension): the immediate's alignment shows as zero low bits. */
export function fieldValueBits(spec: FieldSpec): number {
  let bits = 0;
  for (const s of spec.slices) bits |= (s.hi - s.lo === 31 ? -1 : ((1 << (s.hi - s.lo + 1)) - 1)) << s.at;
  return bits >>> 0;
}

/** Word bits a field occupies. */
export function fieldWordBits(spec: FieldSpec): number {
  let bits = 0;
  for (const s of spec.slices) bits |= ((1 << (s.hi - s.lo + 1)) - 1) << s.lo;
  return bits >>> 0;
}

/** Smallest and largest value the field can decode to. */
export function fieldRange(spec: FieldSpec): { min: number; max: number } {
  const top = fieldTopBit(spec);
  const add = spec.add ?? 0;
  if (spec.signed) return { min: -(2 ** top) + add, max: 2 ** top - 1 + add };
  return { min: add, max: 2 ** (top + 1) - 1 + add };
}

/** The operand value the word holds in this field. */
export function extractField(word: number, spec: FieldSpec): number {
  let value = 0;
  for (const s of spec.slices) value |= bitField(word, s.hi, s.lo) << s.at;
  if (spec.signed) value = signExtend(value, fieldTopBit(spec) + 1);
  else value >>>= 0;
  return value + (spec.add ?? 0);
}

/** Writes `value` into the field's bits of `word`; undefined when the field cannot hold the value
 *  (out of range, or low bits the field does not store, e.g. an odd branch offset). */
export function insertField(word: number, spec: FieldSpec, value: number): number | undefined {
  const raw = value - (spec.add ?? 0);
  let out = word & ~fieldWordBits(spec);
  for (const s of spec.slices) {
    const width = s.hi - s.lo + 1;
    const part = width >= 32 ? raw : (raw >>> s.at) & ((1 << width) - 1);
    out |= part << s.lo;
  }
  out >>>= 0;
  return extractField(out, spec) === value ? out : undefined;
}
