// Dominator tree and CFG queries on small hand-written shapes: diamond, loop, unreachable block.
import { describe, expect, it } from 'vitest';
import { DominatorTree, graphBlocksInCycles, predecessors, reversePostorder, successors } from './cfg.js';
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
  it('finds the blocks on cycles: the loop, a self-loop, nothing else', () => {
    expect(graphBlocksInCycles([[1, 2], [3], [3], [4, 5], [3], [], [5]])).toEqual([false, false, false, true, true, false, false]);
    expect(graphBlocksInCycles([[0, 1], [1], []])).toEqual([true, true, false]);
  });
  it('agrees with reachability (a block reaches itself) on random graphs', () => {
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let g = 0; g < 300; g++) {
      const n = 1 + rand(14);
      const succs = Array.from({ length: n }, () => Array.from({ length: rand(3) }, () => rand(n)));
      const reachesItself = succs.map((_, start) => {
        const seen = new Set<number>();
        const stack = [...succs[start]!];
        while (stack.length) {
          const b = stack.pop()!;
          if (b === start) return true;
          if (seen.has(b)) continue;
          seen.add(b);
          stack.push(...succs[b]!);
        }
        return false;
      });
      expect(graphBlocksInCycles(succs)).toEqual(reachesItself);
    }
  });
});
