// How the T0 decoded-instruction cache lays out one instruction (abi DECODE_CACHE, 16-byte entries):
//   +0  i64 tag: the guest pc (or -1 when empty)
//   +8  u8 handler: the decoder row that matched (its index in the rows given to the decoder, which is
//       also its slot in the interpreter's handler table), or ILLEGAL_HANDLER for an undecodable word
//   +9  u8 rd, +10 u8 rs1, +11 u8 rs2: register fields, unpacked (0 when the row fixes or lacks them)
//   +12 i32 imm: the sign-extended immediate; a row without an immediate keeps rs3 at +12, rm at +13
// Operands are stored unpacked so a handler loads each with one byte load: no shifting or masking.
// Invariant: no decoder row has both an immediate and rs3/rm (the decoder generator checks).
export const ILLEGAL_HANDLER = 255;
export const ENTRY = { tag: 0, handler: 8, rd: 9, rs1: 10, rs2: 11, imm: 12, rs3: 12, rm: 13 } as const;
