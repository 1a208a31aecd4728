// Encoding: the inverse of decode. Scatters operand values into a row's fields and checks that
// every operand (including fixed ones, e.g. c.jr's rd = 0) reads back unchanged, so
// decode(encode(row, ops)) reproduces ops for any encodable operand set.
import { FerryError } from '@ferry/util';
import type { Decoded, InsnRow, OperandSlot } from './types.js';
import { extractField, insertField } from './fields.js';

export type Operands = Partial<Pick<Decoded, OperandSlot>>;

const SLOTS: readonly OperandSlot[] = ['rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm'];

/** The instruction word for `row` with these operands; throws FerryError naming the operand that
 *  does not fit. Slots left undefined encode as zero (or take their fixed / shared value). */
export function encode(row: InsnRow, operands: Operands): number {
  let word = row.match;
  for (const slot of SLOTS) {
    const spec = row.fields[slot];
    const value = operands[slot];
    if (value === undefined || spec === undefined) continue;
    if (typeof spec === 'number') {
      if (value !== spec) throw new FerryError(`${row.name}: ${slot} must be ${spec}, got ${value}`);
      continue;
    }
    const placed = insertField(word, spec, value);
    if (placed === undefined) throw new FerryError(`${row.name}: ${slot} = ${value} does not fit the instruction's field`);
    if (((placed & row.mask) >>> 0) !== row.match) throw new FerryError(`${row.name}: ${slot} = ${value} collides with fixed bits`);
    word = placed;
  }
  for (const slot of SLOTS) {
    const spec = row.fields[slot];
    const value = operands[slot];
    if (value === undefined || spec === undefined || typeof spec === 'number') continue;
    if (extractField(word, spec) !== value) throw new FerryError(`${row.name}: operands disagree on shared field ${slot} (= ${value})`);
  }
  for (const slot of row.nonzero ?? []) {
    const spec = row.fields[slot];
    if (spec !== undefined && typeof spec !== 'number' && extractField(word, spec) === 0) {
      throw new FerryError(`${row.name}: ${slot} must not be zero (that encoding is reserved)`);
    }
  }
  return word >>> 0;
}
