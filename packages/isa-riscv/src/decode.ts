// Instruction decoding derived from the table: rows are bucketed by their major-opcode bits
// (bits 6..0 for 32-bit words, funct3 and quadrant for compressed ones) and tried most specific
// mask first; the first row whose pattern matches and whose constraints hold wins.
// Invariant: decode(w) is defined exactly when some row accepts w. A zero in a `nonzero` slot
// passes the word on to less specific rows; a `reservedValues` hit makes it illegal outright.
// 48/64-bit encodings match no row, so they are illegal too.
import { popcount32 } from '@ferry/util';
import type { Decoded, FieldSpec, InsnRow, OperandSlot } from './types.js';
import { extractField } from './fields.js';
import { ROWS } from './table.js';

/** Length of the instruction whose first halfword this is. Encodings longer than 32 bits are not
 *  supported: they report 4 and decode() rejects them as illegal. */
export function instructionLength(firstHalfword: number): 2 | 4 {
  return (firstHalfword & 3) === 3 ? 4 : 2;
}

const SLOTS: readonly OperandSlot[] = ['rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm'];
type Extractor = (word: number) => number;

interface CompiledRow {
  row: InsnRow;
  mask: number;
  match: number;
  get: Record<OperandSlot, Extractor>;
  nonzero: readonly OperandSlot[];
  reserved: readonly (readonly [OperandSlot, readonly number[]])[];
}

function extractor(spec: FieldSpec | number | undefined): Extractor {
  if (spec === undefined) return () => 0;
  if (typeof spec === 'number') return () => spec;
  return (word) => extractField(word, spec);
}

/** Bucket key: 0..127 = opcode of a 32-bit word, 128..159 = compressed funct3 and quadrant. */
function bucketKey(word: number): number {
  return (word & 3) === 3 ? word & 0x7f : 128 | (((word >>> 13) & 7) << 2) | (word & 3);
}

function rowKey(row: InsnRow): number {
  // The key bits must be fixed by the row's mask (true for all RV64GC rows; checked here).
  const keyMask = row.size === 4 ? 0x7f : 0xe003;
  if ((row.mask & keyMask) !== keyMask) throw new Error(`internal error: table row ${row.name} does not fix its opcode bits`);
  return bucketKey(row.match);
}

const buckets: CompiledRow[][] = Array.from({ length: 160 }, () => []);
for (const row of ROWS) {
  const get = Object.fromEntries(SLOTS.map((s) => [s, extractor(row.fields[s])])) as Record<OperandSlot, Extractor>;
  const reserved = Object.entries(row.reservedValues ?? {}) as [OperandSlot, readonly number[]][];
  const compiled: CompiledRow = { row, mask: row.mask, match: row.match, get, nonzero: row.nonzero ?? [], reserved };
  buckets[rowKey(row)]!.push(compiled);
}
for (const bucket of buckets) bucket.sort((a, b) => popcount32(b.mask) - popcount32(a.mask));

/** Decodes a 32-bit word (only the low 16 bits when its low two bits are not 11). */
export function decode(word: number): Decoded | undefined {
  const w = (word & 3) === 3 ? word >>> 0 : word & 0xffff;
  const bucket = buckets[bucketKey(w)]!;
  for (const c of bucket) {
    if ((w & c.mask) >>> 0 !== c.match) continue;
    let reserved = false;
    for (const slot of c.nonzero) if (c.get[slot](w) === 0) reserved = true;
    if (reserved) continue;
    for (const [slot, values] of c.reserved) if (values.includes(c.get[slot](w))) return undefined;
    const rm = c.get.rm(w);
    return {
      row: c.row, base: c.row.base, size: c.row.size,
      rd: c.get.rd(w), rs1: c.get.rs1(w), rs2: c.get.rs2(w), rs3: c.get.rs3(w), imm: c.get.imm(w), rm,
    };
  }
  return undefined;
}
