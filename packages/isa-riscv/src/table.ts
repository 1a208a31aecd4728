// The RV64GC instruction table: every base row (table-base.ts) and every compressed row
// (table-compressed.ts). Invariants, checked by table.test.ts: each base mnemonic has exactly one
// 32-bit row; two rows overlap only when one's mask strictly contains the other's (the more
// specific row wins when decoding).
import type { InsnRow } from './types.js';
import type { Mnemonic } from './mnemonics.js';
import { BASE_ROWS } from './table-base.js';
import { COMPRESSED_ROWS } from './table-compressed.js';

export { extractField, insertField, bitPattern, fieldRange, fieldValueBits, fieldWordBits } from './fields.js';

export const ROWS: readonly InsnRow[] = [...BASE_ROWS, ...COMPRESSED_ROWS];

/** The 32-bit row of each base mnemonic. */
export const BASE_ROW: ReadonlyMap<Mnemonic, InsnRow> = new Map(BASE_ROWS.map((r) => [r.base, r]));

/** Rows by assembler name ('add', 'c.addi4spn'). */
export const ROW_BY_NAME: ReadonlyMap<string, InsnRow> = new Map(ROWS.map((r) => [r.name, r]));
