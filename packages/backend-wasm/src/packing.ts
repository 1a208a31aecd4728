// How the T0 decoded-instruction cache packs one instruction (abi DECODE_CACHE entries):
//   +0  i64 tag: the guest pc (or -1 when empty)
//   +8  i32 meta: opcode index (8 bits) | rd << 8 | rs1 << 13 | rs2 << 18 | rs3 << 23 | rm << 28 |
//                 bit 31 set for a 2-byte (compressed) instruction
//   +12 i32 imm: the sign-extended immediate
// Opcode indexes are assigned by the caller (interp: positions in ALL_MNEMONICS); ILLEGAL_OPCODE
// marks an undecodable word.
export const ILLEGAL_OPCODE = 255;
export const META_SHIFT = { rd: 8, rs1: 13, rs2: 18, rs3: 23, rm: 28 } as const;
export const META_COMPRESSED = 1 << 31;
export const ENTRY = { tag: 0, meta: 8, imm: 12 } as const;
