// Dominator tree and CFG queries on small hand-written shapes: diamond, loop, unreachable block.
import { describe, expect, it } from 'vitest';
import { DominatorTree, predecessors, reversePostorder, successors } from './cfg.js';
import { parseFunc } from './parser.js';

const diamondWithLoop = parseFunc(`
func @f(i32) {
block0(v0: i32):
  brif v0, block1, block2
block1:
  jump block3
block2:
  jump block3
block3:
  brif v0, block4, block5
block4:
  jump block3
block5:
  v1 = iconst.i64 0
  goto_pc v1
block6:
  jump block5
}`);

describe('cfg', () => {
  it('lists successors and predecessors', () => {
    expect(successors(diamondWithLoop, 0)).toEqual([1, 2]);
    expect(successors(diamondWithLoop, 5)).toEqual([]);
    expect(predecessors(diamondWithLoop)).toEqual([[], [0], [0], [1, 2, 4], [3], [3, 6], []]);
  });

  it('orders reachable blocks in reverse postorder', () => {
    const rpo = reversePostorder(diamondWithLoop);
    expect(rpo[0]).toBe(0);
    expect(rpo).not.toContain(6);
    expect(new Set(rpo)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    // Every forward edge goes from earlier to later; only the back edge 4 -> 3 goes backwards.
    expect(rpo.indexOf(3)).toBeGreaterThan(Math.max(rpo.indexOf(1), rpo.indexOf(2)));
  });

  it('computes immediate dominators and dominance', () => {
    const dom = new DominatorTree(diamondWithLoop);
    expect(dom.idom).toEqual([-1, 0, 0, 0, 3, 3, -1]);
    // Children agree with idom, in reverse postorder; the unreachable block 6 is nobody's child.
    expect(dom.children.map((c) => [...c].sort())).toEqual([[1, 2, 3], [], [], [4, 5], [], [], []]);
    for (const kids of dom.children) expect(kids).toEqual([...kids].sort((a, b) => dom.rpo.indexOf(a) - dom.rpo.indexOf(b)));
    expect(dom.dominates(0, 5)).toBe(true);
    expect(dom.dominates(3, 4)).toBe(true);
    expect(dom.dominates(3, 3)).toBe(true);
    expect(dom.dominates(1, 3)).toBe(false);
    expect(dom.dominates(4, 3)).toBe(false);
    expect(dom.isReachable(6)).toBe(false);
    expect(dom.dominates(6, 5)).toBe(false);
    expect(dom.dominates(0, 6)).toBe(false);
  });
});
