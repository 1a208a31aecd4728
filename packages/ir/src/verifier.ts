// Checks a Func against the IR's rules, deriving operand shapes from the op table (ops.ts) and
// helper signatures from abi HELPERS: one terminator per block, at its end; operand counts and
// types; immediates of the op's kind; branch targets that exist (never block0) with matching
// arguments; each value defined once, with the type and block its ValueInfo records; every use
// dominated by its definition. Uses inside unreachable blocks are only checked for ordering
// within their own block. Messages name the function, the block and the printed instruction.
import { ExitCode, HELPERS, StateSlot, type HelperName } from '@ferry/abi';
import { FerryError } from '@ferry/util';
import { DominatorTree, targetCount } from './cfg.js';
import type { Func, Inst } from './func.js';
import { MAX_PAGE_CACHE_SLOT, OPS, type OpInfo } from './ops.js';
import { printBlockName, printFuncName, printInst, printValue, valueNumbering } from './printer.js';
import type { BlockId, Type, Value } from './types.js';

interface DefSite {
  block: BlockId;
  /** Position in the block: -1 for a block parameter, else the instruction index. */
  index: number;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** All problems found, in block order; empty when the function is valid. */
export function verify(func: Func): string[] {
  const errors: string[] = [];
  const names = valueNumbering(func);
  const fn = printFuncName(func.name);
  const at = (b: BlockId, inst?: Inst): string =>
    inst ? `${fn} ${printBlockName(b)}: \`${printInst(func, inst, names)}\`` : `${fn} ${printBlockName(b)}`;
  const show = (v: Value): string => printValue(v, names);

  if (func.blocks.length === 0) return [`${fn}: the function has no blocks`];

  // Definitions: each value once, matching its ValueInfo.
  const defs = new Map<Value, DefSite>();
  // `inst` is the defining instruction, or undefined for a block parameter.
  const define = (v: Value, b: BlockId, index: number, type: Type | undefined, inst?: Inst): void => {
    const info = func.values[v];
    if (!Number.isInteger(v) || v < 0 || info === undefined) return void errors.push(`${at(b, inst)}: defines ${show(v)}, which is not in the value table`);
    if (defs.has(v)) return void errors.push(`${at(b, inst)}: ${show(v)} is already defined in ${printBlockName(defs.get(v)!.block)}`);
    defs.set(v, { block: b, index });
    if (info.block !== b) errors.push(`${at(b, inst)}: ${show(v)} is recorded as defined in ${printBlockName(info.block)}`);
    if (type !== undefined && info.type !== type) errors.push(`${at(b, inst)}: ${show(v)} has type ${info.type}, but the op produces ${type}`);
  };
  func.blocks.forEach((block, b) => {
    for (const p of block.params) define(p, b, -1, undefined);
    block.insts.forEach((inst, i) => {
      const result = resultType(inst);
      if (result === undefined) {
        // Unknown op or helper (reported below): accept whatever result it names.
        if (inst.result !== -1) define(inst.result, b, i, undefined, inst);
      } else if (result === 'none') {
        if (inst.result !== -1) errors.push(`${at(b, inst)}: ${inst.op} produces no value but has a result`);
      } else if (inst.result === -1) {
        errors.push(`${at(b, inst)}: ${inst.op} produces ${result} but has no result value`);
      } else {
        define(inst.result, b, i, result, inst);
      }
    });
  });

  const dom = new DominatorTree(func);
  /** Checks one use: defined, of the expected type, and dominated by its definition. */
  const checkUse = (v: Value, want: Type | undefined, b: BlockId, i: number, inst: Inst, role: string): void => {
    const def = defs.get(v);
    if (def === undefined) return void errors.push(`${at(b, inst)}: ${role} (${show(v)}) has no definition`);
    const type = func.values[v]!.type;
    if (want !== undefined && type !== want) errors.push(`${at(b, inst)}: ${role} (${show(v)}) has type ${type}, expected ${want}`);
    if (def.block === b) {
      if (def.index >= i) errors.push(`${at(b, inst)}: ${role} (${show(v)}) is used before its definition`);
    } else if (dom.isReachable(b) && !dom.dominates(def.block, b)) {
      errors.push(`${at(b, inst)}: ${role} (${show(v)}) is defined in ${printBlockName(def.block)}, which does not dominate ${printBlockName(b)}`);
    }
  };

  func.blocks.forEach((block, b) => {
    const last = block.insts[block.insts.length - 1];
    if (last === undefined) errors.push(`${at(b)}: empty block, expected a terminator`);
    else if (OPS[last.op]?.effect !== 'terminator') errors.push(`${at(b, last)}: the block does not end with a terminator`);
    block.insts.forEach((inst, i) => {
      const info: OpInfo | undefined = OPS[inst.op];
      if (info === undefined) return void errors.push(`${at(b, inst)}: unknown op ${inst.op}`);
      if (info.effect === 'terminator' && i !== block.insts.length - 1) errors.push(`${at(b, inst)}: terminator before the end of the block`);
      errors.push(...checkImmediate(inst, info).map((e) => `${at(b, inst)}: ${e}`));

      // Operands, against the op row or the helper signature.
      let params: readonly Type[] | undefined = info.args === 'variadic' ? undefined : info.args;
      if (info.imm === 'helper' && Object.hasOwn(HELPERS, String(inst.imm))) {
        params = HELPERS[inst.imm as HelperName].params;
        if (inst.args.length !== params.length) {
          errors.push(`${at(b, inst)}: helper ${inst.imm} takes ${plural(params.length, 'argument')} (${params.join(', ')}), got ${inst.args.length}`);
        }
      } else if (params !== undefined && inst.args.length !== params.length) {
        errors.push(`${at(b, inst)}: ${inst.op} takes ${plural(params.length, 'operand')} (${params.join(', ')}), got ${inst.args.length}`);
      }
      inst.args.forEach((v, k) => checkUse(v, params?.[k], b, i, inst, `operand ${k + 1}`));

      // Branch targets.
      const targets = inst.targets ?? [];
      const wantTargets = targetCount(inst.op);
      if (targets.length !== wantTargets) errors.push(`${at(b, inst)}: ${inst.op} takes ${plural(wantTargets, 'target')}, got ${targets.length}`);
      for (const t of targets) {
        const target = func.blocks[t.block];
        const name = printBlockName(t.block);
        if (target === undefined) {
          errors.push(`${at(b, inst)}: target ${name} does not exist`);
          continue;
        }
        if (t.block === 0) errors.push(`${at(b, inst)}: branch to block0; the entry block may not be a branch target`);
        const types = target.params.map((p) => func.values[p]?.type);
        if (t.args.length !== types.length) {
          errors.push(`${at(b, inst)}: target ${name} takes ${plural(types.length, 'argument')} (${types.join(', ')}), got ${t.args.length}`);
        }
        t.args.forEach((v, k) => checkUse(v, types[k], b, i, inst, `${name} argument ${k + 1}`));
      }
    });
  });
  return errors;
}

/** The op's result type, or undefined for an unknown op or helper. */
function resultType(inst: Inst): Type | 'none' | undefined {
  const info: OpInfo | undefined = OPS[inst.op];
  if (info === undefined) return undefined;
  if (info.result !== 'helper') return info.result;
  return Object.hasOwn(HELPERS, String(inst.imm)) ? HELPERS[inst.imm as HelperName].result : undefined;
}

function checkImmediate(inst: Inst, info: OpInfo): string[] {
  const imm = inst.imm;
  switch (info.imm) {
    case 'none':
      return imm === undefined ? [] : [`${inst.op} takes no immediate, got ${String(imm)}`];
    case 'i32':
      return typeof imm === 'number' && Number.isInteger(imm) && imm >= -(2 ** 31) && imm < 2 ** 32
        ? []
        : [`${inst.op} needs a 32-bit integer immediate, got ${describe(imm)}`];
    case 'i64':
      return typeof imm === 'bigint' && imm >= -(1n << 63n) && imm < 1n << 64n
        ? []
        : [`${inst.op} needs a 64-bit bigint immediate, got ${describe(imm)}`];
    case 'slot':
      return typeof imm === 'string' && Object.hasOwn(StateSlot, imm) ? [] : [`unknown state slot ${describe(imm)} (not in abi StateSlot)`];
    case 'helper':
      return typeof imm === 'string' && Object.hasOwn(HELPERS, imm) ? [] : [`unknown helper ${describe(imm)} (not in abi HELPERS)`];
    case 'exit':
      return typeof imm === 'number' && Object.values(ExitCode).includes(imm as never) ? [] : [`unknown exit code ${describe(imm)} (not in abi ExitCode)`];
    case 'pageCache':
      return imm === undefined || (typeof imm === 'number' && Number.isInteger(imm) && imm >= 0 && imm <= MAX_PAGE_CACHE_SLOT)
        ? []
        : [`${inst.op} takes an optional page-cache slot 0..${MAX_PAGE_CACHE_SLOT}, got ${describe(imm)}`];
  }
}

const describe = (imm: Inst['imm']): string =>
  imm === undefined ? 'none' : typeof imm === 'string' ? `'${imm}'` : typeof imm === 'bigint' ? `${imm}n` : String(imm);

/** Throws a FerryError listing every problem, prefixed by `context` (e.g. the pass that just ran). */
export function verifyOrThrow(func: Func, context?: string): void {
  const errors = verify(func);
  if (errors.length === 0) return;
  const head = `IR verification of ${printFuncName(func.name)} failed${context ? ` ${context}` : ''}`;
  throw new FerryError(`${head}:\n  ${errors.join('\n  ')}`);
}
