// Disassembly text identical to `riscv64-linux-gnu-objdump -d -M no-aliases` (GNU binutils 2.40,
// default arch rv64gc): mnemonic, one TAB, operands; ABI register names; branch targets as bare
// hex without objdump's ` <sym+off>` suffix and without its ` # addr <sym>` comments; numeric
// CSRs and undecodable data as objdump shows them (`.4byte 0x...`, `.2byte 0x...`, `.byte ...`).
// Deliberate difference: reserved encodings objdump still names (static rm 5/6 `,unknown`,
// `c.addi16sp sp,0`) are illegal here, so they print as data. Verified by objdump.ci.test.ts.
import type { Decoded } from './types.js';
import { CSR_NAMES } from './csr-names.js';
import { decode } from './decode.js';
import { encode } from './encode.js';

export const INT_REGISTER_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];
export const FP_REGISTER_NAMES: readonly string[] = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];
/** Static rounding modes by rm value; 7 (dyn) is printed as nothing. */
export const ROUNDING_MODE_NAMES: readonly string[] = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];
const DYNAMIC_ROUNDING = 7;

const hexDigits = (x: bigint | number): string => '0x' + x.toString(16);

function fenceSet(bits: number): string {
  const s = (bits & 8 ? 'i' : '') + (bits & 4 ? 'o' : '') + (bits & 2 ? 'r' : '') + (bits & 1 ? 'w' : '');
  return s === '' ? 'unknown' : s;
}

/** One operand token of a row's syntax, rendered for instruction `d` at `pc`. Tokens:
 *   rd rs1 rs2         integer registers        fd fs1 fs2 fs3   FP registers in rd/rs1/rs2/rs3
 *   imm                signed decimal           shamt            imm in hex
 *   upper              imm >> 12 as 20-bit hex  target           pc + imm as hex
 *   csr                imm as a CSR name or hex zimm             rs1 as a decimal number
 *   pred succ          fence sets from imm      rm               `,rne` ... (omitted when dynamic)
 *   imm(rs1) (rs1)     memory operands
 */
function operand(token: string, d: Decoded, pc: bigint): string {
  switch (token) {
    case 'rd': return INT_REGISTER_NAMES[d.rd]!;
    case 'rs1': return INT_REGISTER_NAMES[d.rs1]!;
    case 'rs2': return INT_REGISTER_NAMES[d.rs2]!;
    case 'fd': return FP_REGISTER_NAMES[d.rd]!;
    case 'fs1': return FP_REGISTER_NAMES[d.rs1]!;
    case 'fs2': return FP_REGISTER_NAMES[d.rs2]!;
    case 'fs3': return FP_REGISTER_NAMES[d.rs3]!;
    case 'imm': return String(d.imm);
    case 'shamt': return hexDigits(d.imm);
    case 'upper': return hexDigits((d.imm >>> 12) & 0xfffff);
    case 'target': return BigInt.asUintN(64, pc + BigInt(d.imm)).toString(16);
    case 'csr': return CSR_NAMES.get(d.imm) ?? hexDigits(d.imm);
    case 'zimm': return String(d.rs1);
    case 'pred': return fenceSet((d.imm >>> 4) & 15);
    case 'succ': return fenceSet(d.imm & 15);
    case 'rm': return ROUNDING_MODE_NAMES[d.rm]!;
    case 'imm(rs1)': return `${d.imm}(${INT_REGISTER_NAMES[d.rs1]})`;
    case '(rs1)': return `(${INT_REGISTER_NAMES[d.rs1]})`;
    default: throw new Error(`internal error: table syntax token '${token}' of ${d.row.name} is unknown`);
  }
}

/** The comma-separated tokens of a syntax string, split once per distinct string. */
const tokenCache = new Map<string, readonly string[]>();
export function syntaxTokens(syntax: string): readonly string[] {
  let tokens = tokenCache.get(syntax);
  if (!tokens) tokenCache.set(syntax, (tokens = syntax === '' ? [] : syntax.split(',')));
  return tokens;
}

function operandsText(syntax: string, d: Decoded, pc: bigint): string {
  let text = '';
  for (const token of syntaxTokens(syntax)) {
    if (token === 'rm' && d.rm === DYNAMIC_ROUNDING) continue;
    text += (text === '' ? '' : ',') + operand(token, d, pc);
  }
  return text;
}

const AQRL_SUFFIX = ['', '.rl', '.aq', '.aqrl'];

/** The instruction's text as objdump prints it. */
export function disassemble(d: Decoded, pc: bigint): string {
  return render(d, pc, encode(d.row, d));
}

/** `word` is the encoding d was decoded from. Aliases (fence.tso) print under their own name;
 *  a word the GNU tools do not accept for this row (ignored fields set, see InsnRow.strict)
 *  prints as data, as objdump does. */
function render(d: Decoded, pc: bigint, word: number): string {
  const row = d.row;
  for (const alias of row.aliases ?? []) {
    if (((word & alias.mask) >>> 0) === alias.match) return joinText(alias.name, operandsText(alias.syntax, d, pc));
  }
  if (row.strict && ((word & row.strict.mask) >>> 0) !== row.strict.match) return dataDirective(word, row.size);
  const name = row.suffix === 'aqrl' ? row.name + AQRL_SUFFIX[d.imm & 3] : row.name;
  return joinText(name, operandsText(row.syntax, d, pc));
}

function joinText(name: string, operands: string): string {
  return operands === '' ? name : `${name}\t${operands}`;
}

/** objdump's name for the all-zero halfword, the canonical illegal instruction. */
const ZERO_HALFWORD_TEXT = 'c.unimp';

function dataDirective(word: number, size: 2 | 4): string {
  if (size === 2 && (word & 0xffff) === 0) return ZERO_HALFWORD_TEXT;
  return size === 4 ? `.4byte\t${hexDigits(word >>> 0)}` : `.2byte\t${hexDigits(word & 0xffff)}`;
}

const byteList = (run: Uint8Array): string => [...run].map((b) => '0x' + b.toString(16).padStart(2, '0')).join(', ');

export interface DisassembledLine {
  address: bigint;
  size: number;
  /** The instruction bits (low `size` bytes, little-endian); 0 for encodings longer than 32 bits. */
  word: number;
  text: string;
}

/** Encoded length as objdump computes it from the first halfword (RISC-V length encoding). */
function objdumpLength(half: number): number {
  if ((half & 3) !== 3) return 2;
  if ((half & 0x1f) !== 0x1f) return 4;
  if ((half & 0x3f) === 0x1f) return 6;
  if ((half & 0x7f) === 0x3f) return 8;
  if ((half & 0x7000) !== 0x7000) return 10 + 2 * ((half >>> 12) & 7);
  return 2;
}

/** Disassembles a byte range at `address` into one line per instruction, like objdump -d. */
export function disassembleBytes(bytes: Uint8Array, address: bigint): DisassembledLine[] {
  const lines: DisassembledLine[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const pc = address + BigInt(offset);
    const remaining = bytes.length - offset;
    const half = remaining >= 2 ? bytes[offset]! | (bytes[offset + 1]! << 8) : -1;
    const length = half < 0 ? 1 : objdumpLength(half);
    if (half < 0 || length > remaining || length > 4) {
      // Encodings longer than 32 bits (not part of RV64GC): objdump shows 64-bit ones as .8byte, others as bytes.
      const run = bytes.subarray(offset, offset + Math.min(length, remaining));
      let text = `.byte\t${byteList(run)}`;
      if (run.length === 8) {
        const value = new DataView(run.buffer, run.byteOffset, 8).getBigUint64(0, true);
        text = `.8byte\t${hexDigits(value)}`;
      }
      lines.push({ address: pc, size: run.length, word: 0, text });
      offset += run.length;
      continue;
    }
    let word = half;
    if (length === 4) word = (half | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
    const d = decode(word);
    const text = d ? render(d, pc, word) : dataDirective(word, length as 2 | 4);
    lines.push({ address: pc, size: length, word, text });
    offset += length;
  }
  return lines;
}

/** Disassembles one word at `pc` (as much of it as its length says); data directive if illegal. */
export function disassembleWord(word: number, pc: bigint): string {
  const d = decode(word);
  const size = (word & 3) === 3 ? 4 : 2;
  const bits = size === 4 ? word >>> 0 : word & 0xffff;
  return d ? render(d, pc, bits) : dataDirective(bits, size);
}
