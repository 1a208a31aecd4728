// Static code discovery for AOT compilation: recursive descent from the entry point, function
// symbols, code pointers stored in data (init/fini arrays, function pointers, vtables) and the
// pcs a profile saw, through direct branches, calls, constant auipc+jalr targets and gcc switch
// jump tables. The result is the set of *leaders*: pcs that may be entered from outside any
// region (function entries, return points after calls and ecalls, jump-table targets) and so
// each need their own translation entry. Invariant: every leader is a 2-aligned pc inside an
// executable segment whose first instruction fetches; reasons record why it was added.
import { constantJalrTarget, discoverBlock, resolveJumpTable, type GuestBlock } from '@ferry/lift-riscv';
import type { GuestFunctionSymbol, GuestImage } from './guest-image.js';

export type LeaderReason = 'entry' | 'symbol' | 'data' | 'init-array' | 'call' | 'return' | 'after-exit' | 'jump-table' | 'profile' | 'split' | 'join' | 'resume';

export interface Discovery {
  leaders: Map<bigint, LeaderReason>;
  /** Every block explored, by start pc. */
  blocks: Map<bigint, GuestBlock>;
  /** Function entries (symbols, call targets, entry, data pointers). */
  functions: Set<bigint>;
  jumpTables: { found: number; targets: number; unbounded: number };
  /** The targets of each resolved jump table, by the pc of the jump through it. */
  tableTargets: Map<bigint, readonly bigint[]>;
}

const INIT_ARRAYS = new Set(['.init_array', '.fini_array', '.preinit_array']);

export function discoverCode(image: GuestImage, profilePcs: Iterable<bigint> = []): Discovery {
  const leaders = new Map<bigint, LeaderReason>();
  const blocks = new Map<bigint, GuestBlock>();
  const blockByEnd = new Map<bigint, GuestBlock>();
  const functions = new Set<bigint>();
  const jumpTables = { found: 0, targets: 0, unbounded: 0 };
  const tableTargets = new Map<bigint, readonly bigint[]>();
  const symbols = image.functionSymbols();
  const queue: bigint[] = [];
  const pendingJumps: GuestBlock[] = [];

  const explore = (pc: bigint): void => {
    if (!blocks.has(pc) && image.isExecutable(pc) && pc % 2n === 0n) queue.push(pc);
  };
  const lead = (pc: bigint, reason: LeaderReason): void => {
    if (!image.isExecutable(pc) || pc % 2n !== 0n || image.fetch(pc) === undefined) return;
    if (!leaders.has(pc)) leaders.set(pc, reason);
    if (reason === 'entry' || reason === 'symbol' || reason === 'call' || reason === 'data' || reason === 'init-array') functions.add(pc);
    explore(pc);
  };

  lead(image.entry, 'entry');
  for (const s of symbols) lead(s.pc, 'symbol');
  for (const { pc, reason } of codePointersInData(image, symbols)) lead(pc, reason);
  for (const pc of profilePcs) lead(pc, 'profile');

  for (;;) {
    while (queue.length) {
      const pc = queue.pop()!;
      if (blocks.has(pc)) continue;
      const block = discoverBlock(image.fetch, pc);
      if (!block) continue;
      blocks.set(pc, block);
      if (!blockByEnd.has(block.end)) blockByEnd.set(block.end, block);
      const last = block.insns[block.insns.length - 1]!;
      const d = last.decoded;
      if (!d) continue;
      if (!d.row.flags.endsBlock) {
        explore(block.end);
        continue;
      }
      switch (d.base) {
        case 'beq': case 'bne': case 'blt': case 'bge': case 'bltu': case 'bgeu':
          explore(last.pc + BigInt(d.imm));
          explore(block.end);
          break;
        case 'jal':
          if (d.rd !== 0) (lead(last.pc + BigInt(d.imm), 'call'), lead(block.end, 'return'));
          else explore(last.pc + BigInt(d.imm));
          break;
        case 'jalr': {
          const target = constantJalrTarget(block);
          if (d.rd !== 0) {
            lead(block.end, 'return');
            if (target !== undefined) lead(target, 'call');
          } else if (target !== undefined) {
            lead(target, 'call'); // a tail call through auipc + jr
          } else {
            pendingJumps.push(block); // perhaps a switch (resolveJumpTable passes over returns)
          }
          break;
        }
        case 'ecall':
        case 'fence.i':
          lead(block.end, 'after-exit');
          break;
        default:
          break;
      }
    }
    if (!pendingJumps.length) break;
    // Jump tables last: by now the blocks holding their bound checks have been explored.
    for (const block of pendingJumps.splice(0)) {
      const fn = enclosingFunction(symbols, block.pc);
      const table = resolveJumpTable(image, block, blockByEnd.get(block.pc), fn && { start: fn.pc, end: fn.pc + BigInt(Math.max(fn.size, 1)) });
      if (!table) continue;
      jumpTables.found++;
      jumpTables.targets += table.targets.length;
      if (!table.bounded) jumpTables.unbounded++;
      for (const t of table.targets) lead(t, 'jump-table');
      tableTargets.set(block.insns[block.insns.length - 1]!.pc, table.targets.filter((t) => leaders.has(t)));
    }
  }
  return { leaders, blocks, functions, jumpTables, tableTargets };
}

/** Code addresses stored in data: every entry of init/fini arrays, and aligned 64-bit words in
 *  other data that hold a function symbol's address (any executable address when the file has
 *  no function symbols). */
function codePointersInData(image: GuestImage, symbols: GuestFunctionSymbol[]): { pc: bigint; reason: LeaderReason }[] {
  const starts = new Set(symbols.map((s) => s.pc));
  const found: { pc: bigint; reason: LeaderReason }[] = [];
  for (const section of image.dataSections()) {
    const initArray = INIT_ARRAYS.has(section.name);
    for (let at = (section.start + 7n) & ~7n; at + 8n <= section.end; at += 8n) {
      const value = image.readData(at, 8);
      if (value === undefined || !image.isExecutable(value)) continue;
      if (initArray || starts.has(value) || starts.size === 0) found.push({ pc: value, reason: initArray ? 'init-array' : 'data' });
    }
  }
  return found;
}

function enclosingFunction(symbols: GuestFunctionSymbol[], pc: bigint): GuestFunctionSymbol | undefined {
  let lo = 0;
  let hi = symbols.length - 1;
  let best: GuestFunctionSymbol | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid]!.pc <= pc) (best = symbols[mid], (lo = mid + 1));
    else hi = mid - 1;
  }
  return best && pc < best.pc + BigInt(Math.max(best.size, 1)) ? best : undefined;
}
