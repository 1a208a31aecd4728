// const-fold: evaluates pure integer ops whose operands are constants, applies algebraic
// identities, and turns a brif on a constant into a jump. Invariant: a fold never changes a value
// the op defines; ops with undefined results (div/rem by zero, signed MIN / -1) are left alone.
import { definitions, type Definitions, type Func, type Inst, type Value } from '@ferry/ir';
import { constantOf, makeConstant, newConstant, Replacements, rewriteOperands, substitute } from './func-edit.js';

type Int = 'i32' | 'i64';
const widthOf = (t: Int): 32 | 64 => (t === 'i32' ? 32 : 64);
const signed = (t: Int, x: bigint): bigint => BigInt.asIntN(widthOf(t), x);
const unsigned = (t: Int, x: bigint): bigint => BigInt.asUintN(widthOf(t), x);

/** Folds one binary op on constants; undefined when the result is undefined or not foldable. */
function foldBinary(family: string, t: Int, a: bigint, b: bigint): bigint | undefined {
  const w = BigInt(widthOf(t));
  const [ua, ub] = [unsigned(t, a), unsigned(t, b)];
  const [sa, sb] = [signed(t, a), signed(t, b)];
  const count = ub % w;
  const min = -(1n << (w - 1n));
  const flag = (c: boolean): bigint => (c ? 1n : 0n);
  switch (family) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'and': return a & b;
    case 'or': return a | b;
    case 'xor': return a ^ b;
    case 'shl': return ua << count;
    case 'shr_u': return ua >> count;
    case 'shr_s': return sa >> count;
    case 'rotl': return (ua << count) | (ua >> ((w - count) % w));
    case 'rotr': return (ua >> count) | (ua << ((w - count) % w));
    // Division: truncating (BigInt division truncates); undefined cases stay unfolded.
    case 'div_s': return ub === 0n || (sa === min && sb === -1n) ? undefined : sa / sb;
    case 'rem_s': return ub === 0n || (sa === min && sb === -1n) ? undefined : sa % sb;
    case 'div_u': return ub === 0n ? undefined : ua / ub;
    case 'rem_u': return ub === 0n ? undefined : ua % ub;
    case 'eq': return flag(ua === ub);
    case 'ne': return flag(ua !== ub);
    case 'lt_s': return flag(sa < sb);
    case 'lt_u': return flag(ua < ub);
    case 'le_s': return flag(sa <= sb);
    case 'le_u': return flag(ua <= ub);
    case 'gt_s': return flag(sa > sb);
    case 'gt_u': return flag(ua > ub);
    case 'ge_s': return flag(sa >= sb);
    case 'ge_u': return flag(ua >= ub);
    default: return undefined;
  }
}

function foldUnary(op: string, a: bigint): bigint | undefined {
  if (op === 'sext8.i64') return BigInt.asIntN(8, a);
  if (op === 'sext16.i64') return BigInt.asIntN(16, a);
  if (op === 'sext32.i64') return BigInt.asIntN(32, a);
  const [family, type] = op.split('.') as [string, string];
  if (type === 'i32' || type === 'i64') {
    const t = type as Int;
    const w = widthOf(t);
    const u = unsigned(t, a);
    switch (family) {
      case 'eqz': return u === 0n ? 1n : 0n;
      case 'popcnt': return BigInt([...u.toString(2)].filter((c) => c === '1').length);
      case 'clz': return BigInt(w - (u === 0n ? 0 : u.toString(2).length));
      case 'ctz': {
        if (u === 0n) return BigInt(w);
        let n = 0n;
        for (let x = u; (x & 1n) === 0n; x >>= 1n) n++;
        return n;
      }
      case 'extend_s': return signed('i32', a);
      case 'extend_u': return unsigned('i32', a);
      case 'wrap': return signed('i32', a);
    }
    return undefined;
  }
  return undefined;
}

function foldMulh(op: string, a: bigint, b: bigint): bigint | undefined {
  const s = (x: bigint): bigint => BigInt.asIntN(64, x);
  const u = (x: bigint): bigint => BigInt.asUintN(64, x);
  if (op === 'mulh_s.i64') return (s(a) * s(b)) >> 64n;
  if (op === 'mulh_u.i64') return (u(a) * u(b)) >> 64n;
  if (op === 'mulh_su.i64') return (s(a) * u(b)) >> 64n;
  return undefined;
}

/** The result of an algebraic identity: another value, a constant, or nothing. */
type Simplified = { value: Value } | { constant: bigint } | undefined;

/** Identities with at most one constant operand (ca, cb: the constants, if any). */
function identity(family: string, t: Int, a: Value, b: Value, ca: bigint | undefined, cb: bigint | undefined): Simplified {
  const w = BigInt(widthOf(t));
  const ones = -1n;
  const isC = (c: bigint | undefined, k: bigint): boolean => c !== undefined && signed(t, c) === k;
  switch (family) {
    case 'add': // x + 0 --> x ; 0 + x --> x
      if (isC(cb, 0n)) return { value: a };
      if (isC(ca, 0n)) return { value: b };
      return undefined;
    case 'sub': // x - 0 --> x ; x - x --> 0
      if (isC(cb, 0n)) return { value: a };
      if (a === b) return { constant: 0n };
      return undefined;
    case 'mul': // x * 1 --> x ; x * 0 --> 0
      if (isC(cb, 1n)) return { value: a };
      if (isC(ca, 1n)) return { value: b };
      if (isC(ca, 0n) || isC(cb, 0n)) return { constant: 0n };
      return undefined;
    case 'and': // x & -1 --> x ; x & 0 --> 0 ; x & x --> x
      if (isC(cb, ones)) return { value: a };
      if (isC(ca, ones)) return { value: b };
      if (isC(ca, 0n) || isC(cb, 0n)) return { constant: 0n };
      if (a === b) return { value: a };
      return undefined;
    case 'or': // x | 0 --> x ; x | -1 --> -1 ; x | x --> x
      if (isC(cb, 0n)) return { value: a };
      if (isC(ca, 0n)) return { value: b };
      if (isC(ca, ones) || isC(cb, ones)) return { constant: ones };
      if (a === b) return { value: a };
      return undefined;
    case 'xor': // x ^ 0 --> x ; x ^ x --> 0
      if (isC(cb, 0n)) return { value: a };
      if (isC(ca, 0n)) return { value: b };
      if (a === b) return { constant: 0n };
      return undefined;
    case 'shl': case 'shr_u': case 'shr_s': case 'rotl': case 'rotr': // x << 0 --> x (count mod width)
      if (cb !== undefined && unsigned(t, cb) % w === 0n) return { value: a };
      return undefined;
    case 'div_s': case 'div_u': // x / 1 --> x
      if (isC(cb, 1n)) return { value: a };
      return undefined;
    case 'eq': case 'le_s': case 'le_u': case 'ge_s': case 'ge_u': // x == x --> 1
      return a === b ? { constant: 1n } : undefined;
    case 'ne': case 'lt_s': case 'lt_u': case 'gt_s': case 'gt_u': // x != x --> 0
      return a === b ? { constant: 0n } : undefined;
    default:
      return undefined;
  }
}

export function constFold(func: Func): boolean {
  const defs = definitions(func);
  const replace = new Replacements(func);
  let changed = false;
  const constant = (v: Value): bigint | undefined => constantOf(defs, replace.get(v));

  const inserted: Inst[] = [];
  for (let blockId = 0; blockId < func.blocks.length; blockId++) {
    const block = func.blocks[blockId]!;
    const insts = block.insts;
    // The block's new instruction list, made once an instruction is inserted.
    let out: Inst[] | undefined;
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      if (replace.size > 0) rewriteOperands(inst, replace.get);
      changed = foldInst(func, defs, inst, blockId, inserted, constant, replace) || changed;
      if (inserted.length > 0) {
        out ??= insts.slice(0, i);
        for (const k of inserted) out.push(k);
        inserted.length = 0;
      }
      out?.push(inst);
    }
    if (out !== undefined) block.insts = out;
  }
  // Values replaced by others are now unused; dce removes their definitions.
  substitute(func, replace);
  return changed;
}

/** An op name split once into family and type (`add.i64` --> add, i64). */
interface OpShape {
  family: string;
  type: string | undefined;
  /** Integer type of the op, when its type part is i32 or i64. */
  int: Int | undefined;
  /** foldUnary may fold it (one operand). */
  unaryFoldable: boolean;
}
const SHAPES = new Map<string, OpShape>();
const UNARY_FAMILIES = new Set(['eqz', 'popcnt', 'clz', 'ctz', 'extend_s', 'extend_u', 'wrap']);
function shapeOf(op: string): OpShape {
  let shape = SHAPES.get(op);
  if (shape === undefined) {
    const [family, type] = op.split('.') as [string, string | undefined];
    const int = type === 'i32' || type === 'i64' ? type : undefined;
    const unaryFoldable = op === 'sext8.i64' || op === 'sext16.i64' || op === 'sext32.i64' || (int !== undefined && UNARY_FAMILIES.has(family));
    shape = { family, type, int, unaryFoldable };
    SHAPES.set(op, shape);
  }
  return shape;
}

/** Folds one instruction in place (or records its result's replacement); `before` receives any new
 *  instructions that must precede it. */
function foldInst(
  func: Func, defs: Definitions, inst: Inst, blockId: number, before: Inst[], constant: (v: Value) => bigint | undefined, replace: Replacements,
): boolean {
  if (inst.op === 'brif') {
    // brif c, T, F --> jump T (c != 0) or jump F (c == 0)
    const c = constant(inst.args[0]!);
    if (c === undefined) return false;
    const target = inst.targets![c !== 0n ? 0 : 1]!;
    inst.op = 'jump';
    inst.args = [];
    inst.targets = [target];
    return true;
  }
  const arity = inst.args.length;
  if (arity === 0) return false;
  const { family, int, unaryFoldable } = shapeOf(inst.op);
  if (family === 'select' && int !== undefined) {
    // select c, a, b --> a (c != 0) or b (c == 0) ; select c, a, a --> a
    const [c, a, b] = inst.args as [Value, Value, Value];
    const cc = constant(c);
    if (cc !== undefined) replace.set(inst.result, cc !== 0n ? a : b);
    else if (a === b) replace.set(inst.result, a);
    else return false;
    return true;
  }
  if (family === 'mulh_s' || family === 'mulh_u' || family === 'mulh_su') {
    const a = constant(inst.args[0]!);
    const b = a === undefined ? undefined : constant(inst.args[1]!);
    if (a === undefined || b === undefined) return false;
    makeConstant(inst, 'i64', foldMulh(inst.op, a, b)!);
    return true;
  }
  if (arity === 1) {
    if (!unaryFoldable) return false; // foldUnary folds nothing else
    const a = constant(inst.args[0]!);
    if (a === undefined) return false;
    const value = foldUnary(inst.op, a);
    if (value === undefined) return false;
    makeConstant(inst, func.typeOf(inst.result) as Int, value);
    return true;
  }
  if (arity !== 2 || int === undefined || func.values[inst.result] === undefined) return false;
  const t = int;
  const resultType = func.typeOf(inst.result) as Int;
  const ca = constant(inst.args[0]!);
  const cb = constant(inst.args[1]!);
  if (ca !== undefined && cb !== undefined) {
    const value = foldBinary(family, t, ca, cb);
    if (value === undefined) return false;
    makeConstant(inst, resultType, value);
    return true;
  }
  const simplified = identity(family, t, inst.args[0]!, inst.args[1]!, ca, cb);
  if (simplified !== undefined) {
    if ('value' in simplified) replace.set(inst.result, simplified.value);
    else makeConstant(inst, resultType, simplified.constant);
    return true;
  }
  return reassociate(func, defs, inst, family, t, blockId, before, cb, constant, replace);
}

/** Constant offsets gather in one add, so chains of updates (budget, instret, addresses) fold:
 *  sub x, c --> add x, -c ; add (add x, c1), c2 --> add x, c1 + c2 */
function reassociate(
  func: Func, defs: Definitions, inst: Inst, family: string, t: Int, blockId: number, before: Inst[], c: bigint | undefined,
  constant: (v: Value) => bigint | undefined, replace: Replacements,
): boolean {
  if (c === undefined || (family !== 'add' && family !== 'sub')) return false;
  const delta = family === 'add' ? c : -c;
  const inner = definingAdd(defs, inst.args[0]!, constant);
  if (family === 'add' && inner === undefined) return false;
  const base = inner?.base ?? inst.args[0]!;
  const total = signed(t, delta + (inner?.offset ?? 0n));
  if (total === 0n) {
    replace.set(inst.result, base); // add (add x, c), -c --> x
    return true;
  }
  const k = newConstant(func, blockId, t, total);
  defs[k.result] = k;
  before.push(k);
  inst.op = t === 'i32' ? 'add.i32' : 'add.i64';
  inst.args = [base, k.result];
  return true;
}

/** `x + c` as its base and offset, when v is defined by an add of a constant. */
function definingAdd(defs: Definitions, v: Value, constant: (v: Value) => bigint | undefined): { base: Value; offset: bigint } | undefined {
  const def = defs[v];
  if (def === undefined || (def.op !== 'add.i32' && def.op !== 'add.i64')) return undefined;
  const offset = constant(def.args[1]!);
  return offset === undefined ? undefined : { base: def.args[0]!, offset };
}
