// The grouping rules of access-groups.ts, on IR text: which accesses share a guard, where the
// guard goes, and what it reads.
import { describe, expect, it } from 'vitest';
import { definitions, parseFunc, type Func, type Inst, type Value } from '@ferry/ir';
import { planAccessGroups } from './access-groups.js';
import { planSinking } from './sinking.js';

function plan(text: string) {
  const func: Func = parseFunc(text);
  const constants = new Map<Value, Inst>();
  for (const block of func.blocks) for (const inst of block.insts) if (inst.op.startsWith('iconst.')) constants.set(inst.result, inst);
  const p = planAccessGroups(func, definitions(func), constants, planSinking(func, constants), new Set());
  const insts = func.blocks.flatMap((b) => b.insts);
  /** Per group (by its guard's value and delta): the members' result values or pcs, with offsets. */
  const groups = new Map<string, string[]>();
  for (const inst of insts) {
    const m = p.members.get(inst);
    if (!m) continue;
    const key = `v${m.group.from}${m.group.delta >= 0n ? '+' : ''}${m.group.delta} span ${m.group.span} check ${m.group.check}`;
    groups.set(key, [...(groups.get(key) ?? []), `${inst.op}@${m.offset}`]);
  }
  const guards = [...p.guards].flatMap(([b, at]) => [...at].map(([i, gs]) => `block${b}[${i}] x${gs.length}`));
  return { groups: Object.fromEntries(groups), guards };
}

describe('access groups', () => {
  it('group three loads off one base; leave a pair off another base alone', () => {
    const r = plan(`
func @f(i64, i64) {
block0(v0: i64, v1: i64):
  v2 = iconst.i64 4096
  v3 = load.64 v1, v2
  v4 = iconst.i64 8
  v5 = add.i64 v1, v4
  v6 = load.s32 v5, v2
  v7 = iconst.i64 12
  v8 = add.i64 v1, v7
  v9 = load.u16 v8, v2
  v10 = load.64 v0, v2
  v11 = add.i64 v0, v4
  v12 = load.64 v11, v2
  v13 = add.i64 v3, v6
  v14 = add.i64 v13, v9
  v15 = add.i64 v14, v10
  v16 = add.i64 v15, v12
  goto_pc v16
}`);
    // The first member's address is the base itself, held in a local: the guard reads it.
    expect(r.groups).toEqual({ 'v1+0 span 14 check 64': ['load.64@0', 'load.s32@8', 'load.u16@12'] });
    expect(r.guards).toEqual(['block0[1] x1']); // before the first load (index 0 is a constant)
  });

  it('follow a chain of blocks, and read the base when the first address is nested', () => {
    const r = plan(`
func @f(i64, i64, i64) {
block0(v0: i64, v1: i64, v2: i64):
  v3 = iconst.i64 -8
  v4 = add.i64 v1, v3
  v5 = iconst.i64 4096
  store.64 v4, v2, v5
  jump block1
block1:
  v6 = iconst.i64 -16
  v7 = add.i64 v1, v6
  store.64 v7, v2, v5
  jump block2
block2:
  v8 = iconst.i64 -24
  v9 = add.i64 v1, v8
  v10 = load.64 v9, v5
  goto_pc v10
}`);
    expect(r.groups).toEqual({ 'v1-24 span 24 check 192': ['store.64@16', 'store.64@8', 'load.64@0'] });
    expect(r.guards).toEqual(['block0[3] x1']);
  });

  it('stop a chain at a block with two predecessors', () => {
    const r = plan(`
func @f(i64, i64, i64) {
block0(v0: i64, v1: i64, v2: i64):
  v5 = iconst.i64 4096
  store.64 v1, v2, v5
  v3 = iconst.i64 8
  v4 = add.i64 v1, v3
  store.64 v4, v2, v5
  brif v0, block1, block2
block1:
  jump block2
block2:
  v6 = iconst.i64 16
  v7 = add.i64 v1, v6
  store.64 v7, v2, v5
  goto_pc v5
}`);
    expect(r.groups).toEqual({});
  });

  it('leave out members too far apart; group members at any alignment', () => {
    /** 8-byte loads off v1 at the offsets, in order, summed. */
    const loadsOff = (offsets: readonly number[]): string => {
      const lines = ['  v2 = iconst.i64 4096'];
      let next = 3;
      const loaded = offsets.map((offset) => {
        let address = 1;
        if (offset !== 0) {
          lines.push(`  v${next} = iconst.i64 ${offset}`, `  v${next + 1} = add.i64 v1, v${next}`);
          address = next + 1;
          next += 2;
        }
        lines.push(`  v${next} = load.64 v${address}, v2`);
        return next++;
      });
      let sum = loaded[0]!;
      for (const v of loaded.slice(1)) (lines.push(`  v${next} = add.i64 v${sum}, v${v}`), (sum = next++));
      return `func @f(i64, i64) {\nblock0(v0: i64, v1: i64):\n${lines.join('\n')}\n  goto_pc v${sum}\n}`;
    };
    expect(plan(loadsOff([0, 8, 2000, 16])).groups).toEqual({ 'v1+0 span 24 check 64': ['load.64@0', 'load.64@8', 'load.64@16'] });
    expect(plan(loadsOff([0, 4, 12])).groups).toEqual({ 'v1+0 span 20 check 64': ['load.64@0', 'load.64@4', 'load.64@12'] });
  });
});
