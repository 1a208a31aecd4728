// Static resolution of indirect jumps: the constant a register holds inside a block (lui, auipc,
// addi, add and shifts of known values), and gcc's switch jump tables: a bound check
// (`li k, N; bltu k, idx, default` or `bgeu idx, k, default`) in the block falling into one that
// computes `base = auipc/lui + addi`, loads entry idx (lw: 4-byte entries relative to the base
// when the base is added after the load; ld: absolute 8-byte entries) and jumps to it.
// Used by AOT discovery (on the ELF) and by the JIT's region discovery (on guest memory as it is:
// a table rewritten later costs only speed, as the lifted code compares the loaded target).
// Invariant: a target is reported only if it lies in executable memory and is 2-aligned; an
// unknown bound reads entries only while they stay valid and inside the enclosing function.
import { MASK64 } from '@ferry/util';
import type { GuestBlock, GuestInsn } from './region.js';

/** What resolving a table reads: data words (undefined where unreadable) and which pcs are code. */
export interface CodeImage {
  readData(address: bigint, size: 4 | 8): bigint | undefined;
  isExecutable(pc: bigint): boolean;
  /** Register values assumed where analysis starts (the JIT passes the live ones at a region's
   *  entry, which hold a loop's table base set up before the loop). Only a guess: the lifted code
   *  compares the target it loads, so a wrong table costs speed, never correctness. */
  registers?: ReadonlyMap<number, bigint>;
}

const sext32 = (v: bigint): bigint => BigInt.asIntN(32, v) & MASK64;
/** Entries read from a table whose bound was not recognised, at most. */
const UNBOUNDED_TABLE_LIMIT = 512;

/** Register values known to be constant after running insns[0..upTo) from `initial`. */
export function knownRegisters(insns: readonly GuestInsn[], upTo = insns.length, initial = new Map<number, bigint>()): Map<number, bigint> {
  const known = new Map(initial);
  known.set(0, 0n);
  for (const insn of insns.slice(0, upTo)) {
    const d = insn.decoded;
    if (!d) break;
    const imm = BigInt(d.imm) & MASK64;
    const a = known.get(d.rs1);
    const b = known.get(d.rs2);
    let value: bigint | undefined;
    switch (d.base) {
      case 'lui': value = imm; break;
      case 'auipc': value = (insn.pc + imm) & MASK64; break;
      case 'addi': value = a === undefined ? undefined : (a + imm) & MASK64; break;
      case 'addiw': value = a === undefined ? undefined : sext32(a + imm); break;
      case 'add': value = a === undefined || b === undefined ? undefined : (a + b) & MASK64; break;
      case 'slli': value = a === undefined ? undefined : (a << (imm & 63n)) & MASK64; break;
      default: value = undefined;
    }
    if (!('rd' in d.row.fields) || d.row.flags.store || d.rd === 0) continue;
    // An FP row's rd may name an f register: forgetting the x register too is merely cautious.
    if (d.row.flags.fp) value = undefined;
    if (value === undefined) known.delete(d.rd);
    else known.set(d.rd, value);
  }
  return known;
}

/** The target of a block's final jalr when its base register is a known constant (call/tail
 *  through auipc + jalr). */
export function constantJalrTarget(block: GuestBlock): bigint | undefined {
  const last = block.insns[block.insns.length - 1]!;
  if (last.decoded?.base !== 'jalr') return undefined;
  const base = knownRegisters(block.insns, block.insns.length - 1).get(last.decoded.rs1);
  return base === undefined || last.decoded.rs1 === 0 ? undefined : (base + BigInt(last.decoded.imm)) & ~1n & MASK64;
}

/** The index of the last instruction before `before` that writes register r, or -1. */
function lastWriter(insns: readonly GuestInsn[], r: number, before: number): number {
  for (let i = before - 1; i >= 0; i--) {
    const d = insns[i]!.decoded;
    if (d && 'rd' in d.row.fields && !d.row.flags.store && !d.row.flags.fp && d.rd === r) return i;
  }
  return -1;
}

/** Number of table entries the bound check in the fall-through predecessor allows, if found. */
function tableBound(predecessor: GuestBlock | undefined): number | undefined {
  if (!predecessor) return undefined;
  const last = predecessor.insns[predecessor.insns.length - 1]!;
  const d = last.decoded;
  if (!d) return undefined;
  const known = knownRegisters(predecessor.insns, predecessor.insns.length - 1);
  // bltu k, idx, default: idx > k leaves, so idx in [0, k].
  if (d.base === 'bltu' && known.has(d.rs1) && !known.has(d.rs2)) return Number(known.get(d.rs1)!) + 1;
  // bgeu idx, k, default: idx in [0, k).
  if (d.base === 'bgeu' && known.has(d.rs2) && !known.has(d.rs1)) return Number(known.get(d.rs2)!);
  return undefined;
}

export interface JumpTable {
  /** Address of the jr. */
  jumpPc: bigint;
  table: bigint;
  entrySize: 4 | 8;
  targets: bigint[];
  bounded: boolean;
}

/** Recognises a jump table behind the block's final `jr`; `predecessor` is the block that
 *  falls through into it (holding the bound check), `within` the enclosing function's extent. */
export function resolveJumpTable(
  image: CodeImage, block: GuestBlock, predecessor: GuestBlock | undefined, within: { start: bigint; end: bigint } | undefined,
): JumpTable | undefined {
  const insns = block.insns;
  const jumpAt = insns.length - 1;
  const jr = insns[jumpAt]!.decoded;
  // A switch jumps through `jr r` (no link, no offset) with r other than ra, which is a return.
  if (!jr || jr.base !== 'jalr' || jr.rd !== 0 || jr.imm !== 0 || jr.rs1 === 1) return undefined;
  const assumed = new Map(image.registers ?? []);
  const initial = predecessor ? knownRegisters(predecessor.insns, predecessor.insns.length - 1, assumed) : assumed;
  // jr r: r = load(...) [+ base]
  let at = lastWriter(insns, jr.rs1, jumpAt);
  if (at < 0) return undefined;
  let relativeTo: bigint | undefined;
  let def = insns[at]!.decoded!;
  if (def.base === 'add') {
    const known = knownRegisters(insns, at, initial);
    const [constant, loaded] = known.has(def.rs2) ? [def.rs2, def.rs1] : known.has(def.rs1) ? [def.rs1, def.rs2] : [-1, -1];
    if (constant < 0) return undefined;
    relativeTo = known.get(constant)!;
    at = lastWriter(insns, loaded, at);
    if (at < 0) return undefined;
    def = insns[at]!.decoded!;
  }
  const entrySize = def.base === 'lw' || def.base === 'lwu' ? 4 : def.base === 'ld' ? 8 : undefined;
  if (!entrySize) return undefined;
  // The load's address register: index * size + table.
  const addressAt = lastWriter(insns, def.rs1, at);
  if (addressAt < 0) return undefined;
  const address = insns[addressAt]!.decoded!;
  if (address.base !== 'add') return undefined;
  const known = knownRegisters(insns, addressAt, initial);
  const tableBase = known.get(address.rs2) ?? known.get(address.rs1);
  if (tableBase === undefined) return undefined;
  const table = (tableBase + BigInt(def.imm)) & MASK64;
  const bound = tableBound(predecessor);
  const limit = bound ?? UNBOUNDED_TABLE_LIMIT;
  const targets: bigint[] = [];
  for (let i = 0; i < limit; i++) {
    const raw = image.readData(table + BigInt(i * entrySize), entrySize);
    if (raw === undefined) break;
    const value = entrySize === 4 ? BigInt.asIntN(32, raw) : raw;
    const target = ((relativeTo ?? 0n) + value) & MASK64;
    const valid = image.isExecutable(target) && target % 2n === 0n && (bound !== undefined || !within || (target >= within.start && target < within.end));
    if (!valid) {
      if (bound === undefined) break;
      continue;
    }
    targets.push(target);
  }
  if (!targets.length) return undefined;
  return { jumpPc: insns[jumpAt]!.pc, table, entrySize, targets, bounded: bound !== undefined };
}
