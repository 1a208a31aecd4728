// Which branches on an i32 `and` may be split into one branch per operand (emit.ts conditional):
// the lifter's FP fast paths join four or five 0/1 tests with `and` before one brif, which V8
// compiles as setcc and and; one br_if per negated leaf compiles to a compare and a jump each.
// Invariant: the split is exact only when every leaf is 0 or 1 (then the and is nonzero exactly
// when every leaf is) and the leaves it may skip compute nothing with an effect.
import { FLOAT_COMPARE, INT_COMPARE, OPS, type Definitions, type Inst, type Value } from '@ferry/ir';
import type { SinkPlan } from './sinking.js';

/** The ops whose result is 0 or 1: comparisons and eqz, of every type. */
const BOOLEAN_FAMILIES: ReadonlySet<string> = new Set([...INT_COMPARE, 'eqz', ...FLOAT_COMPARE]);
const BOOLEAN_OPS: ReadonlySet<string> = new Set(Object.keys(OPS).filter((op) => BOOLEAN_FAMILIES.has(op.split('.')[0]!)));

/** The leaves of `cond`, in evaluation order, when it is an i32 `and` tree nested in its use (so
 *  nothing else reads it) whose leaves are all 0 or 1 and all but the first pure; undefined
 *  otherwise. A constant-1 leaf tests nothing and is left out. */
export function andLeaves(
  cond: Value, definitions: Definitions, constants: ReadonlyMap<Value, Inst>, sinks: SinkPlan,
): Value[] | undefined {
  const root = sinks.definition[cond];
  if (root?.op !== 'and.i32') return undefined;
  const isOne = (v: Value) => {
    const k = constants.get(v);
    return k !== undefined && BigInt(k.imm!) === 1n;
  };
  /** Whether v is 0 or 1: a comparison, eqz, a constant 0 or 1, an i32 `and` with such an
   *  operand, or the wrap of an i64 `and` with 1. */
  const isBoolean = (v: Value): boolean => {
    const inst = definitions[v];
    if (!inst) return false;
    if (BOOLEAN_OPS.has(inst.op)) return true;
    if (inst.op === 'iconst.i32') return inst.imm === 0 || inst.imm === 1;
    if (inst.op === 'and.i32') return isBoolean(inst.args[0]!) || isBoolean(inst.args[1]!);
    if (inst.op === 'wrap.i64') return definitions[inst.args[0]!]?.op === 'and.i64' && definitions[inst.args[0]!]!.args.some(isOne);
    return false;
  };
  /** Whether evaluating v where it is used has no effect: a constant, a value in a local, or one
   *  nested and computed by pure ops from such values. */
  const pureTree = (v: Value): boolean => {
    const nested = sinks.definition[v];
    return !nested || (OPS[nested.op].effect === 'pure' && nested.args.every(pureTree));
  };
  const leaves: Value[] = [];
  const collect = (v: Value): boolean => {
    const nested = sinks.definition[v];
    if (nested?.op === 'and.i32') return collect(nested.args[0]!) && collect(nested.args[1]!);
    if (!isBoolean(v)) return false;
    if (!isOne(v)) leaves.push(v);
    return true;
  };
  if (!collect(root.args[0]!) || !collect(root.args[1]!) || leaves.length === 0) return undefined;
  return leaves.slice(1).every(pureTree) ? leaves : undefined;
}
