// Guest memory access through the shadow table, inline:
//   entry = table[i32(address) >> 12]; fast when the entry has the access's *_OK bit, the address is below
//   2^GUEST_VA_BITS and aligned to the access's size; then host = i32(address) + (entry & ~0xfff)
//   (the entry holds the page's addend, abi shadow.ts).
// Otherwise the slow-path helper performs the access (or raises the guest fault, naming the pc).
// An access naming a page-cache slot (IR `page N`) first tries the slot's cached entry: same page
// as the cached address and flags that allow this access skip the table load; a fast access
// refreshes the cache. Exact: entries only gain permissions while a function runs.
import {
  GUEST_PAGE_MASK, GUEST_PAGE_SHIFT, GUEST_VA_BITS, LOAD_CHECK, SHADOW_HOST_MASK, SHADOW_TABLE, STORE_CHECK,
} from '@ferry/abi';
import { guestAccessOf } from '@ferry/ir';
import type { ExpressionBuilder, ExpressionRef, ModuleBuilder, TypeRef, ValueTypes } from './builder.js';

export type LoadKind = 'u8' | 's8' | 'u16' | 's16' | 'u32' | 's32' | '64';
const LOAD_KINDS: readonly LoadKind[] = ['u8', 's8', 'u16', 's16', 'u32', 's32', '64'];
/** Bytes per load kind, from ir's op table (looked up once, not per emitted load). */
const LOAD_BYTES = new Map(LOAD_KINDS.map((kind) => [kind, guestAccessOf(`load.${kind}`)!.bytes]));
const loadSize = (kind: LoadKind): number => LOAD_BYTES.get(kind)!;

interface Scratch {
  /** i64 local holding the guest address. */
  address: number;
  /** i32 local holding the shadow entry. */
  entry: number;
}

/** Hints an `if` or `br_if` as rarely taken where the builder can say so (the wasm writer's
 *  branch-hint section; binaryen.js has no API for it). */
export function unlikely(m: ExpressionBuilder, branch: ExpressionRef): ExpressionRef {
  const hinting = m as ExpressionBuilder & { unlikely?: (e: ExpressionRef) => ExpressionRef };
  return hinting.unlikely ? hinting.unlikely(branch) : branch;
}

/** The locals of one page-cache slot: the guest address and shadow entry of the last fast access.
 *  Both start at 0, and entry 0 allows nothing, so a fresh cache never hits. */
export interface PageCache {
  address: number;
  entry: number;
}

/** needsSlowPath, trying the cache first: a hit copies the cached entry to scratch.entry. */
function needsSlowPathCached(
  m: ExpressionBuilder, types: ValueTypes, s: Scratch, cache: PageCache, size: number, check: number,
): ExpressionRef {
  const addr = () => m.local.get(s.address, types.i64);
  const cached = () => m.local.get(cache.entry, types.i32);
  const samePage = m.i64.eqz(m.i64.shr_u(m.i64.xor(addr(), m.local.get(cache.address, types.i64)), m.i64.const(BigInt(GUEST_PAGE_SHIFT))));
  let hit = m.i32.and(samePage, m.i32.ne(m.i32.and(cached(), m.i32.const(check)), m.i32.const(0)));
  if (size > 1) hit = m.i32.and(hit, m.i32.eqz(m.i32.and(m.i32.wrap(addr()), m.i32.const(size - 1))));
  return m.if(hit, m.block(null, [m.local.set(s.entry, cached()), m.i32.const(0)], types.i32), needsSlowPath(m, types, s, size, check));
}

/** The fast access followed, with a cache, by the cache refresh (a load's value passes through scratch.value). */
function fastWithRefresh(
  m: ExpressionBuilder, types: ValueTypes, s: Scratch & { value: number }, cache: PageCache | undefined, fast: ExpressionRef, isLoad: boolean,
): ExpressionRef {
  if (!cache) return fast;
  const refresh = [m.local.set(cache.address, m.local.get(s.address, types.i64)), m.local.set(cache.entry, m.local.get(s.entry, types.i32))];
  if (!isLoad) return m.block(null, [fast, ...refresh]);
  return m.block(null, [m.local.set(s.value, fast), ...refresh, m.local.get(s.value, types.i64)], types.i64);
}

/** Per expression builder (one per module), how many fastOrSlow label pairs it has: labels
 *  are unique in the module and the same from one build to the next. */
const accessLabels = new WeakMap<ExpressionBuilder, number>();
/** The label pair of the n-th access, made once (every module reuses the same names). */
const ACCESS_LABELS: [string, string][] = [];

/** `setup`, then a branch to `slow` per condition in `slowWhen` (each hinted unlikely), then
 *  `fast`: V8 turns each test into a compare and a jump instead of materializing and or-ing
 *  booleans, and lays the slow path out of line.
 *    (block $ok (block $slow setup; br_if $slow c1; br_if $slow c2 …; br $ok fast) slow) */
function fastOrSlow(
  m: ExpressionBuilder, types: ValueTypes, setup: readonly ExpressionRef[], slowWhen: readonly ExpressionRef[],
  fast: ExpressionRef, slow: ExpressionRef, result: TypeRef,
): ExpressionRef {
  const n = accessLabels.get(m) ?? 0;
  accessLabels.set(m, n + 1);
  const [ok, toSlow] = (ACCESS_LABELS[n] ??= [`mem${n}ok`, `mem${n}slow`]);
  const tests = m.block(toSlow, [
    ...setup,
    ...slowWhen.map((c) => unlikely(m, m.br(toSlow, c))),
    result === types.none ? m.block(null, [fast, m.br(ok)]) : m.br(ok, undefined, fast),
  ], types.none);
  return m.block(ok, [tests, slow], result);
}

/** The table lookup, then the flag test and the reach-and-alignment test, then the fast access
 *  (scratch.address holds the guest address; sets scratch.entry). */
function checkedAccess(
  m: ExpressionBuilder, types: ValueTypes, s: Scratch, size: number, check: number,
  fast: ExpressionRef, slow: ExpressionRef, result: TypeRef,
): ExpressionRef {
  const tests = [flagsWrong(m, types, s, check), misalignedOrOutOfReach(m, m.local.get(s.address, types.i64), size)];
  return fastOrSlow(m, types, [loadEntry(m, types, s)], tests, fast, slow, result);
}

/** i32 condition: 1 when the access must take the slow path. Sets scratch.entry. */
function needsSlowPath(m: ExpressionBuilder, types: ValueTypes, s: Scratch, size: number, check: number): ExpressionRef {
  const bad = m.i32.or(flagsWrong(m, types, s, check), misalignedOrOutOfReach(m, m.local.get(s.address, types.i64), size));
  return m.block(null, [loadEntry(m, types, s), bad], types.i32);
}

/** scratch.entry = the shadow entry of scratch.address's page. */
function loadEntry(m: ExpressionBuilder, types: ValueTypes, s: Scratch): ExpressionRef {
  return m.local.set(s.entry, m.i32.load(SHADOW_TABLE, 4, shadowIndex(m, m.i32.wrap(m.local.get(s.address, types.i64)))));
}

/** i32, non-zero when scratch.entry lacks the access's *_OK bit: one `test` for V8. */
function flagsWrong(m: ExpressionBuilder, types: ValueTypes, s: Scratch, check: number): ExpressionRef {
  return m.i32.eqz(m.i32.and(m.local.get(s.entry, types.i32), m.i32.const(check)));
}

/** The address bits at and above GUEST_VA_BITS, as a signed i64 constant. */
const BEYOND_REACH = BigInt.asIntN(64, -(1n << BigInt(GUEST_VA_BITS)));

/** i64 condition: non-zero when a `size`-byte access at a 64-bit guest address is at or above
 *  2^GUEST_VA_BITS or not aligned to its size. With GUEST_VA_BITS = 31 the mask is a sign-extended
 *  32-bit immediate, so V8 makes it one `test` and a jump (the test it replaced, page crossing,
 *  took a 64-bit constant, an and, a compare and a jump). An aligned access never crosses its
 *  page; a misaligned one takes the slow path, which gcc's RV64 code (strict alignment) rarely
 *  asks for. */
export function misalignedOrOutOfReach(m: ExpressionBuilder, address: ExpressionRef, size: number): ExpressionRef {
  // A byte is always aligned: an unsigned compare (V8 would load the mask -2^31 into a register
  // for a test, where the compare takes 2^31 - 1 as an immediate).
  if (size === 1) return m.i64.gt_u(address, m.i64.const(-BEYOND_REACH - 1n));
  return m.i64.ne(m.i64.and(address, m.i64.const(BEYOND_REACH | BigInt(size - 1))), m.i64.const(0n));
}

/** i32 condition: 1 when a `size`-byte access at a 64-bit guest address is at or above
 *  2^GUEST_VA_BITS or crosses its page (for instruction fetch, where 2-byte alignment is the
 *  rule): one mask and one compare, as any address bit at or above GUEST_VA_BITS makes the
 *  masked value exceed every in-page offset. */
export function outOfReachOrCrossing(m: ExpressionBuilder, address: ExpressionRef, size: number): ExpressionRef {
  return m.i64.gt_u(m.i64.and(address, m.i64.const(BEYOND_REACH | BigInt(GUEST_PAGE_MASK))), m.i64.const(BigInt(GUEST_PAGE_MASK + 1 - size)));
}

/** Byte offset of the shadow entry of the page holding the low 32 bits of a guest address, from
 *  SHADOW_TABLE. Unmasked: the table spans all 2^20 such pages (abi SHADOW_TABLE_SIZE), those at
 *  or above 2^GUEST_VA_BITS with entry 0. */
export function shadowIndex(m: ExpressionBuilder, address32: ExpressionRef): ExpressionRef {
  return m.i32.shl(m.i32.shr_u(address32, m.i32.const(GUEST_PAGE_SHIFT)), m.i32.const(2));
}

/** The host address of a guest address, from its page's entry: one add of the addend. */
export function shadowHostAddress(m: ExpressionBuilder, address32: ExpressionRef, entry: ExpressionRef): ExpressionRef {
  return m.i32.add(address32, m.i32.and(entry, m.i32.const(SHADOW_HOST_MASK)));
}

function hostAddress(m: ExpressionBuilder, types: ValueTypes, s: Scratch): ExpressionRef {
  return shadowHostAddress(m, m.i32.wrap(m.local.get(s.address, types.i64)), m.local.get(s.entry, types.i32));
}

/** The fast load of `kind` at `offset` from an i32 host address. */
function fastLoad(m: ExpressionBuilder, kind: LoadKind, offset: number, host: ExpressionRef): ExpressionRef {
  switch (kind) {
    case 'u8': return m.i64.load8_u(offset, 1, host);
    case 's8': return m.i64.load8_s(offset, 1, host);
    case 'u16': return m.i64.load16_u(offset, 1, host);
    case 's16': return m.i64.load16_s(offset, 1, host);
    case 'u32': return m.i64.load32_u(offset, 1, host);
    case 's32': return m.i64.load32_s(offset, 1, host);
    case '64': return m.i64.load(offset, 1, host);
  }
}

/** The fast store of `width` bits of `value` at `offset` from an i32 host address. */
function fastStore(m: ExpressionBuilder, width: 8 | 16 | 32 | 64, offset: number, host: ExpressionRef, value: ExpressionRef): ExpressionRef {
  switch (width) {
    case 8: return m.i64.store8(offset, 1, host, value);
    case 16: return m.i64.store16(offset, 1, host, value);
    case 32: return m.i64.store32(offset, 1, host, value);
    case 64: return m.i64.store(offset, 1, host, value);
  }
}

export function emitLoad(
  mb: ModuleBuilder, s: Scratch & { value: number }, kind: LoadKind, address: ExpressionRef, pc: ExpressionRef, cache?: PageCache,
): ExpressionRef {
  const { m, types } = mb;
  const size = loadSize(kind);
  const fast = fastLoad(m, kind, 0, hostAddress(m, types, s));
  let slow = m.call(mb.helper('load_slow'), [m.local.get(s.address, types.i64), m.i32.const(size), pc], types.i64);
  if (kind === 's8') slow = m.i64.extend8_s(slow);
  if (kind === 's16') slow = m.i64.extend16_s(slow);
  if (kind === 's32') slow = m.i64.extend32_s(slow);
  if (!cache) return m.block(null, [m.local.set(s.address, address), checkedAccess(m, types, s, size, LOAD_CHECK, fast, slow, types.i64)], types.i64);
  const bad = needsSlowPathCached(m, types, s, cache, size, LOAD_CHECK);
  return m.block(null, [m.local.set(s.address, address), unlikely(m, m.if(bad, slow, fastWithRefresh(m, types, s, cache, fast, true)))], types.i64);
}

/** The store's fast path and slow path, given the address in scratch.address and the value in
 *  scratch.value. */
function storeParts(
  mb: ModuleBuilder, s: Scratch & { value: number }, width: 8 | 16 | 32 | 64, pc: ExpressionRef, afterSlow: (() => ExpressionRef | undefined) | undefined,
): { fast: ExpressionRef; slow: ExpressionRef } {
  const { m, types } = mb;
  const v = () => m.local.get(s.value, types.i64);
  const fast = fastStore(m, width, 0, hostAddress(m, types, s), v());
  const call = m.call(mb.helper('store_slow'), [m.local.get(s.address, types.i64), m.i32.const(width / 8), v(), pc], types.none);
  const reload = afterSlow?.();
  return { fast, slow: reload === undefined ? call : m.block(null, [call, reload]) };
}

export function emitStore(
  mb: ModuleBuilder, s: Scratch & { value: number }, width: 8 | 16 | 32 | 64, address: ExpressionRef, value: ExpressionRef, pc: ExpressionRef,
  cache?: PageCache,
  /** Code to run right after the slow-path helper (the JIT reloads codeModified there). */
  afterSlow?: () => ExpressionRef | undefined,
): ExpressionRef {
  const { m, types } = mb;
  const size = width / 8;
  const { fast, slow } = storeParts(mb, s, width, pc, afterSlow);
  const operands = [m.local.set(s.address, address), m.local.set(s.value, value)];
  if (!cache) return m.block(null, [...operands, checkedAccess(m, types, s, size, STORE_CHECK, fast, slow, types.none)]);
  return m.block(null, [
    ...operands,
    unlikely(m, m.if(needsSlowPathCached(m, types, s, cache, size, STORE_CHECK), slow, fastWithRefresh(m, types, s, cache, fast, false))),
  ]);
}

/** A group's guard (access-groups.ts): sets local `host` (i32) to the host address of `first`
 *  when the `span` bytes from `first` lie below 2^GUEST_VA_BITS in one page whose entry has every
 *  bit of `check`; else to 0, which no guest page's host address is.
 *    host = 0; (block $no br_if $no reach-or-crossing; entry=…; br_if $no per missing bit;
 *               host = i32(first) + addend) */
export function emitGroupGuard(mb: ModuleBuilder, s: Scratch, host: number, first: ExpressionRef, span: number, check: number): ExpressionRef {
  const { m, types } = mb;
  const addr = () => m.local.get(s.address, types.i64);
  const no = mb.uniqueLabel('grp');
  const tests: ExpressionRef[] = [m.br(no, outOfReachOrCrossing(m, addr(), span))];
  tests.push(loadEntry(m, types, s));
  for (const bit of [LOAD_CHECK, STORE_CHECK]) if (check & bit) tests.push(m.br(no, flagsWrong(m, types, s, bit)));
  tests.push(m.local.set(host, hostAddress(m, types, s)));
  return m.block(null, [m.local.set(host, m.i32.const(0)), m.local.set(s.address, first), m.block(no, tests)]);
}

/** A group member: when the guard cleared the group (`host` non-zero), `fast`, the access at
 *  its offset from host; else `checked`, the member's own checked access. */
function groupMember(mb: ModuleBuilder, host: number, fast: ExpressionRef, checked: ExpressionRef, result: TypeRef): ExpressionRef {
  const { m, types } = mb;
  return fastOrSlow(m, types, [], [m.i32.eqz(m.local.get(host, types.i32))], fast, checked, result);
}

export function emitGroupedLoad(
  mb: ModuleBuilder, s: Scratch & { value: number }, kind: LoadKind, host: number, offset: number, address: ExpressionRef, pc: ExpressionRef,
): ExpressionRef {
  const { m, types } = mb;
  const fast = fastLoad(m, kind, offset, m.local.get(host, types.i32));
  return groupMember(mb, host, fast, emitLoad(mb, s, kind, address, pc), types.i64);
}

/** The value is evaluated once, before the test; `afterSlow` as for emitStore. */
export function emitGroupedStore(
  mb: ModuleBuilder, s: Scratch & { value: number }, width: 8 | 16 | 32 | 64, host: number, offset: number,
  address: ExpressionRef, value: ExpressionRef, pc: ExpressionRef, afterSlow?: () => ExpressionRef | undefined,
): ExpressionRef {
  const { m, types } = mb;
  const fast = fastStore(m, width, offset, m.local.get(host, types.i32), m.local.get(s.value, types.i64));
  const own = storeParts(mb, s, width, pc, afterSlow);
  const checked = m.block(null, [m.local.set(s.address, address), checkedAccess(m, types, s, width / 8, STORE_CHECK, own.fast, own.slow, types.none)]);
  return m.block(null, [m.local.set(s.value, value), groupMember(mb, host, fast, checked, types.none)]);
}
