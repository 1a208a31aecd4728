// Pseudo-instructions of the test assembler, each expanded to real instructions as source text
// (so every expansion is assembled, checked and encoded by the table-driven path in asm.ts).
// Invariant: an expansion's instruction count depends only on its operands' text, never on
// label values, so sizes are known in the first pass.

/** One expanded instruction: a table row name (or alias) and its operand texts. */
export interface Expansion {
  name: string;
  operands: string[];
}

const insn = (name: string, ...operands: string[]): Expansion => ({ name, operands });

/** Parses a decimal or 0x / 0b number with optional sign; undefined if the text is not a number. */
export function parseInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(0x[0-9a-f]+|0b[01]+|\d+)$/i.exec(text.trim());
  if (!m) return undefined;
  const magnitude = BigInt(m[2]!.toLowerCase());
  return m[1] === '-' ? -magnitude : magnitude;
}

const fitsSigned = (v: bigint, bits: number): boolean => v >= -(1n << BigInt(bits - 1)) && v < 1n << BigInt(bits - 1);

/** The lui/addi(w)/slli sequence that leaves the 64-bit value v in rd (the usual RV64 `li` recipe:
 *  32-bit values use lui + addiw; wider ones build the upper part, shift it, then add the low 12 bits). */
export function loadImmediate(rd: string, v: bigint): Expansion[] {
  v = BigInt.asIntN(64, v);
  if (fitsSigned(v, 12)) return [insn('addi', rd, 'zero', String(v))];
  if (fitsSigned(v, 32)) {
    const low = BigInt.asIntN(12, v);
    const high = BigInt.asUintN(20, (v - low) >> 12n);
    const seq = [insn('lui', rd, '0x' + high.toString(16))];
    if (low !== 0n) seq.push(insn('addiw', rd, rd, String(low)));
    return seq;
  }
  const low = BigInt.asIntN(12, v);
  let high = (v - low) >> 12n;
  let shift = 12n;
  while ((high & 1n) === 0n) {
    high >>= 1n;
    shift++;
  }
  const seq = [...loadImmediate(rd, high), insn('slli', rd, rd, String(shift))];
  if (low !== 0n) seq.push(insn('addi', rd, rd, String(low)));
  return seq;
}

type PseudoExpander = (operands: string[]) => Expansion[];

interface Pseudo {
  operands: number;
  expand: PseudoExpander;
}
const pseudo = (operands: number, expand: PseudoExpander): Pseudo => ({ operands, expand });

const branchZero = (name: string, swap: boolean): PseudoExpander => ([rs, target]) =>
  [swap ? insn(name, 'zero', rs!, target!) : insn(name, rs!, 'zero', target!)];
const branchSwapped = (name: string): PseudoExpander => ([a, b, target]) => [insn(name, b!, a!, target!)];

/** Pseudo-instructions by name, with the operand count each takes. */
export const PSEUDO_INSTRUCTIONS: ReadonlyMap<string, Pseudo> = new Map([
  ['nop', pseudo(0, () => [insn('addi', 'zero', 'zero', '0')])],
  ['li', pseudo(2, ([rd, value]) => {
    const v = parseInteger(value!);
    if (v === undefined) throw new Error(`li needs a number, got '${value}'`);
    if (!fitsSigned(v, 64) && !(v >= 0n && v < 1n << 64n)) throw new Error(`li value ${value} does not fit 64 bits`);
    return loadImmediate(rd!, v);
  })],
  ['mv', pseudo(2, ([rd, rs]) => [insn('addi', rd!, rs!, '0')])],
  ['not', pseudo(2, ([rd, rs]) => [insn('xori', rd!, rs!, '-1')])],
  ['neg', pseudo(2, ([rd, rs]) => [insn('sub', rd!, 'zero', rs!)])],
  ['negw', pseudo(2, ([rd, rs]) => [insn('subw', rd!, 'zero', rs!)])],
  ['sext.w', pseudo(2, ([rd, rs]) => [insn('addiw', rd!, rs!, '0')])],
  ['seqz', pseudo(2, ([rd, rs]) => [insn('sltiu', rd!, rs!, '1')])],
  ['snez', pseudo(2, ([rd, rs]) => [insn('sltu', rd!, 'zero', rs!)])],
  ['j', pseudo(1, ([target]) => [insn('jal', 'zero', target!)])],
  ['jr', pseudo(1, ([rs]) => [insn('jalr', 'zero', `0(${rs})`)])],
  ['ret', pseudo(0, () => [insn('jalr', 'zero', '0(ra)')])],
  ['beqz', pseudo(2, branchZero('beq', false))],
  ['bnez', pseudo(2, branchZero('bne', false))],
  ['bltz', pseudo(2, branchZero('blt', false))],
  ['bgez', pseudo(2, branchZero('bge', false))],
  ['blez', pseudo(2, branchZero('bge', true))],
  ['bgtz', pseudo(2, branchZero('blt', true))],
  ['bgt', pseudo(3, branchSwapped('blt'))],
  ['ble', pseudo(3, branchSwapped('bge'))],
  ['bgtu', pseudo(3, branchSwapped('bltu'))],
  ['bleu', pseudo(3, branchSwapped('bgeu'))],
  ['fmv.s', pseudo(2, ([rd, rs]) => [insn('fsgnj.s', rd!, rs!, rs!)])],
  ['fmv.d', pseudo(2, ([rd, rs]) => [insn('fsgnj.d', rd!, rs!, rs!)])],
  ['fneg.d', pseudo(2, ([rd, rs]) => [insn('fsgnjn.d', rd!, rs!, rs!)])],
  ['fabs.d', pseudo(2, ([rd, rs]) => [insn('fsgnjx.d', rd!, rs!, rs!)])],
  ['csrr', pseudo(2, ([rd, csr]) => [insn('csrrs', rd!, csr!, 'zero')])],
  ['csrw', pseudo(2, ([csr, rs]) => [insn('csrrw', 'zero', csr!, rs!)])],
]);
