// Tests of local-allocation.ts on IR functions: a value live around a loop's back edge keeps its
// local for the whole loop; values with disjoint ranges share a local; types never mix. (Running
// code that depends on this is in structure.test.ts; the emitted text in filetests/sinking.ir.)
import { describe, expect, it } from 'vitest';
import { parseFunc, verify, type Func, type Value } from '@ferry/ir';
import { allocateLocals, type LocalAssignment } from './local-allocation.js';
import { planSinking } from './sinking.js';
import { layoutCfg } from './structure.js';
import { OUTER_VALUE_LOOP } from './testing/loop-ir.js';

function allocate(text: string): { func: Func; assignment: LocalAssignment; nested: (v: Value) => boolean } {
  const func = parseFunc(text);
  expect(verify(func)).toEqual([]);
  const constants = new Map(func.blocks.flatMap((b) => b.insts.filter((i) => i.op.startsWith('iconst') || i.op.startsWith('fconst')).map((i) => [i.result, i] as const)));
  const plan = planSinking(func, constants);
  const inputs = new Set(func.params);
  const assignment = allocateLocals(func, layoutCfg(func), plan, (v) => !constants.has(v) && !inputs.has(v));
  return { func, assignment, nested: (v) => plan.consumer[v]! >= 0 };
}

const slot = (a: LocalAssignment, v: Value): number => a.slotOf[v] ?? -1;

describe('local allocation', () => {
  it('keeps the local of a value read around a loop back edge for the whole loop', () => {
    // v2 is defined before the loop and last read by v6's statement inside it; v8 and v10 are
    // defined after that read in the same iteration, but the next iteration reads v2 again.
    const { assignment, nested } = allocate(OUTER_VALUE_LOOP);
    expect(nested(6)).toBe(true);
    expect(nested(11)).toBe(true);
    const inLoop = [4, 5, 7, 8, 10].map((v) => slot(assignment, v));
    expect(inLoop.every((s) => s >= 0)).toBe(true);
    expect(slot(assignment, 2)).toBeGreaterThanOrEqual(0);
    expect(inLoop).not.toContain(slot(assignment, 2));
    // The loop parameters are written on the back edge and read at the top: live all around, so
    // their locals are their own; v7 dies where v8 is defined, so those two may share.
    const aroundTheLoop = [4, 5, 8, 10].map((v) => slot(assignment, v));
    expect(new Set(aroundTheLoop).size).toBe(4);
    expect(slot(assignment, 7)).toBe(slot(assignment, 8));
  });

  it('lets values with disjoint ranges share one local', () => {
    // v1 dies at v2's statement, v2 at v3's: one slot for all three; v4 nests in goto_pc.
    const { assignment } = allocate(`
func @chain(i64) {
block0(v0: i64):
  v1 = mul.i64 v0, v0
  v2 = add.i64 v1, v1
  v3 = mul.i64 v2, v2
  v4 = add.i64 v3, v3
  goto_pc v4
}`);
    expect(assignment.slotTypes).toEqual(['i64']);
    expect([1, 2, 3].map((v) => slot(assignment, v))).toEqual([0, 0, 0]);
    expect(slot(assignment, 4)).toBe(-1);
  });

  it('never gives values of different types one local', () => {
    const { assignment } = allocate(`
func @types(i64) {
block0(v0: i64):
  v1 = bits_to_f64 v0
  v2 = fmul.f64 v1, v1
  v3 = f64_to_bits v2
  v4 = add.i64 v3, v3
  v5 = wrap.i64 v4
  v6 = add.i32 v5, v5
  v7 = extend_u.i32 v6
  goto_pc v7
}`);
    for (const v of [1, 3, 5]) expect(assignment.slotTypes[slot(assignment, v)]).toBe(['f64', 'i64', 'i32'][(v - 1) / 2]);
    expect(assignment.slotTypes).toHaveLength(3);
  });

  it('keeps a value defined in a loop and read after it for the whole loop', () => {
    // v5 is defined in the loop and read after it: live from the loop's start to that read, so
    // the loop's other values never take its local.
    const { assignment } = allocate(`
func @after(i64) {
block0(v0: i64):
  v1 = iconst.i64 0
  jump block1(v1)
block1(v2: i64):
  v3 = iconst.i64 1
  v4 = add.i64 v2, v3
  v5 = mul.i64 v4, v4
  v6 = lt_u.i64 v4, v0
  brif v6, block1(v4), block2
block2:
  v7 = add.i64 v5, v5
  goto_pc v7
}`);
    expect([2, 4].map((v) => slot(assignment, v))).not.toContain(slot(assignment, 5));
  });
});
