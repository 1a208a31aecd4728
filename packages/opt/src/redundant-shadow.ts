// redundant-shadow: gives guest memory accesses off one base value (address `base + c`) a shared
// page-cache slot (`page N`) when an earlier dominating access off the same base lies within one
// 4 KiB span of it, so the backend reuses that access's shadow-table lookup when the page matches.
// Invariant: the slot is only a hint; the backend re-checks page and permission, so any tagging is exact.
import { DominatorTree, guestAccessOf, MAX_PAGE_CACHE_SLOT, walkDominatorTree, type BlockId, type Definitions, type Func, type Inst, type Value } from '@ferry/ir';
import { constantOf } from './func-edit.js';

const PAGE_SIZE = 4096n;

/** Bytes a memory op touches, or 0 for other ops. */
const accessSize = (inst: Inst): number => guestAccessOf(inst.op)?.bytes ?? 0;

interface Access {
  inst: Inst;
  base: Value;
  /** [start, end) offsets from base. */
  start: bigint;
  end: bigint;
}

export function redundantShadow(func: Func): boolean {
  // One scan: defining instructions, and each block's memory accesses in order.
  const defs: Definitions = new Array<Inst | undefined>(func.values.length).fill(undefined);
  const accessesOf: Inst[][] = [];
  let accessCount = 0;
  for (const block of func.blocks) {
    const accesses: Inst[] = [];
    for (const inst of block.insts) {
      if (inst.result >= 0) defs[inst.result] = inst;
      if (accessSize(inst) !== 0) accesses.push(inst);
    }
    accessesOf.push(accesses);
    accessCount += accesses.length;
  }
  /** address --> (base, c) when the address is `add.i64 base, c`, else (address, 0). */
  const split = (address: Value): { base: Value; offset: bigint } => {
    const def = defs[address];
    const c = def?.op === 'add.i64' ? constantOf(defs, def.args[1]!) : undefined;
    return c === undefined ? { base: address, offset: 0n } : { base: def!.args[0]!, offset: c };
  };

  const slotOfBase = new Map<Value, number>();
  const tagged = new Set<Inst>();
  // Accesses in dominating positions, by base; a block's additions are dropped when it is left.
  const dominating = new Map<Value, Access[]>();
  const visit = (b: BlockId): Value[] => {
    const added: Value[] = [];
    for (const inst of accessesOf[b]!) {
      const size = accessSize(inst);
      const { base, offset } = split(inst.args[0]!);
      const access: Access = { inst, base, start: offset, end: offset + BigInt(size) };
      const earlier = dominating.get(base) ?? [];
      // load [c, c+n) off base after an access [d, d+m) off base, span within 4 KiB --> both `page N`
      const partner = earlier.find((e) => maxOf(e.end, access.end) - minOf(e.start, access.start) <= PAGE_SIZE);
      if (partner && (slotOfBase.has(base) || slotOfBase.size <= MAX_PAGE_CACHE_SLOT)) {
        if (!slotOfBase.has(base)) slotOfBase.set(base, slotOfBase.size);
        tagged.add(partner.inst).add(inst);
      }
      if (!dominating.has(base)) dominating.set(base, []);
      dominating.get(base)!.push(access);
      added.push(base);
    }
    return added;
  };
  // A single access has no partner: only its old tag (if any) goes.
  if (accessCount > 1) {
    walkDominatorTree(new DominatorTree(func), visit, (_b, added) => {
      for (const base of added.reverse()) dominating.get(base)!.pop();
    });
  }

  let changed = false;
  for (const accesses of accessesOf) {
    for (const inst of accesses) {
      const slot = tagged.has(inst) ? slotOfBase.get(split(inst.args[0]!).base) : undefined;
      if (inst.imm === slot) continue;
      if (slot === undefined) delete inst.imm;
      else inst.imm = slot;
      changed = true;
    }
  }
  return changed;
}

const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const minOf = (a: bigint, b: bigint): bigint => (a < b ? a : b);
