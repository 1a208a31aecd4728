// The base (32-bit) instructions of RV64GC, by extension. Compressed forms are not listed here:
// each expands to one of these, so every tier lifts exactly this set.

export const BASE_MNEMONICS = {
  I: [
    'lui', 'auipc', 'jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu',
    'lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', 'sb', 'sh', 'sw', 'sd',
    'addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'slli', 'srli', 'srai',
    'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
    'fence', 'ecall', 'ebreak',
    'addiw', 'slliw', 'srliw', 'sraiw', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  ],
  M: ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw'],
  A: [
    'lr.w', 'sc.w', 'amoswap.w', 'amoadd.w', 'amoxor.w', 'amoand.w', 'amoor.w',
    'amomin.w', 'amomax.w', 'amominu.w', 'amomaxu.w',
    'lr.d', 'sc.d', 'amoswap.d', 'amoadd.d', 'amoxor.d', 'amoand.d', 'amoor.d',
    'amomin.d', 'amomax.d', 'amominu.d', 'amomaxu.d',
  ],
  F: [
    'flw', 'fsw', 'fmadd.s', 'fmsub.s', 'fnmsub.s', 'fnmadd.s',
    'fadd.s', 'fsub.s', 'fmul.s', 'fdiv.s', 'fsqrt.s', 'fsgnj.s', 'fsgnjn.s', 'fsgnjx.s',
    'fmin.s', 'fmax.s', 'fcvt.w.s', 'fcvt.wu.s', 'fmv.x.w', 'feq.s', 'flt.s', 'fle.s', 'fclass.s',
    'fcvt.s.w', 'fcvt.s.wu', 'fmv.w.x', 'fcvt.l.s', 'fcvt.lu.s', 'fcvt.s.l', 'fcvt.s.lu',
  ],
  D: [
    'fld', 'fsd', 'fmadd.d', 'fmsub.d', 'fnmsub.d', 'fnmadd.d',
    'fadd.d', 'fsub.d', 'fmul.d', 'fdiv.d', 'fsqrt.d', 'fsgnj.d', 'fsgnjn.d', 'fsgnjx.d',
    'fmin.d', 'fmax.d', 'fcvt.s.d', 'fcvt.d.s', 'feq.d', 'flt.d', 'fle.d', 'fclass.d',
    'fcvt.w.d', 'fcvt.wu.d', 'fcvt.d.w', 'fcvt.d.wu', 'fcvt.l.d', 'fcvt.lu.d', 'fmv.x.d',
    'fcvt.d.l', 'fcvt.d.lu', 'fmv.d.x',
  ],
  Zicsr: ['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci'],
  Zifencei: ['fence.i'],
} as const;

export type Extension = keyof typeof BASE_MNEMONICS;
export type MnemonicOf<E extends Extension> = (typeof BASE_MNEMONICS)[E][number];
export type Mnemonic = MnemonicOf<Extension>;

/** Every base mnemonic in table order; its position is the opcode index the T0 interpreter dispatches on. */
export const ALL_MNEMONICS: readonly Mnemonic[] = (Object.keys(BASE_MNEMONICS) as Extension[]).flatMap(
  (e) => BASE_MNEMONICS[e] as readonly Mnemonic[],
);
export const mnemonicIndex: ReadonlyMap<Mnemonic, number> = new Map(ALL_MNEMONICS.map((m, i) => [m, i]));
