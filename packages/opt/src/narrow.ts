// narrow: keeps 32-bit guest arithmetic (RV64's W instructions, which sign-extend every result)
// in i32 where only the low 32 bits matter, and recognizes rotates.
//   or|and|xor.i64 (extend_s.i32 x) (extend_s.i32 y)  -->  extend_s.i32 (or|and|xor.i32 x y)
//   or.i32 (shl.i32 x c) (shr_u.i32 x 32-c)            -->  rotl.i32 x c   (either operand order)
//   sext32.i64 y, when every use of its value reads only the low 32 bits (through wrap, sext32,
//   the value of a store of 4 bytes or fewer, or add/sub/mul/and/or/xor, or the shifted operand
//   of shl, whose own results are so used)
//                                                       -->  y
// A gcc build for RV64GC without Zbb spells every rotate as two shifts and an or, and every addw
// chain re-extends each partial sum; sha256's rounds are made of both.
// Invariant: each rewrite keeps the value's 64 bits wherever they are read in full; the only
// values replaced are sext32 results no use reads above bit 31.
import { definitions, type BlockId, type Definitions, type Func, type Inst, type OpName, type Value } from '@ferry/ir';
import { constantOf, Replacements, substitute } from './func-edit.js';

const BITWISE_I64: ReadonlyMap<string, OpName> = new Map<string, OpName>([
  ['or.i64', 'or.i32'], ['and.i64', 'and.i32'], ['xor.i64', 'xor.i32'],
]);
/** i64 ops whose result's low 32 bits depend only on their operands' low 32 bits (for shl: the
 *  shifted operand's). */
const LOW_CLOSED: ReadonlySet<string> = new Set(['add.i64', 'sub.i64', 'mul.i64', 'and.i64', 'or.i64', 'xor.i64', 'shl.i64']);

export function narrow(func: Func): boolean {
  const defs = definitions(func);
  let changed = false;
  func.blocks.forEach((block, b) => {
    const out: Inst[] = [];
    for (const inst of block.insts) {
      const narrowed = BITWISE_I64.get(inst.op);
      if (narrowed !== undefined) {
        const x = extendedFrom(defs, inst.args[0]!);
        const y = extendedFrom(defs, inst.args[1]!);
        if (x !== undefined && y !== undefined) {
          const op32 = newInst(func, defs, b, narrowed, [x, y]);
          if (op32.op === 'or.i32') makeRotate(defs, op32);
          out.push(op32);
          inst.op = 'extend_s.i32';
          inst.args = [op32.result];
          changed = true;
        }
      } else if (inst.op === 'or.i32') {
        changed = makeRotate(defs, inst) || changed;
      }
      out.push(inst);
    }
    block.insts = out;
  });
  return dropSext32(func, defs) || changed;
}

/** x when v = extend_s.i32 x. */
function extendedFrom(defs: Definitions, v: Value): Value | undefined {
  const inst = defs[v];
  return inst?.op === 'extend_s.i32' ? inst.args[0] : undefined;
}

/** Rewrites an or.i32 of `shl.i32 x c` and `shr_u.i32 x (32-c)` (either order) into
 *  `rotl.i32 x c`, in place; false when it is no rotate. */
function makeRotate(defs: Definitions, or: Inst): boolean {
  for (const [l, r] of [[0, 1], [1, 0]] as const) {
    const shl = defs[or.args[l]!];
    const shr = defs[or.args[r]!];
    if (shl?.op !== 'shl.i32' || shr?.op !== 'shr_u.i32' || !sameI32(defs, shl.args[0]!, shr.args[0]!)) continue;
    const left = constantOf(defs, shl.args[1]!);
    const right = constantOf(defs, shr.args[1]!);
    if (left === undefined || right === undefined) continue;
    const c = Number(left & 31n);
    if (c === 0 || Number(right & 31n) !== 32 - c) continue;
    or.op = 'rotl.i32';
    or.args = [shl.args[0]!, shl.args[1]!];
    return true;
  }
  return false;
}

/** a and b are the same i32: one value, or wraps of one i64 (each lifted instruction wraps its
 *  own register read, and cse may not have merged them yet). */
function sameI32(defs: Definitions, a: Value, b: Value): boolean {
  if (a === b) return true;
  const da = defs[a];
  const db = defs[b];
  return da?.op === 'wrap.i64' && db?.op === 'wrap.i64' && da.args[0] === db.args[0];
}

function newInst(func: Func, defs: Definitions, block: BlockId, op: OpName, args: Value[]): Inst {
  const inst: Inst = { op, args, result: func.newValue('i32', block) };
  defs[inst.result] = inst;
  return inst;
}

/** Replaces the sext32 values whose every use reads only their low 32 bits by their operands. */
function dropSext32(func: Func, defs: Definitions): boolean {
  const fullUse = fullUses(func);
  const replace = new Replacements(func);
  for (let v = 0; v < func.values.length; v++) {
    const inst = defs[v];
    if (inst?.op === 'sext32.i64' && !fullUse[v]) replace.set(v, inst.args[0]!);
  }
  substitute(func, replace);
  return replace.size > 0;
}

/** Per value, 1 when some use reads it above bit 31. Computed backwards to a fixpoint: a
 *  LOW_CLOSED op's operands are read in full only when its own result is. A register write
 *  (set_xreg) reads its value in full. */
function fullUses(func: Func): Uint8Array {
  const fullUse = new Uint8Array(func.values.length);
  for (const block of func.blocks) {
    for (const inst of block.insts) {
      if (inst.targets !== undefined) for (const t of inst.targets) for (const a of t.args) fullUse[a] = 1;
      // shl's amount is read (its low 6 bits) whatever the result's uses: count it read in full.
      if (inst.op === 'shl.i64') fullUse[inst.args[1]!] = 1;
      if (inst.op === 'sext32.i64' || inst.op === 'wrap.i64' || LOW_CLOSED.has(inst.op)) continue;
      // A store of 4 bytes or fewer reads its value's low bits only (its address in full).
      const narrowStore = inst.op === 'store.8' || inst.op === 'store.16' || inst.op === 'store.32';
      inst.args.forEach((a, i) => {
        if (!(narrowStore && i === 1)) fullUse[a] = 1;
      });
    }
  }
  for (let again = true; again; ) {
    again = false;
    for (let b = func.blocks.length - 1; b >= 0; b--) {
      const insts = func.blocks[b]!.insts;
      for (let k = insts.length - 1; k >= 0; k--) {
        const inst = insts[k]!;
        if (!LOW_CLOSED.has(inst.op) || !fullUse[inst.result]) continue;
        for (const a of inst.args) {
          if (!fullUse[a]) (fullUse[a] = 1), (again = true);
        }
      }
    }
  }
  return fullUse;
}
