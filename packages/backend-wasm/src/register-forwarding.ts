// Register forwarding for code that runs no IR passes (the baseline tier; emit.ts
// BodyContext.forwardRegisters): along a chain of blocks each with one predecessor, the value each
// guest register was last written or read as, so a later read takes that value's local instead of
// loading the state block. Every write still stores, so the state block is exact at exits.
// Invariant: a block with one predecessor runs only after it, so what held at the predecessor's
// end holds at its start (values defined there dominate it); a block with none (an exit moved into
// a store's slow path) or several starts knowing nothing. Registers are cells: x0-x31 as 0-31,
// f0-f31 as 32-63; a write through a register number known only at run time forgets them all.
import type { Func, Value } from '@ferry/ir';

interface EdgeCounts {
  /** Per block, its only predecessor, or -1 when it has none or several. */
  soleFrom: Int32Array;
  /** Per block, how many edges leave it. */
  fanOut: Int32Array;
}

/** Edge counts from the blocks' terminators (cheaper than ir's predecessor lists, for the
 *  baseline tier's many small functions). */
function edgeCounts(func: Func): EdgeCounts {
  const n = func.blocks.length;
  const soleFrom = new Int32Array(n).fill(-1);
  const incoming = new Int32Array(n);
  const fanOut = new Int32Array(n);
  func.blocks.forEach((block, b) => {
    for (const t of block.insts[block.insts.length - 1]!.targets ?? []) {
      fanOut[b]!++;
      if (incoming[t.block]!++ === 0) soleFrom[t.block] = b;
      else soleFrom[t.block] = -1;
    }
  });
  return { soleFrom, fanOut };
}

export class RegisterForwarding {
  /** What is known at the point being emitted, and per block, what was known at its end. */
  private known?: Map<number, Value>;
  private readonly atEnd: (Map<number, Value> | undefined)[] = [];
  /** The CFG's edge counts, made at the first block (after emit.ts has rewritten the CFG). */
  private edges?: EdgeCounts;

  constructor(private readonly func: Func) {}

  /** Before block `index` is emitted: what holds at its start becomes what is known. Returns the
   *  outer knowledge, for leave: a block emitted inside another's code (an exit in a slow path)
   *  leaves the outer one's as it was. */
  enter(index: number): Map<number, Value> | undefined {
    const outer = this.known;
    const edges = (this.edges ??= edgeCounts(this.func));
    const pred = edges.soleFrom[index]!;
    const inherited = pred >= 0 ? this.atEnd[pred] : undefined;
    // The predecessor's knowledge is taken over when this is its only successor, else copied.
    this.known = inherited ? (edges.fanOut[pred] === 1 ? inherited : new Map(inherited)) : new Map();
    return outer;
  }

  /** After block `index`: records what holds at its end and restores `outer` (enter's result). */
  leave(index: number, outer: Map<number, Value> | undefined): void {
    this.atEnd[index] = this.known;
    this.known = outer;
  }

  /** The value `cell` is known to hold; otherwise undefined, and `result` (the read's own value)
   *  holds the register from here on when `used` (only a used value gets a local). */
  read(cell: number | undefined, result: Value, used: boolean): Value | undefined {
    if (!this.known || cell === undefined) return undefined;
    const v = this.known.get(cell);
    if (v === undefined && used) this.known.set(cell, result);
    return v;
  }

  /** After a write of `value` to `cell` (undefined: a register numbered at run time). */
  write(cell: number | undefined, value: Value): void {
    if (!this.known) return;
    if (cell !== undefined) this.known.set(cell, value);
    else this.known.clear();
  }
}
