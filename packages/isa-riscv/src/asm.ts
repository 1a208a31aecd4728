// A small two-pass assembler for tests: one statement per line or `;`-separated, `#` comments,
// `label:` definitions, every table row by name (operands parsed from the row's syntax, the same
// description the disassembler prints from), a few pseudo-instructions (asm-pseudo.ts) and
// `.word` / `.half` / `.dword`. Invariant: all sizes are fixed in pass 1; pass 2 only resolves
// labels and encodes through encode(), so every error names the source line.
import { FerryError } from '@ferry/util';
import type { InsnRow } from './types.js';
import { encode, type Operands } from './encode.js';
import { ROW_BY_NAME, ROWS } from './table.js';
import { FP_REGISTER_NAMES, INT_REGISTER_NAMES, ROUNDING_MODE_NAMES, syntaxTokens } from './disasm.js';
import { CSR_NUMBERS } from './csr-names.js';
import { PSEUDO_INSTRUCTIONS, parseInteger, type Expansion } from './asm-pseudo.js';

export interface Assembled {
  bytes: Uint8Array;
  labels: Map<string, bigint>;
}

interface Statement {
  line: number;
  source: string;
  address: bigint;
  size: number;
  /** Encodes once all labels are known. */
  emit: (labels: ReadonlyMap<string, bigint>) => number | bigint;
}

const registerNumbers = (names: readonly string[], prefix: string): Map<string, number> =>
  new Map([...names.map((n, i) => [n, i] as [string, number]), ...names.map((_, i) => [`${prefix}${i}`, i] as [string, number])]);
const INT_REGISTERS = registerNumbers(INT_REGISTER_NAMES, 'x').set('fp', 8);
const FP_REGISTERS = registerNumbers(FP_REGISTER_NAMES, 'f');
const DYNAMIC_ROUNDING = 7;
const AQRL_BITS: ReadonlyMap<string, number> = new Map([['aq', 2], ['rl', 1], ['aqrl', 3]]);
const FENCE_BITS: ReadonlyMap<string, number> = new Map([['i', 8], ['o', 4], ['r', 2], ['w', 1]]);

/** Rows and alias names by assembler name; an alias encodes as its row with the alias bits forced. */
const ALIASES = new Map<string, { row: InsnRow; mask: number; match: number; syntax: string }>();
for (const row of ROWS) for (const a of row.aliases ?? []) if (!ROW_BY_NAME.has(a.name)) ALIASES.set(a.name, { row, ...a });

function register(text: string, table: ReadonlyMap<string, number>, kind: string): number {
  const n = table.get(text);
  if (n === undefined) throw new Error(`'${text}' is not ${kind} register`);
  return n;
}

function integer(text: string, what: string): number {
  const v = parseInteger(text);
  if (v === undefined) throw new Error(`${what} '${text}' is not a number`);
  if (v < -(1n << 32n) || v >= 1n << 32n) throw new Error(`${what} ${text} is out of range`);
  return Number(v);
}

function fenceSet(text: string): number {
  let bits = 0;
  for (const ch of text) {
    const bit = FENCE_BITS.get(ch);
    if (bit === undefined) throw new Error(`fence set '${text}' must be made of i, o, r, w`);
    bits |= bit;
  }
  return bits;
}

/** Operand values for `row` from the operand texts, following its syntax tokens. */
function parseOperands(row: InsnRow, syntax: string, args: readonly string[], pc: bigint, labels: ReadonlyMap<string, bigint>): Operands {
  const tokens = syntaxTokens(syntax);
  const ops: { -readonly [K in keyof Operands]: Operands[K] } = {};
  const rmOptional = tokens[tokens.length - 1] === 'rm';
  if (args.length !== tokens.length && !(rmOptional && args.length === tokens.length - 1)) {
    throw new Error(`${row.name} takes ${tokens.length === 0 ? 'no operands' : `operands ${syntax}`}, got ${args.length}`);
  }
  if (rmOptional) ops.rm = DYNAMIC_ROUNDING;
  tokens.forEach((token, i) => {
    const arg = args[i];
    if (arg === undefined) return;
    const memory = /^(.*)\(\s*([\w.]+)\s*\)$/.exec(arg);
    switch (token) {
      case 'rd': ops.rd = register(arg, INT_REGISTERS, 'an integer'); break;
      case 'rs1': ops.rs1 = register(arg, INT_REGISTERS, 'an integer'); break;
      case 'rs2': ops.rs2 = register(arg, INT_REGISTERS, 'an integer'); break;
      case 'fd': ops.rd = register(arg, FP_REGISTERS, 'an FP'); break;
      case 'fs1': ops.rs1 = register(arg, FP_REGISTERS, 'an FP'); break;
      case 'fs2': ops.rs2 = register(arg, FP_REGISTERS, 'an FP'); break;
      case 'fs3': ops.rs3 = register(arg, FP_REGISTERS, 'an FP'); break;
      case 'imm': case 'shamt': ops.imm = integer(arg, 'immediate'); break;
      case 'upper': ops.imm = (integer(arg, 'upper immediate') << 12) | 0; break;
      case 'zimm': ops.rs1 = integer(arg, 'immediate'); break;
      case 'csr': ops.imm = CSR_NUMBERS.get(arg) ?? integer(arg, 'CSR'); break;
      case 'pred': ops.imm = ((ops.imm ?? 0) & 0xf0f) | (fenceSet(arg) << 4); break;
      case 'succ': ops.imm = ((ops.imm ?? 0) & 0xff0) | fenceSet(arg); break;
      case 'rm': {
        const rm = ROUNDING_MODE_NAMES.indexOf(arg);
        if (rm < 0 || arg === 'unknown') throw new Error(`'${arg}' is not a rounding mode (rne rtz rdn rup rmm dyn)`);
        ops.rm = rm;
        break;
      }
      case 'target': {
        const target = labels.get(arg) ?? parseInteger(arg);
        if (target === undefined) throw new Error(`unknown label '${arg}'`);
        ops.imm = Number(BigInt.asIntN(64, target - pc));
        break;
      }
      case 'imm(rs1)': case '(rs1)': {
        if (!memory) throw new Error(`'${arg}' is not a memory operand like 8(sp)`);
        ops.rs1 = register(memory[2]!, INT_REGISTERS, 'an integer');
        const offset = memory[1]!.trim() === '' ? 0 : integer(memory[1]!.trim(), 'offset');
        if (token === 'imm(rs1)') ops.imm = offset;
        else if (offset !== 0) throw new Error(`${row.name} takes no offset in '${arg}'`);
        break;
      }
      default: throw new Error(`internal error: table syntax token '${token}' of ${row.name} is unknown`);
    }
  });
  return ops;
}

/** The row, fixed alias bits and aq/rl bits a mnemonic names. */
function lookup(name: string): { row: InsnRow; syntax: string; force?: { mask: number; match: number }; aqrl?: number } | undefined {
  const row = ROW_BY_NAME.get(name);
  if (row) return { row, syntax: row.syntax };
  const alias = ALIASES.get(name);
  if (alias) return { row: alias.row, syntax: alias.syntax, force: alias };
  const suffixed = /^(.*)\.(aq|rl|aqrl)$/.exec(name);
  const amo = suffixed && ROW_BY_NAME.get(suffixed[1]!);
  if (amo && amo.suffix === 'aqrl') return { row: amo, syntax: amo.syntax, aqrl: AQRL_BITS.get(suffixed[2]!)! };
  return undefined;
}

function splitOperands(text: string): string[] {
  const t = text.trim();
  return t === '' ? [] : t.split(',').map((s) => s.trim());
}

/** Zero-operand forms and one-operand jal/jalr, which GNU as also accepts. */
function implicitOperands(name: string, args: string[]): string[] {
  if (name === 'fence' && args.length === 0) return ['iorw', 'iorw'];
  if (name === 'jal' && args.length === 1) return ['ra', args[0]!];
  if (name === 'jalr' && args.length === 1) return ['ra', `0(${args[0]})`];
  return args;
}

function instructionStatement(e: Expansion, line: number, source: string, address: bigint): Statement {
  const found = lookup(e.name);
  if (!found) throw new Error(`unknown instruction '${e.name}'`);
  const args = implicitOperands(e.name, e.operands);
  return {
    line, source, address, size: found.row.size,
    emit: (labels) => {
      const ops = parseOperands(found.row, found.syntax, args, address, labels);
      if (found.aqrl !== undefined) ops.imm = found.aqrl;
      let word = encode(found.row, ops);
      if (found.force) word = ((word & ~found.force.mask) | found.force.match) >>> 0;
      return word;
    },
  };
}

const DATA_DIRECTIVES: ReadonlyMap<string, number> = new Map([['.half', 2], ['.word', 4], ['.dword', 8]]);

function dataStatements(directive: string, size: number, args: string[], line: number, source: string, address: bigint): Statement[] {
  if (args.length === 0) throw new Error(`${directive} needs at least one value`);
  return args.map((arg, i) => {
    const v = parseInteger(arg);
    if (v === undefined) throw new Error(`${directive} value '${arg}' is not a number`);
    const bits = BigInt(size * 8);
    if (v < -(1n << (bits - 1n)) || v >= 1n << bits) throw new Error(`${directive} value ${arg} does not fit ${size} bytes`);
    return { line, source, address: address + BigInt(i * size), size, emit: () => BigInt.asUintN(Number(bits), v) };
  });
}

/** Reads instruction words (32 bits, less at the end) from bytes placed at `base`, as code
 *  discovery fetches them; undefined outside the bytes. For tests over assembled code. */
export function wordFetcher(bytes: Uint8Array, base = 0x10000n): (pc: bigint) => number | undefined {
  return (pc) => {
    const at = Number(pc - base);
    if (at < 0 || at + 2 > bytes.length) return undefined;
    return (bytes[at]! | (bytes[at + 1]! << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
  };
}

/** Assembles `source` placed at `base`; throws FerryError naming the line of the first error. */
export function assemble(source: string, base = 0x10000n): Assembled {
  const labels = new Map<string, bigint>();
  const statements: Statement[] = [];
  let address = base;
  source.split('\n').forEach((lineText, index) => {
    const line = index + 1;
    const fail = (message: string): never => {
      throw new FerryError(`assembly line ${line} ('${lineText.trim()}'): ${message}`);
    };
    for (let text of lineText.replace(/#.*$/, '').split(';')) {
      let label: RegExpExecArray | null;
      while ((label = /^\s*([A-Za-z_.$][\w.$]*)\s*:/.exec(text))) {
        if (labels.has(label[1]!)) fail(`label '${label[1]}' is defined twice`);
        labels.set(label[1]!, address);
        text = text.slice(label[0].length);
      }
      const m = /^\s*(\S+)\s*(.*)$/.exec(text);
      if (!m) continue;
      const name = m[1]!.toLowerCase();
      const args = splitOperands(m[2]!);
      try {
        const dataSize = DATA_DIRECTIVES.get(name);
        const pseudo = PSEUDO_INSTRUCTIONS.get(name);
        let expansions: Expansion[] | undefined;
        if (dataSize === undefined) {
          if (pseudo && !ROW_BY_NAME.has(name)) {
            if (pseudo.operands !== args.length) fail(`${name} takes ${pseudo.operands} operands, got ${args.length}`);
            expansions = pseudo.expand(args);
          } else {
            expansions = [{ name, operands: args }];
          }
        }
        const made = dataSize !== undefined ? dataStatements(name, dataSize, args, line, lineText, address)
          : expansions!.map((e) => {
            const s = instructionStatement(e, line, lineText, address);
            address += BigInt(s.size);
            return s;
          });
        if (dataSize !== undefined) address += BigInt(dataSize * args.length);
        statements.push(...made);
      } catch (e) {
        if (e instanceof FerryError) throw e;
        fail((e as Error).message);
      }
    }
  });
  const bytes = new Uint8Array(Number(address - base));
  const view = new DataView(bytes.buffer);
  for (const s of statements) {
    let value: number | bigint;
    try {
      value = s.emit(labels);
    } catch (e) {
      throw new FerryError(`assembly line ${s.line} ('${s.source.trim()}'): ${(e as Error).message}`);
    }
    const at = Number(s.address - base);
    if (s.size === 2) view.setUint16(at, Number(value), true);
    else if (s.size === 4) view.setUint32(at, Number(value), true);
    else view.setBigUint64(at, BigInt(value), true);
  }
  return { bytes, labels };
}
