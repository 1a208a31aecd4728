// Comparing the guest state of two machines: registers, pc, fcsr and retired count (cheap, at every
// boundary), and guest memory (every backed page; a page backed on one side only compares as zeros).
// Invariant: differences are listed in a fixed order (x1..x31, f0..f31, fflags, frm, pc, instret,
// then memory by address), so reports are deterministic.
import { GUEST_PAGE_SIZE, shadowHost } from '@ferry/abi';
import type { Machine } from '@ferry/runtime';

export type Location =
  | { kind: 'x' | 'f'; index: number }
  | { kind: 'fflags' | 'frm' | 'pc' | 'instret' }
  | { kind: 'memory'; address: number };

export interface Difference {
  where: Location;
  /** Value on the reference (interpreter) side and on the checked side. */
  reference: bigint;
  checked: bigint;
}

export function compareRegisters(reference: Machine, checked: Machine): Difference[] {
  const r = reference.state;
  const c = checked.state;
  const out: Difference[] = [];
  const add = (where: Location, a: bigint, b: bigint) => void (a !== b && out.push({ where, reference: a, checked: b }));
  for (let i = 1; i < 32; i++) add({ kind: 'x', index: i }, r.x(i), c.x(i));
  for (let i = 0; i < 32; i++) add({ kind: 'f', index: i }, r.f(i), c.f(i));
  add({ kind: 'fflags' }, BigInt(r.fflags), BigInt(c.fflags));
  add({ kind: 'frm' }, BigInt(r.frm), BigInt(c.frm));
  add({ kind: 'pc' }, r.pc, c.pc);
  add({ kind: 'instret' }, r.instret, c.instret);
  return out;
}

/** Guest pages with a host page behind them, ascending. */
function backedPages(machine: Machine): Map<number, number> {
  const table = machine.memory.shadowTable;
  const pages = new Map<number, number>();
  for (let p = 0; p < table.length; p++) {
    const entry = table[p]!;
    if (entry !== 0) pages.set(p, shadowHost(p, entry));
  }
  return pages;
}

const ZERO_PAGE = new Uint8Array(GUEST_PAGE_SIZE);

/** Differing memory bytes (at most `limit`, lowest addresses first). */
export function compareMemory(reference: Machine, checked: Machine, limit = 8): Difference[] {
  const a = backedPages(reference);
  const b = backedPages(checked);
  const pages = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  const bytesA = reference.memory.bytes;
  const bytesB = checked.memory.bytes;
  const out: Difference[] = [];
  for (const page of pages) {
    const hostA = a.get(page);
    const hostB = b.get(page);
    const viewA = hostA === undefined ? ZERO_PAGE : bytesA.subarray(hostA, hostA + GUEST_PAGE_SIZE);
    const viewB = hostB === undefined ? ZERO_PAGE : bytesB.subarray(hostB, hostB + GUEST_PAGE_SIZE);
    if (Buffer.compare(viewA, viewB) === 0) continue;
    for (let i = 0; i < GUEST_PAGE_SIZE && out.length < limit; i++) {
      if (viewA[i] !== viewB[i]) out.push({ where: { kind: 'memory', address: page * GUEST_PAGE_SIZE + i }, reference: BigInt(viewA[i]!), checked: BigInt(viewB[i]!) });
    }
    if (out.length >= limit) break;
  }
  return out;
}

/** Makes `to`'s guest memory equal `from`'s where they differ (whole pages); returns the pages
 *  copied. The checker uses it after a system call, whose results may differ between machines
 *  (times, the kinds of the standard streams). */
export function adoptMemory(from: Machine, to: Machine): number {
  const a = backedPages(from);
  const b = backedPages(to);
  let copied = 0;
  for (const [page, host] of a) {
    const source = from.memory.bytes.subarray(host, host + GUEST_PAGE_SIZE);
    const other = b.get(page);
    const target = other === undefined ? ZERO_PAGE : to.memory.bytes.subarray(other, other + GUEST_PAGE_SIZE);
    if (Buffer.compare(source, target) === 0) continue;
    to.memory.writeBytes(page * GUEST_PAGE_SIZE, Uint8Array.from(source), true);
    copied++;
  }
  return copied;
}

/** Makes `to`'s integer registers equal `from`'s (a system call's results); returns how many changed. */
export function adoptRegisters(from: Machine, to: Machine): number {
  let changed = 0;
  for (let i = 1; i < 32; i++) {
    if (from.state.x(i) !== to.state.x(i)) (to.state.setX(i, from.state.x(i)), changed++);
  }
  return changed;
}
