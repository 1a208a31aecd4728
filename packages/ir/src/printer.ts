// Text form of the IR (docs/ir.md, "Text format"). Deterministic: values are renumbered v0, v1, ...
// in order of first definition (block parameters, then instruction results, block by block in
// block order), so goldens do not churn when ids change. Block ids print as they are.
// Immediates: integer constants print in signed decimal; the bit patterns of float constants
// (ops whose result is f32/f64) print as zero-padded hex followed by a `; value` comment;
// slots, helpers and exit codes print by name. Invalid IR still prints (the verifier quotes it).
import { ExitCode, exitCodeName } from '@ferry/abi';
import type { Func, Inst, Target } from './func.js';
import { OPS } from './ops.js';
import type { BlockId, Value } from './types.js';

/** Printed number of each defined value. */
export type ValueNumbering = Map<Value, number>;

export function valueNumbering(func: Func): ValueNumbering {
  const names: ValueNumbering = new Map();
  const define = (v: Value): void => {
    if (v >= 0 && !names.has(v)) names.set(v, names.size);
  };
  for (const block of func.blocks) {
    block.params.forEach(define);
    for (const inst of block.insts) define(inst.result);
  }
  return names;
}

/** `@name`, quoted as a JSON string when it holds characters outside [A-Za-z0-9_.$-]. */
export function printFuncName(name: string): string {
  return /^[A-Za-z0-9_.$-]+$/.test(name) ? `@${name}` : `@${JSON.stringify(name)}`;
}

export function printValue(v: Value, names: ValueNumbering): string {
  const n = names.get(v);
  return n === undefined ? `v${v}?` : `v${n}`; // `?` marks a value with no definition (invalid IR)
}

export const printBlockName = (b: BlockId): string => `block${b}`;

function printTarget(t: Target, names: ValueNumbering): string {
  const args = t.args.map((a) => printValue(a, names));
  return args.length === 0 ? printBlockName(t.block) : `${printBlockName(t.block)}(${args.join(', ')})`;
}

/** A float constant's bits as hex, with its value as a note: `0x3ff8000000000000` and `1.5`. */
function printFloatBits(imm: number | bigint, width: 32 | 64): { text: string; note: string } {
  const bits = BigInt.asUintN(width, BigInt(imm));
  const view = new DataView(new ArrayBuffer(8));
  let value: number;
  if (width === 64) {
    view.setBigUint64(0, bits);
    value = view.getFloat64(0);
  } else {
    view.setUint32(0, Number(bits));
    value = view.getFloat32(0);
  }
  return { text: `0x${bits.toString(16).padStart(width / 4, '0')}`, note: Object.is(value, -0) ? '-0' : String(value) };
}

function printImm(inst: Inst): { text: string; note?: string } {
  const info = OPS[inst.op];
  const imm = inst.imm;
  if (imm === undefined) return { text: '<missing immediate>' };
  if (typeof imm === 'string') return { text: imm };
  if (info?.imm === 'pageCache') return { text: `page ${String(imm)}` };
  if (info?.imm === 'exit' && typeof imm === 'number') {
    return { text: Object.values(ExitCode).includes(imm as never) ? exitCodeName(imm) : String(imm) };
  }
  if (info?.result === 'f64' || info?.result === 'f32') return printFloatBits(imm, info.result === 'f64' ? 64 : 32);
  return { text: String(imm) };
}

/** One instruction, without indentation. A float constant's trailing `; value` comment comes last. */
export function printInst(func: Func, inst: Inst, names: ValueNumbering = valueNumbering(func)): string {
  const info = OPS[inst.op];
  const args = inst.args.map((a) => printValue(a, names));
  const targets = (inst.targets ?? []).map((t) => printTarget(t, names));
  let text = inst.result >= 0 ? `${printValue(inst.result, names)} = ${inst.op}` : inst.op;
  let comment = '';
  if (info?.imm === 'helper') {
    text += ` ${inst.imm === undefined ? '<missing helper>' : String(inst.imm)}(${args.join(', ')})`;
    if (targets.length > 0) text += `, ${targets.join(', ')}`;
    return text;
  }
  const operands: string[] = [];
  if (inst.imm !== undefined || (info !== undefined && info.imm !== 'none' && info.imm !== 'pageCache')) {
    const imm = printImm(inst);
    operands.push(imm.text);
    if (imm.note !== undefined) comment = ` ; ${imm.note}`;
  }
  operands.push(...args, ...targets);
  if (operands.length > 0) text += ` ${operands.join(', ')}`;
  return text + comment;
}

/** The header line of a block, e.g. `block1(v8: i64):`. */
export function printBlockHeader(func: Func, block: BlockId, names: ValueNumbering = valueNumbering(func)): string {
  const params = func.blocks[block]?.params ?? [];
  if (params.length === 0) return `${printBlockName(block)}:`;
  const list = params.map((p) => `${printValue(p, names)}: ${func.values[p]?.type ?? '<no type>'}`);
  return `${printBlockName(block)}(${list.join(', ')}):`;
}

export function printFunc(func: Func): string {
  const names = valueNumbering(func);
  const paramTypes = (func.blocks[0]?.params ?? []).map((p) => func.values[p]?.type ?? '<no type>');
  const lines = [`func ${printFuncName(func.name)}(${paramTypes.join(', ')}) {`];
  func.blocks.forEach((block, b) => {
    lines.push(printBlockHeader(func, b, names));
    for (const inst of block.insts) lines.push(`  ${printInst(func, inst, names)}`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Several functions, separated by one blank line. */
export function printModule(funcs: readonly Func[]): string {
  return funcs.map(printFunc).join('\n');
}
